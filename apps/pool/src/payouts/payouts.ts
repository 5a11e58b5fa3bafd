import {
  addressFromPublicKey,
  bytesToHex,
  type ChainParams,
  createTransfer,
  encodeTx,
  hashToHex,
  publicKeyFromPrivate,
  txid,
} from '@powcoin/core';
import { type NodeClient, NodeRefusal } from '@powcoin/node-client';
import type { PoolStore } from '../store/poolStore.js';

export interface PayoutOptions {
  readonly threshold: bigint;
  /** Network fee of each payout transaction, paid by the pool (the miner receives its full balance). */
  readonly txFee: bigint;
}

export interface PayoutLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Once per block, one payout round: every miner whose matured balance reached the threshold is paid
 * by a transfer signed with the pool's key. Each payout is written (signed bytes, nonce, balance
 * debited) in one transaction before it is sent, and reconciled with the node afterwards, so a crash
 * at any instant neither pays twice (the same signed bytes and nonce are re-sent, never re-made) nor
 * loses a payout.
 */
export class Payouts {
  readonly poolAddress: string;

  constructor(
    private readonly store: PoolStore,
    private readonly node: NodeClient,
    private readonly params: ChainParams,
    private readonly privateKey: Uint8Array,
    private readonly options: PayoutOptions,
    private readonly logger: PayoutLogger,
  ) {
    this.poolAddress = addressFromPublicKey(params, publicKeyFromPrivate(privateKey));
  }

  /**
   * Brings recorded payouts in line with the node, in nonce order: confirmed (in which block),
   * pending, or unknown to the node. An unknown one (never sent, dropped, or taken off the chain by
   * a reorg) goes back to `signed` and is sent again, the same bytes; while any payout is `signed`,
   * no new one is made, so nonces never leave a gap. Confirmed payouts are watched for ten
   * maturities: one ranged read of the active chain shows which still have their block there, and
   * only the others cost a request.
   */
  async reconcile(tipHeight: number): Promise<void> {
    const horizon = tipHeight - 10 * this.params.coinbaseMaturity;
    const watched = this.store.payoutsToWatch(horizon);
    const settled = watched.filter((p) => p.status === 'confirmed' && p.confirmedHeight != null);
    let main = new Map<number, string>();
    if (settled.length > 0) {
      const low = Math.min(...settled.map((p) => p.confirmedHeight as number));
      main = await this.node.mainChainHashes(low, tipHeight - low + 1);
    }
    for (const p of watched) {
      const inPlace =
        p.status === 'confirmed' &&
        p.confirmedHeight != null &&
        main.get(p.confirmedHeight) === p.confirmedBlock;
      if (inPlace) continue;
      const state = await this.node.txStatus(p.txid);
      if (state.status === 'confirmed') {
        if (p.status !== 'confirmed' || p.confirmedBlock !== state.blockHash)
          this.store.setPayoutStatus(p.txid, 'confirmed', { height: state.height, hash: state.blockHash });
      } else if (state.status === 'pending') {
        if (p.status !== 'sent') this.store.setPayoutStatus(p.txid, 'sent');
      } else {
        if (p.status !== 'signed') {
          this.store.setPayoutStatus(p.txid, 'signed');
          this.logger.warn(
            { txid: p.txid, nonce: p.nonce, was: p.status },
            'payout no longer known to the node (reorg or dropped): sending it again',
          );
        }
        await this.send(p.txid, p.hex);
      }
    }
  }

  private async send(id: string, hex: string): Promise<void> {
    try {
      await this.node.submitTx(hex);
      this.store.setPayoutStatus(id, 'sent');
    } catch (err) {
      if (err instanceof NodeRefusal && err.code === 'TX_ALREADY_KNOWN')
        this.store.setPayoutStatus(id, 'sent');
      else this.logger.warn({ txid: id, err: (err as Error).message }, 'payout not accepted yet; will retry');
    }
  }

  /** One payout round at a new tip. Returns the txids created. */
  async run(tipHeight: number): Promise<string[]> {
    await this.reconcile(tipHeight);
    if (this.store.payoutsByStatus('signed').length > 0) return []; // never create nonce gaps
    const due = [...this.store.balances()]
      .filter(([, amount]) => amount >= this.options.threshold)
      .sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1));
    if (due.length === 0) return [];
    const account = await this.node.address(this.poolAddress);
    let available = account.balance - account.pending;
    let nonce = Math.max(account.nextNonce, this.store.maxPayoutNonce() + 1);
    const created: Array<{ txid: string; hex: string }> = [];
    this.store.transaction(() => {
      for (const [address, amount] of due) {
        if (amount + this.options.txFee > available) {
          this.logger.warn(
            { address, amount: amount.toString(), available: available.toString() },
            'pool funds short: payout waits',
          );
          continue;
        }
        const tx = createTransfer(this.params, this.privateKey, {
          to: address,
          amount,
          fee: this.options.txFee,
          nonce,
        });
        const id = hashToHex(txid(tx));
        const hex = bytesToHex(encodeTx(tx));
        this.store.putPayout({
          txid: id,
          address,
          amount,
          fee: this.options.txFee,
          nonce,
          hex,
          status: 'signed',
          tipHeight,
          createdMs: Date.now(),
        });
        this.store.addBalance(address, -amount);
        available -= amount + this.options.txFee;
        nonce++;
        created.push({ txid: id, hex });
      }
    });
    for (const p of created) await this.send(p.txid, p.hex);
    if (created.length > 0) this.logger.info({ count: created.length, tipHeight }, 'payout round sent');
    return created.map((p) => p.txid);
  }
}
