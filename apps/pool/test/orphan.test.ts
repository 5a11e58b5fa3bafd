import { addressFromHash, decodeTx, hash160, hexToBytes, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { type PostedBlock, postBlock } from './helpers/otherMiner.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const params = REGTEST;
const A = addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(1))));

describe('blocks and payouts that a reorg takes away', () => {
  let node: Service;
  const json = async (path: string): Promise<any> => (await fetch(`${node.url}${path}`)).json();
  const blockAt = async (id: string | number): Promise<PostedBlock> => {
    const b = await json(`/blocks/${id}`);
    return { hash: b.hash, time: b.time, height: b.height };
  };
  const tip = async () => blockAt((await json('/status')).tipHash);
  /** Other miners extend `from` by `count` blocks; returns the last. */
  const extend = async (from: PostedBlock, count: number, settle?: (h: number) => Promise<void>) => {
    let last = from;
    for (let i = 0; i < count; i++) {
      last = await postBlock(node.url, last, last.height + 1);
      if (settle) await settle(last.height);
    }
    return last;
  };

  beforeEach(async () => {
    node = await startNodeProcess();
  });
  afterEach(async () => {
    await node.stop();
  });

  async function miningPool(flags: Parameters<typeof startPool>[1] = {}, dir?: string) {
    const harness = await startPool(node.url, flags, dir);
    const c = await StratumClient.connect(harness.pool.port);
    await c.subscribe();
    await c.call('mining.authorize', [A, 'x']);
    await c.waitFor((m) => m.method === 'mining.notify');
    const statusOf = (hash: string) => harness.pool.store.getBlock(hash)?.status;
    const settled = (height: number) =>
      waitFor(`the pool's books at ${height}`, () => harness.pool.booksHeight >= height);
    /** The pool's miner finds a block on the current tip; returns it once the node took it. */
    const poolBlock = async (): Promise<PostedBlock> => {
      const { tipHash, height } = await json('/status');
      await waitFor('a job on the tip', () => {
        const prev = Buffer.from(c.job?.prevhash ?? '', 'hex');
        for (let i = 0; i < 32; i += 4) prev.writeUInt32LE(prev.readUInt32BE(i), i);
        return Buffer.from(prev).reverse().toString('hex') === tipHash;
      });
      const found = c.findShare(true);
      expect((await c.submit(A, found)).result).toBe(true);
      await waitFor('the block accepted', () => statusOf(found.hash) === 'pending');
      await settled(height + 1);
      return blockAt(found.hash);
    };
    const creditOf = (hash: string) =>
      harness.pool.store
        .creditsOf(hash)
        .filter((x) => x.address === A)
        .reduce((sum, x) => sum + x.amount, 0n);
    return { harness, c, statusOf, settled, poolBlock, creditOf };
  }

  it('voids the credits of a block orphaned before maturity', async () => {
    const { harness, c, statusOf, settled, poolBlock } = await miningPool();
    try {
      const genesis = await blockAt(0);
      const found = await poolBlock();
      expect(harness.pool.store.creditsOf(found.hash)).toHaveLength(1);
      // a rival branch of two blocks from genesis takes the pool's block away
      const rival = await extend(genesis, 2);
      await waitFor('the orphaning', () => statusOf(found.hash) === 'orphaned');
      expect(harness.pool.store.blockCounts()).toMatchObject({ orphaned: 1, pending: 0, matured: 0 });
      // and it stays out of balances as the rival chain grows past maturity
      const last = await extend(rival, params.coinbaseMaturity + 1);
      await settled(last.height);
      expect(statusOf(found.hash)).toBe('orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(0n);
    } finally {
      c.close();
      await harness.stop();
    }
  });

  it('reverses the credits of a matured block when a deeper reorg takes it away, once', async () => {
    const { harness, c, statusOf, settled, poolBlock, creditOf } = await miningPool();
    try {
      const base = await tip();
      const found = await poolBlock();
      const credit = creditOf(found.hash);
      expect(credit).toBeGreaterThan(0n);
      // other miners build on the pool's block until it is mature: the credit reaches the balance
      const main = await extend(found, params.coinbaseMaturity);
      await waitFor('maturity', () => statusOf(found.hash) === 'matured');
      expect(harness.pool.store.getBalance(A)).toBe(credit);
      // a longer branch from the block's parent takes it away: the credit is reversed
      const alt = await extend(base, main.height - base.height + 1);
      await waitFor('the orphaning', () => statusOf(found.hash) === 'orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(0n);
      // later rounds on the new chain leave it reversed exactly once
      const later = await extend(alt, 1);
      await settled(later.height);
      expect(statusOf(found.hash)).toBe('orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(0n);
    } finally {
      c.close();
      await harness.stop();
    }
  });

  it('matures a block found before a pool outage longer than ten maturities', async () => {
    const first = await miningPool();
    const found = await first.poolBlock();
    const credit = first.creditOf(found.hash);
    first.c.close();
    await first.harness.stop(true); // the pool goes down; its data stays
    const last = await extend(found, 10 * params.coinbaseMaturity + 2);
    const again = await miningPool({}, first.harness.dir);
    try {
      await again.settled(last.height);
      expect(again.statusOf(found.hash)).toBe('matured');
      expect(again.harness.pool.store.getBalance(A)).toBe(credit);
    } finally {
      again.c.close();
      await again.harness.stop();
    }
  });

  it('sends a confirmed payout again when a reorg takes it away, and later payouts still flow', async () => {
    const { harness, c, settled, poolBlock } = await miningPool({ payoutThreshold: '1' });
    const { store } = harness.pool;
    try {
      const genesis = await blockAt(0);
      // the pool finds block 1; others mature it; A is paid (nonce 0), and another miner confirms it
      const found = await poolBlock();
      let main = await extend(found, params.coinbaseMaturity, settled);
      await waitFor('a payout signed', () => store.recentPayouts(10).length === 1);
      const first = store.recentPayouts(10)[0] as NonNullable<ReturnType<typeof store.recentPayouts>[0]>;
      main = await postBlock(node.url, main, main.height + 1, [decodeTx(hexToBytes(first.hex))]);
      await settled(main.height);
      await waitFor('the payout confirmed', () => store.payoutsByStatus('confirmed').length === 1);
      expect((await json(`/address/${A}`)).balance).toBe(first.amount.toString());

      // a longer branch from genesis takes block 1 and the payout away; the pool's coins with them
      let alt = await extend(genesis, main.height + 1, settled);
      expect((await json(`/address/${A}`)).balance).toBe('0');
      // the payout cannot be sent again yet (no funds): it waits as signed, and blocks new ones
      expect(store.payoutsByStatus('signed').map((p) => p.txid)).toEqual([first.txid]);
      alt = await extend(alt, 2 * params.coinbaseMaturity + 2, settled);
      // the pool finds two blocks; once they mature it has funds: the same payout goes out again
      for (let i = 0; i < 2; i++) await poolBlock();
      await extend(await tip(), params.coinbaseMaturity + 3, settled);
      await waitFor('no payout left unsent', () => store.payoutsByStatus('signed').length === 0);
      await poolBlock(); // the pool's template carries the payouts from the mempool
      await waitFor('every payout confirmed', () =>
        store.recentPayouts(10).every((p) => p.status === 'confirmed'),
      );
      const payouts = store.recentPayouts(10);
      expect(payouts.map((p) => p.nonce).sort()).toEqual(payouts.map((_, i) => i));
      const paid = payouts.reduce((sum, p) => sum + p.amount, 0n);
      expect((await json(`/address/${A}`)).balance).toBe(paid.toString());
      expect(payouts.some((p) => p.txid === first.txid)).toBe(true);
    } finally {
      c.close();
      await harness.stop();
    }
  }, 120_000);
});
