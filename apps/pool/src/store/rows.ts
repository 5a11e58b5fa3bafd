/** The rows the pool's books hold, as the rest of the pool sees them (amounts as bigint). */
export type BlockStatus = 'submitted' | 'pending' | 'matured' | 'orphaned' | 'rejected';
export type PayoutStatus = 'signed' | 'sent' | 'confirmed';

export interface ShareRow {
  readonly round: number;
  readonly address: string;
  readonly worker: string;
  readonly weight: bigint;
  readonly height: number;
  readonly hash: string;
  readonly createdMs: number;
}

export interface BlockRow {
  readonly hash: string;
  readonly height: number;
  readonly round: number;
  readonly reward: bigint;
  readonly bits: number;
  readonly status: BlockStatus;
  readonly finder: string;
  readonly createdMs: number;
}

export interface PayoutRow {
  readonly txid: string;
  readonly address: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: number;
  readonly hex: string;
  readonly status: PayoutStatus;
  readonly tipHeight: number;
  readonly createdMs: number;
  /** Height of the block holding it, while confirmed. */
  readonly confirmedHeight?: number | null;
  /** Hash of the block holding it, while confirmed. */
  readonly confirmedBlock?: string | null;
}
