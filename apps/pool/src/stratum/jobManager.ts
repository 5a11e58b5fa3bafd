import { EventEmitter } from 'node:events';
import { bitsToDifficulty, bitsToTarget, hexToBytes, hexToHash } from '@powcoin/core';
import type { NodeClient, Template } from '@powcoin/node-client';
import type { Job } from './job.js';

export interface JobManagerEvents {
  /** A new job; `clean` when it builds on a new tip (older jobs are then stale). */
  job: [job: Job, clean: boolean];
}

/** How many recent jobs stay valid for shares (template refreshes keep older jobs of the same tip). */
const KEEP_JOBS = 16;

/**
 * Turns node templates into Stratum jobs. A new tip makes a clean job at once; new transactions
 * make a refreshed job at most once per `refreshMs`. Jobs of the current tip stay valid.
 */
export class JobManager extends EventEmitter<JobManagerEvents> {
  private readonly jobs = new Map<string, Job>();
  private nextId = 1;
  private current: Job | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private lastRefreshMs = 0;
  private inflight: Promise<void> | undefined;
  private again: Promise<void> | undefined;

  constructor(
    private readonly node: NodeClient,
    private readonly payoutAddress: string,
    private readonly extranonceBytes: number,
    private readonly refreshMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  get currentJob(): Job | undefined {
    return this.current;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Whether a job still builds on the current tip. */
  isCurrent(job: Job): boolean {
    return this.current !== undefined && job.prevHashHex === this.current.prevHashHex;
  }

  /**
   * Fetches a template and publishes a job, one fetch at a time. A refresh asked for while a fetch
   * is under way (a new tip announced meanwhile, say) runs once that fetch ends, since the template
   * in flight may predate it; callers wait for that second fetch.
   */
  async refresh(): Promise<void> {
    if (this.inflight) {
      this.again ??= this.inflight
        .catch(() => undefined)
        .then(() => {
          this.again = undefined;
          return this.refresh();
        });
      return this.again;
    }
    this.inflight = (async () => {
      try {
        const template = await this.node.template(this.payoutAddress, this.extranonceBytes);
        this.lastRefreshMs = Date.now();
        this.publish(template);
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  /** New transactions: refresh, but not more often than `refreshMs`. */
  scheduleRefresh(): void {
    if (this.refreshTimer) return;
    const wait = Math.max(0, this.lastRefreshMs + this.refreshMs - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh().catch(() => undefined);
    }, wait);
  }

  private publish(t: Template): void {
    const clean = !this.current || this.current.prevHashHex !== t.prevHash;
    const job: Job = {
      id: (this.nextId++).toString(16),
      height: t.height,
      prevHash: hexToBytes(t.prevHashInternal, 32),
      prevHashHex: t.prevHash,
      coinb1: hexToBytes(t.coinb1),
      coinb2: hexToBytes(t.coinb2),
      merkleBranch: t.merkleBranch.map((h) => hexToBytes(h, 32)),
      version: t.version,
      bits: Number.parseInt(t.bits, 16),
      time: t.time,
      minTime: t.minTime,
      maxTime: t.maxTime,
      networkTarget: bitsToTarget(Number.parseInt(t.bits, 16)),
      // a hair under, so float rounding can never put the share target below the network target
      maxShareDifficulty: bitsToDifficulty(Number.parseInt(t.bits, 16)) * (1 - 2 ** -20),
      txs: t.txs.map((tx) => hexToBytes(tx.hex)),
      coinbaseValue: BigInt(t.coinbaseValue),
      createdMs: this.clock(),
    };
    if (clean) this.jobs.clear();
    this.jobs.set(job.id, job);
    while (this.jobs.size > KEEP_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
    this.current = job;
    // prevHash display hex is checked against its internal form once, here
    if (hexToHash(t.prevHash).some((b, i) => b !== job.prevHash[i]))
      throw new Error('template prevHash forms disagree');
    this.emit('job', job, clean);
  }

  close(): void {
    clearTimeout(this.refreshTimer);
  }
}
