import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromPublicKey, getParams, publicKeyFromPrivate } from '@powcoin/core';
import { open } from '@powcoin/keystore';
import { freePort, type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { loadOrCreatePoolKey } from '../src/poolKey.js';

const POOL_MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const PASSPHRASE = 'testkit-passphrase';
const POOLS = 8;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the pool key created by several at once', () => {
  it('is created once: every caller gets the key that is on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-key-'));
    try {
      const file = join(dir, 'pool-key.json');
      const got = await Promise.all(
        Array.from({ length: POOLS }, () => loadOrCreatePoolKey(file, PASSPHRASE)),
      );
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      const onDisk = hex(await open(doc.envelope, PASSPHRASE));
      expect(got.map((k) => hex(k.privateKey))).toEqual(Array(POOLS).fill(onDisk));
      expect(got.filter((k) => k.created)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pools started together on one data dir', () => {
  let node: Service;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await Promise.all(
      children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise((r) => c.once('exit', r).kill('SIGTERM'))),
    );
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the pool that wins the data dir mines to the address of the key on disk', async () => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-keyrace-'));
    const ports = await Promise.all(
      Array.from({ length: POOLS }, async () => [await freePort(), await freePort()]),
    );
    for (const [stratum, http] of ports) {
      children.push(
        spawn(
          process.execPath,
          [
            POOL_MAIN,
            ...['--network', 'regtest', '--node', node.url, '--data-dir', dir],
            ...['--port', String(stratum), '--http-port', String(http)],
          ],
          { stdio: 'ignore', env: { ...process.env, POOL_KEY_PASSPHRASE: PASSPHRASE } },
        ),
      );
    }
    let winner: { poolAddress: string } | undefined;
    await waitFor(
      'one pool to serve and the others to exit',
      async () => {
        for (const [, http] of ports) {
          const res = await fetch(`http://127.0.0.1:${http}/api/stats`).catch(() => undefined);
          if (res?.ok) winner = (await res.json()) as { poolAddress: string };
        }
        return winner !== undefined && children.filter((c) => c.exitCode !== null).length === POOLS - 1;
      },
      20_000,
    );
    expect(children.filter((c) => c.exitCode === 2)).toHaveLength(POOLS - 1);
    const doc = JSON.parse(readFileSync(join(dir, 'pool-key.json'), 'utf8'));
    const onDisk = await open(doc.envelope, PASSPHRASE);
    expect(winner?.poolAddress).toBe(
      addressFromPublicKey(getParams('regtest'), publicKeyFromPrivate(onDisk)),
    );
  }, 40_000);
});
