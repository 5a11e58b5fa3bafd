import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileAtomic, isEnvelope, KeystoreError, open, seal, writeFileAtomic } from '../src/index.js';

const FAST = { n: 2 ** 10, r: 8, p: 1 };
const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('envelope', () => {
  it('round-trips a secret with the right passphrase', async () => {
    const env = await seal(secret, 'correct horse', FAST);
    expect(await open(env, 'correct horse')).toEqual(secret);
  });

  it('uses a fresh salt and IV each time and never contains the plaintext', async () => {
    const a = await seal(secret, 'pw', FAST);
    const b = await seal(secret, 'pw', FAST);
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(JSON.stringify(a)).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('refuses a wrong passphrase and a tampered ciphertext or tag', async () => {
    const env = await seal(secret, 'pw', FAST);
    await expect(open(env, 'pW')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const flipped = env.ciphertext.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await expect(open({ ...env, ciphertext: flipped }, 'pw')).rejects.toBeInstanceOf(KeystoreError);
    const tag = env.tag.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await expect(open({ ...env, tag }, 'pw')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('refuses foreign JSON', async () => {
    expect(isEnvelope({ hello: 'world' })).toBe(false);
    expect(isEnvelope(null)).toBe(false);
    await expect(open({ kdf: 'pbkdf2' } as never, 'pw')).rejects.toMatchObject({ code: 'NOT_A_KEYSTORE' });
  });
});

describe('writeFileAtomic', () => {
  it('writes with mode 0600 and replaces atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-ks-'));
    try {
      const file = join(dir, 'key.json');
      writeFileSync(file, 'old', { mode: 0o644 });
      writeFileAtomic(file, 'new');
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createFileAtomic', () => {
  it('creates a new file with mode 0600 and never replaces one that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-ks-'));
    try {
      const file = join(dir, 'key.json');
      createFileAtomic(file, 'first');
      expect(readFileSync(file, 'utf8')).toBe('first');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(() => createFileAtomic(file, 'second')).toThrow(
        expect.objectContaining({ code: 'EXISTS' }) as unknown as Error,
      );
      expect(readFileSync(file, 'utf8')).toBe('first');
      expect(readdirSync(dir)).toEqual(['key.json']); // no temporary file left behind
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('symbolic links', () => {
  it('are written through: the target is replaced, the link stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-ks-'));
    try {
      const target = join(dir, 'real', 'key.json');
      mkdirSync(join(dir, 'real'));
      writeFileSync(target, 'old');
      const link = join(dir, 'key.json');
      symlinkSync(join('real', 'key.json'), link);
      writeFileAtomic(link, 'new');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(statSync(target).mode & 0o777).toBe(0o600);
      // a link to a file not there yet: createFileAtomic makes the file, the link stays
      const later = join(dir, 'later.json');
      symlinkSync(join(dir, 'real', 'later.json'), later);
      createFileAtomic(later, 'created');
      expect(lstatSync(later).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(dir, 'real', 'later.json'), 'utf8')).toBe('created');
      expect(() => createFileAtomic(later, 'again')).toThrow(/already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
