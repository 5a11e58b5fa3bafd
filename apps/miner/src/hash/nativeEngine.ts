import { type HashEngine, type ScanResult, validateScanRange } from './engine.js';
import type { NativeAddon } from './nativeAddon.js';
import type { ScanJob } from './scanJob.js';

/** Prefix of native engine names: `native-avx512`, `native-sha-ni`, ... */
export const NATIVE_PREFIX = 'native-';

const FOUND_CAPACITY = 1024;

/** The addon's job layout: midstate[8], tail[3], targetWords[8]. */
export function nativeJobWords(job: ScanJob): Uint32Array {
  const words = new Uint32Array(19);
  words.set(job.midstate, 0);
  words.set(job.tail, 8);
  words.set(job.targetWords, 11);
  return words;
}

/** An engine running one of the addon's C kernels (index into `addon.kernels()`). */
export function createNativeEngine(addon: NativeAddon, kernelIndex: number): HashEngine {
  const kernel = addon.kernels()[kernelIndex];
  if (!kernel) throw new RangeError(`native kernel ${kernelIndex} does not exist`);
  const found = new Uint32Array(FOUND_CAPACITY);
  let lastJob: ScanJob | undefined;
  let lastWords: Uint32Array = new Uint32Array(19);
  const wordsOf = (job: ScanJob): Uint32Array => {
    if (job !== lastJob) {
      lastWords = nativeJobWords(job);
      lastJob = job;
    }
    return lastWords;
  };

  return {
    name: `${NATIVE_PREFIX}${kernel.name}`,
    // About 2 to 10 ms per call at 7 to 40 MH/s.
    batchSize: kernel.lanes >= 8 ? 1 << 18 : 1 << 16,
    scan(job: ScanJob, startNonce: number, count: number): ScanResult {
      validateScanRange(startNonce, count);
      const words = wordsOf(job);
      const nonces: number[] = [];
      let done = 0;
      // The addon stops when `found` fills up (only with very easy targets); go on from there.
      while (done < count) {
        const result = addon.scan(kernelIndex, words, (startNonce + done) >>> 0, count - done, found);
        for (let i = 0; i < result.found; i++) nonces.push(found[i] as number);
        done += result.hashes;
      }
      return { nonces, hashes: count };
    },
    hashNonce(job: ScanJob, nonce: number): Uint8Array {
      return addon.sha256d(wordsOf(job), nonce >>> 0);
    },
  };
}
