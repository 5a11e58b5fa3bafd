import type { ScanJob } from './scanJob.js';

/** Nonces in the u32 space: a full scan of one header is 2^32 nonces. */
export const NONCE_SPACE = 2 ** 32;

/** What one scan found. */
export interface ScanResult {
  /** Nonces whose hash meets the job's target, in the order scanned. */
  readonly nonces: number[];
  /** Nonces hashed (equal to the count asked for). */
  readonly hashes: number;
}

/**
 * A way of hashing nonces. `scan` hashes nonces startNonce, startNonce + 1, ... (count of them)
 * and wraps modulo 2^32: a scan from 0xffffff00 of 512 nonces covers 0xffffff00..0xffffffff and
 * then 0..0xff. It is synchronous: callers cut work into batches of about `batchSize` nonces.
 */
export interface HashEngine {
  readonly name: string;
  /** Nonces per scan call that take a few milliseconds: the granularity at which work can stop. */
  readonly batchSize: number;
  scan(job: ScanJob, startNonce: number, count: number): ScanResult;
  /** sha256d of the header with this nonce (internal byte order), by this engine's own code path. */
  hashNonce(job: ScanJob, nonce: number): Uint8Array;
}

/** Throws a RangeError unless startNonce is a u32 and count an integer in 0..2^32. */
export function validateScanRange(startNonce: number, count: number): void {
  if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce >= NONCE_SPACE) {
    throw new RangeError(`startNonce must be a u32, got ${startNonce}`);
  }
  if (!Number.isInteger(count) || count < 0 || count > NONCE_SPACE) {
    throw new RangeError(`count must be an integer in 0..2^32, got ${count}`);
  }
}
