import { ConsensusError } from './errors.js';
import { bitsToWork } from './pow.js';

/** What fork choice needs to know of a block in the header index. Hashes in display hex. */
export interface ChainEntry {
  readonly hash: string;
  readonly prevHash: string;
  readonly height: number;
  /** Cumulative work from genesis up to and including this block. */
  readonly chainWork: bigint;
}

/** Cumulative work of a block: its parent's plus its own (2^256 / (target + 1)). */
export function chainWorkOf(parentChainWork: bigint, bits: number): bigint {
  return parentChainWork + bitsToWork(bits);
}

/**
 * Whether `candidate` should replace `current` as the tip: strictly more cumulative work.
 * A tie keeps the current tip (first seen wins), so nodes do not flap between equal chains.
 */
export function isBetterTip(candidate: ChainEntry, current: ChainEntry): boolean {
  return candidate.chainWork > current.chainWork;
}

/** The best of several tips by cumulative work, the earliest listed winning ties. */
export function selectBestTip<T extends ChainEntry>(tips: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const tip of tips) if (!best || isBetterTip(tip, best)) best = tip;
  return best;
}

export interface ReorgPlan {
  readonly ancestor: ChainEntry;
  /** Blocks to undo, from the current tip down (excluding the ancestor). */
  readonly disconnect: ChainEntry[];
  /** Blocks to apply, from just above the ancestor up to the new tip. */
  readonly connect: ChainEntry[];
}

/**
 * Which blocks to undo and which to apply to move the ledger from `from` to `to`.
 * `lookup` returns an indexed block by hash (the node's header index); both chains must reach a
 * common ancestor through it, or `REORG_NO_COMMON_ANCESTOR` is thrown.
 */
export function planReorg(
  from: ChainEntry,
  to: ChainEntry,
  lookup: (hash: string) => ChainEntry | undefined,
): ReorgPlan {
  const disconnect: ChainEntry[] = [];
  const connect: ChainEntry[] = [];
  let a: ChainEntry = from;
  let b: ChainEntry = to;
  const step = (entry: ChainEntry): ChainEntry => {
    const parent = entry.height > 0 ? lookup(entry.prevHash) : undefined;
    if (!parent) {
      throw new ConsensusError(
        'REORG_NO_COMMON_ANCESTOR',
        `no common ancestor: ${entry.hash} has no known parent`,
      );
    }
    return parent;
  };
  while (a.height > b.height) {
    disconnect.push(a);
    a = step(a);
  }
  while (b.height > a.height) {
    connect.push(b);
    b = step(b);
  }
  while (a.hash !== b.hash) {
    disconnect.push(a);
    connect.push(b);
    a = step(a);
    b = step(b);
  }
  return { ancestor: a, disconnect, connect: connect.reverse() };
}
