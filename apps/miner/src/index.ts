/**
 * apps/miner: the CPU miner. This part is its hashing: engines (native C kernels, portable
 * TypeScript, node:crypto), their selection, worker threads and the bench.
 */
export { type BenchOptions, type BenchResult, runBench } from './bench.js';
export { createCryptoEngine } from './hash/cryptoEngine.js';
export { type HashEngine, NONCE_SPACE, type ScanResult, validateScanRange } from './hash/engine.js';
export {
  availableEngineNames,
  createEngine,
  type EngineInfo,
  type EngineOptions,
  listEngines,
  selectEngine,
} from './hash/engines.js';
export { createJsEngine } from './hash/jsEngine.js';
export {
  DEFAULT_ADDON_PATH,
  defaultNativeAddon,
  loadNativeAddon,
  type NativeAddon,
  type NativeKernel,
  type NativeLoad,
  type NativeLoadOptions,
} from './hash/nativeAddon.js';
export { createNativeEngine } from './hash/nativeEngine.js';
export {
  createScanJob,
  headerWithNonce,
  MIDSTATE_BYTES,
  NONCE_OFFSET,
  nonceMeetsTarget,
  type ScanJob,
  sha256dForNonce,
  TAIL_BYTES,
  targetToWords,
} from './hash/scanJob.js';
export {
  createWorkerPool,
  type FoundNonce,
  type PoolScanResult,
  type ScanRange,
  type WorkerPool,
  type WorkerPoolOptions,
} from './hash/workerPool.js';
export { MinerError, type MinerErrorCode } from './minerError.js';
