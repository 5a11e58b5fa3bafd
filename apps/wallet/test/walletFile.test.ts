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
import { bytesToHex } from '@powcoin/core';
import { addAccount, createWallet, openWallet } from '../src/keystore/walletFile.js';
import { testKeys } from './keys.js';

const { key } = testKeys(1000);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-wallet-'));
  file = join(dir, 'wallet.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('wallet keystore', () => {
  it('round-trips several labelled accounts', async () => {
    const created = await createWallet(file, 'correct horse battery', 'regtest', 'main', key(1));
    await addAccount(file, 'correct horse battery', 'savings', key(2));
    const opened = await openWallet(file, 'correct horse battery');
    expect(opened.network).toBe('regtest');
    expect(opened.accounts.map((a) => a.label)).toEqual(['main', 'savings']);
    expect(opened.accounts[0]?.address).toBe(created.accounts[0]?.address);
    expect(opened.accounts[1]?.privateKey).toEqual(key(2));
  });

  it('writes mode 0600 with no plaintext key, label or address inside', async () => {
    const w = await createWallet(file, 'correct horse battery', 'devnet', 'secret-label', key(3));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(bytesToHex(key(3)));
    expect(text).not.toContain(Buffer.from(key(3)).toString('base64'));
    expect(text).not.toContain('secret-label');
    expect(text).not.toContain(w.accounts[0]?.address as string);
  });

  it('refuses a wrong passphrase and a tampered ciphertext', async () => {
    await createWallet(file, 'correct horse battery', 'regtest', 'main', key(4));
    await expect(openWallet(file, 'wrong horse battery')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const c = doc.envelope.ciphertext as string;
    doc.envelope.ciphertext = `${c.slice(0, 10)}${c[10] === '0' ? '1' : '0'}${c.slice(11)}`;
    writeFileSync(file, JSON.stringify(doc));
    await expect(openWallet(file, 'correct horse battery')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
  });

  it('refuses a corrupted or foreign file and never overwrites it', async () => {
    for (const content of [
      '{"hello": "world"}',
      'not json',
      JSON.stringify({ kind: 'powcoin-wallet', version: 1, network: 'regtest', envelope: {} }),
    ]) {
      writeFileSync(file, content);
      await expect(openWallet(file, 'whatever passphrase')).rejects.toMatchObject({ code: 'NOT_A_KEYSTORE' });
      await expect(createWallet(file, 'correct horse battery', 'regtest', 'main', key(5))).rejects.toThrow(
        /left untouched/,
      );
      await expect(addAccount(file, 'correct horse battery', 'x', key(6))).rejects.toMatchObject({
        code: 'NOT_A_KEYSTORE',
      });
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('refuses short passphrases, bad labels and duplicate accounts', async () => {
    await expect(createWallet(file, 'short', 'regtest', 'main', key(7))).rejects.toThrow(/8 characters/);
    await createWallet(file, 'correct horse battery', 'regtest', 'main', key(7));
    await expect(addAccount(file, 'correct horse battery', 'main', key(8))).rejects.toThrow(
      /already labelled/,
    );
    await expect(addAccount(file, 'correct horse battery', 'other', key(7))).rejects.toThrow(
      /already in the wallet/,
    );
    await expect(addAccount(file, 'correct horse battery', 'bad\nlabel', key(9))).rejects.toThrow(/label/);
  });
});

describe('a new wallet file', () => {
  it('is created with its missing folders, made private to the user (0700)', async () => {
    const deep = join(dir, 'home', '.powcoin', 'wallet.json');
    await createWallet(deep, 'correct horse battery', 'regtest', 'main', key(10));
    expect(statSync(join(dir, 'home', '.powcoin')).mode & 0o777).toBe(0o700);
    expect(statSync(deep).mode & 0o777).toBe(0o600);
    expect((await openWallet(deep, 'correct horse battery')).accounts).toHaveLength(1);
  });
});

describe('input errors', () => {
  it('have their own codes, apart from a wrong passphrase', async () => {
    await expect(createWallet(file, 'short', 'regtest', 'main', key(11))).rejects.toMatchObject({
      code: 'WEAK_PASSPHRASE',
    });
    await expect(
      createWallet(file, 'correct horse battery', 'regtest', 'a/b', key(11)),
    ).rejects.toMatchObject({
      code: 'BAD_LABEL',
    });
    await createWallet(file, 'correct horse battery', 'regtest', 'main', key(11));
    await expect(addAccount(file, 'correct horse battery', 'main', key(12))).rejects.toMatchObject({
      code: 'DUPLICATE_LABEL',
    });
    await expect(addAccount(file, 'correct horse battery', 'other', key(11))).rejects.toMatchObject({
      code: 'DUPLICATE_KEY',
    });
  });
});

describe('a symlinked wallet file', () => {
  it('stays a link when an account is added: the file it points to is rewritten', async () => {
    mkdirSync(join(dir, 'secure'));
    const real = join(dir, 'secure', 'wallet.json');
    await createWallet(real, 'correct horse battery', 'regtest', 'main', key(20));
    const link = join(dir, 'wallet.json');
    symlinkSync(real, link);
    await addAccount(link, 'correct horse battery', 'second', key(21));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect((await openWallet(real, 'correct horse battery')).accounts.map((a) => a.label)).toEqual([
      'main',
      'second',
    ]);
    expect(readdirSync(join(dir, 'secure'))).toEqual(['wallet.json']);
  });
});
