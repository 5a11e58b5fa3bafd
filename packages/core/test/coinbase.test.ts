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
