import { ConsensusError } from './errors.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Lowercase hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Strict hex decoding: an even number of hex digits, nothing else (no `0x`, no spaces).
 * `expectedLength`, when given, is the exact number of bytes required.
 */
export function hexToBytes(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) {
    throw new ConsensusError('DECODE_BAD_HEX', 'expected an even number of hex digits', {
      length: typeof hex === 'string' ? hex.length : undefined,
    });
  }
  if (expectedLength !== undefined && hex.length !== expectedLength * 2) {
    throw new ConsensusError(
      'DECODE_BAD_HEX',
      `expected ${expectedLength} bytes of hex, got ${hex.length / 2}`,
      { expectedLength, length: hex.length / 2 },
    );
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A reversed copy: hashes are stored in internal order and displayed reversed, as in Bitcoin. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}
