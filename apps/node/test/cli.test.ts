import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, startNodeProcess } from '@powcoin/testkit';

const run = (args: string[]) => runCli('node', args);

describe('the node CLI refuses what cannot work, in words', () => {
  it('a second node on a data dir in use, and a port in use: exit 2, no stack trace', async () => {
    const node = await startNodeProcess();
    try {
      const second = await run([
        '--network',
        'regtest',
        '--data-dir',
        node.dir,
        '--port',
        String(await freePort()),
      ]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/in use by another node process/);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      const dir = mkdtempSync(join(tmpdir(), 'powcoin-node-cli-'));
      try {
        const port = await run(['--network', 'regtest', '--data-dir', dir, '--port', String(node.port)]);
        expect(port).toMatchObject({ code: 2, stderr: `error: port ${node.port} is already in use\n` });
        const other = await run([
          '--network',
          'devnet',
          '--data-dir',
          node.dir,
          '--port',
          String(await freePort()),
        ]);
        expect(other.code).toBe(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await node.stop(true);
    }
    // once the first node is gone, its data dir opens again; another network's chain is refused
    const otherNetwork = await run([
      '--network',
      'devnet',
      '--data-dir',
      node.dir,
      '--port',
      String(await freePort()),
    ]);
    expect(otherNetwork.code).toBe(2);
    expect(otherNetwork.stderr).toMatch(/regtest|genesis/);
    rmSync(node.dir, { recursive: true, force: true });
  });

  it('a bad --ws-max-buffer: exit 2 with words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-node-ws-flags-'));
    try {
      const base = ['--network', 'regtest', '--data-dir', dir, '--port', String(await freePort())];
      for (const [value, words] of [
        ['lots', /--ws-max-buffer must be a whole number/],
        ['10', /--ws-max-buffer must be a whole number 1024\.\./],
      ] as const) {
        const result = await run([...base, '--ws-max-buffer', value]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(words);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
