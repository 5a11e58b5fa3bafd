import { SqliteFile } from '@powcoin/sqlite';
import { BalanceRepository } from './balanceRepository.js';
import { BlockRepository } from './blockRepository.js';
import { PayoutRepository } from './payoutRepository.js';
import type { BlockRow, BlockStatus, PayoutRow, PayoutStatus, ShareRow } from './rows.js';
import { POOL_MIGRATIONS, POOL_SCHEMA_SQL, POOL_SCHEMA_VERSION, POOL_UNVERSIONED } from './schema.js';
import { ShareRepository } from './shareRepository.js';

export type { BlockRow, BlockStatus, PayoutRow, PayoutStatus, ShareRow } from './rows.js';

/**
 * The pool's durable state (SQLite, WAL, synchronous=FULL): shares, rounds, found blocks, credits,
 * balances and payouts, one repository per table group. A committed write survives `kill -9`;
 * `transaction()` groups writes across repositories. The methods below are the books' one face
 * to the rest of the pool.
 */
export class PoolStore extends SqliteFile {
  readonly shares: ShareRepository;
  readonly blocks: BlockRepository;
  readonly balanceBook: BalanceRepository;
  readonly payoutBook: PayoutRepository;

  constructor(file: string) {
    super(file, {
      schemaSql: POOL_SCHEMA_SQL,
      schemaVersion: POOL_SCHEMA_VERSION,
      owner: 'pool',
      migrations: POOL_MIGRATIONS,
      unversioned: POOL_UNVERSIONED,
    });
    this.shares = new ShareRepository(this.db);
    this.blocks = new BlockRepository(this.db);
    this.balanceBook = new BalanceRepository(this.db);
    this.payoutBook = new PayoutRepository(this.db);
  }

  /** The current round: shares since the pool's last accepted block. */
  currentRound(): number {
    return Number(this.getMeta('round') ?? '1');
  }

  setRound(round: number): void {
    this.setMeta('round', String(round));
  }

  putShare(share: ShareRow): void {
    this.shares.put(share);
  }
  hasShare(hash: string): boolean {
    return this.shares.has(hash);
  }
  /** Summed share weight per address in a round. */
  roundWeights(round: number): Map<string, bigint> {
    return this.shares.roundWeights(round);
  }
  /** The most recent shares, newest first (PPLNS reads back until its window is full). */
  recentShares(): Generator<{ address: string; weight: bigint }> {
    return this.shares.recent();
  }
  sharesSince(ms: number): Array<{ address: string; worker: string; weight: bigint; createdMs: number }> {
    return this.shares.since(ms);
  }
  /** Every share of round `from` joins round `to` (a round whose block never paid stays open). */
  moveRound(from: number, to: number): void {
    this.shares.moveRound(from, to);
  }
  /**
   * Deletes up to `limit` raw shares older than the last `keepRounds` rounds, and never of a round
   * whose block is not yet accepted and mature (its totals and credits stay); how many went.
   */
  pruneShares(keepRounds: number, limit: number): number {
    const unsettled = this.blocks.oldestUnsettledRound();
    const below = Math.min(this.currentRound() - keepRounds, unsettled ?? Number.POSITIVE_INFINITY);
    return below > 0 ? this.shares.prune(below, limit) : 0;
  }
  shareCounts(): Map<string, number> {
    return this.shares.counts();
  }

  putBlock(block: BlockRow): void {
    this.blocks.put(block);
  }
  setBlockStatus(hash: string, status: BlockStatus): void {
    this.blocks.setStatus(hash, status);
  }
  getBlock(hash: string): BlockRow | undefined {
    return this.blocks.get(hash);
  }
  blocksByStatus(status: BlockStatus): BlockRow[] {
    return this.blocks.byStatus(status);
  }
  /** How many found blocks are in each state. */
  blockCounts(): Record<BlockStatus, number> {
    return this.blocks.counts();
  }
  recentBlocks(limit: number): BlockRow[] {
    return this.blocks.recent(limit);
  }
  blocksInRound(round: number): BlockRow[] {
    return this.blocks.inRound(round);
  }
  deleteCredits(blockHash: string): void {
    this.blocks.deleteCredits(blockHash);
  }
  putCredit(blockHash: string, address: string, amount: bigint): void {
    this.blocks.putCredit(blockHash, address, amount);
  }
  creditsOf(blockHash: string): Array<{ address: string; amount: bigint }> {
    return this.blocks.creditsOf(blockHash);
  }
  /** Credits of accepted blocks not yet mature, per address. */
  immatureTotals(): Map<string, bigint> {
    return this.blocks.immatureTotals();
  }

  getBalance(address: string): bigint {
    return this.balanceBook.get(address);
  }
  addBalance(address: string, delta: bigint): void {
    this.balanceBook.add(address, delta);
  }
  balances(): Map<string, bigint> {
    return this.balanceBook.all();
  }

  putPayout(p: PayoutRow): void {
    this.payoutBook.put(p);
  }
  /** A payout's state; `block` is where it is confirmed (status confirmed only). */
  setPayoutStatus(txid: string, status: PayoutStatus, block?: { height?: number; hash?: string }): void {
    this.payoutBook.setStatus(txid, status, block);
  }
  /** Payouts not yet settled: signed or sent, or confirmed at `fromHeight` or above. By nonce. */
  payoutsToWatch(fromHeight: number): PayoutRow[] {
    return this.payoutBook.toWatch(fromHeight);
  }
  payoutsByStatus(status: PayoutStatus): PayoutRow[] {
    return this.payoutBook.byStatus(status);
  }
  recentPayouts(limit: number): PayoutRow[] {
    return this.payoutBook.recent(limit);
  }
  /** The highest nonce any recorded payout used, or -1. */
  maxPayoutNonce(): number {
    return this.payoutBook.maxNonce();
  }
  paidTotals(): Map<string, bigint> {
    return this.payoutBook.paidTotals();
  }
}
