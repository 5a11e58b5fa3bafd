import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  coinbaseMerkleBranch,
  createCoinbaseTemplate,
  encodeHeader,
  hashToBigInt,
  joinCoinbase,
  merkleRootFromBranch,
  sha256d,
  splitCoinbase,
} from '@powcoin/core';
import {
  availableEngineNames,
  createEngine,
  createScanJob,
  DEFAULT_ADDON_PATH,
  defaultNativeAddon,
  type HashEngine,
  listEngines,
} from '../src/index.js';
import { easyTarget, referenceScan, seededBytes, seededU32, withNonce } from './helpers.js';

const MAX_TARGET = (1n << 256n) - 1n;

describe('engines available here', () => {
  test('the native addon loads, unless MINER_NATIVE=0 or its build recorded why it could not build here', () => {
    const names = availableEngineNames();
    const buildFailure = join(dirname(DEFAULT_ADDON_PATH), 'BUILD_FAILED');
    if (process.env.MINER_NATIVE === '0' || existsSync(buildFailure)) {
      expect(names).toEqual(['js', 'crypto']);
      return;
    }
    const native = defaultNativeAddon();
    expect(native.ok ? 'loaded' : native.reason).toBe('loaded');
    expect(names.filter((name) => name.startsWith('native-')).length).toBeGreaterThanOrEqual(2);
    expect(names.slice(-3)).toEqual(['js', 'native-generic', 'crypto']);
    expect(listEngines().every((engine) => engine.available)).toBe(true);
  });
});

/**
 * 1,000 random headers, each scanned for 1 to 40 nonces from a random start (so vector kernels
 * also end on partly filled lanes), at targets from 1/2 to 1/256 of the space with random low words.
 */
const cases = Array.from({ length: 1000 }, (_, i) => {
  const header = seededBytes(`engine-header-${i}`, 80);
  const target = easyTarget(1 + (i % 8), `engine-target-${i}`);
  const start = seededU32(`engine-start-${i}`);
  const count = 1 + (i % 40);
  return { header, target, start, count, expected: referenceScan(header, target, start, count) };
});
const caseNonces = cases.reduce((sum, c) => sum + c.count, 0);

describe.each(availableEngineNames())('%s engine', (name) => {
  let engine: HashEngine;
  beforeAll(() => {
    engine = createEngine(name);
  });

  test(`finds exactly the nonces a brute-force node:crypto scan finds (${caseNonces} nonces, 1,000 headers)`, () => {
    let total = 0;
    for (const c of cases) {
      const result = engine.scan(createScanJob(c.header, c.target), c.start, c.count);
      expect(result.hashes).toBe(c.count);
      expect(result.nonces).toEqual(c.expected);
      total += c.expected.length;
    }
    expect(total).toBeGreaterThan(1000);
  });

  test('hashNonce gives node:crypto sha256d of the header with that nonce', () => {
    for (let i = 0; i < 64; i++) {
      const header = seededBytes(`raw-header-${i}`, 80);
      const nonce = seededU32(`raw-nonce-${i}`);
      const expected = createHash('sha256')
        .update(createHash('sha256').update(withNonce(header, nonce)).digest())
        .digest();
      expect(Buffer.from(engine.hashNonce(createScanJob(header, 0n), nonce))).toEqual(expected);
    }
  });

  test('a hash equal to the target meets it; the target one below does not (every word compared)', () => {
    for (let i = 0; i < 8; i++) {
      const header = seededBytes(`edge-header-${i}`, 80);
      const nonce = seededU32(`edge-nonce-${i}`);
      const value = hashToBigInt(sha256d(withNonce(header, nonce)));
      const start = (nonce - 5) >>> 0;
      expect(engine.scan(createScanJob(header, value), start, 11).nonces).toEqual(
        referenceScan(header, value, start, 11),
      );
      expect(engine.scan(createScanJob(header, value), start, 11).nonces).toContain(nonce);
      expect(engine.scan(createScanJob(header, value - 1n), start, 11).nonces).not.toContain(nonce);
    }
  });

  test('wraps from nonce 0xffffffff to 0', () => {
    const header = seededBytes('wrap-header', 80);
    const target = easyTarget(3, 'wrap-target');
    const expected = referenceScan(header, target, 0xffffff00, 512);
    const result = engine.scan(createScanJob(header, target), 0xffffff00, 512);
    expect(result.nonces).toEqual(expected);
    expect(result.nonces.some((n) => n >= 0xffffff00)).toBe(true);
    expect(result.nonces.some((n) => n < 0x100)).toBe(true);
    expect(engine.scan(createScanJob(header, MAX_TARGET), 0xffffffff, 2).nonces).toEqual([0xffffffff, 0]);
  });

  test('an extranonce roll changes the merkle root and midstate, and the scan follows the new header', () => {
    const coinbase = createCoinbaseTemplate({
      height: 42,
      outputs: [{ recipient: seededBytes('recipient', 20), amount: 50n }],
      extranonceBytes: 8,
    });
    const parts = splitCoinbase(coinbase, 4, 4);
    const branch = coinbaseMerkleBranch([seededBytes('tx-1', 32), seededBytes('tx-2', 32)]);
    const target = easyTarget(4, 'roll-target');
    const jobs = [0, 1].map((roll) => {
      const extranonce2 = new Uint8Array([0, 0, 0, roll]);
      const { bytes } = joinCoinbase(parts, new Uint8Array([1, 2, 3, 4]), extranonce2);
      const header = encodeHeader({
        version: 1,
        prevHash: seededBytes('prev', 32),
        merkleRoot: merkleRootFromBranch(sha256d(bytes), branch, 0),
        time: 1_700_000_000,
        bits: 0x1d00ffff,
        nonce: 0,
      });
      return { header, job: createScanJob(header, target) };
    });
    const [a, b] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
    expect(Array.from(a.job.midstate)).not.toEqual(Array.from(b.job.midstate));
    const foundA = engine.scan(a.job, 0, 1024).nonces;
    const foundB = engine.scan(b.job, 0, 1024).nonces;
    expect(foundA).toEqual(referenceScan(a.header, target, 0, 1024));
    expect(foundB).toEqual(referenceScan(b.header, target, 0, 1024));
    expect(foundA).not.toEqual(foundB);
  });

  test('the largest target accepts every nonce, beyond any internal buffer', () => {
    const result = engine.scan(createScanJob(seededBytes('all', 80), MAX_TARGET), 7, 3000);
    expect(result.nonces).toEqual(Array.from({ length: 3000 }, (_, i) => i + 7));
  });

  test('target 0 accepts nothing; count 0 hashes nothing; bad ranges throw', () => {
    const job = createScanJob(seededBytes('none', 80), 0n);
    expect(engine.scan(job, 0, 2000)).toEqual({ nonces: [], hashes: 2000 });
    expect(engine.scan(job, 5, 0)).toEqual({ nonces: [], hashes: 0 });
    expect(() => engine.scan(job, -1, 1)).toThrow('startNonce must be a u32, got -1');
    expect(() => engine.scan(job, 2 ** 32, 1)).toThrow(RangeError);
    expect(() => engine.scan(job, 0, 2 ** 32 + 1)).toThrow('count must be an integer in 0..2^32');
    expect(() => engine.scan(job, 0, 1.5)).toThrow(RangeError);
  });
});
