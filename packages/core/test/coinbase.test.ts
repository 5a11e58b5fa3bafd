import fc from 'fast-check';
import {
  blockSubsidy,
  bytesToHex,
  coinbaseMerkleBranch,
  concatBytes,
  createCoinbaseTemplate,
  encodeTx,
  joinCoinbase,
  merkleRoot,
  merkleRootFromBranch,
  REGTEST,
  sha256d,
  splitCoinbase,
  txid,
} from '../src/index.js';
import { testKey } from './helpers/chain.js';

describe('coinbase for Stratum', () => {
  const template = createCoinbaseTemplate({
    height: 1234,
    extranonceBytes: 8,
    tag: new TextEncoder().encode('/powpool/'),
    outputs: [{ recipient: testKey(2).hash, amount: blockSubsidy(REGTEST, 1234) }],
  });

  it('splits into coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2 around the free field', () => {
    const { coinb1, coinb2 } = splitCoinbase(template, 4, 4);
    // coinb1: type, height (u32 LE), length of the free field
    expect(bytesToHex(coinb1)).toBe('00d204000011');
    const en1 = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
    const en2 = Uint8Array.of(1, 2, 3, 4);
    const { bytes, coinbase } = joinCoinbase({ coinb1, coinb2 }, en1, en2);
    expect(coinbase.height).toBe(1234);
    expect(coinbase.extra.subarray(0, 8)).toEqual(concatBytes(en1, en2));
    expect(coinbase.outputs).toEqual(template.outputs);
    expect(bytesToHex(sha256d(bytes))).toBe(bytesToHex(txid(coinbase)));
  });

  it('joins back to the same bytes for any extranonce sizes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat(),
        (s1, s2, seed) => {
          const cb = createCoinbaseTemplate({
            height: seed % 1000,
            extranonceBytes: s1 + s2,
            outputs: template.outputs,
          });
          const parts = splitCoinbase(cb, s1, s2);
          const en1 = new Uint8Array(s1).fill(seed & 0xff);
          const en2 = new Uint8Array(s2).fill((seed >> 8) & 0xff);
          const { bytes } = joinCoinbase(parts, en1, en2);
          expect(bytes.length).toBe(encodeTx(cb).length);
        },
      ),
    );
  });

  it('never builds a 64-byte coinbase: the free field gets one more byte instead', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 3 }),
        (extranonceBytes, tagBytes, outputCount) => {
          const tag = new Uint8Array(tagBytes).fill(7);
          const outputs = template.outputs.slice(0, 1).flatMap((o) => Array(outputCount).fill(o));
          const cb = createCoinbaseTemplate({ height: 5, extranonceBytes, tag, outputs });
          const size = encodeTx(cb).length;
          expect(size).not.toBe(64);
          // the same free field, one zero byte longer exactly when it would have been 64 bytes
          const natural = 7 + 28 * outputCount + extranonceBytes + tagBytes;
          expect(size).toBe(natural === 64 ? 65 : natural);
          expect(cb.extra.subarray(0, extranonceBytes + tagBytes)).toEqual(
            concatBytes(new Uint8Array(extranonceBytes), tag),
          );
          const parts = splitCoinbase(cb, extranonceBytes, 0);
          expect(
            joinCoinbase(parts, new Uint8Array(extranonceBytes).fill(1), new Uint8Array(0)).bytes,
          ).toHaveLength(size);
        },
      ),
      { numRuns: 500 },
    );
    // the cases that hit 64 bytes: 29 bytes of free field with one output, 1 with two, 57 with none
    for (const [extranonceBytes, outputCount] of [
      [29, 1],
      [1, 2],
      [32, 0],
    ] as const) {
      const tag = new Uint8Array(outputCount === 0 ? 25 : 0);
      const outputs = Array(outputCount).fill(template.outputs[0]);
      expect(encodeTx(createCoinbaseTemplate({ height: 5, extranonceBytes, tag, outputs }))).toHaveLength(65);
    }
  });

  it('refuses a free field too small for the extranonces', () => {
    expect(() => splitCoinbase(template, 8, 10)).toThrow(RangeError);
    expect(() => createCoinbaseTemplate({ height: 1, extranonceBytes: 101, outputs: [] })).toThrow(
      RangeError,
    );
  });

  it("gives a merkle branch that folds the coinbase txid into the block's root", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 40 }), (others) => {
        const cbid = txid(template);
        const branch = coinbaseMerkleBranch(others);
        expect(merkleRootFromBranch(cbid, branch, 0)).toEqual(merkleRoot([cbid, ...others]));
      }),
    );
  });
});
