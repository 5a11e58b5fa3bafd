import { chainWorkOf } from '@powcoin/core';
import { ChainError } from './chainError.js';

/** Default of --side-prune-depth: blocks of tip work a side branch may trail the tip by. */
export const DEFAULT_SIDE_PRUNE_DEPTH = 144;

/** Least chain work a branch may have to be stored: the tip's minus `depth` blocks at the tip's bits. */
export function lowWorkFloor(tipWork: bigint, tipBits: number, depth: number): bigint {
  return tipWork - BigInt(depth) * chainWorkOf(0n, tipBits);
}

/**
 * Throws BLOCK_LOW_WORK (ignore, do not punish) for a block or header whose chain work is below
 * the floor: a branch that far behind cannot cheaply become the best chain, so nothing of it is written.
 */
export function validateBranchWork(hash: string, work: bigint, floor: bigint): void {
  if (work < floor) {
    throw new ChainError(
      'BLOCK_LOW_WORK',
      `block ${hash} has chain work ${work}, below ${floor} (tip's minus the side prune depth)`,
    );
  }
}
