import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import { Vardiff } from '../src/stratum/vardiff.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const A = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));

describe('Vardiff rule', () => {
  const options = { targetShareSeconds: 5, retargetSeconds: 30, minDifficulty: 0.001, maxDifficulty: 1000 };

  it('moves toward one share per target interval, at most 4x per step, within bounds', () => {
    const v = new Vardiff(options, 0);
    for (let i = 0; i < 12; i++) v.recordShare(); // 12 shares in 30 s: one per 2.5 s
    expect(v.retarget(1, 30_000)).toBeCloseTo(2, 10);
    for (let i = 0; i < 1000; i++) v.recordShare();
    expect(v.retarget(2, 60_000)).toBe(8); // capped at 4x
    expect(v.retarget(8, 90_000)).toBe(2); // no shares: a quarter
    expect(v.retarget(0.002, 120_000)).toBe(0.001); // floor
  });

  it('waits for the retarget interval and ignores changes under 10%', () => {
    const v = new Vardiff(options, 0);
    v.recordShare();
    expect(v.retarget(1, 10_000)).toBeUndefined();
    for (let i = 0; i < 5; i++) v.recordShare();
    expect(v.retarget(1, 30_000)).toBeUndefined(); // 6 shares in 30 s = on target
  });
});

describe('vardiff on the wire', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('announces a new difficulty before the next job; shares keep the difficulty of their job', async () => {
    const harness = await startPool(node.url, { targetShareSeconds: '1', retargetSeconds: '0.5' });
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      const d0 = c.difficulty;
      const oldJob = c.job as NonNullable<typeof c.job>;
      const early = c.findShare(false); // found on the old job, submitted after the change
      for (let i = 0; i < 15; i++) expect((await c.submit(A, c.findShare(false))).result).toBe(true);
      await new Promise((r) => setTimeout(r, 600));
      const lineCount = c.lines.length;
      expect((await c.submit(A, c.findShare(false))).result).toBe(true);
      const notify = await c.waitFor((m) => m.method === 'mining.notify' && c.lines.indexOf(m) >= lineCount);
      const idx = c.lines.indexOf(notify);
      const setDiff = c.lines.slice(lineCount, idx).find((m) => m.method === 'mining.set_difficulty');
      expect(setDiff?.params[0]).toBe(d0 * 4);
      expect(notify.params[8]).toBe(false);
      expect(c.difficulty).toBe(d0 * 4);

      const round = harness.pool.store.currentRound();
      const before = harness.pool.store.roundWeights(round).get(A) ?? 0n;
      expect((await c.submit(A, early)).result).toBe(true); // old job: old difficulty
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(before + 1n);
      expect(early.jobId).toBe(oldJob.jobId);
      // at 4x (2^-30) every regtest share is also a block: fine, it is still weighed as a share of its job
      const fresh = c.findShare('any');
      expect((await c.submit(A, fresh)).result).toBe(true); // new job: weight 4
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(before + 1n + 4n);
    } finally {
      c.close();
      await harness.stop();
    }
  });

  it('applies mining.suggest_difficulty with the next job', async () => {
    const harness = await startPool(node.url);
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      expect((await c.call('mining.suggest_difficulty', [2 ** -30])).result).toBe(true);
      const lineCount = c.lines.length;
      // a block makes the next job
      await c.submit(A, c.findShare(true));
      const notify = await c.waitFor(
        (m) => m.method === 'mining.notify' && c.lines.indexOf(m) >= lineCount && m.params[8],
      );
      const setDiff = c.lines
        .slice(lineCount, c.lines.indexOf(notify))
        .find((m) => m.method === 'mining.set_difficulty');
      expect(setDiff?.params[0]).toBe(2 ** -30);
      expect((await c.call('mining.suggest_difficulty', ['high'])).error[0]).toBe(20);
    } finally {
      c.close();
      await harness.stop();
    }
  });
});
