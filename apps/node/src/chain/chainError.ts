/** Why the node refused a block for reasons outside the consensus rules themselves. */
/** `BLOCK_LOW_WORK`: a branch too far behind the tip to be stored; ignored, not punished. */
export type ChainErrorCode =
  | 'BLOCK_PARENT_UNKNOWN'
  | 'BLOCK_KNOWN_INVALID'
  | 'BLOCK_DUPLICATE'
  | 'BLOCK_LOW_WORK';

export class ChainError extends Error {
  constructor(
    readonly code: ChainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChainError';
  }
}
