import { addressFromPublicKey, publicKeyFromPrivate, REGTEST } from '@powcoin/core';

/**
 * Deterministic test keys: private key `base + i` as a 32-byte big-endian number. Each test file
 * takes its own `base`, so no two files share an address.
 */
export function testKeys(base: number) {
  const key = (i: number) => {
    const k = new Uint8Array(32);
    new DataView(k.buffer).setUint32(28, i + base);
    return k;
  };
  const addressOf = (i: number) => addressFromPublicKey(REGTEST, publicKeyFromPrivate(key(i)));
  return { key, addressOf };
}
