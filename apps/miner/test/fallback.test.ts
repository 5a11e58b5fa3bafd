import {
  availableEngineNames,
  createEngine,
  createScanJob,
  createWorkerPool,
  listEngines,
  loadNativeAddon,
  MinerError,
  selectEngine,
} from '../src/index.js';
import { easyTarget, referenceScan, seededBytes } from './helpers.js';

const failing = loadNativeAddon({
  load: () => {
    throw new Error('simulated: invalid ELF header');
  },
});

describe('without the native addon', () => {
  test('a load failure becomes a reason, not an exception', () => {
    expect(failing).toEqual({ ok: false, reason: expect.stringContaining('simulated: invalid ELF header') });
    expect(loadNativeAddon({ path: '/nowhere/miner_native.node' })).toEqual({
      ok: false,
      reason: expect.stringContaining('not built'),
    });
    expect(loadNativeAddon({ load: () => ({ scan: 1 }) })).toEqual({
      ok: false,
      reason: expect.stringContaining('does not export kernels, scan and sha256d'),
    });
    expect(loadNativeAddon({ disabled: true })).toEqual({ ok: false, reason: 'disabled' });
  });

  test('engines list the native entry as unavailable with its reason, and selectEngine falls back to js', () => {
    expect(listEngines({ native: failing })).toEqual([
      { name: 'native', available: false, reason: expect.stringContaining('simulated') },
      { name: 'js', available: true },
      { name: 'crypto', available: true },
    ]);
    expect(availableEngineNames({ native: failing })).toEqual(['js', 'crypto']);
    const engine = selectEngine({ native: failing });
    expect(engine.name).toBe('js');
    const header = seededBytes('fallback', 80);
    const target = easyTarget(3, 'fallback-target');
    expect(engine.scan(createScanJob(header, target), 0, 500).nonces).toEqual(
      referenceScan(header, target, 0, 500),
    );
  });

  test('asking for a native engine by name says why it cannot run', () => {
    const error = (() => {
      try {
        createEngine('native-avx2', { native: failing });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MinerError);
    expect(error).toMatchObject({
      code: 'ENGINE_UNAVAILABLE',
      message: expect.stringContaining('simulated'),
    });
    expect(() => createEngine('gpu')).toThrow(expect.objectContaining({ code: 'ENGINE_UNKNOWN' }));
  });

  test('worker threads asked for a native engine they cannot load mine with js and say why', async () => {
    const pool = await createWorkerPool({ threads: 1, engine: 'native-avx2', disableNative: true });
    try {
      expect(pool.engine).toBe('js');
      expect(pool.fallbackReason).toContain('disabled');
      const header = seededBytes('pool-fallback', 80);
      const target = easyTarget(4, 'pool-fallback-target');
      const result = await pool.scan(createScanJob(header, target), { startNonce: 100, count: 3000 });
      expect(result.nonces).toEqual(referenceScan(header, target, 100, 3000));
    } finally {
      await pool.close();
    }
  });
});
