import { PassThrough } from 'node:stream';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, startPoolProcess, waitFor } from '@powcoin/testkit';
import type { MineOptions } from '../src/cli.js';
import { type RunningMiner, startMiner } from '../src/mine.js';
import type { PoolMode } from '../src/modes/poolMode.js';
import type { SoloMode } from '../src/modes/soloMode.js';

function keyOf(i: number): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, i + 1);
  return k;
}
const ADDRESS = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));

/** JSON events the miner printed. */
function capture(): { stream: PassThrough; events: Array<Record<string, any>> } {
  const stream = new PassThrough();
  const events: Array<Record<string, any>> = [];
  let buffer = '';
  stream.on('data', (d: Buffer) => {
    buffer += d.toString();
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      events.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf('\n');
    }
  });
  return { stream, events };
}

function options(mode: 'pool' | 'solo', port: number): MineOptions {
  return {
    mode,
    host: '127.0.0.1',
    port,
    address: ADDRESS,
    network: 'regtest',
    worker: 'rig1',
    threads: 1,
    engine: 'js',
    output: 'json',
    connectTimeoutMs: 10_000,
  };
}

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;

describe('pool mode against the real pool', () => {
  let node: Service;
  let pool: Service & { stratumPort: number };
  let miner: RunningMiner | undefined;

  beforeEach(async () => {
    node = await startNodeProcess();
    // regtest: every share at this difficulty is also a block, a few per second on one js thread
    pool = await startPoolProcess(node.url, {
      flags: ['--start-difficulty', '0.0001', '--template-refresh-ms', '200'],
    });
  });
  afterEach(async () => {
    await miner?.stop();
    miner = undefined;
    await pool.stop();
    await node.stop();
  });

  it('finds shares the pool accepts, and after a new tip its next share is for the new job', async () => {
    const out = capture();
    miner = await startMiner(options('pool', pool.stratumPort), out.stream);
    const mode = miner.mode as PoolMode;
    await waitFor(
      '3 accepted shares',
      () => miner?.status.counters.accepted !== undefined && miner.status.counters.accepted >= 3,
      30_000,
    );
    const stats = await json(`${pool.url}/api/miners`);
    expect(stats.miners[0]).toMatchObject({ address: ADDRESS, workers: ['rig1'] });
    expect(stats.miners[0].shares).toBeGreaterThanOrEqual(3);
    expect(out.events.some((e) => e.type === 'share' && e.accepted === true)).toBe(true);

    // every accepted share here is a block: the tip moves, and the next share must be for the newest job
    const before = mode.submittedJobs.length;
    const height = (await json(`${node.url}/status`)).height;
    await waitFor('a new tip', async () => (await json(`${node.url}/status`)).height > height, 30_000);
    // the miner's own handler (registered first) aborts the stale scan; note where its shares stood
    const { newJob, mark } = await new Promise<{ newJob: string; mark: number }>((resolve) => {
      const listener = (job: { jobId: string; cleanJobs: boolean }) => {
        if (job.cleanJobs) resolve({ newJob: job.jobId, mark: mode.submittedJobs.length });
      };
      (mode as unknown as { client: { on: (e: string, l: typeof listener) => void } }).client.on(
        'job',
        listener,
      );
    });
    await waitFor('a share after the new job', () => mode.submittedJobs.length > mark, 30_000);
    expect(mode.submittedJobs[mark]).toBe(newJob);
    expect(before).toBeLessThanOrEqual(mark);
    expect(miner.status.counters.rejected).toBe(0);
  }, 60_000);

  it('survives a pool restart and resumes', async () => {
    miner = await startMiner(options('pool', pool.stratumPort), capture().stream);
    await waitFor('an accepted share', () => (miner?.status.counters.accepted ?? 0) >= 1, 30_000);
    const port = pool.stratumPort;
    const dir = pool.dir;
    await pool.stop(true);
    await waitFor(
      'miner sees the pool gone',
      () => miner?.status.counters.connection === 'disconnected',
      10_000,
    );
    const acceptedBefore = miner.status.counters.accepted;
    pool = await startPoolProcess(node.url, { dir, port, flags: ['--start-difficulty', '0.0001'] });
    await waitFor('reconnected', () => miner?.status.counters.connection === 'connected', 30_000);
    await waitFor(
      'accepted shares again',
      () => (miner?.status.counters.accepted ?? 0) > acceptedBefore,
      30_000,
    );
  }, 90_000);
});

describe('solo mode against a regtest node', () => {
  let node: Service;
  let miner: RunningMiner | undefined;
  beforeEach(async () => {
    node = await startNodeProcess();
  });
  afterEach(async () => {
    await miner?.stop();
    miner = undefined;
    await node.stop();
  });

  it('finds blocks the node accepts, each on the tip of its time', async () => {
    const out = capture();
    miner = await startMiner(options('solo', Number(new URL(node.url).port)), out.stream);
    await waitFor('5 blocks', () => (miner?.status.counters.blocks ?? 0) >= 5, 30_000);
    const mode = miner.mode as SoloMode;
    const accepted = out.events.filter((e) => e.type === 'block' && e.node === 'accepted');
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    for (const b of accepted.slice(0, 5)) {
      const onChain = await json(`${node.url}/blocks/${b.hash}`);
      expect(onChain.txs[0].outputs[0].address).toBe(ADDRESS);
    }
    // after each found block the miner moves to the next height: no two accepted blocks at one height
    const heights = accepted.map((b) => b.height);
    expect(new Set(heights).size).toBe(heights.length);
    expect(mode.foundOnHeights.length).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
