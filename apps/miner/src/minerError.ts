/** What went wrong in the miner, for callers that map errors to messages or exit codes. */
export type MinerErrorCode = 'ENGINE_UNKNOWN' | 'ENGINE_UNAVAILABLE' | 'WORKER_FAILED' | 'POOL_CLOSED';

/** The miner's one error class: a code plus what was expected and what came. */
export class MinerError extends Error {
  constructor(
    readonly code: MinerErrorCode,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'MinerError';
  }
}
