import fc from 'fast-check';
import {
  bytesToHex,
  hexToBytes,
  hexToHash,
  prevHashToStratum,
  stratumHexToU32,
  stratumToPrevHash,
  u32ToStratumHex,
} from '../src/index.js';
import { codeOf } from './helpers/codeOf.js';

describe('Stratum byte orders', () => {
  it('writes u32 fields big-endian: bits 0x1d00ffff is "1d00ffff"', () => {
    expect(u32ToStratumHex(0x1d00ffff)).toBe('1d00ffff');
    expect(u32ToStratumHex(1)).toBe('00000001');
    expect(stratumHexToU32('1D00FFFF')).toBe(0x1d00ffff);
    expect(codeOf(() => stratumHexToU32('1d00fff'))).toBe('DECODE_BAD_HEX');
    expect(codeOf(() => stratumHexToU32('0x00ffff'))).toBe('DECODE_BAD_HEX');
  });

  it("swaps prevhash bytes within each 4-byte group (block 100000's parent as a worked example)", () => {
    // Display hash → internal bytes (reversed) → every 4-byte group reversed.
    const display = '000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250';
    const internal = hexToHash(display);
    expect(bytesToHex(internal)).toBe('50120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd0020000000000');
    expect(prevHashToStratum(internal)).toBe(
      '1901125004612a1701c3a621d930d31d36b607df1fccc2160002d01c00000000',
    );
    expect(stratumToPrevHash(prevHashToStratum(internal))).toEqual(internal);
  });

  it('round-trips any prevhash and u32', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 0xffffffff }), (hash, n) => {
        expect(stratumToPrevHash(prevHashToStratum(hash))).toEqual(hash);
        expect(stratumHexToU32(u32ToStratumHex(n))).toBe(n);
      }),
    );
    expect(() => stratumToPrevHash('00')).toThrow();
    expect(hexToBytes(prevHashToStratum(new Uint8Array(32)))).toEqual(new Uint8Array(32));
  });
});
