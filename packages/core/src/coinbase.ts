import { concatBytes } from './bytes.js';
import { ByteWriter } from './encoding.js';
import { ConsensusError } from './errors.js';
import {
  type CoinbaseOutput,
  type CoinbaseTx,
  decodeTx,
  encodeTx,
  FORBIDDEN_TX_BYTES,
  MAX_COINBASE_EXTRA_BYTES,
} from './transaction.js';

/** A coinbase cut around its extranonce space, as Stratum sends it. */
export interface CoinbaseParts {
  readonly coinb1: Uint8Array;
  readonly coinb2: Uint8Array;
}

export interface CoinbaseTemplateRequest {
  readonly height: number;
  readonly outputs: readonly CoinbaseOutput[];
  /** Bytes reserved for extranonce1 ‖ extranonce2 at the start of the free field. */
  readonly extranonceBytes: number;
  /** Bytes after the extranonce space (a pool tag, a message). */
  readonly tag?: Uint8Array;
}

/**
 * A coinbase whose free field is `zeros(extranonceBytes) ‖ tag`, ready to split for Stratum.
 * Never `FORBIDDEN_TX_BYTES` (64) long, which no block may hold: when it would be, the free field
 * ends with one more zero byte (after the extranonce space, so Stratum's split is unchanged).
 */
export function createCoinbaseTemplate(request: CoinbaseTemplateRequest): CoinbaseTx {
  const tag = request.tag ?? new Uint8Array(0);
  if (request.extranonceBytes < 0 || request.extranonceBytes + tag.length > MAX_COINBASE_EXTRA_BYTES) {
    throw new RangeError(`extranonce space plus tag must fit ${MAX_COINBASE_EXTRA_BYTES} bytes`);
  }
  const coinbase: CoinbaseTx = {
    kind: 'coinbase',
    height: request.height,
    extra: concatBytes(new Uint8Array(request.extranonceBytes), tag),
    outputs: request.outputs,
  };
  // A 64-byte coinbase has a free field of at most 57 bytes: one more always fits.
  if (encodeTx(coinbase).length !== FORBIDDEN_TX_BYTES) return coinbase;
  return { ...coinbase, extra: concatBytes(coinbase.extra, new Uint8Array(1)) };
}

/**
 * Splits a coinbase into `coinb1` (everything before the free field's first byte) and `coinb2`
 * (everything after `extranonce1Size + extranonce2Size` bytes of it), so that
 * `coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2` is again a coinbase of the same shape.
 */
export function splitCoinbase(
  coinbase: CoinbaseTx,
  extranonce1Size: number,
  extranonce2Size: number,
): CoinbaseParts {
  const space = extranonce1Size + extranonce2Size;
  if (
    !Number.isInteger(space) ||
    extranonce1Size < 0 ||
    extranonce2Size < 0 ||
    coinbase.extra.length < space
  ) {
    throw new RangeError(
      `coinbase free field has ${coinbase.extra.length} bytes, needs ${space} for extranonces`,
    );
  }
  const bytes = encodeTx(coinbase);
  const start = new ByteWriter(16).u8(0).u32(coinbase.height).varint(coinbase.extra.length).length;
  return { coinb1: bytes.slice(0, start), coinb2: bytes.slice(start + space) };
}

/**
 * `coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2`, checked to decode as a coinbase
 * (throws a decode `ConsensusError` otherwise).
 */
export function joinCoinbase(
  parts: CoinbaseParts,
  extranonce1: Uint8Array,
  extranonce2: Uint8Array,
): { bytes: Uint8Array; coinbase: CoinbaseTx } {
  const bytes = concatBytes(parts.coinb1, extranonce1, extranonce2, parts.coinb2);
  const tx = decodeTx(bytes);
  if (tx.kind !== 'coinbase')
    throw new ConsensusError('DECODE_UNKNOWN_TYPE', 'joined bytes are not a coinbase');
  return { bytes, coinbase: tx };
}
