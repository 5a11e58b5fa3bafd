import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isPrivateKey } from '@powcoin/core';
import { createFileAtomic, isEnvelope, KeystoreError, open, seal } from '@powcoin/keystore';

/**
 * The pool's payout key, kept encrypted at rest (scrypt + AES-256-GCM, file mode 0600) under a
 * passphrase from the environment. A missing file is created with a new key, as a new file that
 * never replaces another: when pools started together race to create it, one file wins and every
 * one of them uses the key on disk. A file that is not a pool keystore is refused and left alone.
 */
export async function loadOrCreatePoolKey(
  file: string,
  passphrase: string,
): Promise<{ privateKey: Uint8Array; created: boolean }> {
  if (passphrase.length < 8)
    throw new KeystoreError('WRONG_PASSPHRASE', 'the pool key passphrase must have at least 8 characters');
  if (!existsSync(file)) {
    let key = randomBytes(32);
    while (!isPrivateKey(key)) key = randomBytes(32);
    const envelope = await seal(key, passphrase);
    try {
      createFileAtomic(
        file,
        `${JSON.stringify({ kind: 'powcoin-pool-key', version: 1, envelope }, null, 2)}\n`,
      );
      return { privateKey: new Uint8Array(key), created: true };
    } catch (err) {
      // another process created it meanwhile: what is on disk is the pool's key
      if (!(err instanceof KeystoreError && err.code === 'EXISTS')) throw err;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeystoreError('NOT_A_KEYSTORE', `${file} is not a pool key file (not JSON)`);
  }
  const doc = parsed as { kind?: unknown; envelope?: unknown };
  if (doc.kind !== 'powcoin-pool-key' || !isEnvelope(doc.envelope)) {
    throw new KeystoreError('NOT_A_KEYSTORE', `${file} is not a pool key file`);
  }
  const privateKey = await open(doc.envelope, passphrase);
  if (!isPrivateKey(privateKey)) throw new KeystoreError('CORRUPT', `${file} holds no valid key`);
  return { privateKey, created: false };
}
