import { createHash } from 'node:crypto';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { bytesToHex, hexToBytes, reverseBytes } from './bytes.js';

/** A 32-byte hash in internal byte order (the order it has in headers and merkle trees). */
export type Hash32 = Uint8Array;

export const ZERO_HASH: Hash32 = new Uint8Array(32);

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** sha256(sha256(data)): Bitcoin's hash for headers, transactions and merkle nodes. */
export function sha256d(data: Uint8Array): Hash32 {
  const first = createHash('sha256').update(data).digest();
  return new Uint8Array(createHash('sha256').update(first).digest());
}

/** ripemd160(sha256(data)): Bitcoin's hash of a public key for addresses. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}

/** Display form of a hash, as explorers and RPCs show it: the internal bytes reversed, in hex. */
export function hashToHex(hash: Hash32): string {
  return bytesToHex(reverseBytes(hash));
}

/** Parses a displayed (reversed) 64-digit hex hash into internal byte order. */
export function hexToHash(hex: string): Hash32 {
  return reverseBytes(hexToBytes(hex, 32));
}

/** The hash as a 256-bit number, reading its bytes little-endian (how proof of work compares it). */
export function hashToBigInt(hash: Hash32): bigint {
  let n = 0n;
  for (let i = hash.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(hash[i] as number);
  return n;
}
