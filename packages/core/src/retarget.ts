import type { ChainParams } from './params.js';
import { bitsToTarget, targetToBits } from './pow.js';

/** What the retarget rule reads of each recent header. */
export interface TimedBits {
  readonly time: number;
  readonly bits: number;
}

/**
 * The `bits` the child of the last header must carry. `ancestors` are the most recent headers,
 * oldest first, ending with the parent (at least the parent).
 *
 * regtest: always the pow limit. devnet: the mean target of the last `windowBlocks` blocks, scaled
 * by how long they took against how long they should have taken. The measured span is clamped to
 * [expected / maxStep, expected · maxStep], so one block can move difficulty at most `maxStep`-fold
 * from the window's mean, and a lying timestamp can only do so much.
 */
export function nextBits(params: ChainParams, ancestors: readonly TimedBits[]): number {
  const parent = ancestors[ancestors.length - 1];
  if (!parent) throw new RangeError('nextBits needs at least the parent header');
  const rule = params.retarget;
  if (!rule) return params.powLimitBits;
  const window = ancestors.slice(-(rule.windowBlocks + 1));
  const intervals = window.length - 1;
  if (intervals < 1) return parent.bits;

  const expected = BigInt(intervals * params.targetBlockSeconds);
  const measured = BigInt((window[intervals] as TimedBits).time - (window[0] as TimedBits).time);
  const step = BigInt(rule.maxStep);
  const lo = expected / step;
  const hi = expected * step;
  const span = measured < lo ? lo : measured > hi ? hi : measured;

  // Mean over the blocks mined during the span (all but the first, whose time only opens it).
  let sum = 0n;
  for (const h of window.slice(1)) sum += bitsToTarget(h.bits);
  const mean = sum / BigInt(intervals);

  let next = (mean * span) / expected;
  if (next > params.powLimit) next = params.powLimit;
  if (next < 1n) next = 1n;
  return targetToBits(next);
}

/** Median of the last `params.medianTimeSpan` times (Bitcoin's median time past). */
export function medianTimePast(params: ChainParams, ancestors: readonly TimedBits[]): number {
  const times = ancestors
    .slice(-params.medianTimeSpan)
    .map((h) => h.time)
    .sort((a, b) => a - b);
  if (times.length === 0) throw new RangeError('medianTimePast needs at least one header');
  return times[Math.floor(times.length / 2)] as number;
}
