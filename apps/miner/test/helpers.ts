import { createHash } from 'node:crypto';
import { hashMeetsTarget, sha256d } from '@powcoin/core';

/** Deterministic pseudo-random bytes (sha256 in counter mode), so failures reproduce. */
export function seededBytes(seed: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0; block * 32 < length; block++) {
    const digest = createHash('sha256').update(`${seed}/${block}`).digest();
    out.set(digest.subarray(0, Math.min(32, length - block * 32)), block * 32);
  }
  return out;
}

/** A deterministic u32 from a seed. */
export function seededU32(seed: string): number {
  return new DataView(seededBytes(seed, 4).buffer).getUint32(0);
}

/** The header with `nonce` in its last 4 bytes (little-endian). */
export function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const copy = Uint8Array.from(header);
  new DataView(copy.buffer).setUint32(76, nonce >>> 0, true);
  return copy;
}

/**
 * Brute force with the consensus library only (node:crypto sha256d and the bigint comparison of
 * @powcoin/core): the nonces of start..start+count-1, wrapping, whose header hash meets the target.
 */
export function referenceScan(header: Uint8Array, target: bigint, start: number, count: number): number[] {
  const found: number[] = [];
  for (let i = 0; i < count; i++) {
    const nonce = (start + i) >>> 0;
    if (hashMeetsTarget(sha256d(withNonce(header, nonce)), target)) found.push(nonce);
  }
  return found;
}

/** A target as a fraction of the hash space: about 1 in 2^bits hashes meets it, with a random low part. */
export function easyTarget(bits: number, seed: string): bigint {
  const low = BigInt(`0x${Buffer.from(seededBytes(seed, 32)).toString('hex')}`) >> BigInt(bits);
  return low;
}
