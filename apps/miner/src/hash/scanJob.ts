import { HEADER_BYTES } from '@powcoin/core';
import { bytesToWords, SHA256_IV, sha256Compress, sha256Midstate, stateToBytes } from './sha256.js';

/** Bytes of a header hashed once per job (the midstate); only the rest is hashed per nonce. */
export const MIDSTATE_BYTES = 64;

/** Bytes hashed per nonce after the midstate: merkle root tail, time, bits, nonce. */
export const TAIL_BYTES = HEADER_BYTES - MIDSTATE_BYTES;

/** Offset of the nonce (u32 little-endian) in the header. */
export const NONCE_OFFSET = 76;

const MAX_TARGET = (1n << 256n) - 1n;

/**
 * One header to scan, prepared once: everything an engine needs to hash a nonce by compressing
 * only the header's last 16 bytes. Plain data (typed arrays and a bigint), so it can be posted
 * to worker threads.
 */
export interface ScanJob {
  /** The 80-byte header; its nonce slot (bytes 76..79) is ignored. */
  readonly header: Uint8Array;
  /** SHA-256 state after header bytes 0..63. */
  readonly midstate: Uint32Array;
  /** Header bytes 64..75 as big-endian words: the merkle root's last 4 bytes, time, bits. */
  readonly tail: Uint32Array;
  /** Share target: a nonce is found when sha256d(header), read little-endian, is <= target. */
  readonly target: bigint;
  /** The target as 8 little-endian 32-bit words; word 7 is the most significant. */
  readonly targetWords: Uint32Array;
}

/** Prepares a header and a target for scanning: computes the midstate and splits the target. */
export function createScanJob(header: Uint8Array, target: bigint): ScanJob {
  if (header.length !== HEADER_BYTES) {
    throw new RangeError(`header must be ${HEADER_BYTES} bytes, got ${header.length}`);
  }
  if (target < 0n || target > MAX_TARGET) throw new RangeError('target must be in 0..2^256-1');
  const copy = Uint8Array.from(header);
  return {
    header: copy,
    midstate: new Uint32Array(sha256Midstate(copy).buffer),
    tail: new Uint32Array(bytesToWords(copy, MIDSTATE_BYTES, 3).buffer),
    target,
    targetWords: targetToWords(target),
  };
}

/** A 256-bit target as 8 little-endian 32-bit words (word 7 most significant). */
export function targetToWords(target: bigint): Uint32Array {
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = Number((target >> BigInt(32 * i)) & 0xffffffffn);
  return words;
}

/** A copy of the job's header with `nonce` written into its nonce slot: what gets submitted. */
export function headerWithNonce(job: ScanJob, nonce: number): Uint8Array {
  const header = Uint8Array.from(job.header);
  new DataView(header.buffer).setUint32(NONCE_OFFSET, nonce >>> 0, true);
  return header;
}

/** Byte-swaps a 32-bit word (result unsigned). */
export function bswap32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) >>> 0;
}

/**
 * sha256d of the job's header with this nonce, from the midstate, as 8 state words (the digest
 * is these words big-endian). The engines' reference path: plain and not fast.
 */
export function sha256dStateForNonce(job: ScanJob, nonce: number): Int32Array {
  const first = Int32Array.from(job.midstate);
  const block = new Int32Array(16);
  block[0] = job.tail[0] as number;
  block[1] = job.tail[1] as number;
  block[2] = job.tail[2] as number;
  block[3] = bswap32(nonce);
  block[4] = 0x80000000;
  block[15] = HEADER_BYTES * 8;
  sha256Compress(first, block);
  const second = new Int32Array(16);
  second.set(first);
  second[8] = 0x80000000;
  second[15] = 32 * 8;
  const state = Int32Array.from(SHA256_IV);
  sha256Compress(state, second);
  return state;
}

/** sha256d of the job's header with this nonce: the 32 digest bytes (internal byte order). */
export function sha256dForNonce(job: ScanJob, nonce: number): Uint8Array {
  return stateToBytes(sha256dStateForNonce(job, nonce));
}

/**
 * Whether final sha256d state words meet the target, comparing as Bitcoin does: the digest read
 * as a little-endian number, so digest word i, byte-swapped, is little-endian word i.
 */
export function stateMeetsTarget(state: ArrayLike<number>, targetWords: Uint32Array): boolean {
  for (let i = 7; i >= 0; i--) {
    const word = bswap32(state[i] as number);
    const limit = targetWords[i] as number;
    if (word !== limit) return word < limit;
  }
  return true;
}

/** Whether this nonce's hash meets the job's target (the slow, exact check). */
export function nonceMeetsTarget(job: ScanJob, nonce: number): boolean {
  return stateMeetsTarget(sha256dStateForNonce(job, nonce), job.targetWords);
}
