import {
  bytesToHex,
  difficultyToTarget,
  encodeHeader,
  hashMeetsTarget,
  hexToBytes,
  sha256d,
  u32ToStratumHex,
} from '@powcoin/core';
import { createScanJob, headerWithNonce, type ScanJob } from '../hash/scanJob.js';
import type { WorkerPool } from '../hash/workerPool.js';
import type { Status } from '../status.js';
import type { StratumClient, StratumJob } from '../stratum/stratumClient.js';
import { extranonceBytes, headerFromStratum } from '../work/headers.js';

/**
 * At most this many share submissions per second. A pool that sets a difficulty far too low (or a
 * hostile one) would otherwise get, and cause, a flood; shares over the cap are dropped and counted.
 */
export const MAX_SUBMITS_PER_SECOND = 20;

interface Work {
  readonly scanJob: ScanJob;
  readonly job: StratumJob;
  readonly extranonce2: string;
  readonly target: bigint;
}

/**
 * Pool mining: each notify becomes work at once (a clean_jobs notify, or any newer job, aborts the
 * current scan); the workers roll the nonce, this loop rolls extranonce2; every found nonce is
 * checked against the share target with node:crypto before it is submitted.
 */
export class PoolMode {
  private job: StratumJob | undefined;
  private difficulty = 1;
  private work: Work | undefined;
  private extranonce2 = 0;
  private wake: (() => void) | undefined;
  private stopped = false;
  /** Job ids of found shares, newest last (tests read which job a share was for). */
  readonly submittedJobs: string[] = [];
  /** Shares found but not sent because of the submission cap. */
  dropped = 0;
  private windowStart = 0;
  private windowCount = 0;

  constructor(
    private readonly client: StratumClient,
    private readonly workers: WorkerPool,
    private readonly status: Status,
  ) {
    client.on('job', (job, difficulty) => {
      this.job = job;
      this.difficulty = difficulty;
      this.status.counters.difficulty = difficulty;
      // extranonce2 keeps counting across jobs (reset only with a new extranonce1), so a job a
      // pool sends again unchanged is never searched over the same ground twice
      this.workers.abort();
      this.wake?.();
    });
    client.on('difficulty', (d) => this.status.event('difficulty', { next: d }));
    client.on('connected', () => {
      this.extranonce2 = 0;
      this.status.counters.connection = 'connected';
      this.status.event('connection', { state: 'connected', pool: `${client.host}:${client.port}` });
    });
    client.on('disconnected', (reason) => {
      this.status.counters.connection = 'disconnected';
      this.job = undefined;
      this.workers.abort();
      this.status.event('connection', { state: 'disconnected', reason });
    });
    client.on('ignored', (why) => this.status.event('warning', { message: why }));
  }

  /** Called by the worker pool for every nonce a worker found. */
  onFound(scanJob: ScanJob, nonce: number): void {
    const work = this.work;
    if (!work || work.scanJob !== scanJob) return;
    const header = headerWithNonce(scanJob, nonce);
    if (!hashMeetsTarget(sha256d(header), work.target)) {
      this.status.error(`engine reported nonce ${nonce} that does not meet the share target (ignored)`);
      return;
    }
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.windowCount > MAX_SUBMITS_PER_SECOND) {
        this.status.event('warning', {
          message: `share rate capped at ${MAX_SUBMITS_PER_SECOND}/s: the pool's difficulty is too low`,
        });
      }
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > MAX_SUBMITS_PER_SECOND) {
      this.dropped++;
      return;
    }
    this.submittedJobs.push(work.job.jobId);
    void this.client
      .submit(work.job.jobId, work.extranonce2, work.job.ntime, u32ToStratumHex(nonce))
      .then((r) => {
        if (r.accepted) this.status.counters.accepted++;
        else if (r.code === 21) this.status.counters.stale++;
        else this.status.counters.rejected++;
        this.status.event('share', {
          job: work.job.jobId,
          accepted: r.accepted,
          ...(r.accepted ? {} : { code: r.code, reason: r.message }),
        });
      });
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const job = this.job;
      if (!job || !this.client.connected) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 1000);
        });
        continue;
      }
      const en2 = extranonceBytes(this.extranonce2++, this.client.extranonce2Size);
      const { header } = headerFromStratum(job, hexToBytes(this.client.extranonce1), en2);
      const target = difficultyToTarget(this.difficulty);
      const scanJob = createScanJob(encodeHeader(header), target);
      this.work = { scanJob, job, extranonce2: bytesToHex(en2), target };
      try {
        await this.workers.scan(scanJob);
      } catch (err) {
        if (this.stopped) return; // stop() closed the workers under a scan
        throw err;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.workers.abort();
    this.wake?.();
  }
}
