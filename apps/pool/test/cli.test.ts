import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, type Service, startNodeProcess, startPoolProcess } from '@powcoin/testkit';

const run = (args: string[]) => runCli('pool', args, { POOL_KEY_PASSPHRASE: 'testkit-passphrase' });

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
