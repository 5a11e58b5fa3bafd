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
