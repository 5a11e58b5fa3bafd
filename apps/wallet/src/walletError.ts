export type WalletErrorCode =
  | 'BAD_ADDRESS'
  | 'BAD_AMOUNT'
  | 'BAD_FEE'
  | 'BAD_LABEL'
  | 'DUPLICATE_KEY'
  | 'DUPLICATE_LABEL'
  | 'HIGH_FEE'
  | 'INSUFFICIENT_FUNDS'
  | 'NODE_BAD_ANSWER'
  | 'NODE_DOWN'
  | 'NODE_REJECTED'
  | 'PASSPHRASE_MISMATCH'
  | 'PENDING_SEND'
  | 'SUBMIT_UNKNOWN'
  | 'WEAK_PASSPHRASE'
  | 'WRONG_NETWORK';

/** Codes that mean the user typed something wrong (exit 2), as opposed to a refusal or a fault. */
export const INPUT_ERROR_CODES: ReadonlySet<WalletErrorCode> = new Set<WalletErrorCode>([
  'BAD_ADDRESS',
  'BAD_AMOUNT',
  'BAD_FEE',
  'BAD_LABEL',
  'DUPLICATE_KEY',
  'DUPLICATE_LABEL',
  'HIGH_FEE',
  'PASSPHRASE_MISMATCH',
  'WEAK_PASSPHRASE',
]);

/**
 * What went wrong, in words a user can act on; `code` for scripts and exit codes. `txid` is set
 * when a transaction was handed to the node (`SUBMIT_UNKNOWN`: it may or may not be accepted).
 */
export class WalletError extends Error {
  constructor(
    readonly code: WalletErrorCode,
    message: string,
    readonly txid?: string,
  ) {
    super(message);
    this.name = 'WalletError';
  }
}
