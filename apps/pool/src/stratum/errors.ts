/** Stratum's error codes, as pools and miners use them. */
export const STRATUM_ERRORS = {
  OTHER: 20,
  JOB_NOT_FOUND: 21,
  DUPLICATE: 22,
  LOW_DIFFICULTY: 23,
  UNAUTHORIZED: 24,
  NOT_SUBSCRIBED: 25,
} as const;

export type StratumErrorName = keyof typeof STRATUM_ERRORS;

/** A refusal answered as `[code, message, null]`; `stale` ones are not held against the miner. */
export class StratumError extends Error {
  constructor(
    readonly name: StratumErrorName,
    message: string,
  ) {
    super(message);
  }

  get code(): number {
    return STRATUM_ERRORS[this.name];
  }

  /** Stale and duplicate shares can come from honest races; the rest count as invalid. */
  get countsAsInvalid(): boolean {
    return this.name !== 'JOB_NOT_FOUND' && this.name !== 'DUPLICATE';
  }

  toJson(): [number, string, null] {
    return [this.code, this.message, null];
  }
}
