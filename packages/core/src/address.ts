import { base58 } from '@scure/base';
import { bytesEqual, concatBytes } from './bytes.js';
import { ConsensusError } from './errors.js';
import { hash160, sha256d } from './hash.js';
import { type ChainParams, NETWORKS } from './params.js';

export const ADDRESS_HASH_BYTES = 20;
const MAX_ADDRESS_LENGTH = 64;

/**
 * base58check(version ‖ hash160(pubkey)) as in Bitcoin: the version byte names the network and the
 * 4-byte checksum catches a mistyped character.
 */
export function addressFromHash(params: ChainParams, hash: Uint8Array): string {
  if (hash.length !== ADDRESS_HASH_BYTES) throw new RangeError('address hash must be 20 bytes');
  const payload = concatBytes(Uint8Array.of(params.addressVersion), hash);
  return base58.encode(concatBytes(payload, sha256d(payload).subarray(0, 4)));
}

export function addressFromPublicKey(params: ChainParams, publicKey: Uint8Array): string {
  return addressFromHash(params, hash160(publicKey));
}

/**
 * Decodes an address of this network to its 20-byte hash. Throws `ADDRESS_MALFORMED`,
 * `ADDRESS_BAD_CHECKSUM` or `ADDRESS_WRONG_NETWORK` (naming the network it belongs to when known).
 */
export function addressToHash(params: ChainParams, address: string): Uint8Array {
  if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) {
    throw new ConsensusError('ADDRESS_MALFORMED', 'an address is a non-empty base58 string');
  }
  let raw: Uint8Array;
  try {
    raw = base58.decode(address);
  } catch {
    throw new ConsensusError('ADDRESS_MALFORMED', 'address contains characters outside base58');
  }
  if (raw.length !== 1 + ADDRESS_HASH_BYTES + 4) {
    throw new ConsensusError('ADDRESS_MALFORMED', `address decodes to ${raw.length} bytes, expected 25`);
  }
  const payload = raw.subarray(0, 21);
  if (!bytesEqual(sha256d(payload).subarray(0, 4), raw.subarray(21))) {
    throw new ConsensusError('ADDRESS_BAD_CHECKSUM', 'address checksum does not match: check for a typo');
  }
  if (payload[0] !== params.addressVersion) {
    const other = Object.values(NETWORKS).find((p) => p.addressVersion === payload[0]);
    throw new ConsensusError(
      'ADDRESS_WRONG_NETWORK',
      other
        ? `address is for ${other.network}, not ${params.network}`
        : `address version ${payload[0]} is not ${params.network}'s (${params.addressVersion})`,
    );
  }
  return payload.slice(1);
}

/** Guard form of `addressToHash`. */
export function isAddress(params: ChainParams, address: string): boolean {
  try {
    addressToHash(params, address);
    return true;
  } catch {
    return false;
  }
}
