import {
  availableEngineNames,
  createEngine,
  createScanJob,
  createWorkerPool,
  type FoundNonce,
  type WorkerPool,
} from '../src/index.js';
import { easyTarget, seededBytes } from './helpers.js';

const fastest = availableEngineNames()[0] as string;

describe.each([...new Set([fastest, 'js'])])('worker pool running %s', (engine) => {
  let pool: WorkerPool;
  const found: FoundNonce[] = [];
  beforeAll(async () => {
    pool = await createWorkerPool({ threads: 2, engine, onFound: (f) => found.push(f) });
  });
  afterAll(async () => {
    await pool.close();
  });

  test('two workers find the same nonces as one engine scanning alone, across the 2^32 wrap', async () => {
    expect(pool.engine).toBe(engine);
    const job = createScanJob(seededBytes(`pool-${engine}`, 80), easyTarget(6, `pool-target-${engine}`));
    const single = createEngine(engine).scan(job, 0xffff0000, 100_000);
    const before = pool.hashesPerWorker();
    found.length = 0;
    const result = await pool.scan(job, { startNonce: 0xffff0000, count: 100_000 });
    expect(result.aborted).toBe(false);
    expect(result.hashes).toBe(100_000);
    expect(result.nonces).toEqual(single.nonces);
    expect(single.nonces.length).toBeGreaterThan(100);
    // Each worker did its half, and every find was reported as it came.
    const after = pool.hashesPerWorker();
    expect(after.map((n, i) => n - (before[i] as number))).toEqual([50_000, 50_000]);
    expect(found.map((f) => f.nonce).sort((a, b) => a - b)).toEqual([...single.nonces].sort((a, b) => a - b));
    expect(found.every((f) => f.generation === result.generation && f.job === job)).toBe(true);
  });

  test('abort() stops a full 2^32 scan within a batch', async () => {
    const job = createScanJob(seededBytes('abort', 80), 0n);
    const scan = pool.scan(job);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAt = performance.now();
    pool.abort();
    const result = await scan;
    const latencyMs = performance.now() - abortedAt;
    expect(result.aborted).toBe(true);
    expect(result.hashes).toBeGreaterThan(0);
    expect(result.hashes).toBeLessThan(2 ** 32);
    expect(latencyMs).toBeLessThan(300);
  });

  test('new work stops the running scan at once, and its late finds are not reported', async () => {
    const first = createScanJob(seededBytes('old-work', 80), easyTarget(14, 'old-target'));
    const second = createScanJob(seededBytes('new-work', 80), easyTarget(6, 'new-target'));
    const oldScan = pool.scan(first);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const switchedAt = performance.now();
    found.length = 0;
    const newScan = pool.scan(second, { count: 20_000 });
    const oldResult = await oldScan;
    expect(performance.now() - switchedAt).toBeLessThan(300);
    const newResult = await newScan;
    expect(oldResult.aborted).toBe(true);
    expect(newResult.aborted).toBe(false);
    expect(newResult.generation).toBeGreaterThan(oldResult.generation);
    expect(newResult.nonces).toEqual(createEngine(engine).scan(second, 0, 20_000).nonces);
    expect(found.every((f) => f.generation === newResult.generation)).toBe(true);
    expect(found.length).toBe(newResult.nonces.length);
  });

  test('a range smaller than the pool, and an empty one', async () => {
    const job = createScanJob(seededBytes('tiny', 80), (1n << 256n) - 1n);
    expect((await pool.scan(job, { startNonce: 0xffffffff, count: 1 })).nonces).toEqual([0xffffffff]);
    expect(await pool.scan(job, { count: 0 })).toMatchObject({ nonces: [], hashes: 0, aborted: false });
    await expect(pool.scan(job, { count: -1 })).rejects.toThrow(RangeError);
  });
});

test('close() ends a running scan as aborted and refuses new ones', async () => {
  const pool = await createWorkerPool({ threads: 1, engine: 'js' });
  const job = createScanJob(seededBytes('close', 80), 0n);
  const running = pool.scan(job);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pool.close();
  expect((await running).aborted).toBe(true);
  await expect(pool.scan(job)).rejects.toMatchObject({ code: 'POOL_CLOSED' });
});
