import {
  type BlockHeader,
  concatBytes,
  difficultyToTarget,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  merkleRootFromBranch,
  sha256d,
  stratumHexToU32,
} from '@powcoin/core';
import { StratumError } from './errors.js';
import type { Job } from './job.js';

export interface Submission {
  readonly jobId: string;
  readonly extranonce2: string;
  readonly ntime: string;
  readonly nonce: string;
  /** BIP310: the rolled version bits (8 hex digits), when the miner sends a sixth parameter. */
  readonly versionBits?: string;
}

export interface ShareContext {
  /** Version bits this session may roll (0: none). */
  readonly versionMask: number;
  /** The coinbase tag of the notify the share names (see `NOTIFY_TAG_BYTES`). */
  readonly tag: Uint8Array;
  /** The session's own extranonce1 (server state, never the miner's word). */
  readonly extranonce1: Uint8Array;
  readonly extranonce2Size: number;
  /** The difficulty this job was issued to this session with. */
  readonly difficulty: number;
  /** The pool's clock, ms (only the time elapsed since the job was made is read from it). */
  readonly nowMs: number;
}

export interface ValidShare {
  /** sha256d of the header, display hex: the duplicate key. */
  readonly hash: string;
  readonly header: BlockHeader;
  readonly coinbase: Uint8Array;
  /** Whether the hash also meets the network target. */
  readonly isBlock: boolean;
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/**
 * Rebuilds the header a share claims and checks it: coinbase from coinb1 ‖ notify tag ‖
 * extranonce1 ‖ extranonce2 ‖ coinb2, merkle root from the job's branch, header with the submitted ntime and
 * nonce, sha256d, compared with the share target of the job's difficulty. Hex case does not
 * matter (the hash is the identity). Throws a `StratumError`; duplicates are checked by the caller.
 */
export function validateShare(job: Job, submission: Submission, ctx: ShareContext): ValidShare {
  const { extranonce2, ntime, nonce } = submission;
  if (
    typeof extranonce2 !== 'string' ||
    !HEX_RE.test(extranonce2) ||
    extranonce2.length !== ctx.extranonce2Size * 2
  ) {
    throw new StratumError('OTHER', `extranonce2 must be ${ctx.extranonce2Size} bytes of hex`);
  }
  let time: number;
  let nonceValue: number;
  try {
    time = stratumHexToU32(ntime);
    nonceValue = stratumHexToU32(nonce);
  } catch {
    throw new StratumError('OTHER', 'ntime and nonce must be 8 hex digits');
  }
  let version = job.version;
  if (submission.versionBits !== undefined) {
    let bits: number;
    try {
      bits = stratumHexToU32(submission.versionBits);
    } catch {
      throw new StratumError('OTHER', 'version bits must be 8 hex digits');
    }
    if ((bits & ~ctx.versionMask) >>> 0 !== 0)
      throw new StratumError('OTHER', 'version bits outside the mask agreed with mining.configure');
    version = ((job.version & ~ctx.versionMask) | (bits & ctx.versionMask)) >>> 0;
  }
  const maxTime = latestTime(job, ctx.nowMs);
  if (time < job.minTime || time > maxTime) {
    throw new StratumError('OTHER', `ntime ${time} is outside ${job.minTime}..${maxTime}`);
  }
  const coinbase = concatBytes(
    job.coinb1,
    ctx.tag,
    ctx.extranonce1,
    Buffer.from(extranonce2, 'hex'),
    job.coinb2,
  );
  const header: BlockHeader = {
    version,
    prevHash: job.prevHash,
    merkleRoot: merkleRootFromBranch(sha256d(coinbase), job.merkleBranch, 0),
    time,
    bits: job.bits,
    nonce: nonceValue,
  };
  const hash = headerHash(header);
  if (!hashMeetsTarget(hash, difficultyToTarget(ctx.difficulty))) {
    throw new StratumError('LOW_DIFFICULTY', `low difficulty share (difficulty ${ctx.difficulty} required)`);
  }
  return { hash: hashToHex(hash), header, coinbase, isBlock: hashMeetsTarget(hash, job.networkTarget) };
}

/**
 * The latest ntime the node takes now: its limit when it made the job's template, plus the whole
 * seconds elapsed since (by the pool's clock, so an offset between the two clocks cancels out).
 * Never later than the node's own limit: the template's limit was computed before the pool got it.
 */
export function latestTime(job: Job, nowMs: number): number {
  return job.maxTime + Math.max(0, Math.floor((nowMs - job.createdMs) / 1000));
}

/** A share's weight: its difficulty in units of 2^-32, an exact integer for bigint accounting. */
export function shareWeight(difficulty: number): bigint {
  const w = Math.round(difficulty * 2 ** 32);
  return BigInt(Math.max(1, w));
}
