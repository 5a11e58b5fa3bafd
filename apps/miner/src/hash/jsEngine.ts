import { type HashEngine, type ScanResult, validateScanRange } from './engine.js';
import { compileJsKernel, prepareJsKernel } from './jsKernel.js';
import { nonceMeetsTarget, type ScanJob, sha256dForNonce } from './scanJob.js';

/** Nonces per kernel call: also the size of the candidate buffer, so it can never overflow. */
const CHUNK = 4096;

/**
 * The portable engine: pure TypeScript SHA-256 with a midstate and a generated, unrolled
 * compression (`jsKernel.ts`). Runs wherever JavaScript does; the fallback when the native
 * addon cannot load.
 */
export function createJsEngine(): HashEngine {
  const kernel = compileJsKernel();
  const candidates = new Uint32Array(CHUNK);
  return {
    name: 'js',
    batchSize: 8192,
    scan(job: ScanJob, startNonce: number, count: number): ScanResult {
      validateScanRange(startNonce, count);
      const pre = prepareJsKernel(job);
      const targetTop = job.targetWords[7] as number;
      const nonces: number[] = [];
      for (let done = 0; done < count; done += CHUNK) {
        const chunk = Math.min(CHUNK, count - done);
        const passed = kernel(pre, (startNonce + done) >>> 0, chunk, targetTop, candidates);
        // The kernel tested the top 32 bits only; the rest of the target is checked here.
        for (let i = 0; i < passed; i++) {
          const nonce = candidates[i] as number;
          if (nonceMeetsTarget(job, nonce)) nonces.push(nonce);
        }
      }
      return { nonces, hashes: count };
    },
    hashNonce(job: ScanJob, nonce: number): Uint8Array {
      return sha256dForNonce(job, nonce);
    },
  };
}
