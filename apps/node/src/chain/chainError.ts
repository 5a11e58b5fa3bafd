/** Why the node refused a block for reasons outside the consensus rules themselves. */
export type ChainErrorCode = 'BLOCK_PARENT_UNKNOWN' | 'BLOCK_KNOWN_INVALID' | 'BLOCK_DUPLICATE';

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChainError';
  }
}
