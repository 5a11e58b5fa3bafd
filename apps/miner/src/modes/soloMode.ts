import {
  ByteWriter,
  bitsToDifficulty,
  bitsToTarget,
  bytesToHex,
  concatBytes,
  encodeHeader,
  hashMeetsTarget,
  hexToBytes,
  merkleRootFromBranch,
  sha256d,
} from '@powcoin/core';
import { type NodeClient, NodeRefusal, type Template } from '@powcoin/node-client';
import { createScanJob, headerWithNonce, type ScanJob } from '../hash/scanJob.js';
import type { WorkerPool } from '../hash/workerPool.js';
import type { Status } from '../status.js';
import { extranonceBytes } from '../work/headers.js';

/** Extranonce space asked of the node's template. */
const EXTRANONCE_BYTES = 8;
/** New transactions refresh the template at most this often. */
const TX_REFRESH_MS = 2000;

interface Work {
  readonly template: Template;
  readonly scanJob: ScanJob;
  readonly coinbase: Uint8Array;
}

/**
 * Solo mining against a node: a template for the payout address, new tips over the WebSocket
 * (the running scan is aborted at once), template refreshes for new transactions at a bounded rate,
 * blocks submitted with the node's answer shown. Node outages are retried with backoff.
 */
export class SoloMode {
  private template: Template | undefined;
  private work: Work | undefined;
  private extranonce = 0;
  private stopped = false;
  private stale = true;
  private lastTxRefresh = 0;
  private txTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  /** Heights of the templates found blocks were built on (tests check they follow the tip). */
  readonly foundOnHeights: number[] = [];

  constructor(
    private readonly node: NodeClient,
    private readonly address: string,
    private readonly workers: WorkerPool,
    private readonly status: Status,
  ) {
    node.on('tip', (height, hash) => {
      this.status.event('tip', { height, hash });
      this.invalidate();
    });
    node.on('tx', () => {
      const wait = Math.max(0, this.lastTxRefresh + TX_REFRESH_MS - Date.now());
      if (this.txTimer) return;
      this.txTimer = setTimeout(() => {
        this.txTimer = undefined;
        this.lastTxRefresh = Date.now();
        this.invalidate();
      }, wait);
    });
    node.on('connected', () => {
      this.status.counters.connection = 'connected';
      this.status.event('connection', { state: 'connected', node: node.baseUrl });
      this.invalidate();
    });
    node.on('disconnected', () => {
      this.status.counters.connection = 'disconnected';
    });
  }

  /** Drops the current work: the next loop turn fetches a fresh template. */
  private invalidate(): void {
    this.stale = true;
    this.workers.abort();
    this.wake?.();
  }

  onFound(scanJob: ScanJob, nonce: number): void {
    const work = this.work;
    if (!work || work.scanJob !== scanJob) return;
    const header = headerWithNonce(scanJob, nonce);
    if (!hashMeetsTarget(sha256d(header), bitsToTarget(Number.parseInt(work.template.bits, 16)))) {
      this.status.error(`engine reported nonce ${nonce} that does not meet the target (ignored)`);
      return;
    }
    this.work = undefined; // this template is spent: more finds on it are ignored
    this.invalidate(); // whatever the node says, build on the next template
    const body = new ByteWriter(256).varint(1 + work.template.txs.length).bytes(work.coinbase);
    for (const tx of work.template.txs) body.bytes(hexToBytes(tx.hex));
    const hex = bytesToHex(concatBytes(header, body.finish()));
    this.foundOnHeights.push(work.template.height);
    void this.node.submitBlock(hex).then(
      (r) => {
        if (r.status === 'tip') this.status.counters.blocks++;
        this.status.event('block', {
          height: r.height,
          hash: r.hash,
          node: r.status === 'tip' ? 'accepted' : `stored as ${r.status}`,
        });
      },
      (err: Error) => {
        this.status.counters.rejected++;
        const code = err instanceof NodeRefusal ? err.code : 'UNREACHABLE';
        this.status.event('block', {
          height: work.template.height,
          node: 'rejected',
          code,
          reason: err.message.slice(0, 200),
        });
      },
    );
  }

  private async fetchTemplate(): Promise<boolean> {
    try {
      this.template = await this.node.template(this.address, EXTRANONCE_BYTES);
      this.status.counters.difficulty = bitsToDifficulty(Number.parseInt(this.template.bits, 16));
      this.status.counters.connection = 'connected';
      this.failures = 0;
      this.stale = false;
      this.extranonce = 0;
      return true;
    } catch (err) {
      if (err instanceof NodeRefusal) {
        this.status.error(`the node refused a template: ${err.code}: ${err.message}`);
      } else {
        this.status.counters.connection = 'disconnected';
        if (this.failures === 0)
          this.status.event('connection', { state: 'disconnected', reason: (err as Error).message });
      }
      const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures++, 7));
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, delay);
      });
      return false;
    }
  }

  async run(): Promise<void> {
    this.node.subscribe();
    while (!this.stopped) {
      if (this.stale || !this.template) {
        if (!(await this.fetchTemplate())) continue;
      }
      const t = this.template as Template;
      const extra = extranonceBytes(this.extranonce++, EXTRANONCE_BYTES);
      const coinbase = concatBytes(hexToBytes(t.coinb1), extra, hexToBytes(t.coinb2));
      const header = {
        version: t.version,
        prevHash: hexToBytes(t.prevHashInternal, 32),
        merkleRoot: merkleRootFromBranch(
          sha256d(coinbase),
          t.merkleBranch.map((h) => hexToBytes(h, 32)),
          0,
        ),
        time: t.time,
        bits: Number.parseInt(t.bits, 16),
        nonce: 0,
      };
      const scanJob = createScanJob(encodeHeader(header), bitsToTarget(header.bits));
      this.work = { template: t, scanJob, coinbase };
      try {
        await this.workers.scan(scanJob);
      } catch (err) {
        if (this.stopped) return; // stop() closed the workers under a scan
        throw err;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.txTimer);
    this.node.close();
    this.workers.abort();
    this.wake?.();
  }
}
