import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  type ScryptOptions,
  scrypt as scryptCallback,
} from 'node:crypto';

export interface KdfParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

/** scrypt parameters: N = 2^15, r = 8, p = 1 (32 MiB), the usual choice for interactive use. */
export const DEFAULT_KDF: KdfParams = Object.freeze({ n: 2 ** 15, r: 8, p: 1 });

/** A secret sealed with a passphrase: everything needed to open it except the passphrase. */
export interface Envelope {
  readonly kdf: 'scrypt';
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

/**
 * Why a secret could not be opened or written: `EXISTS` (a file that must be new is there),
 * `LOCKED` (another process holds the file's lock for too long).
 */
export type KeystoreErrorCode = 'WRONG_PASSPHRASE' | 'CORRUPT' | 'NOT_A_KEYSTORE' | 'EXISTS' | 'LOCKED';

export class KeystoreError extends Error {
  constructor(
    readonly code: KeystoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeystoreError';
  }
}

function scrypt(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.n * kdf.r };
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase.normalize('NFKC'), salt, 32, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Encrypts `plaintext` under a key derived from `passphrase` (fresh salt and IV every time). */
export async function seal(
  plaintext: Uint8Array,
  passphrase: string,
  kdf: KdfParams = DEFAULT_KDF,
): Promise<Envelope> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase, salt, kdf);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return {
    kdf: 'scrypt',
    n: kdf.n,
    r: kdf.r,
    p: kdf.p,
    salt: salt.toString('hex'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
    ciphertext: ciphertext.toString('hex'),
  };
}

const HEX = /^(?:[0-9a-f]{2})+$/;

/** Checks that a parsed JSON value has the shape of an envelope (refuses anything foreign). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const pow2 =
    typeof e.n === 'number' &&
    Number.isInteger(e.n) &&
    e.n >= 2 ** 10 &&
    e.n <= 2 ** 20 &&
    (e.n & (e.n - 1)) === 0;
  return (
    e.kdf === 'scrypt' &&
    e.cipher === 'aes-256-gcm' &&
    pow2 &&
    e.r === 8 &&
    typeof e.p === 'number' &&
    e.p >= 1 &&
    e.p <= 4 &&
    [e.salt, e.iv, e.tag, e.ciphertext].every((h) => typeof h === 'string' && HEX.test(h)) &&
    (e.iv as string).length === 24 &&
    (e.tag as string).length === 32
  );
}

/**
 * Opens an envelope. A wrong passphrase and a tampered envelope are indistinguishable to GCM;
 * both are `WRONG_PASSPHRASE` ("wrong passphrase, or the file was altered").
 */
export async function open(envelope: Envelope, passphrase: string): Promise<Uint8Array> {
  if (!isEnvelope(envelope)) throw new KeystoreError('NOT_A_KEYSTORE', 'not an encrypted keystore');
  const key = await scrypt(passphrase, Buffer.from(envelope.salt, 'hex'), envelope);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'hex'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'hex'));
  try {
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'hex')), decipher.final()]),
    );
  } catch {
    throw new KeystoreError('WRONG_PASSPHRASE', 'wrong passphrase, or the keystore was altered');
  } finally {
    key.fill(0);
  }
}
