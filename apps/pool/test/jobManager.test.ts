import { readFileSync } from 'node:fs';
import { bytesToHex, hashToHex, hexToHash, sha256d } from '@powcoin/core';
import type { NodeClient, Template } from '@powcoin/node-client';
import type { Job } from '../src/stratum/job.js';
import { JobManager } from '../src/stratum/jobManager.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/stratum-session.json', import.meta.url), 'utf8'),
) as { template: Template };

/** The fixture's template moved onto another parent (a new tip). */
function onNewTip(t: Template): Template {
  const prev = sha256d(new TextEncoder().encode('another tip'));
  return { ...t, prevHash: hashToHex(prev), prevHashInternal: bytesToHex(prev), height: t.height + 1 };
}

describe('job manager', () => {
  it('fetches again when a refresh is asked for during a fetch: a tip may have come meanwhile', async () => {
    const answers = [fixture.template, onNewTip(fixture.template)];
    const gates: Array<() => void> = [];
    let fetches = 0;
    const node = {
      template: async () => {
        const answer = answers[fetches++] as Template;
        await new Promise<void>((release) => gates.push(release));
        return answer;
      },
    } as unknown as NodeClient;
    const jobs = new JobManager(node, 'unused', 12, 5000);
    const published: Array<[Job, boolean]> = [];
    jobs.on('job', (job: Job, clean: boolean) => published.push([job, clean]));

    const first = jobs.refresh(); // a transaction arrived: fetch from the old tip
    const second = jobs.refresh(); // the new tip is announced while that fetch is out
    const third = jobs.refresh(); // and once more: still a single fetch after the first
    expect(fetches).toBe(1);
    gates.shift()?.();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(fetches).toBe(2);
    gates.shift()?.();
    await Promise.all([second, third]);
    expect(fetches).toBe(2);
    expect(published.map(([job, clean]) => [job.prevHashHex, clean])).toEqual([
      [fixture.template.prevHash, true],
      [onNewTip(fixture.template).prevHash, true],
    ]);
    expect(jobs.currentJob?.prevHash).toEqual(hexToHash(onNewTip(fixture.template).prevHash));
    jobs.close();
  });
});
