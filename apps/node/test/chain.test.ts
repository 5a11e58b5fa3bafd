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
  headerHash,
  REGTEST,
} from '@powcoin/core';
import { Chain } from '../src/chain/chain.js';
import { ChainStore } from '../src/store/chainStore.js';
import { buildBlock, replayLedger, testKey } from './helpers/blocks.js';

const params = REGTEST;
const NOW = 2 ** 31;
let dir: string;
let store: ChainStore;
let chain: Chain;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-chain-'));
  store = new ChainStore(join(dir, 'chain.sqlite'));
  chain = new Chain(store, params);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Mines `count` blocks on `parent`, submitting each; returns the branch. */
function mineBranch(parent: Block, parentHeight: number, count: number, salt: number, miner = 0): Block[] {
  const out: Block[] = [];
  let prev = parent;
  for (let i = 1; i <= count; i++) {
    const block = buildBlock(params, prev, parentHeight + i, { salt, miner: testKey(miner).hash });
    chain.submitBlock(block, NOW);
    out.push(block);
    prev = block;
  }
  return out;
}

function activeBlocks(): Block[] {
  const blocks: Block[] = [];
  for (let h = 0; h <= chain.tip().height; h++) blocks.push(chain.getBlockAt(h) as Block);
  return blocks;
}

function storedLedger(): Array<[string, unknown]> {
  return [...store.allAccounts()];
}

describe('chain on SQLite', () => {
  it('starts at the network genesis', () => {
    expect(chain.tip().height).toBe(0);
    expect(chain.tip().hash).toBe(params.genesis.hash);
  });

  it('stores balances equal to what the blocks imply', () => {
    const genesis = createGenesisBlock(params);
    const blocks = mineBranch(genesis, 0, 15, 1);
    const spend = createTransfer(params, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: 7n * COIN,
      fee: 500n,
      nonce: 0,
    });
    chain.submitBlock(buildBlock(params, blocks[14] as Block, 16, { txs: [spend] }), NOW);
    expect(chain.tip().height).toBe(16);
    expect(storedLedger()).toEqual(replayLedger(params, activeBlocks()).entries());
    expect(store.getAccount(addressFromHash(params, testKey(1).hash)).balance).toBe(7n * COIN);
    const history = store.addressHistory(addressFromHash(params, testKey(1).hash), 10, 0);
    expect(history).toEqual([{ height: 16, position: 1, txid: expect.any(String) }]);
  });

  it('switches to the branch with more work and rolls the ledger over', () => {
    const genesis = createGenesisBlock(params);
    const trunk = mineBranch(genesis, 0, 12, 1);
    const a = mineBranch(trunk[11] as Block, 12, 3, 2, 1);
    expect(chain.tip().hash).toBe(hashToHex(headerHash(a[2]?.header as never)));
    const b = mineBranch(trunk[11] as Block, 12, 3, 3, 2);
    // equal work: first seen stays
    expect(chain.tip().hash).toBe(hashToHex(headerHash(a[2]?.header as never)));
    const result = chain.submitBlock(
      buildBlock(params, b[2] as Block, 16, { salt: 3, miner: testKey(2).hash }),
      NOW,
    );
    expect(result.status).toBe('tip');
    expect(result.disconnected).toHaveLength(3);
    expect(result.connected).toHaveLength(4);
    expect(chain.tip().height).toBe(16);
    expect(storedLedger()).toEqual(replayLedger(params, activeBlocks()).entries());
    expect(store.addressHistory(addressFromHash(params, testKey(1).hash), 10, 0)).toEqual([]);
  });

  it('marks a heavier branch with an invalid block invalid and keeps the tip', () => {
    const genesis = createGenesisBlock(params);
    const trunk = mineBranch(genesis, 0, 12, 1);
    const a = mineBranch(trunk[11] as Block, 12, 1, 2);
    const tipBefore = chain.tip();
    const ledgerBefore = storedLedger();
    // branch b: a block spending more than key 0 has (valid header and body, invalid ledger)
    const b1 = buildBlock(params, trunk[11] as Block, 13, { salt: 3 });
    chain.submitBlock(b1, NOW);
    const overspend = createTransfer(params, testKey(0).privateKey, {
      to: testKey(3).hash,
      amount: 5000n * COIN,
      fee: 0n,
      nonce: 0,
    });
    const b2 = buildBlock(params, b1, 14, { salt: 3, txs: [overspend] });
    expect(() => chain.submitBlock(b2, NOW)).toThrow(
      expect.objectContaining({ code: 'TX_INSUFFICIENT_FUNDS' }),
    );
    expect(chain.tip()).toEqual(tipBefore);
    expect(storedLedger()).toEqual(ledgerBefore);
    const b3 = buildBlock(params, b2, 15, { salt: 3 });
    expect(() => chain.submitBlock(b3, NOW)).toThrow(
      expect.objectContaining({ code: 'BLOCK_KNOWN_INVALID' }),
    );
    expect(a).toHaveLength(1);
  });

  it('refuses blocks on an invalid parent without storing anything, with or without proof of work', () => {
    const trunk = mineBranch(createGenesisBlock(params), 0, 12, 1);
    const overspend = createTransfer(params, testKey(0).privateKey, {
      to: testKey(3).hash,
      amount: 5000n * COIN,
      fee: 0n,
      nonce: 0,
    });
    const bad = buildBlock(params, trunk[11] as Block, 13, { txs: [overspend] });
    expect(() => chain.submitBlock(bad, NOW)).toThrow(
      expect.objectContaining({ code: 'TX_INSUFFICIENT_FUNDS' }),
    );
    expect(store.getHeader(hashToHex(headerHash(bad.header)))?.invalid).toBe(true);
    const mined = buildBlock(params, bad, 14);
    // bits 0: no proof of work at all, and a work value that does not fit 64 hex digits
    const unmined = { ...mined, header: { ...mined.header, bits: 0, nonce: 7 } };
    for (const child of [mined, unmined]) {
      expect(() => chain.submitBlock(child, NOW)).toThrow(
        expect.objectContaining({ code: 'BLOCK_KNOWN_INVALID' }),
      );
      expect(store.getHeader(hashToHex(headerHash(child.header)))).toBeUndefined();
    }
    expect(chain.tip().height).toBe(12);
  });

  it('refuses orphans, duplicates and invalid headers without storing them', () => {
    const genesis = createGenesisBlock(params);
    const [b1] = mineBranch(genesis, 0, 1, 1);
    expect(() => chain.submitBlock(b1 as Block, NOW)).toThrow(
      expect.objectContaining({ code: 'BLOCK_DUPLICATE' }),
    );
    const b2 = buildBlock(params, b1 as Block, 2);
    const b3 = buildBlock(params, b2, 3);
    expect(() => chain.submitBlock(b3, NOW)).toThrow(
      expect.objectContaining({ code: 'BLOCK_PARENT_UNKNOWN' }),
    );
    const badTime = { ...b2, header: { ...b2.header, time: NOW + 10_000 } };
    expect(() => chain.submitBlock(badTime, NOW)).toThrow(
      expect.objectContaining({ code: 'BLOCK_TIME_TOO_NEW' }),
    );
    expect(store.getHeader(hashToHex(headerHash(badTime.header)))).toBeUndefined();
    expect(chain.tip().height).toBe(1);
  });

  it('lists the blocks to download oldest first, reading about as much per call whatever the gap', () => {
    const blocks: Block[] = [];
    let parent = createGenesisBlock(params);
    for (let h = 1; h <= 1000; h++) {
      parent = buildBlock(params, parent, h);
      blocks.push(parent);
    }
    const headers = blocks.map((b) => b.header);
    chain.acceptHeaders(headers.slice(0, 600), NOW);
    let reads = 0;
    for (const method of ['getHeader', 'hasBlock'] as const) {
      const read = store[method].bind(store) as (hash: string) => never;
      store[method] = (hash: string) => {
        reads++;
        return read(hash);
      };
    }
    // as sync downloads: 16 at a time, each batch stored before the next call
    const readsPerCall: number[] = [];
    for (let height = 1; height <= blocks.length; height += 16) {
      if (height === 321) chain.acceptHeaders(headers.slice(600), NOW); // more headers mid-download
      reads = 0;
      const missing = chain.missingBlocks(16);
      readsPerCall.push(reads);
      const expected = blocks.slice(height - 1, height + 15);
      expect(missing).toEqual(expected.map((b) => hashToHex(headerHash(b.header))));
      for (const block of expected) chain.submitBlock(block, NOW);
    }
    expect(chain.missingBlocks(16)).toEqual([]);
    expect(chain.tip().height).toBe(1000);
    // the first call walks the gap once (2 reads a header), the first after the new headers
    // only those 400 (not the 680 left to download); every other call a bounded stretch
    const afterNewHeaders = (321 - 1) / 16;
    expect(readsPerCall[afterNewHeaders]).toBeLessThan(1000);
    expect(Math.max(...readsPerCall.filter((_, i) => i !== 0 && i !== afterNewHeaders))).toBeLessThan(400);
  });

  it('reopens from its data dir on the same tip with the same ledger', () => {
    mineBranch(createGenesisBlock(params), 0, 14, 1);
    const tip = chain.tip();
    const ledger = storedLedger();
    store.close();
    store = new ChainStore(join(dir, 'chain.sqlite'));
    chain = new Chain(store, params);
    expect(chain.tip()).toEqual(tip);
    expect(storedLedger()).toEqual(ledger);
  });
});

describe('cheap side branches', () => {
  it('refuses (BLOCK_LOW_WORK, nothing written) a block whose branch trails the tip by more than the depth', () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'powcoin-chain-'));
    store = new ChainStore(join(dir, 'chain.sqlite'));
    chain = new Chain(store, params, { sidePruneDepth: 3 });
    const genesis = createGenesisBlock(params);
    const main = mineBranch(genesis, 0, 10, 1);
    const junk: Block[] = [];
    for (let i = 0; i < 10; i++)
      junk.push(buildBlock(params, genesis, 1, { salt: 100 + i, miner: testKey(1).hash }));
    for (const block of junk) {
      expect(() => chain.submitBlock(block, NOW)).toThrow(
        expect.objectContaining({ code: 'BLOCK_LOW_WORK' }),
      );
      expect(chain.hasBlock(hashToHex(headerHash(block.header)))).toBe(false);
      expect(() => chain.acceptHeaders([block.header], NOW)).toThrow(
        expect.objectContaining({ code: 'BLOCK_LOW_WORK' }),
      );
    }
    // within the depth, a side block is still stored (a branch that may yet win)
    const near = mineBranch(main[7] as Block, 8, 1, 2);
    expect(chain.hasBlock(hashToHex(headerHash((near[0] as Block).header)))).toBe(true);
    expect(chain.tip().height).toBe(10);
  });
});
