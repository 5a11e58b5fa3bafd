import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port (the OS picks; closed again at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface NodeProcess {
  readonly url: string;
  readonly dir: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const nodeMain = new URL('../../../node/dist/main.js', import.meta.url).pathname;

/** Starts the real node CLI (built) on regtest, on loopback, in a temporary data dir. */
export async function startNodeProcess(): Promise<NodeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-node-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [nodeMain, '--network', 'regtest', '--data-dir', dir, '--port', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`${url}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('node did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dir,
    child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
