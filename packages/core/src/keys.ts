import elliptic from 'elliptic';
import { ConsensusError } from './errors.js';
import type { Hash32 } from './hash.js';

const secp256k1 = new elliptic.ec('secp256k1');
const N = BigInt(`0x${secp256k1.n?.toString(16)}`);
const HALF_N = N >> 1n;
/** The field prime: an x coordinate must be below it. */
const P = BigInt(`0x${secp256k1.curve.p.toString(16)}`);

export const PRIVATE_KEY_BYTES = 32;
export const PUBLIC_KEY_BYTES = 33;
export const SIGNATURE_BYTES = 64;

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** Whether 32 bytes are a valid secp256k1 private key (1 ≤ k < n). */
export function isPrivateKey(bytes: Uint8Array): boolean {
  if (bytes.length !== PRIVATE_KEY_BYTES) return false;
  const k = toBigInt(bytes);
  return k > 0n && k < N;
}

/** Checks a private key (e.g. one imported by a user) and returns it; throws `KEY_INVALID`. */
export function validatePrivateKey(bytes: Uint8Array): Uint8Array {
  if (!isPrivateKey(bytes)) {
    throw new ConsensusError('KEY_INVALID', 'a private key is 32 bytes, a number from 1 to n-1 of secp256k1');
  }
  return bytes;
}

/** The compressed (33-byte) public key of a private key. */
export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  validatePrivateKey(privateKey);
  const key = secp256k1.keyFromPrivate(Buffer.from(privateKey));
  return new Uint8Array(key.getPublic(true, 'array'));
}

/** Whether bytes are a compressed public key on the curve. */
export function isPublicKey(bytes: Uint8Array): boolean {
  if (bytes.length !== PUBLIC_KEY_BYTES || (bytes[0] !== 2 && bytes[0] !== 3)) return false;
  if (toBigInt(bytes.subarray(1)) >= P) return false;
  try {
    const point = secp256k1.keyFromPublic(Buffer.from(bytes)).getPublic();
    return secp256k1.curve.validate(point);
  } catch {
    return false;
  }
}

/**
 * Signs a 32-byte hash: deterministic (RFC 6979), always low-S, encoded as r ‖ s (64 bytes).
 */
export function signHash(privateKey: Uint8Array, hash: Hash32): Uint8Array {
  validatePrivateKey(privateKey);
  const sig = secp256k1.sign(Buffer.from(hash), Buffer.from(privateKey), { canonical: true });
  return new Uint8Array([...sig.r.toArray('be', 32), ...sig.s.toArray('be', 32)]);
}

/**
 * Verifies an r ‖ s signature over a hash. Throws `TX_BAD_PUBKEY` for a key off the curve,
 * `TX_HIGH_S` for a malleated (high-S) signature and `TX_BAD_SIGNATURE` when it does not verify.
 */
export function verifySignature(publicKey: Uint8Array, hash: Hash32, signature: Uint8Array): void {
  if (!isPublicKey(publicKey)) {
    throw new ConsensusError('TX_BAD_PUBKEY', 'public key is not a compressed secp256k1 point');
  }
  if (signature.length !== SIGNATURE_BYTES) {
    throw new ConsensusError('TX_BAD_SIGNATURE', `signature must be ${SIGNATURE_BYTES} bytes`);
  }
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32));
  if (r === 0n || r >= N || s === 0n || s >= N) {
    throw new ConsensusError('TX_BAD_SIGNATURE', 'signature r or s is outside 1..n-1');
  }
  if (s > HALF_N) {
    throw new ConsensusError(
      'TX_HIGH_S',
      'signature s is in the upper half of the curve order (only low-S is valid)',
    );
  }
  const ok = secp256k1.verify(
    Buffer.from(hash),
    {
      r: Buffer.from(signature.subarray(0, 32)).toString('hex'),
      s: Buffer.from(signature.subarray(32)).toString('hex'),
    },
    Buffer.from(publicKey),
  );
  if (!ok) throw new ConsensusError('TX_BAD_SIGNATURE', 'signature does not verify against the sender key');
}

/** The curve order, for tests that build malleated signatures. */
export const CURVE_ORDER = N;
