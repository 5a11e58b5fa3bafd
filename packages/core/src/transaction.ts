import { ADDRESS_HASH_BYTES, addressToHash } from './address.js';
import { ByteReader, ByteWriter } from './encoding.js';
import { ConsensusError } from './errors.js';
import { type Hash32, sha256d } from './hash.js';
import { PUBLIC_KEY_BYTES, publicKeyFromPrivate, SIGNATURE_BYTES, signHash } from './keys.js';
import type { ChainParams } from './params.js';

const TYPE_COINBASE = 0x00;
const TYPE_TRANSFER = 0x01;

/** Upper bounds that decoding enforces before any allocation, whatever the network. */
export const MAX_COINBASE_EXTRA_BYTES = 100;
export const MAX_COINBASE_OUTPUTS = 256;
export const TRANSFER_TX_BYTES = 1 + PUBLIC_KEY_BYTES + ADDRESS_HASH_BYTES + 8 + 8 + 8 + SIGNATURE_BYTES;
/**
 * The size no transaction in a block may have: 64 bytes, that of an inner merkle node (two
 * hashes), so a transaction could be passed off as a node in a merkle proof or the other way round
 * (Bitcoin's 64-byte transaction issue). Transfers are 142 bytes; a coinbase could be 64, and
 * `createCoinbaseTemplate` never builds one.
 */
export const FORBIDDEN_TX_BYTES = 64;

/** A payment from the holder of `senderPublicKey` to an address hash. */
export interface TransferTx {
  readonly kind: 'transfer';
  readonly senderPublicKey: Uint8Array;
  readonly recipient: Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  /** The sender's transaction count before this one: 0, 1, 2, ... */
  readonly nonce: number;
  readonly signature: Uint8Array;
}

export interface CoinbaseOutput {
  readonly recipient: Uint8Array;
  readonly amount: bigint;
}

/**
 * The first transaction of a block. Encoded as `type ‖ height ‖ len ‖ extra ‖ outputs`, so its bytes
 * split into `coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2` around the start of `extra`.
 */
export interface CoinbaseTx {
  readonly kind: 'coinbase';
  readonly height: number;
  /** The free field: extranonce1 ‖ extranonce2 ‖ anything the pool or node adds. */
  readonly extra: Uint8Array;
  readonly outputs: readonly CoinbaseOutput[];
}

export type Transaction = TransferTx | CoinbaseTx;

function writeUnsignedTransfer(w: ByteWriter, tx: Omit<TransferTx, 'signature' | 'kind'>): ByteWriter {
  checkLength(tx.senderPublicKey, PUBLIC_KEY_BYTES, 'sender public key');
  checkLength(tx.recipient, ADDRESS_HASH_BYTES, 'recipient');
  return w
    .u8(TYPE_TRANSFER)
    .bytes(tx.senderPublicKey)
    .bytes(tx.recipient)
    .u64(tx.amount)
    .u64(tx.fee)
    .u64(BigInt(tx.nonce));
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new RangeError(`${what} must be ${length} bytes, got ${bytes.length}`);
}

/** Writes a transaction's canonical bytes into a writer. */
export function writeTx(w: ByteWriter, tx: Transaction): ByteWriter {
  if (tx.kind === 'transfer') {
    checkLength(tx.signature, SIGNATURE_BYTES, 'signature');
    return writeUnsignedTransfer(w, tx).bytes(tx.signature);
  }
  if (tx.extra.length > MAX_COINBASE_EXTRA_BYTES) throw new RangeError('coinbase extra field too long');
  if (tx.outputs.length > MAX_COINBASE_OUTPUTS) throw new RangeError('too many coinbase outputs');
  w.u8(TYPE_COINBASE).u32(tx.height).varBytes(tx.extra).varint(tx.outputs.length);
  for (const out of tx.outputs) {
    checkLength(out.recipient, ADDRESS_HASH_BYTES, 'output recipient');
    w.bytes(out.recipient).u64(out.amount);
  }
  return w;
}

/** The canonical bytes of a transaction; its txid is their sha256d. */
export function encodeTx(tx: Transaction): Uint8Array {
  return writeTx(new ByteWriter(tx.kind === 'transfer' ? TRANSFER_TX_BYTES : 64), tx).finish();
}

/** Reads one transaction from a reader positioned at its first byte (strict). */
export function readTx(r: ByteReader): Transaction {
  const type = r.u8('tx type');
  if (type === TYPE_TRANSFER) {
    const senderPublicKey = r.bytes(PUBLIC_KEY_BYTES, 'tx sender');
    const recipient = r.bytes(ADDRESS_HASH_BYTES, 'tx recipient');
    const amount = r.u64('tx amount');
    const fee = r.u64('tx fee');
    const nonce = r.u64('tx nonce');
    if (nonce > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ConsensusError('DECODE_OVERSIZE', `tx nonce ${nonce} is above 2^53 - 1`);
    }
    const signature = r.bytes(SIGNATURE_BYTES, 'tx signature');
    return { kind: 'transfer', senderPublicKey, recipient, amount, fee, nonce: Number(nonce), signature };
  }
  if (type === TYPE_COINBASE) {
    const height = r.u32('coinbase height');
    const extra = r.varBytes(MAX_COINBASE_EXTRA_BYTES, 'coinbase extra');
    const count = r.varint(MAX_COINBASE_OUTPUTS, 'coinbase output count');
    const outputs: CoinbaseOutput[] = [];
    for (let i = 0; i < count; i++) {
      outputs.push({
        recipient: r.bytes(ADDRESS_HASH_BYTES, 'output recipient'),
        amount: r.u64('output amount'),
      });
    }
    return { kind: 'coinbase', height, extra, outputs };
  }
  throw new ConsensusError('DECODE_UNKNOWN_TYPE', `unknown transaction type ${type}`, { type });
}

/** Decodes exactly one transaction: trailing bytes, truncation and oversize fields are rejected. */
export function decodeTx(bytes: Uint8Array): Transaction {
  const r = new ByteReader(bytes);
  const tx = readTx(r);
  r.finish('transaction');
  return tx;
}

/** sha256d of the canonical bytes, internal order (display it with `hashToHex`). */
export function txid(tx: Transaction): Hash32 {
  return sha256d(encodeTx(tx));
}

const SIGHASH_TAG = new TextEncoder().encode('powcoin/tx/v1');

/**
 * What a transfer's signature signs: sha256d(tag ‖ network magic ‖ unsigned transfer bytes).
 * The magic makes a transaction of one network invalid on every other.
 */
export function transferSigningHash(params: ChainParams, tx: Omit<TransferTx, 'signature' | 'kind'>): Hash32 {
  const w = new ByteWriter(128).bytes(SIGHASH_TAG).u32(params.magic);
  return sha256d(writeUnsignedTransfer(w, tx).finish());
}

export interface TransferRequest {
  /** Recipient address of `params`' network (checked) or its 20-byte hash. */
  readonly to: string | Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: number;
}

/** Builds and signs a transfer. Validity against a ledger is checked elsewhere. */
export function createTransfer(
  params: ChainParams,
  privateKey: Uint8Array,
  request: TransferRequest,
): TransferTx {
  const recipient = typeof request.to === 'string' ? addressToHash(params, request.to) : request.to;
  const unsigned = {
    senderPublicKey: publicKeyFromPrivate(privateKey),
    recipient,
    amount: request.amount,
    fee: request.fee,
    nonce: request.nonce,
  };
  const signature = signHash(privateKey, transferSigningHash(params, unsigned));
  return { kind: 'transfer', ...unsigned, signature };
}
