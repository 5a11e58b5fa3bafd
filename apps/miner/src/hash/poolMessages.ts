import type { ScanJob } from './scanJob.js';

/** What the pool tells a worker at start (workerData). */
export interface ScanWorkerData {
  /** Engine to create; the worker falls back to the fastest available if it cannot. */
  readonly engine: string;
  readonly disableNative: boolean;
  /** This worker's slot in `hashCounters`. */
  readonly index: number;
  /** Int32Array[1]: the current generation. A worker drops its scan as soon as it changes. */
  readonly control: SharedArrayBuffer;
  /** BigInt64Array[threads]: hashes done by each worker, updated after every batch. */
  readonly hashCounters: SharedArrayBuffer;
  /** Found nonces reported per batch at most (all when absent). */
  readonly maxFoundPerBatch?: number;
}

/** The one request: scan this range for this generation (the pool terminates workers to close). */
export interface ToWorker {
  readonly type: 'scan';
  readonly generation: number;
  readonly job: ScanJob;
  readonly startNonce: number;
  readonly count: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly engine: string; readonly fallbackReason?: string }
  | { readonly type: 'found'; readonly generation: number; readonly nonces: number[] }
  | {
      readonly type: 'done';
      readonly generation: number;
      readonly hashes: number;
      readonly aborted: boolean;
    };
