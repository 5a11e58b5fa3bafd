import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Block, ChainParams, Transaction } from '@powcoin/core';
import { Chain, type SubmitResult } from './chain/chain.js';
import { Mempool } from './mempool/mempool.js';
import { ChainStore } from './store/chainStore.js';

export interface NodeServiceEvents {
  tip: [result: SubmitResult];
  tx: [txid: string, tx: Transaction];
}

/**
 * The node's state and its rules wired together: store, chain, mempool. HTTP, WebSocket and
 * peers call this; it emits `tip` after every change of the active chain and `tx` for every
 * transaction the mempool accepts.
 */
export class NodeService extends EventEmitter<NodeServiceEvents> {
  readonly store: ChainStore;
  readonly chain: Chain;
  readonly mempool: Mempool;

  constructor(
    readonly params: ChainParams,
    dataDir: string,
    private readonly clock: () => number = () => Math.floor(Date.now() / 1000),
    limits: {
      maxMempoolTxs: number;
      minRelayFee?: bigint;
      maxPendingPerSender?: number;
      sidePruneDepth?: number;
    } = { maxMempoolTxs: 5000 },
  ) {
    super();
    this.store = new ChainStore(join(dataDir, 'chain.sqlite'));
    this.mempool = new Mempool(this.store, params, {
      maxTxs: limits.maxMempoolTxs,
      minRelayFee: limits.minRelayFee ?? 0n,
      maxPendingPerSender: limits.maxPendingPerSender ?? 100,
    });
    this.chain = new Chain(this.store, params, {
      isSignatureVerified: this.mempool.isSignatureVerified,
      ...(limits.sidePruneDepth === undefined ? {} : { sidePruneDepth: limits.sidePruneDepth }),
    });
    this.mempool.revalidate();
  }

  now(): number {
    return this.clock();
  }

  /** Validates a block and makes the best chain active; the mempool follows. */
  submitBlock(block: Block): SubmitResult {
    const result = this.chain.submitBlock(block, this.clock());
    if (result.status === 'tip') {
      this.mempool.revalidate(result.disconnected);
      this.emit('tip', result);
    }
    return result;
  }

  /** Adds a transaction to the mempool; returns its txid. */
  submitTransaction(tx: Transaction): string {
    const id = this.mempool.add(tx);
    this.emit('tx', id, tx);
    return id;
  }

  close(): void {
    this.store.close();
  }
}
