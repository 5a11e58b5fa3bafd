/**
 * The node's SQLite schema. Amounts are decimal TEXT (bigint base units, never REAL); chain work is
 * 64 zero-padded hex digits so that text order is numeric order. Hashes are display hex.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
-- Every header seen with a valid proof of work and a known parent, on any branch.
CREATE TABLE IF NOT EXISTS headers (
  hash TEXT PRIMARY KEY,
  prev_hash TEXT NOT NULL,
  height INTEGER NOT NULL,
  chain_work TEXT NOT NULL,
  time INTEGER NOT NULL,
  bits INTEGER NOT NULL,
  header BLOB NOT NULL,
  invalid INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS headers_by_work ON headers (invalid, chain_work);
CREATE INDEX IF NOT EXISTS headers_by_prev ON headers (prev_hash);

CREATE TABLE IF NOT EXISTS blocks (
  hash TEXT PRIMARY KEY,
  bytes BLOB NOT NULL
) STRICT;

-- The active chain: one row per height.
CREATE TABLE IF NOT EXISTS main_chain (
  height INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE IF NOT EXISTS accounts (
  address TEXT PRIMARY KEY,
  balance TEXT NOT NULL,
  immature TEXT NOT NULL,
  nonce INTEGER NOT NULL
) STRICT;

-- The ledger diff of each block on the active chain (core's UndoRecord, as JSON).
CREATE TABLE IF NOT EXISTS undo (
  hash TEXT PRIMARY KEY,
  record TEXT NOT NULL
) STRICT;

-- Transactions of the active chain.
CREATE TABLE IF NOT EXISTS txs (
  txid TEXT PRIMARY KEY,
  block_hash TEXT NOT NULL,
  height INTEGER NOT NULL,
  position INTEGER NOT NULL
) STRICT;

-- Which active-chain transactions touch which address, for paged history.
CREATE TABLE IF NOT EXISTS address_txs (
  address TEXT NOT NULL,
  height INTEGER NOT NULL,
  position INTEGER NOT NULL,
  txid TEXT NOT NULL,
  PRIMARY KEY (address, height, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS address_txs_by_height ON address_txs (height);

-- Unconfirmed transactions, kept across restarts.
CREATE TABLE IF NOT EXISTS mempool (
  txid TEXT PRIMARY KEY,
  sender TEXT NOT NULL,
  nonce INTEGER NOT NULL,
  fee TEXT NOT NULL,
  size INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  seq INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS mempool_by_sender ON mempool (sender, nonce);

-- Peers registered over HTTP or the command line, dialled again after a restart.
CREATE TABLE IF NOT EXISTS peers (
  url TEXT PRIMARY KEY
) STRICT;
`;
