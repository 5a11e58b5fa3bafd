import { availableParallelism, cpus } from 'node:os';
import { availableEngineNames, listEngines } from './hash/engines.js';
import { createScanJob, type ScanJob } from './hash/scanJob.js';
import { createWorkerPool, type WorkerPool } from './hash/workerPool.js';

export interface BenchOptions {
  /** Seconds measured per engine (default 3). */
  readonly seconds?: number;
  /** Worker threads per engine (default os.availableParallelism()). */
  readonly threads?: number;
  /** One JSON object per line instead of a table. */
  readonly json?: boolean;
  /** Engines to measure (default: every available one); crypto is always measured, for the ratio. */
  readonly engines?: readonly string[];
  /** Where lines go (default process.stdout). */
  readonly write?: (line: string) => void;
}

export interface BenchResult {
  readonly engine: string;
  readonly threads: number;
  readonly seconds: number;
  readonly hashes: number;
  readonly hashesPerSecond: number;
  readonly hashesPerSecondPerThread: number;
  /** hashesPerSecond over the crypto engine's, measured in the same run with the same threads. */
  readonly ratioToCrypto: number;
}

/**
 * Measures each engine the way the miner runs it: a worker pool scanning a header whose target
 * no hash meets, for `seconds`, after a short warm-up (the js engine's JIT, the workers' start).
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult[]> {
  const seconds = options.seconds ?? 3;
  const threads = options.threads ?? availableParallelism();
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!(seconds > 0)) throw new RangeError(`seconds must be positive, got ${seconds}`);
  const available = availableEngineNames();
  const wanted = options.engines ?? available;
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `engines not available here: ${unknown.join(', ')} (available: ${available.join(', ')})`,
    );
  }
  const order = ['crypto', ...wanted.filter((name) => name !== 'crypto')];

  if (!options.json) {
    write(`# ${cpus()[0]?.model ?? 'unknown CPU'}; ${threads} thread(s), ${seconds} s per engine`);
    for (const engine of listEngines().filter((e) => !e.available)) {
      write(`# ${engine.name} unavailable: ${engine.reason}`);
    }
    write(
      `${'engine'.padEnd(18)}${'threads'.padStart(8)}${'total MH/s'.padStart(13)}${'MH/s/thread'.padStart(13)}${'x crypto'.padStart(10)}`,
    );
  }
  const results: BenchResult[] = [];
  let cryptoRate = 0;
  for (const engine of order) {
    const measured = await measure(engine, threads, seconds);
    if (engine === 'crypto') cryptoRate = measured.hashesPerSecond;
    const result: BenchResult = {
      engine,
      threads,
      ...measured,
      hashesPerSecondPerThread: measured.hashesPerSecond / threads,
      ratioToCrypto: measured.hashesPerSecond / cryptoRate,
    };
    results.push(result);
    if (options.json) {
      write(JSON.stringify(result));
    } else {
      const mhs = (n: number) => (n / 1e6).toFixed(n < 1e6 ? 3 : 2);
      write(
        `${engine.padEnd(18)}${String(threads).padStart(8)}${mhs(result.hashesPerSecond).padStart(13)}` +
          `${mhs(result.hashesPerSecondPerThread).padStart(13)}${result.ratioToCrypto.toFixed(1).padStart(10)}`,
      );
    }
  }
  return results;
}

async function measure(
  engine: string,
  threads: number,
  seconds: number,
): Promise<{ seconds: number; hashes: number; hashesPerSecond: number }> {
  const pool = await createWorkerPool({ threads, engine });
  try {
    const header = new Uint8Array(80).map((_, i) => (i * 131 + 7) & 0xff);
    const job = createScanJob(header, 0n);
    await timedScan(pool, job, Math.min(0.5, seconds / 5));
    const { hashes, elapsedMs } = await timedScan(pool, job, seconds);
    return { seconds: elapsedMs / 1000, hashes, hashesPerSecond: hashes / (elapsedMs / 1000) };
  } finally {
    await pool.close();
  }
}

async function timedScan(
  pool: WorkerPool,
  job: ScanJob,
  seconds: number,
): Promise<{ hashes: number; elapsedMs: number }> {
  const scan = pool.scan(job);
  const timer = setTimeout(() => pool.abort(), seconds * 1000);
  const result = await scan;
  clearTimeout(timer);
  return result;
}
