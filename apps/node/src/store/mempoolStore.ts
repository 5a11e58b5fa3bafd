import type Database from 'better-sqlite3';

/** A stored mempool entry. */
export interface MempoolRow {
  readonly txid: string;
  readonly sender: string;
  readonly nonce: number;
  readonly fee: bigint;
  readonly size: number;
  readonly bytes: Uint8Array;
  readonly seq: number;
}

interface RawRow {
  txid: string;
  sender: string;
  nonce: number;
  fee: string;
  size: number;
  bytes: Buffer;
  seq: number;
}

function fromRaw(r: RawRow): MempoolRow {
  return { ...r, fee: BigInt(r.fee), bytes: new Uint8Array(r.bytes) };
}

/** The mempool table: unconfirmed transactions survive a restart. */
export class MempoolStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        'INSERT INTO mempool (txid, sender, nonce, fee, size, bytes, seq) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM mempool))',
      ),
      remove: db.prepare('DELETE FROM mempool WHERE txid = ?'),
      get: db.prepare<[string], RawRow>('SELECT * FROM mempool WHERE txid = ?'),
      bySender: db.prepare<[string], RawRow>('SELECT * FROM mempool WHERE sender = ? ORDER BY nonce'),
      all: db.prepare<[], RawRow>('SELECT * FROM mempool ORDER BY seq'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM mempool'),
    };
  }

  put(row: Omit<MempoolRow, 'seq'>): void {
    this.stmt.put.run(row.txid, row.sender, row.nonce, row.fee.toString(), row.size, row.bytes);
  }

  remove(txid: string): void {
    this.stmt.remove.run(txid);
  }

  get(txid: string): MempoolRow | undefined {
    const raw = this.stmt.get.get(txid);
    return raw ? fromRaw(raw) : undefined;
  }

  bySender(sender: string): MempoolRow[] {
    return this.stmt.bySender.all(sender).map(fromRaw);
  }

  /** Every entry, oldest first (bounded by the pool's size limit). */
  all(): MempoolRow[] {
    return this.stmt.all.all().map(fromRaw);
  }

  count(): number {
    return this.stmt.count.get()?.n ?? 0;
  }
}
