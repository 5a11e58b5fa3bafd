/**
 * Memory and lookup cost as the chain grows: mines BLOCKS regtest blocks (each with a transfer to a
 * fresh address, so the ledger grows too) into a temporary store through the node's Chain, and
 * prints heap, RSS, connect rate and balance-lookup time at checkpoints. Flat heap and flat lookup
 * time are the point: nothing holds the chain in memory, a balance is one indexed read.
 *
 * Usage: pnpm --filter node run bench:memory [-- BLOCKS]   (default 5000)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromHash, type Block, createGenesisBlock, createTransfer, REGTEST } from '@powcoin/core';
import { Chain } from '../src/chain/chain.js';
import { ChainStore } from '../src/store/chainStore.js';
import { buildBlock, testKey } from '../test/helpers/blocks.js';

// pnpm passes a literal `--` through to the script: skip it
const arg = process.argv.slice(2).find((a) => a !== '--');
const total = Number(arg ?? 5000);
if (!Number.isInteger(total) || total < 1) {
  console.error(`usage: bench:memory [-- BLOCKS]  (BLOCKS a whole number, got "${arg}")`);
  process.exit(2);
}
const params = REGTEST;
const dir = mkdtempSync(join(tmpdir(), 'powcoin-bench-'));
const store = new ChainStore(join(dir, 'chain.sqlite'));
const chain = new Chain(store, params);
const miner = testKey(0);
const minerAddress = addressFromHash(params, miner.hash);
const now = 2 ** 31;

let parent: Block = createGenesisBlock(params);
let nonce = 0;
let last = performance.now();
const checkpoints = new Set([1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, total]);
console.log('blocks  heapMB  rssMB  blocks/s  balanceLookupUs  accounts');
for (let height = 1; height <= total; height++) {
  const spendable = store.getAccount(minerAddress).balance;
  const txs =
    spendable > 10_000n
      ? [
          createTransfer(params, miner.privateKey, {
            to: randomBytes(20),
            amount: 1000n,
            fee: 1n,
            nonce: nonce++,
          }),
        ]
      : [];
  const block = buildBlock(params, parent, height, { txs });
  chain.submitBlock(block, now);
  parent = block;
  if (checkpoints.has(height)) {
    globalThis.gc?.();
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) store.getAccount(minerAddress);
    const lookupUs = ((performance.now() - t0) / 1000) * 1000;
    const elapsed = (performance.now() - last) / 1000;
    const mem = process.memoryUsage();
    const prev = [...checkpoints].filter((c) => c < height).pop() ?? 0;
    console.log(
      `${String(height).padStart(6)}  ${(mem.heapUsed / 2 ** 20).toFixed(1).padStart(6)}  ${(mem.rss / 2 ** 20).toFixed(0).padStart(5)}  ` +
        `${((height - prev) / elapsed).toFixed(0).padStart(8)}  ${lookupUs.toFixed(1).padStart(15)}  ${[...store.allAccounts()].length}`,
    );
    last = performance.now();
  }
}
store.close();
rmSync(dir, { recursive: true, force: true });
