import {
  addressFromPublicKey,
  applyTransfer,
  type Block,
  type ChainParams,
  ConsensusError,
  decodeTx,
  encodeTx,
  hashToHex,
  LedgerOverlay,
  type Transaction,
  type TransferTx,
  txid,
} from '@powcoin/core';
import type { ChainStore } from '../store/chainStore.js';
import type { MempoolRow } from '../store/mempoolStore.js';

export type MempoolErrorCode = 'TX_ALREADY_KNOWN' | 'MEMPOOL_FULL';

/** A policy refusal (not a consensus rule): the transaction may be valid, this pool will not keep it. */
export class MempoolError extends Error {
  constructor(
    readonly code: MempoolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MempoolError';
  }
}

export interface MempoolLimits {
  /** Most transactions kept; past it the lowest fee is evicted (or the newcomer refused). */
  readonly maxTxs: number;
}

const MAX_VERIFIED_CACHE = 50_000;

/**
 * Unconfirmed transfers, stored with the chain. A transaction enters only if it is valid against
 * the tip plus its sender's pending transactions (nonce sequence, funds for every pending spend),
 * so the mempool never holds a double spend. Templates take transactions by fee, each sender's in
 * nonce order. After every chain change, `revalidate` drops what the new tip made invalid and
 * takes back what a reorg abandoned.
 */
export class Mempool {
  /** txids whose signatures were checked here, so block validation and revalidation skip them. */
  private readonly verified = new Set<string>();

  constructor(
    private readonly store: ChainStore,
    private readonly params: ChainParams,
    private readonly limits: MempoolLimits = { maxTxs: 5000 },
  ) {}

  /** Whether a transfer's signature was already verified by this pool. */
  readonly isSignatureVerified = (tx: TransferTx): boolean => this.verified.has(hashToHex(txid(tx)));

  private remember(id: string): void {
    if (this.verified.size >= MAX_VERIFIED_CACHE) this.verified.clear();
    this.verified.add(id);
  }

  /** Validates and adds a transaction; returns its txid. Throws `ConsensusError` or `MempoolError`. */
  add(tx: Transaction): string {
    if (tx.kind !== 'transfer') {
      throw new ConsensusError(
        'TX_UNEXPECTED_COINBASE',
        'a coinbase is only valid as the first transaction of a block',
      );
    }
    const id = hashToHex(txid(tx));
    if (this.store.mempool.get(id) || this.store.getTxLocation(id)) {
      throw new MempoolError('TX_ALREADY_KNOWN', `transaction ${id} is already known`);
    }
    const sender = addressFromPublicKey(this.params, tx.senderPublicKey);
    const overlay = new LedgerOverlay(this.store);
    for (const row of this.store.mempool.bySender(sender)) {
      applyTransfer(this.params, overlay, decodeTx(row.bytes) as TransferTx, {
        isSignatureVerified: () => true,
      });
    }
    applyTransfer(this.params, overlay, tx, { isSignatureVerified: this.isSignatureVerified });
    this.remember(id);
    this.store.transaction(() => {
      if (this.store.mempool.count() >= this.limits.maxTxs) this.evictFor(tx.fee, sender);
      const bytes = encodeTx(tx);
      this.store.mempool.put({ txid: id, sender, nonce: tx.nonce, fee: tx.fee, size: bytes.length, bytes });
    });
    return id;
  }

  /**
   * Frees one place by evicting the cheapest last-in-sequence transaction of another sender (the
   * newcomer was validated on top of its own sender's sequence), if it pays less than `fee`.
   */
  private evictFor(fee: bigint, sender: string): void {
    const tails = new Map<string, MempoolRow>();
    for (const row of this.store.mempool.all()) {
      if (row.sender === sender) continue;
      const current = tails.get(row.sender);
      if (!current || row.nonce > current.nonce) tails.set(row.sender, row);
    }
    let cheapest: MempoolRow | undefined;
    for (const row of tails.values()) if (!cheapest || row.fee < cheapest.fee) cheapest = row;
    if (!cheapest || cheapest.fee >= fee) {
      throw new MempoolError(
        'MEMPOOL_FULL',
        `mempool is full (${this.limits.maxTxs} transactions); pay a fee above ${cheapest?.fee ?? 0n} units`,
      );
    }
    this.store.mempool.remove(cheapest.txid);
  }

  get size(): number {
    return this.store.mempool.count();
  }

  get(id: string): TransferTx | undefined {
    const row = this.store.mempool.get(id);
    return row ? (decodeTx(row.bytes) as TransferTx) : undefined;
  }

  /** Pending transactions, oldest first. */
  entries(): Array<{ txid: string; tx: TransferTx; sender: string; seq: number }> {
    return this.store.mempool.all().map((row) => ({
      txid: row.txid,
      tx: decodeTx(row.bytes) as TransferTx,
      sender: row.sender,
      seq: row.seq,
    }));
  }

  /** A sender's pending transactions in nonce order. */
  pendingOf(sender: string): TransferTx[] {
    return this.store.mempool.bySender(sender).map((row) => decodeTx(row.bytes) as TransferTx);
  }

  /**
   * Transactions for a block template: highest fee first, each sender's in nonce order, each one
   * checked in sequence against the tip, within `maxBytes`.
   */
  selectForBlock(maxBytes: number): TransferTx[] {
    const queues = new Map<string, MempoolRow[]>();
    for (const row of this.store.mempool.all()) {
      const q = queues.get(row.sender) ?? [];
      q.push(row);
      queues.set(row.sender, q);
    }
    for (const q of queues.values()) q.sort((a, b) => a.nonce - b.nonce);
    const overlay = new LedgerOverlay(this.store);
    const chosen: TransferTx[] = [];
    let bytes = 0;
    for (;;) {
      let best: MempoolRow | undefined;
      for (const q of queues.values()) {
        const head = q[0];
        if (head && (!best || head.fee > best.fee || (head.fee === best.fee && head.seq < best.seq)))
          best = head;
      }
      if (!best) break;
      const queue = queues.get(best.sender) as MempoolRow[];
      if (bytes + best.size > maxBytes) {
        queues.delete(best.sender);
        continue;
      }
      const tx = decodeTx(best.bytes) as TransferTx;
      try {
        applyTransfer(this.params, overlay, tx, { isSignatureVerified: this.isSignatureVerified });
        chosen.push(tx);
        bytes += best.size;
        queue.shift();
      } catch {
        queues.delete(best.sender); // the rest of this sender's sequence cannot follow
      }
    }
    return chosen;
  }

  /**
   * Brings the pool in line with a new tip: transactions of abandoned blocks come back, confirmed
   * ones leave, and every sender's sequence is re-checked against the tip (invalid ones dropped).
   */
  revalidate(abandoned: readonly Block[] = []): void {
    const candidates = new Map<string, TransferTx>();
    for (const row of this.store.mempool.all()) candidates.set(row.txid, decodeTx(row.bytes) as TransferTx);
    for (const block of abandoned) {
      for (const tx of block.txs) {
        if (tx.kind === 'transfer') candidates.set(hashToHex(txid(tx)), tx);
      }
    }
    const bySender = new Map<string, Array<[string, TransferTx]>>();
    for (const [id, tx] of candidates) {
      const sender = addressFromPublicKey(this.params, tx.senderPublicKey);
      const list = bySender.get(sender) ?? [];
      list.push([id, tx]);
      bySender.set(sender, list);
    }
    this.store.transaction(() => {
      for (const row of this.store.mempool.all()) this.store.mempool.remove(row.txid);
      let kept = 0;
      for (const [sender, list] of bySender) {
        list.sort(([, a], [, b]) => a.nonce - b.nonce);
        const overlay = new LedgerOverlay(this.store);
        for (const [id, tx] of list) {
          if (kept >= this.limits.maxTxs || this.store.getTxLocation(id)) continue;
          try {
            applyTransfer(this.params, overlay, tx, { isSignatureVerified: this.isSignatureVerified });
          } catch {
            continue; // invalid at the new tip (confirmed nonce, spent funds, ...)
          }
          const bytes = encodeTx(tx);
          this.store.mempool.put({
            txid: id,
            sender,
            nonce: tx.nonce,
            fee: tx.fee,
            size: bytes.length,
            bytes,
          });
          this.remember(id);
          kept++;
        }
      }
    });
  }
}
