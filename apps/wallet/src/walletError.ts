export type WalletErrorCode =
  | 'BAD_ADDRESS'
  | 'BAD_AMOUNT'
  | 'BAD_FEE'
  | 'INSUFFICIENT_FUNDS'
  | 'NODE_DOWN'
  | 'NODE_REJECTED'
  | 'SUBMIT_UNKNOWN'
  | 'WRONG_NETWORK';

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
