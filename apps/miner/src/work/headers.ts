import {
  type BlockHeader,
  concatBytes,
  hexToBytes,
  merkleRootFromBranch,
  sha256d,
  stratumHexToU32,
  stratumToPrevHash,
} from '@powcoin/core';
import type { StratumJob } from '../stratum/stratumClient.js';

/** The extranonce counter as `size` bytes, big-endian, so every value is distinct work. */
export function extranonceBytes(counter: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let n = counter;
  for (let i = size - 1; i >= 0 && n > 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/**
 * The header a Stratum job describes, per STRATUM.md: coinbase = coinb1 ‖ extranonce1 ‖ extranonce2
 * ‖ coinb2, root folded from its sha256d with the branch, prevhash words swapped back, version,
 * nbits and ntime read big-endian. The nonce is 0 (the engines roll it).
 */
export function headerFromStratum(
  job: StratumJob,
  extranonce1: Uint8Array,
  extranonce2: Uint8Array,
): { header: BlockHeader; coinbase: Uint8Array } {
  const coinbase = concatBytes(hexToBytes(job.coinb1), extranonce1, extranonce2, hexToBytes(job.coinb2));
  const branch = job.merkleBranch.map((h) => hexToBytes(h, 32));
  return {
    coinbase,
    header: {
      version: stratumHexToU32(job.version),
      prevHash: stratumToPrevHash(job.prevhash),
      merkleRoot: merkleRootFromBranch(sha256d(coinbase), branch, 0),
      time: stratumHexToU32(job.ntime),
      bits: stratumHexToU32(job.nbits),
      nonce: 0,
    },
  };
}
