import type Database from 'better-sqlite3';

/**
 * The pool's SQLite schema. Amounts and share weights are decimal TEXT (bigint), never REAL.
 * A share's weight is its difficulty in units of 2^-32 (difficulty 1 = 4294967296), an exact integer.
 */
export const POOL_SCHEMA_VERSION = 4;

/** Files written before the pool recorded a version have the layout of version 1. */
export const POOL_UNVERSIONED = 1;

/** A confirmed payout remembers the block holding it, to be checked against the chain. */
function addConfirmedBlock(db: Database.Database): void {
  const columns = new Set(
    db
      .prepare<[], { name: string }>('PRAGMA table_info(payouts)')
      .all()
      .map((c) => c.name),
  );
  if (!columns.has('confirmed_height')) db.exec('ALTER TABLE payouts ADD COLUMN confirmed_height INTEGER');
  if (!columns.has('confirmed_block')) db.exec('ALTER TABLE payouts ADD COLUMN confirmed_block TEXT');
}

/**
 * Per-round and per-miner share totals (what accounting and the dashboard read, so raw shares can
 * be pruned) and the indexes of the dashboard's queries. Kept in step with every share written.
 */
const AGGREGATES_SQL = `
-- Summed share weight and count per round and miner: the prop split reads this, not raw shares.
CREATE TABLE IF NOT EXISTS round_shares (
  round INTEGER NOT NULL,
  address TEXT NOT NULL,
  weight TEXT NOT NULL,
  shares INTEGER NOT NULL,
  PRIMARY KEY (round, address)
) STRICT;
-- Every share a miner ever had accepted (the dashboard's count), kept when raw shares are pruned.
CREATE TABLE IF NOT EXISTS miner_shares (
  address TEXT PRIMARY KEY,
  shares INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS blocks_by_status ON blocks (status, height);
CREATE INDEX IF NOT EXISTS blocks_by_round ON blocks (round);
CREATE INDEX IF NOT EXISTS blocks_by_time ON blocks (created_ms);
CREATE INDEX IF NOT EXISTS payouts_by_address ON payouts (address, amount);
CREATE INDEX IF NOT EXISTS payouts_by_status ON payouts (status, nonce);
`;

/** Version 3 to 4: the aggregate tables, filled from the shares already there (bigint sums). */
function addAggregates(db: Database.Database): void {
  db.exec(AGGREGATES_SQL);
  db.exec('DELETE FROM round_shares; DELETE FROM miner_shares;');
  const perRound = new Map<string, { round: number; address: string; weight: bigint; shares: number }>();
  const perMiner = new Map<string, number>();
  const rows = db.prepare<[], { round: number; address: string; weight: string }>(
    'SELECT round, address, weight FROM shares',
  );
  for (const r of rows.iterate()) {
    const key = `${r.round} ${r.address}`;
    const t = perRound.get(key) ?? { round: r.round, address: r.address, weight: 0n, shares: 0 };
    t.weight += BigInt(r.weight);
    t.shares++;
    perRound.set(key, t);
    perMiner.set(r.address, (perMiner.get(r.address) ?? 0) + 1);
  }
  const putRound = db.prepare(
    'INSERT INTO round_shares (round, address, weight, shares) VALUES (?, ?, ?, ?)',
  );
  for (const t of perRound.values()) putRound.run(t.round, t.address, t.weight.toString(), t.shares);
  const putMiner = db.prepare('INSERT INTO miner_shares (address, shares) VALUES (?, ?)');
  for (const [address, n] of perMiner) putMiner.run(address, n);
}

/**
 * Steps from each older layout (see `SqliteFile`). Version 2 (a development layout) had only
 * confirmed_height; both steps add whatever of the two columns is missing.
 */
export const POOL_MIGRATIONS: Readonly<Record<number, (db: Database.Database) => void>> = {
  1: addConfirmedBlock,
  2: addConfirmedBlock,
  3: addAggregates,
};
export const POOL_SCHEMA_SQL = `
-- Every accepted share, written before the miner hears "true".
CREATE TABLE IF NOT EXISTS shares (
  id INTEGER PRIMARY KEY,
  round INTEGER NOT NULL,
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  weight TEXT NOT NULL,
  height INTEGER NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS shares_by_round ON shares (round);
CREATE INDEX IF NOT EXISTS shares_by_time ON shares (created_ms);

-- Blocks the pool found: submitted -> pending (accepted, immature) -> matured | orphaned; or rejected.
CREATE TABLE IF NOT EXISTS blocks (
  hash TEXT PRIMARY KEY,
  height INTEGER NOT NULL,
  round INTEGER NOT NULL,
  reward TEXT NOT NULL,
  bits INTEGER NOT NULL,
  status TEXT NOT NULL,
  finder TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;

-- Each miner's part of each block, fixed when the block is accepted.
CREATE TABLE IF NOT EXISTS credits (
  block_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  amount TEXT NOT NULL,
  PRIMARY KEY (block_hash, address)
) STRICT;

-- Matured, unpaid balance per miner (credited at maturity, debited when a payout is signed).
CREATE TABLE IF NOT EXISTS balances (
  address TEXT PRIMARY KEY,
  amount TEXT NOT NULL
) STRICT;

-- Payouts: recorded with their signed bytes before they are sent; signed -> sent -> confirmed.
CREATE TABLE IF NOT EXISTS payouts (
  txid TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  amount TEXT NOT NULL,
  fee TEXT NOT NULL,
  nonce INTEGER NOT NULL UNIQUE,
  hex TEXT NOT NULL,
  status TEXT NOT NULL,
  tip_height INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  -- the block holding it (height, hash) while status = 'confirmed', else NULL
  confirmed_height INTEGER,
  confirmed_block TEXT
) STRICT;
${AGGREGATES_SQL}`;
