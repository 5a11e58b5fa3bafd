import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, type PoolFlags } from '../../src/config.js';
import { Pool } from '../../src/pool.js';

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Deterministic private key i + 1 (the pool's own key in tests). */
export function keyOf(i: number): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, i + 1);
  return k;
}

/** An in-process pool on a free loopback port against `nodeUrl`, regtest, in a temporary dir. */
export async function startPool(
  nodeUrl: string,
  flags: PoolFlags = {},
  dir?: string,
): Promise<{ pool: Pool; dir: string; stop(keep?: boolean): Promise<void> }> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'powcoin-pool-'));
  const config = createConfig({
    network: 'regtest',
    node: nodeUrl,
    dataDir,
    port: '0',
    host: '127.0.0.1',
    ...flags,
  });
  const pool = new Pool(config, keyOf(100), silentLogger);
  await pool.start();
  return {
    pool,
    dir: dataDir,
    async stop(keep = false) {
      await pool.stop();
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
