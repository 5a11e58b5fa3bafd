import { createHash } from 'node:crypto';
import { sha256d } from '@powcoin/core';
import { sha256Compress, sha256Midstate, stateToBytes } from '../src/hash/sha256.js';
import { createScanJob, headerWithNonce, sha256dForNonce, targetToWords } from '../src/index.js';
import { seededBytes, seededU32, withNonce } from './helpers.js';

describe('SHA-256 midstate and scan job', () => {
  test('the midstate, finished with the padding block, is node:crypto sha256 of the 64 bytes', () => {
    const padding = new Int32Array(16);
    padding[0] = 0x80000000 | 0;
    padding[15] = 64 * 8;
    for (let i = 0; i < 200; i++) {
      const bytes = seededBytes(`mid-${i}`, 64);
      const state = sha256Midstate(bytes);
      sha256Compress(state, padding);
      expect(Buffer.from(stateToBytes(state))).toEqual(createHash('sha256').update(bytes).digest());
    }
  });

  test('sha256d from the midstate equals node:crypto sha256d of the whole header', () => {
    for (let i = 0; i < 200; i++) {
      const header = seededBytes(`header-${i}`, 80);
      const nonce = seededU32(`nonce-${i}`);
      const job = createScanJob(header, 0n);
      expect(Buffer.from(sha256dForNonce(job, nonce))).toEqual(
        Buffer.from(sha256d(withNonce(header, nonce))),
      );
    }
  });

  test('createScanJob copies the header, splits the tail and the target', () => {
    const header = seededBytes('job', 80);
    const target = (1n << 200n) + 12345n;
    const job = createScanJob(header, target);
    header[70] ^= 0xff;
    expect(job.header[70]).not.toBe(header[70]);
    const view = new DataView(job.header.buffer);
    expect(Array.from(job.tail)).toEqual([view.getUint32(64), view.getUint32(68), view.getUint32(72)]);
    expect(Array.from(job.targetWords)).toEqual([12345, 0, 0, 0, 0, 0, 256, 0]);
    expect(job.target).toBe(target);
  });

  test('targetToWords puts the most significant word last', () => {
    const words = targetToWords((1n << 256n) - 1n - 5n);
    expect(Array.from(words)).toEqual([0xfffffffa, ...new Array(7).fill(0xffffffff)]);
  });

  test('headerWithNonce writes the nonce little-endian into bytes 76..79', () => {
    const job = createScanJob(new Uint8Array(80), 0n);
    expect(Array.from(headerWithNonce(job, 0x11223344).subarray(76))).toEqual([0x44, 0x33, 0x22, 0x11]);
  });

  test('rejects a header that is not 80 bytes and targets outside 0..2^256-1', () => {
    expect(() => createScanJob(new Uint8Array(79), 1n)).toThrow('header must be 80 bytes, got 79');
    expect(() => createScanJob(new Uint8Array(80), -1n)).toThrow(RangeError);
    expect(() => createScanJob(new Uint8Array(80), 1n << 256n)).toThrow(RangeError);
  });
});
