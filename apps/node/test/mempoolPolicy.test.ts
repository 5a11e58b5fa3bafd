import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromHash,
  type Block,
  type ChainParams,
  COIN,
  createGenesisBlock,
  createTransfer,
  hashToHex,
  REGTEST,
  type TransferTx,
  transferSigningHash,
  txid,
  verifySignature,
} from '@powcoin/core';
import { Chain } from '../src/chain/chain.js';
import { Mempool, type MempoolLimits } from '../src/mempool/mempool.js';
import { ChainStore } from '../src/store/chainStore.js';
import { buildBlock, testKey } from './helpers/blocks.js';

const params = REGTEST;
const NOW = 2 ** 31;
let dir: string;
let store: ChainStore;
let chain: Chain;
let mempool: Mempool;
let verifications: number;

function open(limits: Partial<MempoolLimits> = {}): void {
  store = new ChainStore(join(dir, 'chain.sqlite'));
  mempool = new Mempool(store, params, {
    maxTxs: 5000,
    verify: (tx: TransferTx, p: ChainParams) => {
      verifications++;
      verifySignature(tx.senderPublicKey, transferSigningHash(p, tx), tx.signature);
    },
    ...limits,
  });
  chain = new Chain(store, params, { isSignatureVerified: mempool.isSignatureVerified });
  let prev = createGenesisBlock(params);
  for (let h = 1; h <= 12; h++) {
    const block = buildBlock(params, prev, h, { salt: 1 });
    chain.submitBlock(block, NOW);
    prev = block;
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-mempool-policy-'));
  verifications = 0;
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function pay(from: number, to: number, amount: bigint, fee: bigint, nonce: number): TransferTx {
  return createTransfer(params, testKey(from).privateKey, { to: testKey(to).hash, amount, fee, nonce });
}

function mineOnTip(txs: TransferTx[]): void {
  const tip = chain.tip();
  const block = buildBlock(params, chain.getBlockAt(tip.height) as Block, tip.height + 1, { txs, salt: 1 });
  mempool.revalidate(chain.submitBlock(block, NOW).disconnected);
}

describe('mempool policy against a hostile world', () => {
  it('refuses a fee below the relay floor with TX_FEE_TOO_LOW and keeps nothing', () => {
    open({ minRelayFee: 1000n });
    expect(() => mempool.add(pay(0, 1, COIN, 999n, 0))).toThrow(
      expect.objectContaining({ code: 'TX_FEE_TOO_LOW' }),
    );
    expect(() => mempool.add(pay(0, 1, COIN, 0n, 0))).toThrow(
      expect.objectContaining({ code: 'TX_FEE_TOO_LOW' }),
    );
    expect(mempool.size).toBe(0);
    expect(verifications).toBe(0);
    mempool.add(pay(0, 1, COIN, 1000n, 0));
    expect(mempool.size).toBe(1);
  });

  it('refuses junk from an empty account, or with a wrong nonce, without a signature verification', () => {
    open();
    const junk = { ...pay(7, 1, COIN, 10_000n, 0), signature: new Uint8Array(64).fill(1) };
    expect(() => mempool.add(junk)).toThrow(expect.objectContaining({ code: 'TX_INSUFFICIENT_FUNDS' }));
    expect(() => mempool.add(pay(0, 1, COIN, 10n, 3))).toThrow(
      expect.objectContaining({ code: 'TX_BAD_NONCE' }),
    );
    expect(verifications).toBe(0);
    // a funded sender with a forged signature is still refused, after one verification
    const forged = { ...pay(0, 1, COIN, 10n, 0), signature: pay(0, 1, COIN, 11n, 0).signature };
    expect(() => mempool.add(forged)).toThrow();
    expect(verifications).toBe(1);
    expect(mempool.size).toBe(0);
    const rounds = 200;
    let t = performance.now();
    for (let i = 0; i < rounds; i++) expect(() => mempool.add(junk)).toThrow();
    const junkMs = (performance.now() - t) / rounds;
    t = performance.now();
    for (let i = 0; i < 20; i++) expect(() => mempool.add(forged)).toThrow();
    const forgedMs = (performance.now() - t) / 20;
    console.log(
      `junk from an empty account: ${junkMs.toFixed(3)} ms each; with a signature check: ${forgedMs.toFixed(3)} ms`,
    );
  });

  it('caps pending transactions per sender with TOO_MANY_PENDING, and admission replays nothing', () => {
    const cap = 100;
    open({ maxPendingPerSender: cap });
    const times: number[] = [];
    for (let n = 0; n < cap; n++) {
      const tx = pay(0, 1, COIN / 1000n, 10n, n);
      const t = performance.now();
      mempool.add(tx);
      times.push(performance.now() - t);
    }
    // each admission started from the sender's kept state: no pending transaction was replayed
    expect(mempool.replayedCount).toBe(0);
    expect(() => mempool.add(pay(0, 1, COIN / 1000n, 10n, cap))).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_PENDING' }),
    );
    expect(mempool.size).toBe(cap);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `per-submit time at 0-10 pending: ${avg(times.slice(0, 10)).toFixed(3)} ms, at ${cap - 10}-${cap}: ${avg(times.slice(-10)).toFixed(3)} ms`,
    );
    // after a block the state is rebuilt once from the store, then kept again
    mineOnTip(mempool.selectForBlock(params.maxBlockBytes).slice(0, 10));
    expect(mempool.size).toBe(cap - 10);
    for (let n = cap; n < cap + 10; n++) mempool.add(pay(0, 1, COIN / 1000n, 10n, n));
    expect(mempool.replayedCount).toBe(cap - 10);
    expect(() => mempool.add(pay(0, 1, COIN / 1000n, 10n, cap + 10))).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_PENDING' }),
    );
  });

  it('selects templates from many senders with a heap: highest fee first, nonce order within a sender', () => {
    open();
    const senders = 40;
    mineOnTip(Array.from({ length: senders }, (_, i) => pay(0, i + 1, COIN, 0n, i)));
    for (let s = 1; s <= senders; s++) {
      // each sender: a cheap first transaction, then dearer ones (they must wait for it)
      const fees = [BigInt(s), BigInt(1000 + s), BigInt(2000 + s)];
      fees.forEach((fee, nonce) => {
        mempool.add(pay(s, 0, 1000n, fee, nonce));
      });
    }
    const chosen = mempool.selectForBlock(params.maxBlockBytes);
    expect(chosen).toHaveLength(senders * 3);
    const lastNonce = new Map<string, number>();
    for (const tx of chosen) {
      const s = hashToHex(tx.senderPublicKey);
      expect(tx.nonce).toBe((lastNonce.get(s) ?? -1) + 1);
      lastNonce.set(s, tx.nonce);
    }
    // the dearest ready head is taken each time: sender 40's first (fee 40) beats every other
    // first, then its dearer followers are ready and dearest, then sender 39's, and so on
    const order = Array.from({ length: senders }, (_, i) => senders - i).flatMap((s) => [
      BigInt(s),
      BigInt(1000 + s),
      BigInt(2000 + s),
    ]);
    expect(chosen.map((tx) => tx.fee)).toEqual(order);
    const picks = chosen.length;
    const bound = picks * 2 * Math.ceil(Math.log2(senders + 1)) + senders * 2;
    console.log(
      `template from ${senders} senders: ${mempool.lastSelectionHeap.comparisons} comparisons (rescan would be ~${picks * senders})`,
    );
    expect(mempool.lastSelectionHeap.comparisons).toBeLessThanOrEqual(bound);
    expect(hashToHex(txid(chosen[0] as TransferTx))).toBeDefined();
    expect(store.getAccount(addressFromHash(params, testKey(1).hash)).balance).toBe(COIN);
  });
});
