import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWallet } from '../src/keystore/walletFile.js';

/** Several real `wallet create` processes on one keystore at once: no account reported created is lost. */
const main = new URL('../dist/main.js', import.meta.url).pathname;
const PASS = 'parallel passphrase';
const PROCESSES = 6;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-wallet-par-'));
  file = join(dir, 'w.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function create(label: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    [main, '--keystore', file, '--network', 'regtest', 'create', '--label', label, '--json'],
    { env: { ...process.env, WALLET_PASSPHRASE: PASS } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

async function createInParallel(labels: string[]): Promise<Map<string, string>> {
  const results = await Promise.all(labels.map(create));
  const reported = new Map<string, string>();
  for (const [i, r] of results.entries()) {
    expect({ label: labels[i], code: r.code, err: r.err }).toEqual({ label: labels[i], code: 0, err: '' });
    const { label, address } = JSON.parse(r.out) as { label: string; address: string };
    reported.set(label, address);
  }
  return reported;
}

describe('wallet processes adding accounts at once', () => {
  it('keeps every account when the wallet file already exists', async () => {
    expect((await create('main')).code).toBe(0);
    const labels = Array.from({ length: PROCESSES }, (_, i) => `acct${i}`);
    const reported = await createInParallel(labels);
    const wallet = await openWallet(file, PASS);
    expect(wallet.accounts.map((a) => a.label).sort()).toEqual(['main', ...labels].sort());
    for (const a of wallet.accounts.filter((x) => x.label !== 'main'))
      expect(a.address).toBe(reported.get(a.label));
    expect(readdirSync(dir)).toEqual(['w.json']); // no lock or temporary file left behind
  }, 60_000);

  it('keeps every account when they all create the wallet file at once', async () => {
    const labels = Array.from({ length: PROCESSES }, (_, i) => `first${i}`);
    const reported = await createInParallel(labels);
    const wallet = await openWallet(file, PASS);
    expect(wallet.accounts.map((a) => a.label).sort()).toEqual(labels.sort());
    for (const a of wallet.accounts) expect(a.address).toBe(reported.get(a.label));
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);
});
