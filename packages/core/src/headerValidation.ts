import { bytesEqual } from './bytes.js';
import { ConsensusError } from './errors.js';
import { type Hash32, hashToHex } from './hash.js';
import { type BlockHeader, headerHash } from './header.js';
import type { ChainParams } from './params.js';
import { bitsHex, checkProofOfWork } from './pow.js';
import { medianTimePast, nextBits, type TimedBits } from './retarget.js';

/** Everything a header is checked against, derived from its ancestors and the local clock. */
export interface HeaderContext {
  readonly params: ChainParams;
  readonly parentHash: Hash32;
  readonly height: number;
  readonly expectedBits: number;
  readonly medianTimePast: number;
  /**
   * Earliest time the header may carry: after the median time past and, on a network with a
   * retarget, not before the parent (monotonic block times, so no stamp can reopen a retarget
   * window earlier than blocks already mined: the time-warp defence).
   */
  readonly minTime: number;
  /** The validating node's clock, in seconds: passed in, never read here. */
  readonly now: number;
}

/** What `headerContextFromAncestors` needs of each ancestor. */
export interface AncestorHeader extends TimedBits {
  readonly hash: Hash32;
  readonly height: number;
}

/**
 * Builds the context for the child of the last ancestor. `ancestors`: the most recent headers,
 * oldest first, ending with the parent; give at least max(medianTimeSpan, retarget window + 1)
 * of them when the chain is that long.
 */
export function headerContextFromAncestors(
  params: ChainParams,
  ancestors: readonly AncestorHeader[],
  now: number,
): HeaderContext {
  const parent = ancestors[ancestors.length - 1];
  if (!parent) throw new RangeError('a header context needs the parent header');
  const mtp = medianTimePast(params, ancestors);
  return {
    params,
    parentHash: parent.hash,
    height: parent.height + 1,
    expectedBits: nextBits(params, ancestors),
    medianTimePast: mtp,
    minTime: params.retarget ? Math.max(mtp + 1, parent.time) : mtp + 1,
    now,
  };
}

/**
 * Checks a (non-genesis) header against its context: link to the parent, `bits` as the retarget
 * rule expects, time at least `minTime` and not too far ahead, proof of work.
 * Returns the header's hash.
 */
export function validateHeader(header: BlockHeader, ctx: HeaderContext): Hash32 {
  if (!bytesEqual(header.prevHash, ctx.parentHash)) {
    throw new ConsensusError(
      'BLOCK_BAD_LINK',
      `previous hash ${hashToHex(header.prevHash)} is not the parent ${hashToHex(ctx.parentHash)}`,
    );
  }
  if (header.bits !== ctx.expectedBits) {
    throw new ConsensusError(
      'BLOCK_BAD_BITS',
      `bits ${bitsHex(ctx.expectedBits)} expected at height ${ctx.height}, got ${bitsHex(header.bits)}`,
    );
  }
  if (header.time < ctx.minTime) {
    throw new ConsensusError(
      'BLOCK_TIME_TOO_OLD',
      `time ${header.time} must be at least ${ctx.minTime} (after the median time past ${ctx.medianTimePast}` +
        `${ctx.params.retarget ? ' and not before the parent' : ''})`,
    );
  }
  const latest = ctx.now + ctx.params.maxFutureBlockSeconds;
  if (header.time > latest) {
    throw new ConsensusError(
      'BLOCK_TIME_TOO_NEW',
      `time ${header.time} is more than ${ctx.params.maxFutureBlockSeconds} s ahead of ${ctx.now}`,
    );
  }
  const hash = headerHash(header);
  if (!checkProofOfWork(hash, header.bits, ctx.params.powLimit)) {
    throw new ConsensusError(
      'BLOCK_BAD_POW',
      `hash ${hashToHex(hash)} is above the target of bits ${bitsHex(header.bits)}`,
    );
  }
  return hash;
}
