import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ByteWriter,
  bytesToHex,
  type ChainParams,
  concatBytes,
  encodeHeader,
  getParams,
} from '@powcoin/core';
import { NodeClient, NodeRefusal } from '@powcoin/node-client';
import { Accounting } from './accounting/accounting.js';
import type { PoolConfig } from './config.js';
import { Payouts } from './payouts/payouts.js';
import { PoolStore } from './store/poolStore.js';
import { JobManager } from './stratum/jobManager.js';
import { type AcceptedShare, type ShareSink, StratumServer } from './stratum/server.js';
import { NOTIFY_TAG_BYTES } from './stratum/session.js';
import { shareWeight } from './stratum/shareValidator.js';

/** How many times a block the node finds too new is sent (once a second) before it counts as refused. */
const TOO_NEW_RETRIES = 30;

/** Raw shares pruned per tip: at most this many batches of this many rows. */
const PRUNE_BATCHES = 5;
const PRUNE_BATCH_ROWS = 10_000;

export interface PoolLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The pool, wired: node client, job manager, Stratum server, accounting and payouts over one store.
 * New tips from the node's WebSocket make clean jobs at once and run one maturity-and-payout round.
 */
export class Pool implements ShareSink {
  readonly params: ChainParams;
  readonly store: PoolStore;
  readonly node: NodeClient;
  readonly jobs: JobManager;
  readonly stratum: StratumServer;
  readonly accounting: Accounting;
  readonly payouts: Payouts;
  private chainWork: Promise<void> = Promise.resolve();
  private stratumPort = 0;
  private lastTip = -1;
  private booksAt = 0;
  /**
   * Parent of the last block candidate sent to the node. A second block-level share on that parent
   * is a sibling that can only lose the race: it is credited as a share, not sent as a block
   * (while devnet's difficulty is still far too low, miners find dozens per job).
   */
  private candidateParent = '';
  private readonly resubmits = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(
    readonly config: PoolConfig,
    privateKey: Uint8Array,
    private readonly logger: PoolLogger,
    private readonly clock: () => number = Date.now,
  ) {
    this.params = getParams(config.network);
    mkdirSync(config.dataDir, { recursive: true });
    this.store = new PoolStore(join(config.dataDir, 'pool.sqlite'));
    this.node = new NodeClient(config.nodeUrl);
    this.payouts = new Payouts(
      this.store,
      this.node,
      this.params,
      privateKey,
      { threshold: config.payoutThreshold, txFee: config.payoutTxFee },
      logger,
    );
    this.accounting = new Accounting(
      this.store,
      this.node,
      this.params,
      {
        scheme: config.scheme,
        feeBasisPoints: config.feeBasisPoints,
        pplnsWindowFactor: config.pplnsWindowFactor,
      },
      logger,
    );
    this.jobs = new JobManager(
      this.node,
      this.payouts.poolAddress,
      NOTIFY_TAG_BYTES + config.extranonce1Size + config.extranonce2Size,
      config.templateRefreshMs,
      clock,
    );
    this.stratum = new StratumServer(
      this.params,
      this.jobs,
      this,
      {
        ...(config.extranonce1Start === undefined ? {} : { extranonce1Start: config.extranonce1Start }),
        extranonce1Size: config.extranonce1Size,
        extranonce2Size: config.extranonce2Size,
        startDifficulty: config.startDifficulty,
        vardiff: config.vardiff,
        limits: config.limits,
      },
      logger,
      clock,
    );
  }

  get poolAddress(): string {
    return this.payouts.poolAddress;
  }

  /** The tip height whose maturity-and-payout round last completed: the books are up to it. */
  get booksHeight(): number {
    return this.booksAt;
  }

  get port(): number {
    return this.stratumPort;
  }

  /** Checks the node, opens Stratum, subscribes to tips, publishes the first job. */
  async start(): Promise<void> {
    const status = await this.node.status();
    if (status.network !== this.params.network) {
      throw Object.assign(
        new Error(
          `the node at ${this.config.nodeUrl} runs ${status.network}, the pool ${this.params.network}`,
        ),
        { code: 'NETWORK_MISMATCH' },
      );
    }
    this.node.on('tip', (height) => this.onTip(height));
    this.node.on('tx', () => this.jobs.scheduleRefresh());
    this.node.on('connected', () => {
      // after a node outage: fresh work and a catch-up round
      this.node.status().then(
        (s) => this.onTip(s.height),
        () => undefined,
      );
    });
    this.node.subscribe();
    await this.jobs.refresh();
    this.stratumPort = await this.stratum.listen(this.config.port, this.config.host);
    await this.followChain(status.height);
    this.logger.info(
      {
        port: this.stratumPort,
        node: this.config.nodeUrl,
        address: this.poolAddress,
        scheme: this.config.scheme,
      },
      'pool listening',
    );
  }

  private onTip(height: number): void {
    this.jobs
      .refresh()
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'template refresh failed'));
    void this.followChain(height);
  }

  /** One maturity-and-payout round per new tip, never two at once. */
  followChain(height: number): Promise<void> {
    this.chainWork = this.chainWork.then(async () => {
      if (height <= this.lastTip) return;
      this.lastTip = height;
      try {
        await this.accounting.reconcile(height, this.clock());
        await this.payouts.run(height);
        this.pruneShares();
        this.booksAt = height;
      } catch (err) {
        this.logger.warn(
          { err: (err as Error).message, height },
          'chain follow-up failed; retried at the next tip',
        );
      }
    });
    return this.chainWork;
  }

  /** Raw shares past `--share-retention` rounds, a bounded batch per tip (the pool has one thread). */
  private pruneShares(): void {
    let pruned = 0;
    for (let i = 0; i < PRUNE_BATCHES; i++) {
      const n = this.store.pruneShares(this.config.shareRetentionRounds, PRUNE_BATCH_ROWS);
      pruned += n;
      if (n < PRUNE_BATCH_ROWS) break;
    }
    if (pruned > 0) this.logger.info({ pruned }, 'old raw shares pruned (round totals kept)');
  }

  isDuplicate(hash: string): boolean {
    return this.store.hasShare(hash);
  }

  /** Durable before the miner hears `true`; a block goes to the node at once. */
  accept(share: AcceptedShare): void {
    const { job } = share;
    const isCandidate = share.isBlock && job.prevHashHex !== this.candidateParent;
    this.store.transaction(() => {
      this.store.putShare({
        round: this.store.currentRound(),
        address: share.address,
        worker: share.worker,
        weight: shareWeight(share.difficulty),
        height: job.height,
        hash: share.hash,
        createdMs: this.clock(),
      });
      if (isCandidate)
        this.accounting.recordCandidate(
          share.hash,
          job.height,
          job.coinbaseValue,
          job.bits,
          `${share.address}.${share.worker}`,
          this.clock(),
        );
    });
    if (isCandidate) {
      this.candidateParent = job.prevHashHex;
      void this.submitBlock(share);
    }
  }

  private async submitBlock(share: AcceptedShare): Promise<void> {
    const { job } = share;
    const body = new ByteWriter(80 + share.coinbase.length + 256)
      .varint(1 + job.txs.length)
      .bytes(share.coinbase);
    for (const tx of job.txs) body.bytes(tx);
    const hex = bytesToHex(concatBytes(encodeHeader(share.header), body.finish()));
    this.logger.info(
      { hash: share.hash, height: job.height, finder: share.address },
      'block found: submitting',
    );
    await this.sendBlock(share.hash, job.prevHashHex, hex, 1);
  }

  /**
   * Sends a block; one the node finds too new (its clock behind the block's time) is kept and sent
   * again each second, up to `TOO_NEW_RETRIES` times, before it counts as refused.
   */
  private async sendBlock(hash: string, parent: string, hex: string, attempt: number): Promise<void> {
    try {
      await this.node.submitBlock(hex);
      this.accounting.finalize(hash);
    } catch (err) {
      if (
        err instanceof NodeRefusal &&
        err.code === 'BLOCK_TIME_TOO_NEW' &&
        attempt < TOO_NEW_RETRIES &&
        !this.stopping
      ) {
        this.logger.warn(
          { hash, attempt, err: err.message },
          'block too new for the node: sent again in 1 s',
        );
        const timer = setTimeout(() => {
          this.resubmits.delete(timer);
          void this.sendBlock(hash, parent, hex, attempt + 1);
        }, 1000);
        this.resubmits.add(timer);
        return;
      }
      // not taken (refused, or the node is away): the next block on this parent must be sent
      if (this.candidateParent === parent) this.candidateParent = '';
      if (err instanceof NodeRefusal) this.accounting.reject(hash, `${err.code}: ${err.message}`);
      else
        this.logger.warn(
          { hash, err: (err as Error).message },
          'block submission failed; reconciled at the next tip',
        );
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resubmits) clearTimeout(timer);
    this.node.close();
    this.jobs.close();
    await this.stratum.close();
    await this.chainWork.catch(() => undefined);
    this.store.close();
  }
}
