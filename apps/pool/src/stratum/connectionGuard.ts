/** What a Stratum server lets one address, and everyone together, cost it. */
export interface GuardLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Distinct worker names authorized at once by all connections of one address. */
  readonly maxWorkersPerIp: number;
  /** A connection dropped for invalid shares bans its worker on its address this long. */
  readonly banSeconds: number;
  /** An address is banned once this many of its connections were dropped within `banSeconds`. */
  readonly banAddressAfter: number;
}

export type Admission = 'ok' | 'full' | 'per-ip' | 'banned';

/** Bans and strikes are bounded: the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

function setBounded<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as K);
}

/**
 * Connection and ban policy, apart from the protocol: connections per address and in all, worker
 * names per address, and bans that punish a connection (and its worker on that address) before a
 * whole address, since miners behind one NAT share it.
 */
export class ConnectionGuard {
  private readonly perIp = new Map<string, number>();
  private readonly workersPerIp = new Map<string, number>();
  private readonly bans = new Map<string, number>();
  private readonly workerBans = new Map<string, number>();
  private readonly strikes = new Map<string, number[]>();
  private open = 0;
  /** Connections refused since start, by reason (shown on the dashboard and logged). */
  readonly refused: Record<Exclude<Admission, 'ok'>, number> = { full: 0, 'per-ip': 0, banned: 0 };

  constructor(private readonly limits: GuardLimits) {}

  get connections(): number {
    return this.open;
  }

  /** Takes a new connection from `ip`, or says why not (then counts the refusal). */
  admit(ip: string, now: number): Admission {
    let verdict: Admission = 'ok';
    if (this.isBanned(ip, now)) verdict = 'banned';
    else if (this.open >= this.limits.maxConnections) verdict = 'full';
    else if ((this.perIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) verdict = 'per-ip';
    if (verdict !== 'ok') {
      this.refused[verdict]++;
      return verdict;
    }
    this.open++;
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    return 'ok';
  }

  /** A connection admitted earlier has closed, with this many worker names authorized. */
  release(ip: string, workers: number): void {
    this.open--;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
    this.dropWorkers(ip, workers);
  }

  /** Counts a new worker name on `ip`; false when the address has as many as it may. */
  addWorker(ip: string): boolean {
    const n = this.workersPerIp.get(ip) ?? 0;
    if (n >= this.limits.maxWorkersPerIp) return false;
    this.workersPerIp.set(ip, n + 1);
    return true;
  }

  private dropWorkers(ip: string, count: number): void {
    const left = (this.workersPerIp.get(ip) ?? 0) - count;
    if (left > 0) this.workersPerIp.set(ip, left);
    else this.workersPerIp.delete(ip);
  }

  isBanned(ip: string, now: number): boolean {
    return this.active(this.bans, ip, now);
  }

  /** Whether `username` is banned on `ip` (another address may still use the same worker name). */
  isWorkerBanned(ip: string, username: string, now: number): boolean {
    return this.active(this.workerBans, `${ip} ${username}`, now);
  }

  /**
   * A connection from `ip` is being dropped for invalid shares: its workers are banned on that
   * address; the address itself only once `banAddressAfter` of its connections were dropped within
   * `banSeconds`. Returns whether the address is now banned.
   */
  strike(ip: string, usernames: readonly string[], now: number): boolean {
    const until = now + this.limits.banSeconds * 1000;
    for (const u of usernames) setBounded(this.workerBans, `${ip} ${u}`, until);
    const recent = (this.strikes.get(ip) ?? []).filter((t) => t > now - this.limits.banSeconds * 1000);
    recent.push(now);
    if (recent.length >= this.limits.banAddressAfter) {
      setBounded(this.bans, ip, until);
      this.strikes.delete(ip);
      return true;
    }
    setBounded(this.strikes, ip, recent);
    return false;
  }

  private active(map: Map<string, number>, key: string, now: number): boolean {
    const until = map.get(key);
    if (until === undefined) return false;
    if (now >= until) {
      map.delete(key);
      return false;
    }
    return true;
  }
}

/**
 * A log line that may be provoked from outside is written at most once per `intervalMs` per key;
 * the next one says how many were left out.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly write: (fields: object, message: string) => void,
    private readonly intervalMs = 10_000,
  ) {}

  log(key: string, fields: object, message: string, now: number): void {
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    setBounded(this.last, key, { at: now, suppressed: 0 });
    this.write(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}
