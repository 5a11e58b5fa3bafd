import { addressFromHash, COIN, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const params = REGTEST;
const addressOf = (i: number) => addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(i))));
const A = addressOf(1);
const B = addressOf(2);
const C = addressOf(3);

let node: Service;
beforeEach(async () => {
  node = await startNodeProcess();
});
afterEach(async () => {
  await node.stop();
});

async function nodeJson(path: string): Promise<any> {
  return (await fetch(`${node.url}${path}`)).json();
}

async function minerFor(port: number, address: string): Promise<StratumClient> {
  const c = await StratumClient.connect(port);
  await c.subscribe();
  await c.call('mining.authorize', [address, 'x']);
  await c.waitFor((m) => m.method === 'mining.notify');
  return c;
}

/** Waits until the client holds a job built on the node's current tip. */
async function onTip(c: StratumClient): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await nodeJson('/status');
    const prev = Buffer.from(c.job?.prevhash ?? '', 'hex');
    for (let i = 0; i < 32; i += 4) prev.writeUInt32LE(prev.readUInt32BE(i), i);
    if (Buffer.from(prev).reverse().toString('hex') === status.tipHash) return;
    if (Date.now() > deadline) throw new Error('miner never got work on the tip');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function shares(c: StratumClient, address: string, count: number): Promise<void> {
  await onTip(c);
  for (let i = 0; i < count; i++) expect((await c.submit(address, c.findShare(false))).result).toBe(true);
}

async function block(c: StratumClient, address: string): Promise<string> {
  await onTip(c);
  const before = (await nodeJson('/status')).height;
  const s = c.findShare(true);
  expect((await c.submit(address, s)).result).toBe(true);
  const deadline = Date.now() + 10_000;
  while ((await nodeJson('/status')).height === before) {
    if (Date.now() > deadline) throw new Error('block not accepted');
    await new Promise((r) => setTimeout(r, 20));
  }
  return s.hash;
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('proportional accounting and payouts', () => {
  it('splits a block by accepted difficulty to the base unit, credits at maturity, pays once above the threshold', async () => {
    const harness = await startPool(node.url, { fee: '1', payoutThreshold: '10' });
    const { pool } = harness;
    const [a, b, c] = [
      await minerFor(pool.port, A),
      await minerFor(pool.port, B),
      await minerFor(pool.port, C),
    ];
    try {
      await shares(a, A, 3);
      await shares(b, B, 1);
      const found = await block(a, A);
      await waitUntil('block credited', () => pool.store.getBlock(found)?.status === 'pending');
      // reward 50 coins, fee 1% = 0.5, net 49.5 split 4:1 by weight (each share weighs 1 at difficulty 2^-32)
      const net = 50n * COIN - (50n * COIN) / 100n;
      const expected = new Map([
        [A, (net * 4n) / 5n],
        [B, (net * 1n) / 5n],
      ]);
      expect(new Map(pool.store.creditsOf(found).map((x) => [x.address, x.amount]))).toEqual(expected);
      expect(pool.store.balances().size).toBe(0); // nothing before maturity

      // C mines the next blocks (each its own round), maturing A's block
      for (let i = 0; i < params.coinbaseMaturity; i++) await block(c, C);
      await waitUntil('A credited at maturity', () => pool.store.getBlock(found)?.status === 'matured');
      await waitUntil('A paid', () => pool.store.recentPayouts(10).some((p) => p.address === A));
      const payout = pool.store.recentPayouts(10).find((p) => p.address === A);
      expect(payout?.amount).toBe(expected.get(A));
      expect(pool.store.getBalance(A)).toBe(0n);
      expect(pool.store.getBalance(B)).toBe(expected.get(B)); // 9.9 coins: under the threshold, not paid
      // the payout reaches the mempool, a refreshed job carries it, C's next block confirms it
      await waitUntil('payout in the mempool', async () => (await nodeJson('/mempool')).size === 1);
      await waitUntil('job with the payout', () => (c.job?.branch.length ?? 0) > 0);
      await block(c, C);
      await waitUntil(
        'A has its coins on chain',
        async () => (await nodeJson(`/address/${A}`)).balance === String(expected.get(A)),
      );

      // restart the pool: nothing is paid twice
      a.close();
      b.close();
      c.close();
      await harness.stop(true);
      const again = await startPool(node.url, { fee: '1', payoutThreshold: '10' }, harness.dir);
      const c2 = await minerFor(again.pool.port, C);
      for (let i = 0; i < 2; i++) await block(c2, C);
      await new Promise((r) => setTimeout(r, 300));
      expect((await nodeJson(`/address/${A}`)).balance).toBe(String(expected.get(A)));
      expect(again.pool.store.recentPayouts(50).filter((p) => p.address === A)).toHaveLength(1);
      c2.close();
      await again.stop();
    } finally {
      a.close();
      b.close();
      c.close();
    }
  }, 60_000);
});

describe('pplns', () => {
  it('credits the last N difficulty of shares, across rounds', async () => {
    const harness = await startPool(node.url, { scheme: 'pplns', pplnsWindow: '2', fee: '0' });
    const { pool } = harness;
    const [a, b] = [await minerFor(pool.port, A), await minerFor(pool.port, B)];
    try {
      await shares(a, A, 5);
      await shares(b, B, 2);
      const found = await block(b, B);
      await waitUntil('credited', () => pool.store.getBlock(found)?.status === 'pending');
      // window = ceil(2 × regtest difficulty × 2^32) = 4 weight: B's block share, B, B, then one of A's
      expect(new Map(pool.store.creditsOf(found).map((x) => [x.address, x.amount]))).toEqual(
        new Map([
          [A, (50n * COIN * 1n) / 4n],
          [B, (50n * COIN * 3n) / 4n],
        ]),
      );
    } finally {
      a.close();
      b.close();
      await harness.stop();
    }
  }, 30_000);
});
