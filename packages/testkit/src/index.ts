/**
 * @powcoin/testkit: loopback-only helpers for integration tests. The node and pool are started
 * as the real built CLIs (`apps/node/dist/main.js`, `apps/pool/dist/main.js`), in temporary folders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port (the OS picks one; it is closed again at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls `check` every 25 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Service {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  child: ChildProcess;
  /** SIGTERM and wait; the data dir is removed unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
  /** SIGKILL and wait (data dir kept). */
  kill(): Promise<void>;
}

const appMain = (app: string) => new URL(`../../../apps/${app}/dist/main.js`, import.meta.url).pathname;

async function startService(
  app: string,
  args: string[],
  dir: string,
  port: number,
  ready: () => Promise<boolean>,
  env: NodeJS.ProcessEnv = {},
): Promise<Service> {
  const child = spawn(process.execPath, [appMain(app), ...args], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  const service: Service = {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    async stop(keepData = false) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await waitFor(`${app} to start`, ready, 20_000);
  return service;
}

/** The node CLI on regtest, on a free loopback port. */
export async function startNodeProcess(
  options: { dir?: string; port?: number; peers?: string[] } = {},
): Promise<Service> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'powcoin-node-'));
  const port = options.port ?? (await freePort());
  const peers = (options.peers ?? []).flatMap((p) => ['--peer', p]);
  return startService(
    'node',
    ['--network', 'regtest', '--data-dir', dir, '--port', String(port), ...peers],
    dir,
    port,
    () =>
      fetch(`http://127.0.0.1:${port}/status`).then(
        (r) => r.ok,
        () => false,
      ),
  );
}

/** The pool CLI on regtest against `nodeUrl`; `url` is its dashboard, `stratumPort` its Stratum port. */
export async function startPoolProcess(
  nodeUrl: string,
  options: { dir?: string; port?: number; flags?: string[] } = {},
): Promise<Service & { stratumPort: number }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'powcoin-pool-'));
  const stratumPort = options.port ?? (await freePort());
  const httpPort = await freePort();
  const args = [
    '--network',
    'regtest',
    '--node',
    nodeUrl,
    '--data-dir',
    dir,
    '--port',
    String(stratumPort),
    '--http-port',
    String(httpPort),
    ...(options.flags ?? []),
  ];
  const service = await startService(
    'pool',
    args,
    dir,
    httpPort,
    () =>
      fetch(`http://127.0.0.1:${httpPort}/api/stats`).then(
        (r) => r.ok,
        () => false,
      ),
    { POOL_KEY_PASSPHRASE: 'testkit-passphrase' },
  );
  return { ...service, stratumPort };
}

/**
 * Mines `count` blocks on a regtest node through its own template route (as a solo miner would),
 * paying `address`. Returns the block hashes.
 */
export async function mineBlocks(nodeUrl: string, address: string, count: number): Promise<string[]> {
  const core = await import('@powcoin/core');
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = (await (await fetch(`${nodeUrl}/template?address=${address}`)).json()) as {
      coinb1: string;
      coinb2: string;
      extranonceBytes: number;
      merkleBranch: string[];
      version: number;
      prevHashInternal: string;
      time: number;
      bits: string;
      txs: Array<{ hex: string }>;
    };
    const coinbase = core.concatBytes(
      core.hexToBytes(t.coinb1),
      new Uint8Array(t.extranonceBytes),
      core.hexToBytes(t.coinb2),
    );
    const header = {
      version: t.version,
      prevHash: core.hexToBytes(t.prevHashInternal, 32),
      merkleRoot: core.merkleRootFromBranch(
        core.sha256d(coinbase),
        t.merkleBranch.map((h) => core.hexToBytes(h, 32)),
        0,
      ),
      time: t.time,
      bits: Number.parseInt(t.bits, 16),
      nonce: 0,
    };
    const params = core.REGTEST;
    while (!core.checkProofOfWork(core.headerHash(header), header.bits, params.powLimit)) header.nonce++;
    const txs = [core.decodeTx(coinbase), ...t.txs.map((x) => core.decodeTx(core.hexToBytes(x.hex)))];
    const res = await fetch(`${nodeUrl}/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hex: core.bytesToHex(core.encodeBlock({ header, txs })) }),
    });
    const body = (await res.json()) as { hash?: string; error?: { message: string } };
    if (!res.ok || !body.hash) throw new Error(`block refused: ${body.error?.message ?? res.status}`);
    hashes.push(body.hash);
  }
  return hashes;
}
