/**
 * apps/pool: the Stratum v1 mining pool. A shell until its issue lands; it already builds
 * against the consensus library.
 */
import { COIN } from '@powcoin/core';

/** Stratum port, as PRODUCT.md fixes it. */
export const DEFAULT_STRATUM_PORT = 6000;

/** Miners are paid once their matured balance reaches this (100 coins). */
export const DEFAULT_PAYOUT_THRESHOLD = 100n * COIN;
