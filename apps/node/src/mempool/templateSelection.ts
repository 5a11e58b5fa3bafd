import {
  applyTransfer,
  type ChainParams,
  decodeTx,
  LedgerOverlay,
  type LedgerView,
  type TransferTx,
} from '@powcoin/core';
import type { MempoolRow } from '../store/mempoolStore.js';

/** A binary max-heap of senders' queue heads: highest fee first, earlier arrival on a tie. */
export class HeadHeap {
  private readonly items: MempoolRow[] = [];
  /** Comparisons made (selection cost grows as log(senders) per pick, not senders). */
  comparisons = 0;

  get size(): number {
    return this.items.length;
  }

  private before(a: MempoolRow, b: MempoolRow): boolean {
    this.comparisons++;
    return a.fee > b.fee || (a.fee === b.fee && a.seq < b.seq);
  }

  push(row: MempoolRow): void {
    const items = this.items;
    items.push(row);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as MempoolRow, items[parent] as MempoolRow)) break;
      [items[i], items[parent]] = [items[parent] as MempoolRow, items[i] as MempoolRow];
      i = parent;
    }
  }

  pop(): MempoolRow | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && this.before(items[l] as MempoolRow, items[best] as MempoolRow)) best = l;
      if (r < items.length && this.before(items[r] as MempoolRow, items[best] as MempoolRow)) best = r;
      if (best === i) break;
      [items[i], items[best]] = [items[best] as MempoolRow, items[i] as MempoolRow];
      i = best;
    }
    return top;
  }
}

/**
 * Transactions for a block template from `rows`: highest fee first among senders' next
 * transactions, each sender's in nonce order, each checked in sequence against `view`, within
 * `maxBytes`. A sender whose next transaction fails or does not fit is done.
 */
export function selectTemplate(
  params: ChainParams,
  view: LedgerView,
  rows: readonly MempoolRow[],
  maxBytes: number,
  isSignatureVerified: (tx: TransferTx) => boolean,
  heap = new HeadHeap(),
): TransferTx[] {
  const queues = new Map<string, MempoolRow[]>();
  for (const row of rows) {
    const q = queues.get(row.sender) ?? [];
    q.push(row);
    queues.set(row.sender, q);
  }
  const cursor = new Map<string, number>();
  for (const [sender, q] of queues) {
    q.sort((a, b) => a.nonce - b.nonce);
    cursor.set(sender, 0);
    heap.push(q[0] as MempoolRow);
  }
  const overlay = new LedgerOverlay(view);
  const chosen: TransferTx[] = [];
  let bytes = 0;
  for (let best = heap.pop(); best; best = heap.pop()) {
    if (bytes + best.size > maxBytes) continue;
    const tx = decodeTx(best.bytes) as TransferTx;
    try {
      applyTransfer(params, overlay, tx, { isSignatureVerified });
    } catch {
      continue; // the rest of this sender's sequence cannot follow
    }
    chosen.push(tx);
    bytes += best.size;
    const queue = queues.get(best.sender) as MempoolRow[];
    const next = (cursor.get(best.sender) as number) + 1;
    cursor.set(best.sender, next);
    const following = queue[next];
    if (following) heap.push(following);
  }
  return chosen;
}
