/**
 * apps/miner: the CPU miner CLI (solo and pool modes). A shell until its issue lands; it already
 * builds against the consensus library.
 */
import { HEADER_BYTES } from '@powcoin/core';

/** Bytes of a header hashed once per job (the midstate); only the rest is hashed per nonce. */
export const MIDSTATE_BYTES = 64;

/** Bytes hashed per nonce after the midstate. */
export const TAIL_BYTES = HEADER_BYTES - MIDSTATE_BYTES;
