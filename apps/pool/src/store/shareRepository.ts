import type Database from 'better-sqlite3';
import type { ShareRow } from './rows.js';

/** The shares table: every accepted share, the raw material of PPLNS and of audits. */
export class ShareRepository {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        'INSERT INTO shares (round, address, worker, weight, height, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      has: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM shares WHERE hash = ?'),
      roundWeights: db.prepare<[number], { address: string; weight: string }>(
        'SELECT address, weight FROM shares WHERE round = ?',
      ),
      recent: db.prepare<[], { address: string; weight: string }>(
        'SELECT address, weight FROM shares ORDER BY id DESC',
      ),
      since: db.prepare<[number], { address: string; worker: string; weight: string; created_ms: number }>(
        'SELECT address, worker, weight, created_ms FROM shares WHERE created_ms >= ?',
      ),
      moveRound: db.prepare('UPDATE shares SET round = ? WHERE round = ?'),
      counts: db.prepare<[], { address: string; n: number }>(
        'SELECT address, COUNT(*) AS n FROM shares GROUP BY address',
      ),
    };
  }

  put(share: ShareRow): void {
    this.stmt.put.run(
      share.round,
      share.address,
      share.worker,
      share.weight.toString(),
      share.height,
      share.hash,
      share.createdMs,
    );
  }

  has(hash: string): boolean {
    return this.stmt.has.get(hash) !== undefined;
  }

  /** Summed share weight per address in a round. */
  roundWeights(round: number): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const row of this.stmt.roundWeights.iterate(round)) {
      out.set(row.address, (out.get(row.address) ?? 0n) + BigInt(row.weight));
    }
    return out;
  }

  /** The most recent shares, newest first (PPLNS reads back until its window is full). */
  *recent(): Generator<{ address: string; weight: bigint }> {
    for (const row of this.stmt.recent.iterate()) yield { address: row.address, weight: BigInt(row.weight) };
  }

  since(ms: number): Array<{ address: string; worker: string; weight: bigint; createdMs: number }> {
    return this.stmt.since.all(ms).map((r) => ({
      address: r.address,
      worker: r.worker,
      weight: BigInt(r.weight),
      createdMs: r.created_ms,
    }));
  }

  moveRound(from: number, to: number): void {
    this.stmt.moveRound.run(to, from);
  }

  counts(): Map<string, number> {
    return new Map(this.stmt.counts.all().map((r) => [r.address, r.n]));
  }
}
