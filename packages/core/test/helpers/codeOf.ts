import type { ConsensusErrorCode } from '../../src/index.js';

/** The `code` of what `fn` throws, or undefined when it returns normally. */
export function codeOf(fn: () => unknown): ConsensusErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: ConsensusErrorCode }).code;
  }
  return undefined;
}
