import type Database from 'better-sqlite3';
import type { PayoutRow, PayoutStatus } from './rows.js';

interface RawPayout {
  txid: string;
  address: string;
  amount: string;
  fee: string;
  nonce: number;
  hex: string;
  status: string;
  tip_height: number;
  created_ms: number;
  confirmed_height: number | null;
  confirmed_block: string | null;
}

const payoutFromRaw = (r: RawPayout): PayoutRow => ({
  txid: r.txid,
  address: r.address,
  amount: BigInt(r.amount),
  fee: BigInt(r.fee),
  nonce: r.nonce,
  hex: r.hex,
  status: r.status as PayoutStatus,
  tipHeight: r.tip_height,
  createdMs: r.created_ms,
  confirmedHeight: r.confirmed_height,
  confirmedBlock: r.confirmed_block,
});

/** The payout queries the dashboard and payouts read, by name (query plans are tested). */
export const PAYOUT_SQL = {
  recent: 'SELECT * FROM payouts ORDER BY nonce DESC LIMIT ?',
  paidTotals:
    'SELECT address, CAST(SUM(CAST(amount AS INTEGER)) AS TEXT) AS total FROM payouts GROUP BY address',
  toWatch:
    "SELECT * FROM payouts WHERE status IN ('signed', 'sent') OR (status = 'confirmed' AND (confirmed_height IS NULL OR confirmed_height >= ?)) ORDER BY nonce",
  byStatus: 'SELECT * FROM payouts WHERE status = ? ORDER BY nonce',
} as const;

/** Payouts, recorded with their signed bytes before they are sent (table payouts). */
export class PayoutRepository {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        'INSERT INTO payouts (txid, address, amount, fee, nonce, hex, status, tip_height, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setStatus: db.prepare(
        'UPDATE payouts SET status = ?, confirmed_height = ?, confirmed_block = ? WHERE txid = ?',
      ),
      toWatch: db.prepare<[number], RawPayout>(PAYOUT_SQL.toWatch),
      byStatus: db.prepare<[string], RawPayout>(PAYOUT_SQL.byStatus),
      recent: db.prepare<[number], RawPayout>(PAYOUT_SQL.recent),
      maxNonce: db.prepare<[], { n: number | null }>('SELECT MAX(nonce) AS n FROM payouts'),
      paidTotals: db.prepare<[], { address: string; total: string }>(PAYOUT_SQL.paidTotals),
    };
  }

  put(p: PayoutRow): void {
    this.stmt.put.run(
      p.txid,
      p.address,
      p.amount.toString(),
      p.fee.toString(),
      p.nonce,
      p.hex,
      p.status,
      p.tipHeight,
      p.createdMs,
    );
  }

  /** A payout's state; `block` is where it is confirmed (status confirmed only). */
  setStatus(txid: string, status: PayoutStatus, block?: { height?: number; hash?: string }): void {
    const confirmed = status === 'confirmed' ? block : undefined;
    this.stmt.setStatus.run(status, confirmed?.height ?? null, confirmed?.hash ?? null, txid);
  }

  /** Payouts not yet settled: signed or sent, or confirmed at `fromHeight` or above. By nonce. */
  toWatch(fromHeight: number): PayoutRow[] {
    return this.stmt.toWatch.all(fromHeight).map(payoutFromRaw);
  }

  byStatus(status: PayoutStatus): PayoutRow[] {
    return this.stmt.byStatus.all(status).map(payoutFromRaw);
  }

  recent(limit: number): PayoutRow[] {
    return this.stmt.recent.all(limit).map(payoutFromRaw);
  }

  /** The highest nonce any recorded payout used, or -1. */
  maxNonce(): number {
    return this.stmt.maxNonce.get()?.n ?? -1;
  }

  paidTotals(): Map<string, bigint> {
    return new Map(this.stmt.paidTotals.all().map((r) => [r.address, BigInt(r.total)]));
  }
}
