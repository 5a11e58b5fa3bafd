import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromHash,
  type Block,
  COIN,
  createGenesisBlock,
  createTransfer,
  hashToHex,
  REGTEST,
  type TransferTx,
  txid,
} from '@powcoin/core';
import { Chain } from '../src/chain/chain.js';
import { Mempool } from '../src/mempool/mempool.js';
import { ChainStore } from '../src/store/chainStore.js';
import { buildBlock, testKey } from './helpers/blocks.js';

const params = REGTEST;
const NOW = 2 ** 31;
let dir: string;
let store: ChainStore;
let chain: Chain;
let mempool: Mempool;
let blocks: Block[];

function open(maxTxs = 100): void {
  store = new ChainStore(join(dir, 'chain.sqlite'));
  mempool = new Mempool(store, params, { maxTxs });
  chain = new Chain(store, params, { isSignatureVerified: mempool.isSignatureVerified });
}

/** Key 0 mines 12 blocks: the coinbases of heights 1 and 2 have matured, 100 coins spendable. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-mempool-'));
  open();
  blocks = [createGenesisBlock(params)];
  for (let h = 1; h <= 12; h++) {
    const block = buildBlock(params, blocks[h - 1] as Block, h, { salt: 1 });
    chain.submitBlock(block, NOW);
    blocks.push(block);
  }
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function pay(from: number, to: number, amount: bigint, fee: bigint, nonce: number): TransferTx {
  return createTransfer(params, testKey(from).privateKey, { to: testKey(to).hash, amount, fee, nonce });
}

function mineOnTip(txs: TransferTx[], salt = 1): Block {
  const tip = chain.tip();
  const block = buildBlock(params, chain.getBlockAt(tip.height) as Block, tip.height + 1, { txs, salt });
  const result = chain.submitBlock(block, NOW);
  mempool.revalidate(result.disconnected);
  blocks.push(block);
  return block;
}

describe('mempool', () => {
  it('accepts a nonce sequence whose spends the balance covers, and refuses a double spend', () => {
    const spendable = store.getAccount(addressFromHash(params, testKey(0).hash)).balance;
    expect(spendable).toBe(100n * COIN);
    mempool.add(pay(0, 1, 60n * COIN, 0n, 0));
    mempool.add(pay(0, 2, 30n * COIN, 0n, 1));
    // 60 + 30 pending: another 20 would double-spend through the mempool
    expect(() => mempool.add(pay(0, 3, 20n * COIN, 0n, 2))).toThrow(
      expect.objectContaining({ code: 'TX_IMMATURE_SPEND' }),
    );
    expect(() => mempool.add(pay(1, 3, COIN, 0n, 0))).toThrow(
      expect.objectContaining({ code: 'TX_INSUFFICIENT_FUNDS' }),
    );
    expect(mempool.size).toBe(2);
  });

  it('refuses gaps, replays, duplicates and coinbases with their codes', () => {
    const tx = pay(0, 1, COIN, 1n, 0);
    mempool.add(tx);
    expect(() => mempool.add(tx)).toThrow(expect.objectContaining({ code: 'TX_ALREADY_KNOWN' }));
    expect(() => mempool.add(pay(0, 1, COIN, 1n, 5))).toThrow(
      expect.objectContaining({ code: 'TX_BAD_NONCE' }),
    );
    expect(() => mempool.add(blocks[3]?.txs[0] as never)).toThrow(
      expect.objectContaining({ code: 'TX_UNEXPECTED_COINBASE' }),
    );
    mineOnTip(mempool.selectForBlock(100_000));
    expect(mempool.size).toBe(0);
    expect(() => mempool.add(tx)).toThrow(expect.objectContaining({ code: 'TX_ALREADY_KNOWN' }));
  });

  it('fills templates by fee, keeping each sender in nonce order', () => {
    mineOnTip([pay(0, 1, 10n * COIN, 0n, 0)]);
    const a0 = pay(0, 2, COIN, 5n, 1);
    const a1 = pay(0, 2, COIN, 500n, 2);
    const b0 = pay(1, 2, COIN, 100n, 0);
    for (const tx of [a0, a1, b0]) mempool.add(tx);
    const ids = mempool.selectForBlock(100_000).map((tx) => hashToHex(txid(tx)));
    expect(ids).toEqual([b0, a0, a1].map((tx) => hashToHex(txid(tx))));
    expect(mempool.selectForBlock(300)).toHaveLength(2);
  });

  it('drops what a block confirmed and returns what a reorg abandoned', () => {
    const tx = pay(0, 1, 5n * COIN, 10n, 0);
    mempool.add(tx);
    const forkParent = chain.getBlockAt(12) as Block;
    mineOnTip(mempool.selectForBlock(100_000));
    expect(mempool.size).toBe(0);
    // a heavier branch without the transaction
    const s1 = buildBlock(params, forkParent, 13, { salt: 9 });
    chain.submitBlock(s1, NOW);
    const result = chain.submitBlock(buildBlock(params, s1, 14, { salt: 9 }), NOW);
    expect(result.disconnected).toHaveLength(1);
    mempool.revalidate(result.disconnected);
    expect(mempool.entries().map((e) => e.txid)).toEqual([hashToHex(txid(tx))]);
  });

  it('is bounded: evicts the lowest-fee tail of another sender for a better fee, refuses a worse one', () => {
    mineOnTip([pay(0, 1, 10n * COIN, 0n, 0)]);
    store.close();
    open(3);
    const kept = [pay(0, 2, COIN, 10n, 1), pay(0, 2, COIN, 20n, 2)];
    const cheapTail = pay(0, 2, COIN, 5n, 3);
    for (const tx of [...kept, cheapTail]) mempool.add(tx);
    expect(() => mempool.add(pay(1, 2, COIN, 4n, 0))).toThrow(
      expect.objectContaining({ code: 'MEMPOOL_FULL' }),
    );
    const better = pay(1, 2, COIN, 50n, 0);
    mempool.add(better);
    expect(mempool.size).toBe(3);
    const ids = mempool.entries().map((e) => e.txid);
    expect(ids).toEqual([...kept, better].map((tx) => hashToHex(txid(tx))));
    expect(ids).not.toContain(hashToHex(txid(cheapTail)));
  });

  it('survives a restart', () => {
    mempool.add(pay(0, 1, COIN, 10n, 0));
    store.close();
    open();
    expect(mempool.size).toBe(1);
    mempool.revalidate();
    expect(mempool.size).toBe(1);
  });
});
