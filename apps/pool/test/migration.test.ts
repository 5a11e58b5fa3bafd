import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PoolStore } from '../src/store/poolStore.js';
import { POOL_SCHEMA_VERSION } from '../src/store/schema.js';

const legacySchema = readFileSync(new URL('./fixtures/pool-schema-v1.sql', import.meta.url), 'utf8');
const v3Schema = readFileSync(new URL('./fixtures/pool-schema-v3.sql', import.meta.url), 'utf8');

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

  it('version 3 gains round and miner totals summed from its shares, to the base unit', () => {
    const file = join(dir, 'pool.sqlite');
    const old = new Database(file);
    old.exec(v3Schema);
    const put = old.prepare(
      "INSERT INTO shares (round, address, worker, weight, height, hash, created_ms) VALUES (?, ?, 'w', ?, 1, ?, 0)",
    );
    // weights whose sum is past 2^63: summed as bigint, not as SQLite integers
    const big = (2n ** 62n + 1n).toString();
    put.run(1, 'A', big, 'a1');
    put.run(1, 'A', big, 'a2');
    put.run(1, 'B', '5', 'b1');
    put.run(2, 'A', '7', 'a3');
    old.close();
    const store = new PoolStore(file);
    try {
      expect(store.roundWeights(1)).toEqual(
        new Map([
          ['A', 2n ** 63n + 2n],
          ['B', 5n],
        ]),
      );
      expect(store.roundWeights(2)).toEqual(new Map([['A', 7n]]));
      expect(store.shareCounts()).toEqual(
        new Map([
          ['A', 3],
          ['B', 1],
        ]),
      );
    } finally {
      store.close();
    }
  });
});
