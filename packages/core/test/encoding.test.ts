import fc from 'fast-check';
import {
  type Block,
  ByteReader,
  ByteWriter,
  bytesToHex,
  decodeBlock,
  decodeHeader,
  decodeTx,
  encodeBlock,
  encodeHeader,
  encodeTx,
  hexToBytes,
  type Transaction,
} from '../src/index.js';
import { codeOf } from './helpers/codeOf.js';

const bytesN = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u32 = fc.nat({ max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

const headerArb = fc.record({
  version: u32,
  prevHash: bytesN(32),
  merkleRoot: bytesN(32),
  time: u32,
  bits: u32,
  nonce: u32,
});
const transferArb: fc.Arbitrary<Transaction> = fc.record({
  kind: fc.constant('transfer' as const),
  senderPublicKey: bytesN(33),
  recipient: bytesN(20),
  amount: u64,
  fee: u64,
  nonce: fc.nat(),
  signature: bytesN(64),
});
const coinbaseArb: fc.Arbitrary<Transaction> = fc.record({
  kind: fc.constant('coinbase' as const),
  height: u32,
  extra: fc.uint8Array({ maxLength: 100 }),
  outputs: fc
    .array(fc.record({ recipient: bytesN(20), amount: u64 }), { maxLength: 300 })
    .map((o) => o.slice(0, 256)),
});
const txArb = fc.oneof(transferArb, coinbaseArb);
const blockArb: fc.Arbitrary<Block> = fc.record({
  header: headerArb,
  txs: fc.array(txArb, { maxLength: 20 }),
});

describe('canonical encoding round trips', () => {
  it('header: decode(encode(h)) = h, always 80 bytes', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const bytes = encodeHeader(h);
        expect(bytes.length).toBe(80);
        expect(decodeHeader(bytes)).toEqual(h);
      }),
    );
  });

  it('transaction: decode(encode(tx)) = tx and encode(decode(b)) = b', () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        const bytes = encodeTx(tx);
        const back = decodeTx(bytes);
        expect(back).toEqual(tx);
        expect(bytesToHex(encodeTx(back))).toBe(bytesToHex(bytes));
      }),
    );
  });

  it('block: decode(encode(b)) = b', () => {
    fc.assert(
      fc.property(blockArb, (block) => {
        expect(decodeBlock(encodeBlock(block), 10_000_000)).toEqual(block);
      }),
      { numRuns: 50 },
    );
  });
});

describe('strict decoding', () => {
  it('rejects every truncation of a transaction and a block', () => {
    fc.assert(
      fc.property(blockArb, fc.nat(), (block, cut) => {
        const bytes = encodeBlock(block);
        const at = cut % bytes.length;
        expect(codeOf(() => decodeBlock(bytes.slice(0, at), 10_000_000))).toBe('DECODE_TRUNCATED');
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(txArb, fc.nat(), (tx, cut) => {
        const bytes = encodeTx(tx);
        expect(codeOf(() => decodeTx(bytes.slice(0, cut % bytes.length)))).toBe('DECODE_TRUNCATED');
      }),
    );
  });

  it('rejects trailing bytes', () => {
    fc.assert(
      fc.property(txArb, fc.uint8Array({ minLength: 1, maxLength: 10 }), (tx, extra) => {
        const bytes = new Uint8Array([...encodeTx(tx), ...extra]);
        expect(codeOf(() => decodeTx(bytes))).toBe('DECODE_TRAILING_BYTES');
      }),
    );
    expect(codeOf(() => decodeHeader(new Uint8Array(81)))).toBe('DECODE_TRAILING_BYTES');
  });

  it('rejects an oversize block before parsing, and oversize fields', () => {
    expect(codeOf(() => decodeBlock(new Uint8Array(2000), 1000))).toBe('DECODE_OVERSIZE');
    // coinbase with a 101-byte free field
    const w = new ByteWriter().u8(0).u32(1).varint(101).bytes(new Uint8Array(101)).varint(0);
    expect(codeOf(() => decodeTx(w.finish()))).toBe('DECODE_OVERSIZE');
    // coinbase with 257 outputs declared
    const w2 = new ByteWriter().u8(0).u32(1).varint(0).varint(257);
    expect(codeOf(() => decodeTx(w2.finish()))).toBe('DECODE_OVERSIZE');
    // a block declaring more transactions than a block of the size limit could hold
    const w3 = new ByteWriter().bytes(new Uint8Array(80)).varint(200_000);
    expect(codeOf(() => decodeBlock(w3.finish(), 1_000_000))).toBe('DECODE_OVERSIZE');
  });

  it('rejects a transfer nonce above 2^53 - 1', () => {
    const bytes = encodeTx({
      kind: 'transfer',
      senderPublicKey: new Uint8Array(33),
      recipient: new Uint8Array(20),
      amount: 1n,
      fee: 0n,
      nonce: 0,
      signature: new Uint8Array(64),
    });
    new DataView(bytes.buffer).setBigUint64(1 + 33 + 20 + 16, 1n << 60n, true);
    expect(codeOf(() => decodeTx(bytes))).toBe('DECODE_OVERSIZE');
  });

  it('rejects an unknown transaction type', () => {
    expect(codeOf(() => decodeTx(Uint8Array.of(7, 0, 0)))).toBe('DECODE_UNKNOWN_TYPE');
  });

  it('accepts only shortest-form varints', () => {
    expect(new ByteReader(hexToBytes('fc')).varint(1000)).toBe(0xfc);
    expect(new ByteReader(hexToBytes('fdfd00')).varint(1000)).toBe(0xfd);
    expect(codeOf(() => new ByteReader(hexToBytes('fd0100')).varint(1000))).toBe('DECODE_NONCANONICAL');
    expect(codeOf(() => new ByteReader(hexToBytes('fe01000000')).varint(1e9))).toBe('DECODE_NONCANONICAL');
    expect(codeOf(() => new ByteReader(hexToBytes('ff0100000000000000')).varint(1e15))).toBe(
      'DECODE_NONCANONICAL',
    );
    expect(codeOf(() => new ByteReader(hexToBytes('fde803')).varint(999))).toBe('DECODE_OVERSIZE');
  });

  it('round-trips varints of every size class', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (n) => {
        const r = new ByteReader(new ByteWriter().varint(n).finish());
        expect(r.varint(Number.MAX_SAFE_INTEGER)).toBe(n);
        r.finish();
      }),
    );
  });

  it('rejects bad hex at the edge', () => {
    for (const bad of ['abc', 'zz', '0x00', ' 00', 'é0'])
      expect(codeOf(() => hexToBytes(bad))).toBe('DECODE_BAD_HEX');
    expect(codeOf(() => hexToBytes('00', 32))).toBe('DECODE_BAD_HEX');
  });

  it('refuses to write out-of-range integers', () => {
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError);
    expect(() => new ByteWriter().u64(-1n)).toThrow(RangeError);
    expect(() => new ByteWriter().u8(1.5)).toThrow(RangeError);
  });
});
