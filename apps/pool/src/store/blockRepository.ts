import type Database from 'better-sqlite3';
import type { BlockRow, BlockStatus } from './rows.js';

interface RawBlock {
  hash: string;
  height: number;
  round: number;
  reward: string;
  bits: number;
  status: string;
  finder: string;
  created_ms: number;
}

const blockFromRaw = (r: RawBlock): BlockRow => ({
  hash: r.hash,
  height: r.height,
  round: r.round,
  reward: BigInt(r.reward),
  bits: r.bits,
  status: r.status as BlockStatus,
  finder: r.finder,
  createdMs: r.created_ms,
});

/** The block and credit queries the dashboard and accounting read, by name (query plans are tested). */
export const BLOCK_SQL = {
  counts: 'SELECT status, COUNT(*) AS n FROM blocks GROUP BY status',
  recent: 'SELECT * FROM blocks ORDER BY created_ms DESC LIMIT ?',
  creditsOf: 'SELECT address, amount FROM credits WHERE block_hash = ? ORDER BY address',
  immatureTotals:
    "SELECT c.address, CAST(SUM(CAST(c.amount AS INTEGER)) AS TEXT) AS total FROM credits c JOIN blocks b ON b.hash = c.block_hash WHERE b.status = 'pending' GROUP BY c.address",
  byStatus: 'SELECT * FROM blocks WHERE status = ? ORDER BY height',
  inRound: 'SELECT * FROM blocks WHERE round = ? ORDER BY created_ms',
  oldestUnsettledRound: "SELECT MIN(round) AS r FROM blocks WHERE status IN ('submitted', 'pending')",
} as const;

/** The blocks the pool found and each miner's credit in each (tables blocks and credits). */
export class BlockRepository {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        'INSERT INTO blocks (hash, height, round, reward, bits, status, finder, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setStatus: db.prepare('UPDATE blocks SET status = ? WHERE hash = ?'),
      get: db.prepare<[string], RawBlock>('SELECT * FROM blocks WHERE hash = ?'),
      byStatus: db.prepare<[string], RawBlock>(BLOCK_SQL.byStatus),
      counts: db.prepare<[], { status: string; n: number }>(BLOCK_SQL.counts),
      recent: db.prepare<[number], RawBlock>(BLOCK_SQL.recent),
      oldestUnsettledRound: db.prepare<[], { r: number | null }>(BLOCK_SQL.oldestUnsettledRound),
      inRound: db.prepare<[number], RawBlock>(BLOCK_SQL.inRound),
      deleteCredits: db.prepare('DELETE FROM credits WHERE block_hash = ?'),
      putCredit: db.prepare('INSERT INTO credits (block_hash, address, amount) VALUES (?, ?, ?)'),
      creditsOf: db.prepare<[string], { address: string; amount: string }>(BLOCK_SQL.creditsOf),
      immatureTotals: db.prepare<[], { address: string; total: string }>(BLOCK_SQL.immatureTotals),
    };
  }

  put(block: BlockRow): void {
    this.stmt.put.run(
      block.hash,
      block.height,
      block.round,
      block.reward.toString(),
      block.bits,
      block.status,
      block.finder,
      block.createdMs,
    );
  }

  setStatus(hash: string, status: BlockStatus): void {
    this.stmt.setStatus.run(status, hash);
  }

  get(hash: string): BlockRow | undefined {
    const raw = this.stmt.get.get(hash);
    return raw ? blockFromRaw(raw) : undefined;
  }

  byStatus(status: BlockStatus): BlockRow[] {
    return this.stmt.byStatus.all(status).map(blockFromRaw);
  }

  /** How many found blocks are in each state. */
  counts(): Record<BlockStatus, number> {
    const counts: Record<BlockStatus, number> = {
      submitted: 0,
      pending: 0,
      matured: 0,
      orphaned: 0,
      rejected: 0,
    };
    for (const row of this.stmt.counts.all()) counts[row.status as BlockStatus] = row.n;
    return counts;
  }

  recent(limit: number): BlockRow[] {
    return this.stmt.recent.all(limit).map(blockFromRaw);
  }

  /** The earliest round of a block not yet accepted or not yet mature, if any. */
  oldestUnsettledRound(): number | undefined {
    return this.stmt.oldestUnsettledRound.get()?.r ?? undefined;
  }

  inRound(round: number): BlockRow[] {
    return this.stmt.inRound.all(round).map(blockFromRaw);
  }

  deleteCredits(blockHash: string): void {
    this.stmt.deleteCredits.run(blockHash);
  }

  putCredit(blockHash: string, address: string, amount: bigint): void {
    this.stmt.putCredit.run(blockHash, address, amount.toString());
  }

  creditsOf(blockHash: string): Array<{ address: string; amount: bigint }> {
    return this.stmt.creditsOf.all(blockHash).map((r) => ({ address: r.address, amount: BigInt(r.amount) }));
  }

  /** Credits of accepted blocks not yet mature, per address. */
  immatureTotals(): Map<string, bigint> {
    return new Map(this.stmt.immatureTotals.all().map((r) => [r.address, BigInt(r.total)]));
  }
}
