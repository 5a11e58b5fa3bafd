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
  transferSigningHash,
  txid,
  verifySignature,
} from '@powcoin/core';
import type { ChainStore } from '../store/chainStore.js';
import type { MempoolRow } from '../store/mempoolStore.js';
import { SenderQueues } from './senderQueues.js';
import { HeadHeap, selectTemplate } from './templateSelection.js';

export type MempoolErrorCode = 'TX_ALREADY_KNOWN' | 'MEMPOOL_FULL' | 'TX_FEE_TOO_LOW' | 'TOO_MANY_PENDING';

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
  /** Lowest fee (base units) admitted; 0 admits free transactions. */
  readonly minRelayFee?: bigint;
  /** Most pending transactions of one sender. */
  readonly maxPendingPerSender?: number;
  /** The signature check (core's by default); injectable so tests can count it. */
  readonly verify?: (tx: TransferTx, params: ChainParams) => void;
}

const coreVerify = (tx: TransferTx, params: ChainParams): void =>
  verifySignature(tx.senderPublicKey, transferSigningHash(params, tx), tx.signature);

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
  private readonly senders: SenderQueues;
  /** Changes with every admission, eviction and revalidation (readers cache by it). */
  version = 0;
  /** The heap of the last template selection (its comparison count shows the selection's cost). */
  lastSelectionHeap = new HeadHeap();

  constructor(
    private readonly store: ChainStore,
    private readonly params: ChainParams,
    private readonly limits: MempoolLimits = { maxTxs: 5000 },
  ) {
    this.senders = new SenderQueues(store, params);
  }

  /** Pending transactions replayed so far to rebuild sender states (admission work, for tests). */
  get replayedCount(): number {
    return this.senders.replayed;
  }

  /** Whether a transfer's signature was already verified by this pool. */
  readonly isSignatureVerified = (tx: TransferTx): boolean => this.verified.has(hashToHex(txid(tx)));

  private remember(id: string): void {
    if (this.verified.size >= MAX_VERIFIED_CACHE) this.verified.clear();
    this.verified.add(id);
  }

  /**
   * Validates and adds a transaction; returns its txid. Throws `ConsensusError` or `MempoolError`.
   * Checks run cheapest first (policy, known txid, per-sender cap, nonce and funds against the
   * sender's pending state) and the signature last, so junk costs no ECDSA verify; the set of
   * transactions admitted is the same as checking in consensus order.
   */
  add(tx: Transaction): string {
    if (tx.kind !== 'transfer') {
      throw new ConsensusError(
        'TX_UNEXPECTED_COINBASE',
        'a coinbase is only valid as the first transaction of a block',
      );
    }
    const minFee = this.limits.minRelayFee ?? 0n;
    if (tx.fee < minFee) {
      throw new MempoolError(
        'TX_FEE_TOO_LOW',
        `fee ${tx.fee} is below this node's relay minimum of ${minFee} units`,
      );
    }
    const id = hashToHex(txid(tx));
    if (this.store.mempool.get(id) || this.store.getTxLocation(id)) {
      throw new MempoolError('TX_ALREADY_KNOWN', `transaction ${id} is already known`);
    }
    const sender = addressFromPublicKey(this.params, tx.senderPublicKey);
    const cap = this.limits.maxPendingPerSender ?? Number.POSITIVE_INFINITY;
    if (this.senders.stateOf(sender).pending >= cap) {
      throw new MempoolError(
        'TOO_MANY_PENDING',
        `${sender} already has ${cap} pending transactions, the most this node keeps per sender; wait for a block`,
      );
    }
    const overlay = new LedgerOverlay(this.senders.viewFor(sender));
    // nonce, funds, amount rules without the signature; it is verified only if they all pass
    applyTransfer(this.params, overlay, tx, { isSignatureVerified: () => true });
    if (!this.isSignatureVerified(tx)) (this.limits.verify ?? coreVerify)(tx, this.params);
    this.remember(id);
    this.store.transaction(() => {
      if (this.store.mempool.count() >= this.limits.maxTxs) this.evictFor(tx.fee, sender);
      const bytes = encodeTx(tx);
      this.store.mempool.put({ txid: id, sender, nonce: tx.nonce, fee: tx.fee, size: bytes.length, bytes });
    });
    this.senders.admitted(sender, overlay.getAccount(sender));
    this.version++;
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
    this.senders.forget(cheapest.sender);
    this.version++;
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
    this.lastSelectionHeap = new HeadHeap();
    return selectTemplate(
      this.params,
      this.store,
      this.store.mempool.all(),
      maxBytes,
      this.isSignatureVerified,
      this.lastSelectionHeap,
    );
  }

  /**
   * Brings the pool in line with a new tip: transactions of abandoned blocks come back, confirmed
   * ones leave, and every sender's sequence is re-checked against the tip (invalid ones dropped).
   */
  revalidate(abandoned: readonly Block[] = []): void {
    this.senders.clear();
    this.version++;
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
