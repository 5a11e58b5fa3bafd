import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MinerError } from '../minerError.js';
import { NONCE_SPACE, validateScanRange } from './engine.js';
import { availableEngineNames } from './engines.js';
import type { FromWorker, ScanWorkerData, ToWorker } from './poolMessages.js';
import type { ScanJob } from './scanJob.js';

export interface WorkerPoolOptions {
  /** Worker threads; os.availableParallelism() by default. */
  readonly threads?: number;
  /** Engine name (see listEngines); the fastest available by default. */
  readonly engine?: string;
  /** Make the workers run without the native addon (to test or compare the fallback). */
  readonly disableNative?: boolean;
  /**
   * Report at most this many found nonces per worker batch. Miners set it: a target so easy that
   * more qualify is a misconfigured or hostile pool, and reporting them all would swamp the main thread.
   */
  readonly maxFoundPerBatch?: number;
  /** Called as soon as a worker finds a nonce of the current scan (stale scans are not reported). */
  readonly onFound?: (found: FoundNonce) => void;
}

export interface FoundNonce {
  readonly generation: number;
  readonly job: ScanJob;
  readonly nonce: number;
}

/** The end of one `scan` call. */
export interface PoolScanResult {
  /** Increases with every scan; found nonces carry it. */
  readonly generation: number;
  /** Found nonces, in nonce order from the range's start. */
  readonly nonces: number[];
  readonly hashes: number;
  /** True when a newer scan, abort() or close() stopped it before its range was done. */
  readonly aborted: boolean;
  readonly elapsedMs: number;
}

export interface ScanRange {
  /** First nonce (default 0). */
  readonly startNonce?: number;
  /** Nonces to hash, wrapping modulo 2^32 (default 2^32: the whole space). */
  readonly count?: number;
}

/** Worker threads that scan one job at a time, each its own slice of the nonce range. */
export interface WorkerPool {
  readonly threads: number;
  /** The engine the workers run (after any fallback). */
  readonly engine: string;
  /** Why the workers fell back from the engine asked for, if they did. */
  readonly fallbackReason: string | undefined;
  /**
   * Scans a range of nonces for a job, split evenly over the workers; stops any scan still running
   * (its promise resolves with aborted: true). Resolves when every worker has finished or stopped.
   */
  scan(job: ScanJob, range?: ScanRange): Promise<PoolScanResult>;
  /** Stops the current scan within one batch per worker (a few milliseconds). */
  abort(): void;
  /** Hashes done by each worker since the pool started. */
  hashesPerWorker(): number[];
  totalHashes(): number;
  close(): Promise<void>;
}

interface PendingScan {
  readonly generation: number;
  readonly job: ScanJob;
  readonly startNonce: number;
  readonly startedAt: number;
  readonly nonces: number[];
  hashes: number;
  aborted: boolean;
  waiting: number;
  readonly resolve: (result: PoolScanResult) => void;
  readonly reject: (error: Error) => void;
}

/** Starts the workers and waits until each has its engine ready. */
export async function createWorkerPool(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be >= 1, got ${threads}`);
  const engine = options.engine ?? availableEngineNames()[0] ?? 'js';
  const control = new SharedArrayBuffer(4);
  const hashCounters = new SharedArrayBuffer(8 * threads);
  const entry = workerEntry();
  const workers = Array.from({ length: threads }, (_, index) => {
    const data: ScanWorkerData = {
      engine,
      disableNative: options.disableNative ?? false,
      index,
      control,
      hashCounters,
      ...(options.maxFoundPerBatch === undefined ? {} : { maxFoundPerBatch: options.maxFoundPerBatch }),
    };
    return new Worker(entry.script, { workerData: data, eval: entry.evalScript });
  });
  const ready = await Promise.all(workers.map((worker) => waitReady(worker)));
  return new Pool(workers, ready, control, hashCounters, options.onFound);
}

/**
 * The worker script: the compiled .js beside this file, or, when running from sources (tests, the
 * bench script), the .ts through tsx's require hook. Node 20 applies no `--import` loader hooks
 * inside workers (tried: "Unknown file extension .ts"), so the worker registers tsx itself.
 */
function workerEntry(): { script: string | URL; evalScript: boolean } {
  if (import.meta.url.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
    const source = fileURLToPath(new URL('./scanWorker.ts', import.meta.url));
    const script = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`;
    return { script, evalScript: true };
  }
  return { script: new URL('./scanWorker.js', import.meta.url), evalScript: false };
}

function waitReady(worker: Worker): Promise<Extract<FromWorker, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.type !== 'ready') return;
      worker.off('error', onError);
      worker.off('message', onMessage);
      resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(new MinerError('WORKER_FAILED', `scan worker failed to start: ${error.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}

class Pool implements WorkerPool {
  readonly threads: number;
  readonly engine: string;
  readonly fallbackReason: string | undefined;
  private readonly generation: Int32Array;
  private readonly counters: BigInt64Array;
  private readonly pending = new Map<number, PendingScan>();
  private closed = false;

  constructor(
    private readonly workers: Worker[],
    ready: Extract<FromWorker, { type: 'ready' }>[],
    control: SharedArrayBuffer,
    hashCounters: SharedArrayBuffer,
    private readonly onFound: ((found: FoundNonce) => void) | undefined,
  ) {
    this.threads = workers.length;
    this.engine = [...new Set(ready.map((r) => r.engine))].join(',');
    this.fallbackReason = ready.find((r) => r.fallbackReason)?.fallbackReason;
    this.generation = new Int32Array(control);
    this.counters = new BigInt64Array(hashCounters);
    for (const worker of workers) {
      worker.on('message', (message: FromWorker) => this.handle(message));
      worker.on('error', (error) => this.fail(`scan worker failed: ${error.message}`));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(`scan worker exited with code ${code}`);
      });
    }
  }

  scan(job: ScanJob, range: ScanRange = {}): Promise<PoolScanResult> {
    if (this.closed) return Promise.reject(new MinerError('POOL_CLOSED', 'the worker pool is closed'));
    const startNonce = range.startNonce ?? 0;
    const count = range.count ?? NONCE_SPACE;
    try {
      validateScanRange(startNonce, count);
    } catch (error) {
      return Promise.reject(error);
    }
    // Bumping the generation is what stops the workers' current batches loop.
    const generation = Atomics.add(this.generation, 0, 1) + 1;
    return new Promise((resolve, reject) => {
      const scan: PendingScan = {
        generation,
        job,
        startNonce,
        startedAt: performance.now(),
        nonces: [],
        hashes: 0,
        aborted: false,
        waiting: 0,
        resolve,
        reject,
      };
      this.pending.set(generation, scan);
      const share = Math.floor(count / this.threads);
      const extra = count % this.threads;
      let offset = 0;
      this.workers.forEach((worker, i) => {
        const slice = share + (i < extra ? 1 : 0);
        if (slice === 0) return;
        const message: ToWorker = {
          type: 'scan',
          generation,
          job,
          startNonce: (startNonce + offset) >>> 0,
          count: slice,
        };
        worker.postMessage(message);
        offset += slice;
        scan.waiting++;
      });
      if (scan.waiting === 0) this.finish(scan);
    });
  }

  abort(): void {
    Atomics.add(this.generation, 0, 1);
  }

  hashesPerWorker(): number[] {
    return Array.from({ length: this.threads }, (_, i) => Number(Atomics.load(this.counters, i)));
  }

  totalHashes(): number {
    return this.hashesPerWorker().reduce((sum, n) => sum + n, 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.abort();
    this.closed = true;
    for (const scan of this.pending.values()) {
      scan.aborted = true;
      this.finish(scan);
    }
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private handle(message: FromWorker): void {
    if (message.type === 'ready') return;
    const scan = this.pending.get(message.generation);
    if (!scan) return;
    if (message.type === 'found') {
      scan.nonces.push(...message.nonces);
      // Finds of a scan already replaced are stale: kept in its result, not reported as new work.
      if (this.onFound && Atomics.load(this.generation, 0) === scan.generation) {
        for (const nonce of message.nonces)
          this.onFound({ generation: scan.generation, job: scan.job, nonce });
      }
      return;
    }
    scan.hashes += message.hashes;
    scan.aborted ||= message.aborted;
    scan.waiting--;
    if (scan.waiting === 0) this.finish(scan);
  }

  private finish(scan: PendingScan): void {
    this.pending.delete(scan.generation);
    const offset = (nonce: number) => (nonce - scan.startNonce + NONCE_SPACE) % NONCE_SPACE;
    scan.nonces.sort((a, b) => offset(a) - offset(b));
    scan.resolve({
      generation: scan.generation,
      nonces: scan.nonces,
      hashes: scan.hashes,
      aborted: scan.aborted,
      elapsedMs: performance.now() - scan.startedAt,
    });
  }

  private fail(reason: string): void {
    for (const scan of this.pending.values()) {
      this.pending.delete(scan.generation);
      scan.reject(new MinerError('WORKER_FAILED', reason));
    }
  }
}
