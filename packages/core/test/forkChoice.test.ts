import {
  bitsToWork,
  type ChainEntry,
  chainWorkOf,
  hashToHex,
  headerHash,
  isBetterTip,
  type MemoryLedger,
  planReorg,
  REGTEST,
  selectBestTip,
  undoBlock,
} from '../src/index.js';
import { TestChain, testKey } from './helpers/chain.js';

function entries(prefix: string, from: ChainEntry, bits: number[]): ChainEntry[] {
  const out: ChainEntry[] = [];
  let parent = from;
  bits.forEach((b, i) => {
    const e = {
      hash: `${prefix}${i + from.height + 1}`,
      prevHash: parent.hash,
      height: parent.height + 1,
      chainWork: chainWorkOf(parent.chainWork, b),
    };
    out.push(e);
    parent = e;
  });
  return out;
}

const genesis: ChainEntry = { hash: 'g', prevHash: '', height: 0, chainWork: bitsToWork(0x207fffff) };

describe('fork choice', () => {
  it('prefers the most cumulative work, not the longest chain', () => {
    const long = entries('a', genesis, [0x207fffff, 0x207fffff, 0x207fffff, 0x207fffff, 0x207fffff]);
    const heavy = entries('b', genesis, [0x1f00ffff, 0x1f00ffff]);
    const longTip = long[long.length - 1] as ChainEntry;
    const heavyTip = heavy[heavy.length - 1] as ChainEntry;
    expect(longTip.height).toBeGreaterThan(heavyTip.height);
    expect(isBetterTip(heavyTip, longTip)).toBe(true);
    expect(selectBestTip([longTip, heavyTip])).toBe(heavyTip);
  });

  it('keeps the first-seen tip on equal work', () => {
    const [a] = entries('a', genesis, [0x207fffff]);
    const [b] = entries('b', genesis, [0x207fffff]);
    expect(isBetterTip(b as ChainEntry, a as ChainEntry)).toBe(false);
    expect(selectBestTip([a as ChainEntry, b as ChainEntry])).toBe(a);
  });

  it('plans a reorg: undo down to the common ancestor, then apply up to the new tip', () => {
    const trunk = entries('t', genesis, [0x207fffff, 0x207fffff]);
    const fork = trunk[1] as ChainEntry;
    const a = entries('a', fork, [0x207fffff, 0x207fffff, 0x207fffff]);
    const b = entries('b', fork, [0x207fffff, 0x207fffff]);
    const index = new Map([genesis, ...trunk, ...a, ...b].map((e) => [e.hash, e]));
    const plan = planReorg(a[2] as ChainEntry, b[1] as ChainEntry, (h) => index.get(h));
    expect(plan.ancestor.hash).toBe(fork.hash);
    expect(plan.disconnect.map((e) => e.hash)).toEqual(['a5', 'a4', 'a3']);
    expect(plan.connect.map((e) => e.hash)).toEqual(['b3', 'b4']);

    const forward = planReorg(trunk[0] as ChainEntry, a[2] as ChainEntry, (h) => index.get(h));
    expect(forward.disconnect).toEqual([]);
    expect(forward.connect.map((e) => e.hash)).toEqual(['t2', 'a3', 'a4', 'a5']);

    const same = planReorg(a[2] as ChainEntry, a[2] as ChainEntry, (h) => index.get(h));
    expect(same.disconnect).toEqual([]);
    expect(same.connect).toEqual([]);
  });

  it('moves a real ledger between two forks by undoing and applying the planned blocks', () => {
    // Two chains sharing 12 blocks, then mined apart by different miners.
    const left = new TestChain(REGTEST);
    left.mineMany(12);
    const right = new TestChain(REGTEST);
    for (const block of left.blocks.slice(1)) right.addBlock(block);
    left.mineMany(3, { minerHash: testKey(1).hash });
    right.mineMany(4, { minerHash: testKey(2).hash, timeStep: 11 });

    const index = new Map<string, ChainEntry>();
    for (const chain of [left, right]) {
      let work = 0n;
      chain.blocks.forEach((block, height) => {
        work = chainWorkOf(work, block.header.bits);
        const hash = hashToHex(headerHash(block.header));
        index.set(hash, { hash, prevHash: hashToHex(block.header.prevHash), height, chainWork: work });
      });
    }
    const tipOf = (c: TestChain) => index.get(hashToHex(headerHash(c.tip.header))) as ChainEntry;
    expect(isBetterTip(tipOf(right), tipOf(left))).toBe(true);

    const plan = planReorg(tipOf(left), tipOf(right), (h) => index.get(h));
    expect(plan.ancestor.height).toBe(12);
    let ledger = left.ledger;
    for (const entry of plan.disconnect) ledger = undoBlock(ledger, left.undos[entry.height] as never);
    expect(ledger.equals(left.ledgers[12] as MemoryLedger)).toBe(true);
    const replay = new TestChain(REGTEST);
    for (const block of left.blocks.slice(1, 13)) replay.addBlock(block);
    for (const entry of plan.connect) replay.addBlock(right.blocks[entry.height] as never);
    expect(replay.ledger.equals(right.ledger)).toBe(true);
    expect(replay.ledger.totalSupply()).toBe(right.ledger.totalSupply());
  });
});
