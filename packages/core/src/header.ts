import { ByteReader, ByteWriter } from './encoding.js';
import { ConsensusError } from './errors.js';
import { type Hash32, sha256d } from './hash.js';

export const HEADER_BYTES = 80;

/** Bitcoin's block header, field for field. Hashes are in internal byte order. */
export interface BlockHeader {
  readonly version: number;
  readonly prevHash: Hash32;
  readonly merkleRoot: Hash32;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
}

/** The 80 bytes: version u32 LE, prevHash, merkleRoot, time u32 LE, bits u32 LE, nonce u32 LE. */
export function encodeHeader(header: BlockHeader): Uint8Array {
  if (header.prevHash.length !== 32 || header.merkleRoot.length !== 32) {
    throw new RangeError('header hashes must be 32 bytes');
  }
  return new ByteWriter(HEADER_BYTES)
    .u32(header.version)
    .bytes(header.prevHash)
    .bytes(header.merkleRoot)
    .u32(header.time)
    .u32(header.bits)
    .u32(header.nonce)
    .finish();
}

/** Reads a header from a reader positioned at its first byte. */
export function readHeader(reader: ByteReader): BlockHeader {
  return {
    version: reader.u32('header version'),
    prevHash: reader.bytes(32, 'header prevHash'),
    merkleRoot: reader.bytes(32, 'header merkleRoot'),
    time: reader.u32('header time'),
    bits: reader.u32('header bits'),
    nonce: reader.u32('header nonce'),
  };
}

/** Decodes exactly 80 bytes. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length > HEADER_BYTES) {
    throw new ConsensusError('DECODE_TRAILING_BYTES', `header: expected 80 bytes, got ${bytes.length}`);
  }
  const reader = new ByteReader(bytes);
  const header = readHeader(reader);
  reader.finish('header');
  return header;
}

/** sha256d of the 80 header bytes, internal byte order. */
export function headerHash(header: BlockHeader): Hash32 {
  return sha256d(encodeHeader(header));
}
