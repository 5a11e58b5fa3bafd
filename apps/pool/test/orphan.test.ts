import {
  addressFromHash,
  blockSubsidy,
  bytesToHex,
  checkProofOfWork,
  computeMerkleRoot,
  createCoinbaseTemplate,
  encodeBlock,
  hash160,
  headerHash,
  hexToHash,
  publicKeyFromPrivate,
  REGTEST,
} from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const params = REGTEST;
const A = addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(1))));

/** Posts a block built outside the pool on `parentHash` (another miner's competing branch). */
async function postRivalBlock(
  nodeUrl: string,
  parentHash: string,
  parentTime: number,
  height: number,
): Promise<string> {
  const coinbase = createCoinbaseTemplate({
    height,
    extranonceBytes: 4,
    tag: new TextEncoder().encode('rival'),
    outputs: [{ recipient: hash160(publicKeyFromPrivate(keyOf(9))), amount: blockSubsidy(params, height) }],
  });
  const header = {
    version: 1,
    prevHash: hexToHash(parentHash),
    merkleRoot: computeMerkleRoot([coinbase]),
    time: parentTime + 1,
    bits: params.powLimitBits,
    nonce: 0,
  };
  while (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) header.nonce++;
  const res = await fetch(`${nodeUrl}/blocks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: bytesToHex(encodeBlock({ header, txs: [coinbase] })) }),
  });
  return ((await res.json()) as { hash: string }).hash;
}

describe('a block orphaned by a reorg', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('voids the credits: nothing reaches balances', async () => {
    const harness = await startPool(node.url);
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      const parent = (await (await fetch(`${node.url}/blocks/0`)).json()) as { hash: string; time: number };
      const found = c.findShare(true);
      expect((await c.submit(A, found)).result).toBe(true);
      const deadline = Date.now() + 5000;
      while (harness.pool.store.getBlock(found.hash)?.status !== 'pending' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(harness.pool.store.creditsOf(found.hash).length).toBe(1);

      // a rival branch of two blocks from genesis takes the pool's block away
      const r1 = await postRivalBlock(node.url, parent.hash, parent.time, 1);
      await postRivalBlock(node.url, r1, parent.time + 1, 2);
      const wait = Date.now() + 5000;
      while (harness.pool.store.getBlock(found.hash)?.status !== 'orphaned' && Date.now() < wait)
        await new Promise((r) => setTimeout(r, 20));
      expect(harness.pool.store.getBlock(found.hash)?.status).toBe('orphaned');
      // and it stays out of balances as the rival chain grows past maturity
      const second = (await (await fetch(`${node.url}/blocks/2`)).json()) as { hash: string };
      let tip = { hash: second.hash, time: parent.time + 2 };
      for (let h = 3; h <= 3 + params.coinbaseMaturity; h++) {
        tip = { hash: await postRivalBlock(node.url, tip.hash, tip.time, h), time: tip.time + 1 };
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(harness.pool.store.getBlock(found.hash)?.status).toBe('orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(0n);
    } finally {
      c.close();
      await harness.stop();
    }
  });

  it('reverses the credits of a matured block when a deeper reorg takes it away', async () => {
    const harness = await startPool(node.url);
    const c = await StratumClient.connect(harness.pool.port);
    const statusOf = (hash: string) => harness.pool.store.getBlock(hash)?.status;
    const until = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      const status = (await (await fetch(`${node.url}/status`)).json()) as { tipHash: string };
      const base = (await (await fetch(`${node.url}/blocks/${status.tipHash}`)).json()) as {
        hash: string;
        height: number;
        time: number;
      };
      const found = c.findShare(true);
      expect((await c.submit(A, found)).result).toBe(true);
      await until('the block accepted', () => statusOf(found.hash) === 'pending');
      const credit = harness.pool.store
        .creditsOf(found.hash)
        .filter((x) => x.address === A)
        .reduce((sum, x) => sum + x.amount, 0n);
      expect(credit).toBeGreaterThan(0n);
      const before = harness.pool.store.getBalance(A);

      // other miners build on the pool's block until it is mature: the credit reaches the balance
      const ours = (await (await fetch(`${node.url}/blocks/${found.hash}`)).json()) as { time: number };
      let tip = { hash: found.hash, time: ours.time };
      for (let h = base.height + 2; h <= base.height + 1 + params.coinbaseMaturity; h++)
        tip = { hash: await postRivalBlock(node.url, tip.hash, tip.time, h), time: tip.time + 1 };
      await until('maturity', () => statusOf(found.hash) === 'matured');
      expect(harness.pool.store.getBalance(A)).toBe(before + credit);

      // a longer branch from the block's parent takes it away: the credit is reversed, once
      let alt = { hash: base.hash, time: base.time };
      for (let h = base.height + 1; h <= base.height + 2 + params.coinbaseMaturity; h++)
        alt = { hash: await postRivalBlock(node.url, alt.hash, alt.time, h), time: alt.time + 1 };
      await until('the orphaning', () => statusOf(found.hash) === 'orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(before);
      // later rounds on the new chain leave it reversed exactly once
      alt = {
        hash: await postRivalBlock(node.url, alt.hash, alt.time, base.height + 3 + params.coinbaseMaturity),
        time: alt.time + 1,
      };
      await new Promise((r) => setTimeout(r, 300));
      expect(statusOf(found.hash)).toBe('orphaned');
      expect(harness.pool.store.getBalance(A)).toBe(before);
    } finally {
      c.close();
      await harness.stop();
    }
  });
});
