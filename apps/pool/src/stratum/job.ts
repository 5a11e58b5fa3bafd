import type { Hash32 } from '@powcoin/core';

/** One unit of work handed to miners: a node template cut for Stratum. */
export interface Job {
  readonly id: string;
  readonly height: number;
  /** The header's previous-hash field (internal byte order) and its display form. */
  readonly prevHash: Hash32;
  readonly prevHashHex: string;
  readonly coinb1: Uint8Array;
  readonly coinb2: Uint8Array;
  /** Right-hand siblings of the coinbase, internal byte order. */
  readonly merkleBranch: readonly Hash32[];
  readonly version: number;
  readonly bits: number;
  readonly time: number;
  /** Earliest acceptable ntime (median time past + 1). */
  readonly minTime: number;
  /**
   * Latest ntime the node accepted when it made the template (its clock + its future limit); the
   * limit moves on with the time elapsed since `createdMs`, by the pool's clock.
   */
  readonly maxTime: number;
  /** The network target: a share at or under it is a block. */
  readonly networkTarget: bigint;
  /**
   * The highest share difficulty this job may be sent with: just under the network's, so that every
   * hash good enough for a block is also a share the miner submits (a miner checks only the share
   * target; above the network difficulty it would throw blocks away).
   */
  readonly maxShareDifficulty: number;
  /** The template's other transactions, canonical bytes, in block order. */
  readonly txs: readonly Uint8Array[];
  readonly coinbaseValue: bigint;
  /** When the pool got the template, by the pool's clock (whatever its offset from the node's). */
  readonly createdMs: number;
}
