import { type Account, EMPTY_ACCOUNT, type LedgerView } from '@powcoin/core';
import { SqliteFile } from '@powcoin/sqlite';
import { MempoolStore } from './mempoolStore.js';
import { workToHex } from './records.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

/** A header-index row. */
export interface HeaderRow {
  readonly hash: string;
  readonly prevHash: string;
  readonly height: number;
  readonly chainWork: bigint;
  readonly time: number;
  readonly bits: number;
  readonly header: Uint8Array;
  readonly invalid: boolean;
}

interface RawHeaderRow {
  hash: string;
  prev_hash: string;
  height: number;
  chain_work: string;
  time: number;
  bits: number;
  header: Buffer;
  invalid: number;
}

function headerFromRaw(r: RawHeaderRow): HeaderRow {
  return {
    hash: r.hash,
    prevHash: r.prev_hash,
    height: r.height,
    chainWork: BigInt(`0x${r.chain_work}`),
    time: r.time,
    bits: r.bits,
    header: new Uint8Array(r.header),
    invalid: r.invalid !== 0,
  };
}

/**
 * The node's embedded store (SQLite through better-sqlite3): header index, blocks, active chain,
 * ledger, undo records and transaction indexes. Synchronous, so a `transaction()` is one atomic
 * write; WAL with synchronous=FULL, so a committed transaction survives `kill -9` and power loss.
 * Nothing here holds the chain in memory: every read is an indexed lookup.
 */
export class ChainStore extends SqliteFile implements LedgerView {
  private readonly stmt;
  /** The mempool table, in the same database so block and mempool changes commit together. */
  readonly mempool: MempoolStore;

  constructor(file: string) {
    super(file, { schemaSql: SCHEMA_SQL, schemaVersion: SCHEMA_VERSION, owner: 'node' });
    const db = this.db;
    this.stmt = {
      getHeader: db.prepare<[string], RawHeaderRow>('SELECT * FROM headers WHERE hash = ?'),
      putHeader: db.prepare(
        'INSERT INTO headers (hash, prev_hash, height, chain_work, time, bits, header) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      markInvalid: db.prepare('UPDATE headers SET invalid = 1 WHERE hash = ?'),
      childrenOf: db.prepare<[string], { hash: string }>('SELECT hash FROM headers WHERE prev_hash = ?'),
      bestHeaders: db.prepare<[], RawHeaderRow>(
        'SELECT * FROM headers WHERE invalid = 0 ORDER BY chain_work DESC LIMIT 16',
      ),
      getBlock: db.prepare<[string], { bytes: Buffer }>('SELECT bytes FROM blocks WHERE hash = ?'),
      putPeer: db.prepare('INSERT OR IGNORE INTO peers (url) VALUES (?)'),
      removePeer: db.prepare('DELETE FROM peers WHERE url = ?'),
      allPeers: db.prepare<[], { url: string }>('SELECT url FROM peers ORDER BY url'),
      hasBlock: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM blocks WHERE hash = ?'),
      putBlock: db.prepare('INSERT OR IGNORE INTO blocks (hash, bytes) VALUES (?, ?)'),
      mainAt: db.prepare<[number], { hash: string }>('SELECT hash FROM main_chain WHERE height = ?'),
      mainTip: db.prepare<[], { height: number; hash: string }>(
        'SELECT height, hash FROM main_chain ORDER BY height DESC LIMIT 1',
      ),
      pushMain: db.prepare('INSERT INTO main_chain (height, hash) VALUES (?, ?)'),
      popMain: db.prepare('DELETE FROM main_chain WHERE height = ?'),
      getAccount: db.prepare<[string], { balance: string; immature: string; nonce: number }>(
        'SELECT balance, immature, nonce FROM accounts WHERE address = ?',
      ),
      putAccount: db.prepare(
        'INSERT INTO accounts (address, balance, immature, nonce) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (address) DO UPDATE SET balance = excluded.balance, immature = excluded.immature, nonce = excluded.nonce',
      ),
      deleteAccount: db.prepare('DELETE FROM accounts WHERE address = ?'),
      allAccounts: db.prepare<[], { address: string; balance: string; immature: string; nonce: number }>(
        'SELECT address, balance, immature, nonce FROM accounts ORDER BY address',
      ),
      getUndo: db.prepare<[string], { record: string }>('SELECT record FROM undo WHERE hash = ?'),
      putUndo: db.prepare('INSERT INTO undo (hash, record) VALUES (?, ?)'),
      deleteUndo: db.prepare('DELETE FROM undo WHERE hash = ?'),
      putTx: db.prepare('INSERT INTO txs (txid, block_hash, height, position) VALUES (?, ?, ?, ?)'),
      deleteTxsAt: db.prepare('DELETE FROM txs WHERE height = ?'),
      getTx: db.prepare<[string], { block_hash: string; height: number; position: number }>(
        'SELECT block_hash, height, position FROM txs WHERE txid = ?',
      ),
      putAddressTx: db.prepare(
        'INSERT OR IGNORE INTO address_txs (address, height, position, txid) VALUES (?, ?, ?, ?)',
      ),
      deleteAddressTxsAt: db.prepare('DELETE FROM address_txs WHERE height = ?'),
      addressTxs: db.prepare<[string, number, number], { height: number; position: number; txid: string }>(
        'SELECT height, position, txid FROM address_txs WHERE address = ? ORDER BY height DESC, position DESC LIMIT ? OFFSET ?',
      ),
    };
    this.mempool = new MempoolStore(db);
  }

  getHeader(hash: string): HeaderRow | undefined {
    const raw = this.stmt.getHeader.get(hash);
    return raw ? headerFromRaw(raw) : undefined;
  }

  putHeader(row: Omit<HeaderRow, 'invalid'>): void {
    this.stmt.putHeader.run(
      row.hash,
      row.prevHash,
      row.height,
      workToHex(row.chainWork),
      row.time,
      row.bits,
      row.header,
    );
  }

  /** Marks a header and all its known descendants invalid. */
  markInvalid(hash: string): void {
    const queue = [hash];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      this.stmt.markInvalid.run(next);
      for (const child of this.stmt.childrenOf.all(next)) queue.push(child.hash);
    }
  }

  /** Headers not marked invalid, most cumulative work first. */
  bestHeaders(): HeaderRow[] {
    return this.stmt.bestHeaders.all().map(headerFromRaw);
  }

  getBlockBytes(hash: string): Uint8Array | undefined {
    const row = this.stmt.getBlock.get(hash);
    return row ? new Uint8Array(row.bytes) : undefined;
  }

  putPeer(url: string): void {
    this.stmt.putPeer.run(url);
  }

  removePeer(url: string): void {
    this.stmt.removePeer.run(url);
  }

  allPeers(): string[] {
    return this.stmt.allPeers.all().map((r) => r.url);
  }

  hasBlock(hash: string): boolean {
    return this.stmt.hasBlock.get(hash) !== undefined;
  }

  putBlock(hash: string, bytes: Uint8Array): void {
    this.stmt.putBlock.run(hash, bytes);
  }

  /** The lowest active-chain block stamped earlier than its parent, if any. */
  firstBackwardsTime(): { height: number; time: number; parentTime: number } | undefined {
    return this.db
      .prepare<[], { height: number; time: number; parentTime: number }>(
        `SELECT m.height AS height, h.time AS time, p.time AS parentTime
           FROM main_chain m JOIN headers h ON h.hash = m.hash
           JOIN main_chain pm ON pm.height = m.height - 1 JOIN headers p ON p.hash = pm.hash
          WHERE h.time < p.time ORDER BY m.height LIMIT 1`,
      )
      .get();
  }

  mainHashAt(height: number): string | undefined {
    return this.stmt.mainAt.get(height)?.hash;
  }

  mainTip(): { height: number; hash: string } | undefined {
    return this.stmt.mainTip.get();
  }

  pushMain(height: number, hash: string): void {
    this.stmt.pushMain.run(height, hash);
  }

  popMain(height: number): void {
    this.stmt.popMain.run(height);
  }

  getAccount(address: string): Account {
    const row = this.stmt.getAccount.get(address);
    return row
      ? { balance: BigInt(row.balance), immature: BigInt(row.immature), nonce: row.nonce }
      : EMPTY_ACCOUNT;
  }

  putAccount(address: string, account: Account): void {
    if (account.balance === 0n && account.immature === 0n && account.nonce === 0) {
      this.stmt.deleteAccount.run(address);
    } else {
      this.stmt.putAccount.run(
        address,
        account.balance.toString(),
        account.immature.toString(),
        account.nonce,
      );
    }
  }

  /** Every stored account, by address (for audits and tests; a scan, never on a request path). */
  *allAccounts(): Generator<[string, Account]> {
    for (const row of this.stmt.allAccounts.iterate()) {
      yield [row.address, { balance: BigInt(row.balance), immature: BigInt(row.immature), nonce: row.nonce }];
    }
  }

  getUndo(hash: string): string | undefined {
    return this.stmt.getUndo.get(hash)?.record;
  }

  putUndo(hash: string, record: string): void {
    this.stmt.putUndo.run(hash, record);
  }

  deleteUndo(hash: string): void {
    this.stmt.deleteUndo.run(hash);
  }

  putTx(txid: string, blockHash: string, height: number, position: number): void {
    this.stmt.putTx.run(txid, blockHash, height, position);
  }

  getTxLocation(txid: string): { blockHash: string; height: number; position: number } | undefined {
    const row = this.stmt.getTx.get(txid);
    return row ? { blockHash: row.block_hash, height: row.height, position: row.position } : undefined;
  }

  putAddressTx(address: string, height: number, position: number, txid: string): void {
    this.stmt.putAddressTx.run(address, height, position, txid);
  }

  /** Removes the tx and address indexes of the block at a height (when it leaves the active chain). */
  deleteIndexesAt(height: number): void {
    this.stmt.deleteTxsAt.run(height);
    this.stmt.deleteAddressTxsAt.run(height);
  }

  addressHistory(
    address: string,
    limit: number,
    offset: number,
  ): Array<{ height: number; position: number; txid: string }> {
    return this.stmt.addressTxs.all(address, limit, offset);
  }
}
