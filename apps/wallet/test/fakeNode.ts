import { EventEmitter } from 'node:events';
import { bytesToHex, decodeTx, hashToHex, hexToBytes, txid } from '@powcoin/core';
import { type AddressInfo, type NodeClientEvents, NodeRefusal, type TxJson } from '@powcoin/node-client';

/** A scripted node for component tests: balances and history per address, up or down at will. */
export class FakeNode extends EventEmitter<NodeClientEvents> {
  readonly baseUrl = 'http://127.0.0.1:5999';
  up = true;
  network = 'regtest';
  height = 20;
  readonly infos = new Map<string, AddressInfo>();
  readonly submitted: string[] = [];
  readonly confirmed = new Set<string>();
  refuseNext: NodeRefusal | undefined;
  /** Every call of submitTx, duplicates included. */
  submitCalls = 0;
  /** The next submission is accepted but its answer is lost (the client times out). */
  loseNextReply = false;
  /** How long the node takes to answer a submission. */
  submitDelayMs = 0;

  private down(): never {
    throw new Error('connect ECONNREFUSED 127.0.0.1:5999');
  }

  async status() {
    if (!this.up) this.down();
    return {
      network: this.network,
      height: this.height,
      tipHash: '00'.repeat(32),
      difficulty: 0,
      hashrate: 0,
    };
  }

  async addressInfo(address: string, limit = 20, offset = 0): Promise<AddressInfo> {
    if (!this.up) this.down();
    const info = this.infos.get(address) ?? {
      address,
      balance: 0n,
      immature: 0n,
      pending: 0n,
      nonce: 0,
      nextNonce: 0,
      history: [],
    };
    return { ...info, history: info.history.slice(offset, offset + limit) };
  }

  async submitTx(hex: string): Promise<string> {
    this.submitCalls++;
    if (this.submitDelayMs > 0) await new Promise((r) => setTimeout(r, this.submitDelayMs));
    if (!this.up) this.down();
    if (this.refuseNext) {
      const err = this.refuseNext;
      this.refuseNext = undefined;
      throw err;
    }
    const id = hashToHex(txid(decodeTx(hexToBytes(hex))));
    // what the real node answers for a transaction it already has (status 409)
    if (this.submitted.includes(hex))
      throw new NodeRefusal(409, 'TX_ALREADY_KNOWN', `transaction ${id} is already known`);
    this.submitted.push(hex);
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return id;
  }

  async txStatus(id: string) {
    if (!this.up) this.down();
    if (this.confirmed.has(id))
      return { status: 'confirmed' as const, height: this.height, confirmations: 1 };
    return this.submitted.some((h) => hashToHex(txid(decodeTx(hexToBytes(h)))) === id)
      ? { status: 'pending' as const }
      : { status: 'unknown' as const };
  }

  subscribe(): void {}
  unsubscribe(): void {}
  close(): void {}

  /** A history entry for tests. */
  static transfer(
    from: string,
    to: string,
    amount: bigint,
    fee: bigint,
    confirmations: number,
    n: number,
  ): { height: number; confirmations: number; tx: TxJson } {
    return {
      height: 100 - n,
      confirmations,
      tx: {
        kind: 'transfer',
        txid: bytesToHex(new Uint8Array(32).fill(n)),
        from,
        to,
        amount: amount.toString(),
        fee: fee.toString(),
        nonce: n,
      },
    };
  }
}
