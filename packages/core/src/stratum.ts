import { bytesToHex, hexToBytes } from './bytes.js';
import { ConsensusError } from './errors.js';
import type { Hash32 } from './hash.js';

/**
 * Stratum v1's byte conventions for sha256d (see shared/STRATUM.md), shared by the pool and the
 * miner so that both sides read the wire the same way real miners do.
 */

/** A u32 as Stratum writes version, nbits, ntime and nonce: 8 hex digits, big-endian. */
export function u32ToStratumHex(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`u32 out of range: ${value}`);
  return value.toString(16).padStart(8, '0');
}

/** Parses Stratum's 8-hex-digit big-endian u32 (either case); throws `DECODE_BAD_HEX` otherwise. */
export function stratumHexToU32(hex: string): number {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{8}$/.test(hex)) {
    throw new ConsensusError('DECODE_BAD_HEX', 'expected 8 hex digits (a big-endian u32)');
  }
  return Number.parseInt(hex, 16);
}

/**
 * mining.notify's prevhash: the header's previous-hash bytes (internal order) with the bytes of
 * every 4-byte group reversed. A miner reads each group back as a little-endian word.
 */
export function prevHashToStratum(prevHash: Hash32): string {
  if (prevHash.length !== 32) throw new RangeError('prevhash must be 32 bytes');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 4) {
    out[i] = prevHash[i + 3] as number;
    out[i + 1] = prevHash[i + 2] as number;
    out[i + 2] = prevHash[i + 1] as number;
    out[i + 3] = prevHash[i] as number;
  }
  return bytesToHex(out);
}

/** The inverse of `prevHashToStratum`: the header's prevHash bytes from notify's field. */
export function stratumToPrevHash(hex: string): Hash32 {
  const swapped = hexToBytes(hex, 32);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 4) {
    out[i] = swapped[i + 3] as number;
    out[i + 1] = swapped[i + 2] as number;
    out[i + 2] = swapped[i + 1] as number;
    out[i + 3] = swapped[i] as number;
  }
  return out;
}
