export interface VardiffOptions {
  /** Seconds between shares the pool aims for, per connection. */
  readonly targetShareSeconds: number;
  /** How often the difficulty is reconsidered. */
  readonly retargetSeconds: number;
  readonly minDifficulty: number;
  readonly maxDifficulty: number;
}

/** Largest change of one retarget: ×4 or ÷4. */
const MAX_STEP = 4;
/**
 * Shares enough to retarget before `retargetSeconds` are up: a miner far faster than its start
 * difficulty (an ASIC at a CPU miner's difficulty) is raised at once, by up to ×64, instead of
 * flooding the pool for a whole interval and being dropped for it.
 */
const EARLY_SHARES = 16;
const MAX_EARLY_STEP = 64;

/**
 * Per-connection variable difficulty: counts shares since the last retarget and, every
 * `retargetSeconds` (or as soon as `EARLY_SHARES` shares came in), scales the difficulty toward
 * one share per `targetShareSeconds`, bounded per step and overall. Changes under 10% are ignored so miners are not resent work for nothing.
 */
export class Vardiff {
  private shares = 0;
  private since: number;

  constructor(
    private readonly options: VardiffOptions,
    now: number,
  ) {
    this.since = now;
  }

  clamp(difficulty: number): number {
    return Math.min(this.options.maxDifficulty, Math.max(this.options.minDifficulty, difficulty));
  }

  /** Counts a share; `weight` < 1 for a share of a job sent at a lower difficulty than today's. */
  recordShare(weight = 1): void {
    this.shares += weight;
  }

  /** The new difficulty if one is due at `now` (ms), else undefined. */
  retarget(current: number, now: number): number | undefined {
    const elapsed = (now - this.since) / 1000;
    const early = elapsed < this.options.retargetSeconds;
    if (early && this.shares < EARLY_SHARES) return undefined;
    const observed = this.shares === 0 ? elapsed * 2 : Math.max(elapsed, 0.001) / this.shares; // s per share
    let factor = this.options.targetShareSeconds / observed;
    if (early && factor < MAX_STEP) return undefined; // early only for a miner far too fast
    factor = Math.min(early ? MAX_EARLY_STEP : MAX_STEP, Math.max(1 / MAX_STEP, factor));
    this.shares = 0;
    this.since = now;
    const next = this.clamp(current * factor);
    return Math.abs(next - current) / current < 0.1 ? undefined : next;
  }
}
