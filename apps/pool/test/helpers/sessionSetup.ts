import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '@powcoin/node-client';
import { createConfig } from '../../src/config.js';
import { Pool } from '../../src/pool.js';
import { startFakeNode } from './fakeNode.js';
import { keyOf, silentLogger } from './poolHarness.js';

/** The fixed setup a recorded session runs in: fake node with one template, fixed clock and extranonce1. */
export const SESSION_EXTRANONCE1_START = 0x2a000001;

export async function startSessionPool(template: Template) {
  const fake = await startFakeNode(template);
  const dataDir = mkdtempSync(join(tmpdir(), 'powcoin-session-'));
  const config = {
    ...createConfig({ network: 'regtest', node: fake.url, dataDir, port: '0', host: '127.0.0.1' }),
    extranonce1Start: SESSION_EXTRANONCE1_START,
  };
  const pool = new Pool(config, keyOf(100), silentLogger, () => template.time * 1000);
  await pool.start();
  return {
    pool,
    fake,
    async stop() {
      await pool.stop();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
