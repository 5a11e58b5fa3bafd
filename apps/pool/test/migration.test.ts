import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PoolStore } from '../src/store/poolStore.js';
import { POOL_SCHEMA_VERSION } from '../src/store/schema.js';

const legacySchema = readFileSync(new URL('./fixtures/pool-schema-v1.sql', import.meta.url), 'utf8');

describe("a pool data dir from before the pool's schema was versioned", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens, migrates to the current layout and keeps every row', () => {
    const file = join(dir, 'pool.sqlite');
    const old = new Database(file);
    old.exec(legacySchema);
    old.prepare("INSERT INTO meta (key, value) VALUES ('round', '3')").run();
    old
      .prepare(
        'INSERT INTO payouts (txid, address, amount, fee, nonce, hex, status, tip_height, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run('ab'.repeat(32), 'mxAddress', '4950000000', '1000', 0, '00', 'confirmed', 12, 1);
    old.close();

    const store = new PoolStore(file);
    try {
      expect(store.getMeta('schema_version')).toBe(String(POOL_SCHEMA_VERSION));
      expect(store.currentRound()).toBe(3);
      expect(store.recentPayouts(10)).toEqual([
        expect.objectContaining({ txid: 'ab'.repeat(32), amount: 4950000000n, status: 'confirmed' }),
      ]);
      // the new columns are there and usable
      store.setPayoutStatus('ab'.repeat(32), 'confirmed', { height: 14, hash: 'cd'.repeat(32) });
      expect(store.payoutsToWatch(0)[0]).toMatchObject({
        confirmedHeight: 14,
        confirmedBlock: 'cd'.repeat(32),
      });
    } finally {
      store.close();
    }
    // and it opens again as a current file
    const again = new PoolStore(file);
    expect(again.recentPayouts(10)).toHaveLength(1);
    again.close();
  });

  it('adds the column a development layout (version 2) lacked', () => {
    const file = join(dir, 'pool.sqlite');
    new PoolStore(file).close();
    const db = new Database(file);
    db.exec('ALTER TABLE payouts DROP COLUMN confirmed_block');
    db.prepare("UPDATE meta SET value = '2' WHERE key = 'schema_version'").run();
    db.close();
    const store = new PoolStore(file);
    expect(store.getMeta('schema_version')).toBe(String(POOL_SCHEMA_VERSION));
    expect(store.payoutsToWatch(0)).toEqual([]);
    store.close();
  });
});
