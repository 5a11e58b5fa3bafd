import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Service, startNodeProcess, startPoolProcess } from '@powcoin/testkit';

const poolMain = new URL('../dist/main.js', import.meta.url).pathname;

/** Runs the built pool CLI to its exit (these runs must fail fast); returns code and stderr. */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [poolMain, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, POOL_KEY_PASSPHRASE: 'testkit-passphrase' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the pool CLI refuses what cannot work, in words', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('a node of another network: exit 2 at once, not retried forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-cli-'));
    try {
      const ports = ['--port', String(await freePort()), '--http-port', String(await freePort())];
      const res = await run(['--network', 'devnet', '--node', node.url, '--data-dir', dir, ...ports]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('runs regtest, the pool devnet');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a second pool on a data dir in use: exit 2, the running pool untouched', async () => {
    const pool = await startPoolProcess(node.url);
    try {
      const ports = ['--port', String(await freePort()), '--http-port', String(await freePort())];
      const res = await run(['--network', 'regtest', '--node', node.url, '--data-dir', pool.dir, ...ports]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/in use by another pool process/);
      expect((await fetch(`${pool.url}/api/stats`)).ok).toBe(true);
    } finally {
      await pool.stop();
    }
  });
});
