import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVNET } from '@powcoin/core';
import { freePort, runCli } from '@powcoin/testkit';
import Database from 'better-sqlite3';
import { NodeService } from '../src/nodeService.js';

describe('a devnet data dir made under the rules before monotonic block times', () => {
  it('is refused at start in words (exit 2), not served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-node-rules-'));
    try {
      new NodeService(DEVNET, dir).close();
      // A block 1 stamped a second before genesis: valid under the median-time-past rule alone.
      const db = new Database(join(dir, 'chain.sqlite'));
      const hash = 'ab'.repeat(32);
      db.prepare(
        'INSERT INTO headers (hash, prev_hash, height, chain_work, time, bits, header) VALUES (?, ?, 1, ?, ?, ?, ?)',
      ).run(hash, DEVNET.genesis.hash, '2', DEVNET.genesis.time - 1, DEVNET.powLimitBits, Buffer.alloc(80));
      db.prepare('INSERT INTO main_chain (height, hash) VALUES (1, ?)').run(hash);
      db.close();
      const result = await runCli('node', [
        '--network',
        'devnet',
        '--data-dir',
        dir,
        '--port',
        String(await freePort()),
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/older devnet rules: block 1 is stamped .* before its parent's/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
