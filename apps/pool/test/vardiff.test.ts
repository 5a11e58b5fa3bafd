import { createHash } from 'node:crypto';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { Vardiff } from '../src/stratum/vardiff.js';
import { startHardFakeNode } from './helpers/fakeNode.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { type Notify, StratumClient } from './helpers/stratumClient.js';

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

  it('raises a miner far faster than its difficulty early, by up to 64x', () => {
    const v = new Vardiff({ ...options, retargetSeconds: 20 }, 0);
    for (let i = 0; i < 15; i++) v.recordShare();
    expect(v.retarget(1, 500)).toBeUndefined(); // 15 shares: not yet enough evidence
    v.recordShare();
    expect(v.retarget(1, 500)).toBe(64); // 16 shares in 0.5 s at a 5 s target: 160x, capped
    // shares of a job sent before the raise count for what they prove at the new difficulty
    const x = new Vardiff({ ...options, retargetSeconds: 20 }, 0);
    for (let i = 0; i < 16; i++) x.recordShare();
    expect(x.retarget(1, 500)).toBe(64);
    for (let i = 0; i < 16; i++) x.recordShare(1 / 64); // old-job shares arriving late
    expect(x.retarget(64, 800)).toBeUndefined(); // a quarter of a share: no second raise
    // a miner only a little fast waits for the interval, as before
    const w = new Vardiff({ ...options, targetShareSeconds: 1, retargetSeconds: 30 }, 0);
    for (let i = 0; i < 16; i++) w.recordShare();
    expect(w.retarget(1, 10_000)).toBeUndefined(); // 1.6x too fast
    expect(w.retarget(1, 30_000)).toBeCloseTo(16 / 30, 10);
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
    const fake = await startHardFakeNode(); // network difficulty 1: room above the share difficulties
    const harness = await startPool(fake.url, { targetShareSeconds: '1', retargetSeconds: '0.5' });
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
      const fresh = c.findShare('any');
      expect((await c.submit(A, fresh)).result).toBe(true); // new job: weight 4
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(before + 1n + 4n);
    } finally {
      c.close();
      await harness.stop();
      await fake.stop();
    }
  });

  it('applies mining.suggest_difficulty at once: the re-sent job carries it, earlier jobs keep theirs', async () => {
    const fake = await startHardFakeNode();
    const harness = await startPool(fake.url);
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      const before = c.findShare(false); // on the first job, at 2^-32
      const lineCount = c.lines.length;
      expect((await c.call('mining.suggest_difficulty', [2 ** -30])).result).toBe(true);
      const notify = await c.waitFor((m) => m.method === 'mining.notify' && c.lines.indexOf(m) >= lineCount);
      const setDiff = c.lines
        .slice(lineCount, c.lines.indexOf(notify))
        .find((m) => m.method === 'mining.set_difficulty');
      expect(setDiff?.params[0]).toBe(2 ** -30);
      const round = harness.pool.store.currentRound();
      expect((await c.submit(A, before)).result).toBe(true);
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(1n);
      expect((await c.submit(A, c.findShare('any'))).result).toBe(true);
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(1n + 4n);
      expect((await c.call('mining.suggest_difficulty', ['high'])).error[0]).toBe(20);
    } finally {
      c.close();
      await harness.stop();
      await fake.stop();
    }
  });
});

describe('a job re-sent at another difficulty is other work', () => {
  const DIFF1 = 0xffffn << 208n;
  const targetOf = (difficulty: number) => (DIFF1 * 2n ** 64n) / BigInt(Math.round(difficulty * 2 ** 64));
  const hashValue = (header: Buffer) => {
    const hash = createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
    return BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('binds each difficulty to its own notify, so a hash cannot be filed under the best-paying one', async () => {
    // network difficulty 1: no share here is a block, so the job stays current throughout
    const fake = await startHardFakeNode();
    const harness = await startPool(fake.url, { targetShareSeconds: '1', retargetSeconds: '0.5' });
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      // shares arrive fast: vardiff raises the difficulty x4 three times, re-sending the same job
      for (let step = 0; step < 3; step++) {
        const notifies = c.lines.filter((m) => m.method === 'mining.notify').length;
        for (let i = 0; i < 3; i++) expect((await c.submit(A, c.findShare(false))).result).toBe(true);
        await sleep(600);
        expect((await c.submit(A, c.findShare(false))).result).toBe(true);
        await waitFor(
          'the job re-sent at the new difficulty',
          () => c.lines.filter((m) => m.method === 'mining.notify').length > notifies,
          5000,
        );
      }
      const levels: Array<Notify & { difficulty: number }> = [];
      let difficulty = 0;
      for (const m of c.lines) {
        if (m.method === 'mining.set_difficulty') difficulty = m.params[0];
        if (m.method === 'mining.notify') {
          const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] = m.params;
          levels.push({ jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean, difficulty });
        }
      }
      levels.sort((x, y) => x.difficulty - y.difficulty);
      expect(levels.length).toBeGreaterThanOrEqual(4);
      // one template, four difficulties, and as many different coinbases: each notify is its own work
      expect(new Set(levels.map((l) => l.coinb2 + l.ntime + l.prevhash)).size).toBe(1);
      expect(new Set(levels.map((l) => l.coinb1)).size).toBe(levels.length);

      // a cheater hashes the easiest notify and files each hash under the hardest one it meets
      const easiest = levels[0] as (typeof levels)[0];
      const round = harness.pool.store.currentRound();
      const before = harness.pool.store.roundWeights(round).get(A) ?? 0n;
      let fair = 0n;
      for (let i = 0; i < 400; i++) {
        const en2 = (0x40000000 + i).toString(16).padStart(8, '0');
        const value = hashValue(c.header(en2, 0, easiest));
        const met = levels.filter((l) => value <= targetOf(l.difficulty));
        if (met.length === 0) continue;
        fair += BigInt(Math.round(easiest.difficulty * 2 ** 32)); // what the hash is worth
        const best = met[met.length - 1] as (typeof met)[0];
        await c.call('mining.submit', [A, best.jobId, en2, easiest.ntime, '00000000']);
        await sleep(12); // under 100 messages per second
      }
      const credited = (harness.pool.store.roundWeights(round).get(A) ?? 0n) - before;
      // the pool rebuilt each share with the coinbase of the notify it names: a hash filed under a
      // harder notify is a new, random hash there, accepted only when it meets that target. Expected
      // credit equals the fair one (the fault this guards against gave 3.2 times); 1.5 is > 6 sigma.
      expect(Number(credited)).toBeLessThan(1.5 * Number(fair));
      expect(Number(credited)).toBeGreaterThan(0.5 * Number(fair));
    } finally {
      c.close();
      await harness.stop();
      await fake.stop();
    }
  }, 60_000);
});
