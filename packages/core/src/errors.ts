/**
 * Every way a consensus object can be rejected, as a stable code.
 * The HTTP and Stratum layers map these to status codes and messages; tests assert them.
 */
export const CONSENSUS_ERROR_CODES = [
  // decoding of bytes and strings
  'DECODE_TRUNCATED',
  'DECODE_TRAILING_BYTES',
  'DECODE_OVERSIZE',
  'DECODE_NONCANONICAL',
  'DECODE_UNKNOWN_TYPE',
  'DECODE_BAD_HEX',
  // amounts typed by people or read from JSON
  'AMOUNT_MALFORMED',
  'AMOUNT_NEGATIVE',
  'AMOUNT_TOO_PRECISE',
  'AMOUNT_OVERFLOW',
  // addresses and keys
  'ADDRESS_MALFORMED',
  'ADDRESS_BAD_CHECKSUM',
  'ADDRESS_WRONG_NETWORK',
  'KEY_INVALID',
  // compact targets
  'BITS_INVALID',
  // transactions
  'TX_BAD_SIGNATURE',
  'TX_HIGH_S',
  'TX_BAD_PUBKEY',
  'TX_ZERO_AMOUNT',
  'TX_AMOUNT_OVERFLOW',
  'TX_BAD_NONCE',
  'TX_INSUFFICIENT_FUNDS',
  'TX_IMMATURE_SPEND',
  'TX_UNEXPECTED_COINBASE',
  // blocks
  'BLOCK_BAD_LINK',
  'BLOCK_BAD_POW',
  'BLOCK_BAD_BITS',
  'BLOCK_TIME_TOO_OLD',
  'BLOCK_TIME_TOO_NEW',
  'BLOCK_BAD_MERKLE_ROOT',
  'BLOCK_TOO_LARGE',
  'BLOCK_DUPLICATE_TX',
  'BLOCK_NO_COINBASE',
  'BLOCK_MULTIPLE_COINBASE',
  'BLOCK_BAD_COINBASE_HEIGHT',
  'BLOCK_64_BYTE_TX',
  'BLOCK_COINBASE_OVERSPEND',
  // ledger bookkeeping: a context or undo record that does not match the ledger
  'LEDGER_INCONSISTENT',
  // fork choice
  'REORG_NO_COMMON_ANCESTOR',
] as const;

export type ConsensusErrorCode = (typeof CONSENSUS_ERROR_CODES)[number];

/**
 * The one error class of the consensus library: a code, a message that says what was
 * expected and what came, and structured context for logs.
 */
export class ConsensusError extends Error {
  readonly code: ConsensusErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ConsensusErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConsensusError';
    this.code = code;
    this.context = context;
  }
}

/** Type guard, so callers can branch on `code` without casts. */
export function isConsensusError(err: unknown, code?: ConsensusErrorCode): err is ConsensusError {
  return err instanceof ConsensusError && (code === undefined || err.code === code);
}
