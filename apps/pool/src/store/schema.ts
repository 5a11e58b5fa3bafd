/**
 * The pool's SQLite schema. Amounts and share weights are decimal TEXT (bigint), never REAL.
 * A share's weight is its difficulty in units of 2^-32 (difficulty 1 = 4294967296), an exact integer.
 */
export const POOL_SCHEMA_VERSION = 2;

/** Steps from each older layout (see `SqliteFile`). */
export const POOL_MIGRATIONS: Readonly<Record<number, string>> = {
  // 1 -> 2: a confirmed payout remembers its block height, to be watched for reorgs from there
  1: 'ALTER TABLE payouts ADD COLUMN confirmed_height INTEGER',
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
  -- the height of the block holding it while status = 'confirmed', else NULL
  confirmed_height INTEGER
) STRICT;
`;
