import type Database from 'better-sqlite3';
import type { ShareRow } from './rows.js';

/** The share queries, by name (the dashboard's are checked against their query plans in tests). */
export const SHARE_SQL = {
  put: 'INSERT INTO shares (round, address, worker, weight, height, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  has: 'SELECT 1 AS one FROM shares WHERE hash = ?',
  roundTotal: 'SELECT weight, shares FROM round_shares WHERE round = ? AND address = ?',
  putRoundTotal:
    'INSERT INTO round_shares (round, address, weight, shares) VALUES (?, ?, ?, ?) ON CONFLICT (round, address) DO UPDATE SET weight = excluded.weight, shares = excluded.shares',
  countMiner:
    'INSERT INTO miner_shares (address, shares) VALUES (?, 1) ON CONFLICT (address) DO UPDATE SET shares = shares + 1',
  roundWeights: 'SELECT address, weight, shares FROM round_shares WHERE round = ?',
  dropRound: 'DELETE FROM round_shares WHERE round = ?',
  moveRound: 'UPDATE shares SET round = ? WHERE round = ?',
  recent: 'SELECT address, weight FROM shares ORDER BY id DESC',
  since: 'SELECT address, worker, weight, created_ms FROM shares WHERE created_ms >= ?',
  counts: 'SELECT address, shares AS n FROM miner_shares',
  prune: 'DELETE FROM shares WHERE id IN (SELECT id FROM shares WHERE round < ? ORDER BY round LIMIT ?)',
} as const;

/**
 * The shares table (every accepted share: the raw material of PPLNS and of audits, pruned after
 * `--share-retention` rounds) and its aggregates, per round and miner (round_shares) and per miner
 * (miner_shares), written in the same transaction as each share and kept for good.
 */
export class ShareRepository {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      put: db.prepare(SHARE_SQL.put),
      has: db.prepare<[string], { one: number }>(SHARE_SQL.has),
      roundTotal: db.prepare<[number, string], { weight: string; shares: number }>(SHARE_SQL.roundTotal),
      putRoundTotal: db.prepare(SHARE_SQL.putRoundTotal),
      countMiner: db.prepare(SHARE_SQL.countMiner),
      roundWeights: db.prepare<[number], { address: string; weight: string; shares: number }>(
        SHARE_SQL.roundWeights,
      ),
      dropRound: db.prepare(SHARE_SQL.dropRound),
      moveRound: db.prepare(SHARE_SQL.moveRound),
      recent: db.prepare<[], { address: string; weight: string }>(SHARE_SQL.recent),
      since: db.prepare<[number], { address: string; worker: string; weight: string; created_ms: number }>(
        SHARE_SQL.since,
      ),
      counts: db.prepare<[], { address: string; n: number }>(SHARE_SQL.counts),
      prune: db.prepare(SHARE_SQL.prune),
    };
  }

  put(share: ShareRow): void {
    this.db.transaction(() => {
      this.stmt.put.run(
        share.round,
        share.address,
        share.worker,
        share.weight.toString(),
        share.height,
        share.hash,
        share.createdMs,
      );
      this.addToRound(share.round, share.address, share.weight, 1);
      this.stmt.countMiner.run(share.address);
    })();
  }

  private addToRound(round: number, address: string, weight: bigint, shares: number): void {
    const t = this.stmt.roundTotal.get(round, address);
    this.stmt.putRoundTotal.run(
      round,
      address,
      (BigInt(t?.weight ?? '0') + weight).toString(),
      (t?.shares ?? 0) + shares,
    );
  }

  has(hash: string): boolean {
    return this.stmt.has.get(hash) !== undefined;
  }

  /** Summed share weight per address in a round (from the aggregate: pruned rounds too). */
  roundWeights(round: number): Map<string, bigint> {
    return new Map(this.stmt.roundWeights.all(round).map((r) => [r.address, BigInt(r.weight)]));
  }

  /** Every share of round `from`, and its totals, join round `to`. */
  moveRound(from: number, to: number): void {
    this.db.transaction(() => {
      for (const r of this.stmt.roundWeights.all(from))
        this.addToRound(to, r.address, BigInt(r.weight), r.shares);
      this.stmt.dropRound.run(from);
      this.stmt.moveRound.run(to, from);
    })();
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

  /** Every share each miner ever had accepted. */
  counts(): Map<string, number> {
    return new Map(this.stmt.counts.all().map((r) => [r.address, r.n]));
  }

  /** Deletes up to `limit` raw shares of rounds before `belowRound` (their totals stay); how many. */
  prune(belowRound: number, limit: number): number {
    return this.stmt.prune.run(belowRound, limit).changes;
  }
}
