import { ConsensusError } from './errors.js';
import { type Hash32, hashToBigInt } from './hash.js';

/** The target of difficulty 1, as in Bitcoin: 0xFFFF · 2^208. Shares use the same scale. */
export const DIFF1_TARGET = 0xffffn << 208n;

const MAX_TARGET = (1n << 256n) - 1n;

/**
 * Decodes a compact `bits` value (Bitcoin's SetCompact). A set sign bit with a non-zero
 * mantissa, or a value above 2^256, is invalid for a target and throws `BITS_INVALID`.
 */
export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) {
    throw new ConsensusError('BITS_INVALID', `bits must be a u32, got ${bits}`);
  }
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  const negative = (bits & 0x00800000) !== 0;
  const word = exponent <= 3 ? mantissa >>> (8 * (3 - exponent)) : mantissa;
  const target = exponent <= 3 ? BigInt(word) : BigInt(word) << BigInt(8 * (exponent - 3));
  if (negative && word !== 0) {
    throw new ConsensusError('BITS_INVALID', `bits ${bitsHex(bits)} encode a negative target`, { bits });
  }
  if (target > MAX_TARGET) {
    throw new ConsensusError('BITS_INVALID', `bits ${bitsHex(bits)} encode a target above 2^256`, { bits });
  }
  return target;
}

/** Encodes a target as compact `bits` (Bitcoin's GetCompact), rounding the mantissa down. */
export function targetToBits(target: bigint): number {
  if (target < 0n || target > MAX_TARGET) throw new RangeError('target outside 0..2^256-1');
  let size = byteLength(target);
  let mantissa =
    size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // The mantissa's top bit is a sign bit: shift one byte more instead of setting it.
  if (mantissa & 0x00800000) {
    mantissa >>>= 8;
    size += 1;
  }
  return ((size << 24) | mantissa) >>> 0;
}

function byteLength(n: bigint): number {
  let size = 0;
  while (n > 0n) {
    n >>= 8n;
    size++;
  }
  return size;
}

/** `bits` as 8 hex digits, big-endian (`1d00ffff`): how RPCs and Stratum print it. */
export function bitsHex(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

/**
 * Difficulty of a compact target the way Bitcoin Core computes it (`GetDifficulty`): in floating
 * point from the mantissa and exponent, so figures match what Bitcoin tools print.
 */
export function bitsToDifficulty(bits: number): number {
  bitsToTarget(bits);
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

/** Difficulty of a target on Bitcoin's scale (DIFF1_TARGET / target), as a float for display. */
export function targetToDifficulty(target: bigint): number {
  if (target <= 0n) throw new RangeError('target must be positive');
  // Scale to keep 64 bits of the quotient before converting: exact enough for any display.
  const scaled = (DIFF1_TARGET << 64n) / target;
  return Number(scaled) / 2 ** 64;
}

/**
 * The target of a (share) difficulty: floor(DIFF1_TARGET / difficulty), computed exactly from the
 * float's binary value, so fractional difficulties such as 0.001 or 1.5 are handled without rounding
 * surprises. Results above 2^256 - 1 are clamped.
 */
export function difficultyToTarget(difficulty: number): bigint {
  if (!Number.isFinite(difficulty) || difficulty <= 0) {
    throw new RangeError(`difficulty must be a positive finite number, got ${difficulty}`);
  }
  const { mantissa, exponent } = decomposeFloat(difficulty);
  const target =
    exponent >= 0
      ? DIFF1_TARGET / (mantissa << BigInt(exponent))
      : (DIFF1_TARGET << BigInt(-exponent)) / mantissa;
  return target > MAX_TARGET ? MAX_TARGET : target;
}

/** Splits a positive finite double into integer mantissa · 2^exponent, exactly. */
function decomposeFloat(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa, exponent };
}

/** Whether a hash meets a target: the hash, read little-endian, is at most the target. */
export function hashMeetsTarget(hash: Hash32, target: bigint): boolean {
  return hashToBigInt(hash) <= target;
}

/**
 * Proof of work of a header hash against its `bits`: `bits` must be a valid target no easier than
 * the network's limit, and the hash at most that target.
 */
export function checkProofOfWork(hash: Hash32, bits: number, powLimit: bigint): boolean {
  let target: bigint;
  try {
    target = bitsToTarget(bits);
  } catch {
    return false;
  }
  if (target === 0n || target > powLimit) return false;
  return hashMeetsTarget(hash, target);
}

/** Expected number of hashes to find a block at this target (Bitcoin's GetBlockProof): 2^256 / (target + 1). */
export function targetToWork(target: bigint): bigint {
  return (1n << 256n) / (target + 1n);
}

/** Work of a block with these `bits`. */
export function bitsToWork(bits: number): bigint {
  return targetToWork(bitsToTarget(bits));
}
