import { ByteReader, ByteWriter } from './encoding.js';
import { ConsensusError } from './errors.js';
import type { Hash32 } from './hash.js';
import { type BlockHeader, encodeHeader, HEADER_BYTES, headerHash, readHeader } from './header.js';
import { merkleRoot } from './merkle.js';
import { readTx, type Transaction, txid, writeTx } from './transaction.js';

/** A block: the header and its transactions, coinbase first. */
export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Transaction[];
}

/** Smallest possible transaction, so a tx count can be bounded by the bytes left. */
const MIN_TX_BYTES = 1 + 4 + 1 + 1;

/** header (80 bytes) ‖ CompactSize tx count ‖ transactions. */
export function encodeBlock(block: Block): Uint8Array {
  const w = new ByteWriter(HEADER_BYTES + 256 * block.txs.length).bytes(encodeHeader(block.header));
  w.varint(block.txs.length);
  for (const tx of block.txs) writeTx(w, tx);
  return w.finish();
}

/**
 * Strict decoding of untrusted block bytes: anything over `maxBytes` is refused before parsing,
 * then truncation, trailing bytes and impossible counts are rejected.
 */
export function decodeBlock(bytes: Uint8Array, maxBytes: number): Block {
  if (bytes.length > maxBytes) {
    throw new ConsensusError('DECODE_OVERSIZE', `block of ${bytes.length} bytes exceeds ${maxBytes}`);
  }
  const r = new ByteReader(bytes);
  const header = readHeader(r);
  const count = r.varint(Math.floor(maxBytes / MIN_TX_BYTES), 'block tx count');
  const txs: Transaction[] = [];
  for (let i = 0; i < count; i++) txs.push(readTx(r));
  r.finish('block');
  return { header, txs };
}

export function blockHash(block: Block): Hash32 {
  return headerHash(block.header);
}

/** The merkle root the header must carry for these transactions. */
export function computeMerkleRoot(txs: readonly Transaction[]): Hash32 {
  return merkleRoot(txs.map(txid));
}
