import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COIN } from '@powcoin/core';
import Database from 'better-sqlite3';
import { createConfig } from '../src/config.js';
import { createDashboardApp } from '../src/dashboard/app.js';
import { Pool } from '../src/pool.js';
import { BALANCE_SQL } from '../src/store/balanceRepository.js';
import { BLOCK_SQL } from '../src/store/blockRepository.js';
import { PAYOUT_SQL } from '../src/store/payoutRepository.js';
import { POOL_SCHEMA_SQL } from '../src/store/schema.js';
import { SHARE_SQL } from '../src/store/shareRepository.js';
import { keyOf, silentLogger } from './helpers/poolHarness.js';

const OLD_ROWS = 1_000_000;
/** Half the rows in 999 closed rounds, half in the open round (a long round without a block). */
const ROUNDS = 1000;
const OPEN_ROUND_ROWS = OLD_ROWS / 2;
const MINERS = 50;
const UNIT = 2n ** 32n;
const v3Schema = readFileSync(new URL('./fixtures/pool-schema-v3.sql', import.meta.url), 'utf8');
const minerAddress = (i: number) => `miner${String(i).padStart(2, '0')}`;

/** A pool file of the layout before round totals, with a million old shares written directly. */
function writeOldBooks(file: string): void {
  const db = new Database(file);
  db.exec(v3Schema);
  const share = db.prepare(
    'INSERT INTO shares (round, address, worker, weight, height, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const block = db.prepare(
    "INSERT INTO blocks (hash, height, round, reward, bits, status, finder, created_ms) VALUES (?, ?, ?, ?, ?, 'matured', 'f', ?)",
  );
  const closed = OLD_ROWS - OPEN_ROUND_ROWS;
  db.transaction(() => {
    for (let i = 0; i < OLD_ROWS; i++) {
      const round = i < closed ? Math.floor(i / (closed / (ROUNDS - 1))) + 1 : ROUNDS;
      const hash = i.toString(16).padStart(64, '0');
      share.run(round, minerAddress(i % MINERS), 'w', UNIT.toString(), round, hash, i);
    }
    for (let r = 1; r < ROUNDS; r++)
      block.run(`b${r}`.padStart(64, '0'), r, r, String(50n * COIN), 0x207fffff, r);
  })();
  db.prepare("INSERT INTO meta (key, value) VALUES ('round', ?)").run(String(ROUNDS));
  db.close();
}

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
};

describe('the books with a million old shares', () => {
  let dir: string;
  let pool: Pool;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-scale-'));
    writeOldBooks(join(dir, 'pool.sqlite'));
    const t0 = performance.now();
    pool = new Pool(
      createConfig({ network: 'regtest', dataDir: dir, port: '0', host: '127.0.0.1' }),
      keyOf(100),
      silentLogger,
    );
    process.stdout.write(
      `bench: opening (and migrating) the books took ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  }, 60_000);
  afterAll(() => {
    pool.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /api/stats and splits a block without reading the old shares', async () => {
    const server = createDashboardApp(pool).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stats`;
      await fetch(url); // the first request also warms express up
      const [, statsMs] = await time(async () => (await fetch(url)).json());
      const [, splitMs] = await time(() =>
        pool.store.transaction(() =>
          pool.accounting.recordCandidate('ee'.repeat(32), ROUNDS, 50n * COIN, 0x207fffff, 'f', 0),
        ),
      );
      process.stdout.write(
        `bench: ${OLD_ROWS} old shares (${OPEN_ROUND_ROWS} in the open round): GET /api/stats ${statsMs.toFixed(1)} ms, block split ${splitMs.toFixed(1)} ms\n`,
      );
      // the split is of the whole open round, read from its totals
      const credits = pool.store.creditsOf('ee'.repeat(32));
      expect(credits).toHaveLength(MINERS);
      const net = 50n * COIN - (50n * COIN) / 100n;
      expect(credits[0]?.amount).toBe(net / BigInt(MINERS));
      expect(pool.store.shareCounts().get(minerAddress(0))).toBe(OLD_ROWS / MINERS);
      // generous bounds: reading the rows behind them cost hundreds of ms each
      expect(statsMs).toBeLessThan(200);
      expect(splitMs).toBeLessThan(100);
    } finally {
      server.close();
    }
  }, 60_000);
});

describe("the dashboard's queries", () => {
  const queries = {
    sharesSince: SHARE_SQL.since,
    shareCounts: SHARE_SQL.counts,
    roundWeights: SHARE_SQL.roundWeights,
    balances: BALANCE_SQL.all,
    immatureTotals: BLOCK_SQL.immatureTotals,
    blockCounts: BLOCK_SQL.counts,
    recentBlocks: BLOCK_SQL.recent,
    creditsOf: BLOCK_SQL.creditsOf,
    recentPayouts: PAYOUT_SQL.recent,
    paidTotals: PAYOUT_SQL.paidTotals,
    prune: SHARE_SQL.prune,
  };

  it.each(Object.entries(queries))('%s reads through an index, never a whole growing table', (_name, sql) => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT');
      db.exec(POOL_SCHEMA_SQL);
      const params = (sql.match(/\?/g) ?? []).map(() => 1);
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail);
      process.stdout.write(`plan ${_name}: ${plan.join(' | ')}\n`);
      for (const step of plan)
        expect(step).not.toMatch(/^SCAN (shares|blocks|credits|payouts|b|c)\b(?! USING)/);
      expect(plan.join(' ')).not.toMatch(/SCAN shares/);
    } finally {
      db.close();
    }
  });
});
