import {
  type Account,
  applyTransfer,
  type ChainParams,
  decodeTx,
  LedgerOverlay,
  type LedgerView,
  type TransferTx,
} from '@powcoin/core';
import type { ChainStore } from '../store/chainStore.js';

/** A sender's account as its pending transactions leave it, and how many are pending. */
export interface SenderState {
  readonly account: Account;
  readonly pending: number;
}

/**
 * Each sender's pending state, kept incrementally: built once from the store (by replaying that
 * sender's pending transactions), then moved forward by every admission, so admitting a
 * transaction costs the same whatever the sender's pending count. Dropped (rebuilt on demand)
 * whenever the pool changes otherwise: an eviction, a revalidation after a chain change.
 */
export class SenderQueues {
  private readonly states = new Map<string, SenderState>();
  /** Pending transactions replayed to build sender states (a measure of admission work). */
  replayed = 0;

  constructor(
    private readonly store: ChainStore,
    private readonly params: ChainParams,
  ) {}

  /** The sender's state after its pending transactions (they were validated on entry). */
  stateOf(sender: string): SenderState {
    const known = this.states.get(sender);
    if (known) return known;
    const overlay = new LedgerOverlay(this.store);
    const rows = this.store.mempool.bySender(sender);
    for (const row of rows) {
      applyTransfer(this.params, overlay, decodeTx(row.bytes) as TransferTx, {
        isSignatureVerified: () => true,
      });
      this.replayed++;
    }
    const state = { account: overlay.getAccount(sender), pending: rows.length };
    this.states.set(sender, state);
    return state;
  }

  /** A ledger view of the tip in which `sender` already stands as its pending transactions leave it. */
  viewFor(sender: string): LedgerView {
    const { account } = this.stateOf(sender);
    return { getAccount: (address) => (address === sender ? account : this.store.getAccount(address)) };
  }

  /** Records one admitted transaction of `sender`, whose account it left as `account`. */
  admitted(sender: string, account: Account): void {
    const pending = this.stateOf(sender).pending;
    this.states.set(sender, { account, pending: pending + 1 });
  }

  forget(sender: string): void {
    this.states.delete(sender);
  }

  clear(): void {
    this.states.clear();
  }
}
