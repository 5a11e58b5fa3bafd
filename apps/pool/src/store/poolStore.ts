import { SqliteFile } from '@powcoin/sqlite';
import { POOL_MIGRATIONS, POOL_SCHEMA_SQL, POOL_SCHEMA_VERSION, POOL_UNVERSIONED } from './schema.js';

export type BlockStatus = 'submitted' | 'pending' | 'matured' | 'orphaned' | 'rejected';
export type PayoutStatus = 'signed' | 'sent' | 'confirmed';

export interface ShareRow {
  readonly round: number;
  readonly address: string;
  readonly worker: string;
  readonly weight: bigint;
  readonly height: number;
  readonly hash: string;
  readonly createdMs: number;
}

export interface BlockRow {
  readonly hash: string;
  readonly height: number;
  readonly round: number;
  readonly reward: bigint;
  readonly bits: number;
  readonly status: BlockStatus;
  readonly finder: string;
  readonly createdMs: number;
}

export interface PayoutRow {
  readonly txid: string;
  readonly address: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: number;
  readonly hex: string;
  readonly status: PayoutStatus;
  readonly tipHeight: number;
  readonly createdMs: number;
  /** Height of the block holding it, while confirmed. */
  readonly confirmedHeight?: number | null;
  /** Hash of the block holding it, while confirmed. */
  readonly confirmedBlock?: string | null;
}

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

/**
 * The pool's durable state (SQLite, WAL, synchronous=FULL): shares, rounds, found blocks, credits,
 * balances and payouts. A committed write survives `kill -9`; `transaction()` groups writes.
 */
export class PoolStore extends SqliteFile {
  private readonly stmt;

  constructor(file: string) {
    super(file, {
      schemaSql: POOL_SCHEMA_SQL,
      schemaVersion: POOL_SCHEMA_VERSION,
      owner: 'pool',
      migrations: POOL_MIGRATIONS,
      unversioned: POOL_UNVERSIONED,
    });
    const db = this.db;
    this.stmt = {
      putShare: db.prepare(
        'INSERT INTO shares (round, address, worker, weight, height, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      hasShare: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM shares WHERE hash = ?'),
      roundWeights: db.prepare<[number], { address: string; weight: string }>(
        'SELECT address, weight FROM shares WHERE round = ?',
      ),
      recentShares: db.prepare<[], { address: string; weight: string }>(
        'SELECT address, weight FROM shares ORDER BY id DESC',
      ),
      sharesSince: db.prepare<
        [number],
        { address: string; worker: string; weight: string; created_ms: number }
      >('SELECT address, worker, weight, created_ms FROM shares WHERE created_ms >= ?'),
      shareCounts: db.prepare<[], { address: string; n: number }>(
        'SELECT address, COUNT(*) AS n FROM shares GROUP BY address',
      ),
      putBlock: db.prepare(
        'INSERT INTO blocks (hash, height, round, reward, bits, status, finder, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setBlockStatus: db.prepare('UPDATE blocks SET status = ? WHERE hash = ?'),
      getBlock: db.prepare<[string], RawBlock>('SELECT * FROM blocks WHERE hash = ?'),
      blocksByStatus: db.prepare<[string], RawBlock>('SELECT * FROM blocks WHERE status = ? ORDER BY height'),
      blockCounts: db.prepare<[], { status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM blocks GROUP BY status',
      ),
      allBlocks: db.prepare<[number], RawBlock>('SELECT * FROM blocks ORDER BY created_ms DESC LIMIT ?'),
      putCredit: db.prepare('INSERT INTO credits (block_hash, address, amount) VALUES (?, ?, ?)'),
      creditsOf: db.prepare<[string], { address: string; amount: string }>(
        'SELECT address, amount FROM credits WHERE block_hash = ? ORDER BY address',
      ),
      immatureTotals: db.prepare<[], { address: string; total: string }>(
        "SELECT c.address, CAST(SUM(CAST(c.amount AS INTEGER)) AS TEXT) AS total FROM credits c JOIN blocks b ON b.hash = c.block_hash WHERE b.status = 'pending' GROUP BY c.address",
      ),
      getBalance: db.prepare<[string], { amount: string }>('SELECT amount FROM balances WHERE address = ?'),
      setBalance: db.prepare(
        'INSERT INTO balances (address, amount) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET amount = excluded.amount',
      ),
      allBalances: db.prepare<[], { address: string; amount: string }>(
        'SELECT address, amount FROM balances ORDER BY address',
      ),
      putPayout: db.prepare(
        'INSERT INTO payouts (txid, address, amount, fee, nonce, hex, status, tip_height, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setPayoutStatus: db.prepare(
        'UPDATE payouts SET status = ?, confirmed_height = ?, confirmed_block = ? WHERE txid = ?',
      ),
      payoutsToWatch: db.prepare<[number], RawPayout>(
        "SELECT * FROM payouts WHERE status IN ('signed', 'sent') OR (status = 'confirmed' AND (confirmed_height IS NULL OR confirmed_height >= ?)) ORDER BY nonce",
      ),
      payoutsByStatus: db.prepare<[string], RawPayout>(
        'SELECT * FROM payouts WHERE status = ? ORDER BY nonce',
      ),
      allPayouts: db.prepare<[number], RawPayout>('SELECT * FROM payouts ORDER BY nonce DESC LIMIT ?'),
      maxPayoutNonce: db.prepare<[], { n: number | null }>('SELECT MAX(nonce) AS n FROM payouts'),
      paidTotals: db.prepare<[], { address: string; total: string }>(
        'SELECT address, CAST(SUM(CAST(amount AS INTEGER)) AS TEXT) AS total FROM payouts GROUP BY address',
      ),
    };
  }

  /** The current round: shares since the pool's last accepted block. */
  currentRound(): number {
    return Number(this.getMeta('round') ?? '1');
  }

  setRound(round: number): void {
    this.setMeta('round', String(round));
  }

  putShare(share: ShareRow): void {
    this.stmt.putShare.run(
      share.round,
      share.address,
      share.worker,
      share.weight.toString(),
      share.height,
      share.hash,
      share.createdMs,
    );
  }

  hasShare(hash: string): boolean {
    return this.stmt.hasShare.get(hash) !== undefined;
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
  *recentShares(): Generator<{ address: string; weight: bigint }> {
    for (const row of this.stmt.recentShares.iterate())
      yield { address: row.address, weight: BigInt(row.weight) };
  }

  sharesSince(ms: number): Array<{ address: string; worker: string; weight: bigint; createdMs: number }> {
    return this.stmt.sharesSince.all(ms).map((r) => ({
      address: r.address,
      worker: r.worker,
      weight: BigInt(r.weight),
      createdMs: r.created_ms,
    }));
  }

  shareCounts(): Map<string, number> {
    return new Map(this.stmt.shareCounts.all().map((r) => [r.address, r.n]));
  }

  putBlock(block: BlockRow): void {
    this.stmt.putBlock.run(
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

  setBlockStatus(hash: string, status: BlockStatus): void {
    this.stmt.setBlockStatus.run(status, hash);
  }

  getBlock(hash: string): BlockRow | undefined {
    const raw = this.stmt.getBlock.get(hash);
    return raw ? blockFromRaw(raw) : undefined;
  }

  blocksByStatus(status: BlockStatus): BlockRow[] {
    return this.stmt.blocksByStatus.all(status).map(blockFromRaw);
  }

  /** How many found blocks are in each state. */
  blockCounts(): Record<BlockStatus, number> {
    const counts: Record<BlockStatus, number> = {
      submitted: 0,
      pending: 0,
      matured: 0,
      orphaned: 0,
      rejected: 0,
    };
    for (const row of this.stmt.blockCounts.all()) counts[row.status as BlockStatus] = row.n;
    return counts;
  }

  recentBlocks(limit: number): BlockRow[] {
    return this.stmt.allBlocks.all(limit).map(blockFromRaw);
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

  getBalance(address: string): bigint {
    return BigInt(this.stmt.getBalance.get(address)?.amount ?? '0');
  }

  addBalance(address: string, delta: bigint): void {
    this.stmt.setBalance.run(address, (this.getBalance(address) + delta).toString());
  }

  balances(): Map<string, bigint> {
    return new Map(this.stmt.allBalances.all().map((r) => [r.address, BigInt(r.amount)]));
  }

  putPayout(p: PayoutRow): void {
    this.stmt.putPayout.run(
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
  setPayoutStatus(txid: string, status: PayoutStatus, block?: { height?: number; hash?: string }): void {
    const confirmed = status === 'confirmed' ? block : undefined;
    this.stmt.setPayoutStatus.run(status, confirmed?.height ?? null, confirmed?.hash ?? null, txid);
  }

  /** Payouts not yet settled: signed or sent, or confirmed at `fromHeight` or above. By nonce. */
  payoutsToWatch(fromHeight: number): PayoutRow[] {
    return this.stmt.payoutsToWatch.all(fromHeight).map(payoutFromRaw);
  }

  payoutsByStatus(status: PayoutStatus): PayoutRow[] {
    return this.stmt.payoutsByStatus.all(status).map(payoutFromRaw);
  }

  recentPayouts(limit: number): PayoutRow[] {
    return this.stmt.allPayouts.all(limit).map(payoutFromRaw);
  }

  /** The highest nonce any recorded payout used, or -1. */
  maxPayoutNonce(): number {
    return this.stmt.maxPayoutNonce.get()?.n ?? -1;
  }

  paidTotals(): Map<string, bigint> {
    return new Map(this.stmt.paidTotals.all().map((r) => [r.address, BigInt(r.total)]));
  }
}
