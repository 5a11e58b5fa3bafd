import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  addressFromPublicKey,
  bytesToHex,
  getParams,
  hexToBytes,
  isNetworkName,
  type NetworkName,
  publicKeyFromPrivate,
  validatePrivateKey,
} from '@powcoin/core';
import {
  createFileAtomic,
  type Envelope,
  isEnvelope,
  KeystoreError,
  open,
  seal,
  withFileLock,
  writeFileAtomic,
} from '@powcoin/keystore';
import { WalletError } from '../walletError.js';

/** One account of a wallet: a label and a key. Only ever in memory once unlocked. */
export interface Account {
  readonly label: string;
  readonly address: string;
  readonly privateKey: Uint8Array;
}

export interface Wallet {
  readonly network: NetworkName;
  readonly accounts: readonly Account[];
}

/** On disk: the network in clear, everything else (labels, keys) sealed in one envelope. */
interface WalletFile {
  readonly kind: 'powcoin-wallet';
  readonly version: 1;
  readonly network: NetworkName;
  readonly envelope: Envelope;
}

interface Payload {
  accounts: Array<{ label: string; key: string }>;
}

const LABEL_RE = /^[\p{L}\p{N} _.-]{1,32}$/u;

/** Checks an account label: `BAD_LABEL` unless 1 to 32 letters, digits, spaces, _ . or -. */
export function validateLabel(label: string): string {
  if (!LABEL_RE.test(label))
    throw new WalletError(
      'BAD_LABEL',
      `"${label.slice(0, 40)}" is not a label: use 1 to 32 letters, digits, spaces, _ . or -`,
    );
  return label;
}

/** The minimum length of a new wallet's passphrase. */
export const MIN_PASSPHRASE_LENGTH = 8;

function toAccount(network: NetworkName, label: string, privateKey: Uint8Array): Account {
  return {
    label,
    privateKey,
    address: addressFromPublicKey(getParams(network), publicKeyFromPrivate(privateKey)),
  };
}

/**
 * Reads the wallet file's clear part. A file that is not a wallet (or not JSON) is refused with
 * `NOT_A_KEYSTORE` and never overwritten.
 */
export function readWalletHeader(path: string): WalletFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw new KeystoreError(
      'NOT_A_KEYSTORE',
      `${path} is not a wallet file (not JSON); it was left untouched`,
    );
  }
  const f = json as Partial<WalletFile>;
  if (
    f.kind !== 'powcoin-wallet' ||
    f.version !== 1 ||
    !isNetworkName(f.network) ||
    !isEnvelope(f.envelope)
  ) {
    throw new KeystoreError('NOT_A_KEYSTORE', `${path} is not a powcoin wallet file; it was left untouched`);
  }
  return f as WalletFile;
}

export function walletExists(path: string): boolean {
  return existsSync(path);
}

/** Unlocks a wallet: `WRONG_PASSPHRASE` for a wrong passphrase (or an altered file), `CORRUPT` for nonsense inside. */
export async function openWallet(path: string, passphrase: string): Promise<Wallet> {
  const header = readWalletHeader(path);
  const plain = await open(header.envelope, passphrase);
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(plain).toString('utf8')) as Payload;
  } finally {
    plain.fill(0);
  }
  if (!Array.isArray(payload.accounts) || payload.accounts.length === 0)
    throw new KeystoreError('CORRUPT', 'the wallet holds no accounts');
  const accounts = payload.accounts.map((a) => {
    try {
      return toAccount(header.network, validateLabel(a.label), validatePrivateKey(hexToBytes(a.key, 32)));
    } catch {
      throw new KeystoreError('CORRUPT', 'the wallet holds an invalid account');
    }
  });
  return { network: header.network, accounts };
}

async function sealWallet(passphrase: string, wallet: Wallet): Promise<string> {
  const payload: Payload = {
    accounts: wallet.accounts.map((a) => ({ label: a.label, key: bytesToHex(a.privateKey) })),
  };
  const plain = Buffer.from(JSON.stringify(payload), 'utf8');
  const envelope = await seal(plain, passphrase);
  plain.fill(0);
  const file: WalletFile = { kind: 'powcoin-wallet', version: 1, network: wallet.network, envelope };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Creates a new wallet file with one account, and its folder (mode 0700) if missing. It never replaces a file, not even one another
 * process created a moment ago: `EXISTS` then (the caller may add the account to it instead).
 */
export async function createWallet(
  path: string,
  passphrase: string,
  network: NetworkName,
  label: string,
  privateKey: Uint8Array,
): Promise<Wallet> {
  if (existsSync(path)) throw new KeystoreError('EXISTS', `${path} already exists; it was left untouched`);
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new WalletError(
      'WEAK_PASSPHRASE',
      `choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (got ${passphrase.length})`,
    );
  const wallet: Wallet = {
    network,
    accounts: [toAccount(network, validateLabel(label), validatePrivateKey(privateKey))],
  };
  // the default ~/.powcoin may not exist yet on a fresh machine: made private to the user
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  createFileAtomic(path, await sealWallet(passphrase, wallet));
  return wallet;
}

/**
 * Adds an account (new or imported) and rewrites the file atomically. The read, change and write
 * happen under the file's lock: two processes adding accounts at once both keep theirs.
 */
export function addAccount(
  path: string,
  passphrase: string,
  label: string,
  privateKey: Uint8Array,
): Promise<Wallet> {
  return withFileLock(path, () => addAccountLocked(path, passphrase, label, privateKey));
}

async function addAccountLocked(
  path: string,
  passphrase: string,
  label: string,
  privateKey: Uint8Array,
): Promise<Wallet> {
  const wallet = await openWallet(path, passphrase);
  if (wallet.accounts.some((a) => a.label === label))
    throw new WalletError(
      'DUPLICATE_LABEL',
      `an account is already labelled "${label}": choose another label`,
    );
  const account = toAccount(wallet.network, validateLabel(label), validatePrivateKey(privateKey));
  const existing = wallet.accounts.find((a) => a.address === account.address);
  if (existing)
    throw new WalletError('DUPLICATE_KEY', `that key is already in the wallet (account ${existing.label})`);
  const next: Wallet = { network: wallet.network, accounts: [...wallet.accounts, account] };
  writeFileAtomic(path, await sealWallet(passphrase, next));
  return next;
}
