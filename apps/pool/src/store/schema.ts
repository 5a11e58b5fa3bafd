import type Database from 'better-sqlite3';

/**
 * The pool's SQLite schema. Amounts and share weights are decimal TEXT (bigint), never REAL.
 * A share's weight is its difficulty in units of 2^-32 (difficulty 1 = 4294967296), an exact integer.
 */
export const POOL_SCHEMA_VERSION = 3;

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
 * Steps from each older layout (see `SqliteFile`). Version 2 (a development layout) had only
 * confirmed_height; both steps add whatever of the two columns is missing.
 */
export const POOL_MIGRATIONS: Readonly<Record<number, (db: Database.Database) => void>> = {
  1: addConfirmedBlock,
  2: addConfirmedBlock,
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
`;
