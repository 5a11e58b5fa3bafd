/**
 * Worker thread entry of the pool (`workerPool.ts`): creates its engine, then scans the ranges it
 * is sent in batches, checking the shared generation between batches so new work stops it at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HashEngine } from './engine.js';
import { createEngine, selectEngine } from './engines.js';
import { loadNativeAddon } from './nativeAddon.js';
import type { FromWorker, ScanWorkerData, ToWorker } from './poolMessages.js';

const data = workerData as ScanWorkerData;
const port = parentPort;
if (!port) throw new Error('scanWorker.ts runs as a worker thread');
const control = new Int32Array(data.control);
const hashCounters = new BigInt64Array(data.hashCounters);
const native = loadNativeAddon({ disabled: data.disableNative || undefined });

function post(message: FromWorker): void {
  port?.postMessage(message);
}

let engine: HashEngine;
let fallbackReason: string | undefined;
try {
  engine = createEngine(data.engine, { native });
} catch (error) {
  // The addon may load in the main thread and not here (or be disabled): mine with what runs.
  engine = selectEngine({ native });
  fallbackReason = error instanceof Error ? error.message : String(error);
}
post(
  fallbackReason
    ? { type: 'ready', engine: engine.name, fallbackReason }
    : { type: 'ready', engine: engine.name },
);

const maxFound = data.maxFoundPerBatch ?? Number.POSITIVE_INFINITY;

port.on('message', (message: ToWorker) => {
  const { generation, job, startNonce, count } = message;
  let done = 0;
  let aborted = false;
  while (done < count) {
    if (Atomics.load(control, 0) !== generation) {
      aborted = true;
      break;
    }
    const batch = Math.min(engine.batchSize, count - done);
    const result = engine.scan(job, (startNonce + done) >>> 0, batch);
    Atomics.add(hashCounters, data.index, BigInt(result.hashes));
    done += batch;
    if (result.nonces.length > 0)
      post({ type: 'found', generation, nonces: result.nonces.slice(0, maxFound) });
  }
  post({ type: 'done', generation, hashes: done, aborted });
});
