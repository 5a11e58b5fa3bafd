import {
  type AncestorHeader,
  addressFromHash,
  addressFromPublicKey,
  applyLedgerRules,
  type Block,
  type BlockHeader,
  type ChainEntry,
  type ChainParams,
  type CoinbaseTx,
  ConsensusError,
  chainWorkOf,
  createGenesisBlock,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  hashToHex,
  headerContextFromAncestors,
  headerHash,
  hexToHash,
  invertChanges,
  isBetterTip,
  planReorg,
  type TransferTx,
  txid,
  validateBlockBody,
  validateHeader,
} from '@powcoin/core';
import type { ChainStore, HeaderRow } from '../store/chainStore.js';
import { undoFromJson, undoToJson } from '../store/records.js';
import { ChainError } from './chainError.js';
import { DEFAULT_SIDE_PRUNE_DEPTH, lowWorkFloor, validateBranchWork } from './lowWork.js';
import { validateStoredBlockTimes } from './storedRules.js';

/** Ancestors needed for a header context: max(median-time span, retarget window + 1). */
const CONTEXT_DEPTH = 32;

/** Heights between the marks a download path keeps: the most headers one `missingBlocks` walks. */
const PATH_MARK_SPACING = 128;

/**
 * Where block download stands on the way to the best header: the hash at every
 * `PATH_MARK_SPACING`-th height of its branch above the stored blocks (gap / 128 hashes, never
 * the whole gap), and the height up to which every block of the branch is known to be stored.
 */
interface DownloadPath {
  readonly best: string;
  readonly marks: ReadonlyMap<number, string>;
  stored: number;
}

export interface SubmitResult {
  readonly hash: string;
  readonly height: number;
  /** `tip`: the block is (now) on the active chain; `side`: stored on a branch with less work. */
  readonly status: 'tip' | 'side';
  /** Blocks that left and joined the active chain, when the block caused a reorg. */
  readonly disconnected: readonly Block[];
  readonly connected: readonly string[];
}

function entryOf(row: HeaderRow): ChainEntry {
  return { hash: row.hash, prevHash: row.prevHash, height: row.height, chainWork: row.chainWork };
}

/**
 * The block tree and the active chain over a `ChainStore`: accepts blocks, keeps the chain with
 * the most work, and moves the ledger between branches. Every change of the active chain
 * (one block, or a whole reorg) is one atomic store transaction.
 */
export interface ChainOptions {
  /**
   * A block or header whose chain has less work than the tip's minus this many tip blocks' work
   * is refused (BLOCK_LOW_WORK) before anything is written: cheap side branches cannot fill the disk.
   */
  readonly sidePruneDepth?: number;
  /** Signatures already verified elsewhere (the mempool), so blocks do not check them twice. */
  readonly isSignatureVerified?: (tx: TransferTx) => boolean;
}

export class Chain {
  private path: DownloadPath | undefined;

  constructor(
    private readonly store: ChainStore,
    readonly params: ChainParams,
    private readonly options: ChainOptions = {},
  ) {
    if (!store.mainTip()) this.connectGenesis();
    else {
      const genesisHash = store.mainHashAt(0);
      if (genesisHash !== params.genesis.hash) {
        throw new Error(`data dir holds a chain with genesis ${genesisHash}, not ${params.network}'s`);
      }
      validateStoredBlockTimes(store, params);
    }
  }

  private connectGenesis(): void {
    const block = createGenesisBlock(this.params);
    const hash = hashToHex(headerHash(block.header));
    this.store.transaction(() => {
      this.store.putHeader({
        hash,
        prevHash: hashToHex(block.header.prevHash),
        height: 0,
        chainWork: chainWorkOf(0n, block.header.bits),
        time: block.header.time,
        bits: block.header.bits,
        header: encodeHeader(block.header),
      });
      this.store.putBlock(hash, encodeBlock(block));
      this.connect(block, hash, 0);
    });
  }

  /** Throws BLOCK_LOW_WORK when a block of `bits` on a parent of `parentWork` is too far behind the tip. */
  private refuseLowWork(hash: string, parentWork: bigint, bits: number): void {
    const tip = this.tip();
    const tipBits = this.store.getHeader(tip.hash)?.bits ?? this.params.powLimitBits;
    const depth = this.options.sidePruneDepth ?? DEFAULT_SIDE_PRUNE_DEPTH;
    validateBranchWork(hash, chainWorkOf(parentWork, bits), lowWorkFloor(tip.chainWork, tipBits, depth));
  }

  /** The active chain's tip. */
  tip(): ChainEntry {
    const tip = this.store.mainTip();
    const row = tip && this.store.getHeader(tip.hash);
    if (!row) throw new Error('store has no active chain');
    return entryOf(row);
  }

  getBlock(hash: string): Block | undefined {
    const bytes = this.store.getBlockBytes(hash);
    return bytes ? decodeBlock(bytes, Number.POSITIVE_INFINITY) : undefined;
  }

  /** The active chain's block at a height. */
  getBlockAt(height: number): Block | undefined {
    const hash = this.store.mainHashAt(height);
    return hash === undefined ? undefined : this.getBlock(hash);
  }

  /** The last `count` headers of the active chain, oldest first (for header contexts and templates). */
  recentHeaders(count: number): AncestorHeader[] {
    const tip = this.store.mainTip();
    const row = tip && this.store.getHeader(tip.hash);
    if (!row) throw new Error('store has no active chain');
    return this.ancestors(row, count);
  }

  private ancestors(parent: HeaderRow, depth = CONTEXT_DEPTH): AncestorHeader[] {
    const out: AncestorHeader[] = [];
    let row: HeaderRow | undefined = parent;
    while (row && out.length < depth) {
      out.push({ hash: hexToHash(row.hash), height: row.height, time: row.time, bits: row.bits });
      row = row.height > 0 ? this.store.getHeader(row.prevHash) : undefined;
    }
    return out.reverse();
  }

  /**
   * Validates and stores a block, then makes the chain with the most work active. Throws a
   * `ConsensusError` (invalid block: nothing stored but an invalid mark) or a `ChainError`.
   * `now` is the node's clock in seconds.
   */
  /** Whether the header index holds this hash. */
  knowsHeader(hash: string): boolean {
    return this.store.getHeader(hash) !== undefined;
  }

  /** Whether a block on `prevHash` could be taken now: its parent's body is stored (or it is known invalid). */
  canConnect(prevHash: string): boolean {
    const parent = this.store.getHeader(prevHash);
    return parent !== undefined && (parent.invalid || this.store.hasBlock(prevHash));
  }

  submitBlock(block: Block, now: number): SubmitResult {
    const hash = hashToHex(headerHash(block.header));
    const known = this.store.getHeader(hash);
    if (known?.invalid) throw new ChainError('BLOCK_KNOWN_INVALID', `block ${hash} is known to be invalid`);
    if (known && this.store.hasBlock(hash))
      throw new ChainError('BLOCK_DUPLICATE', `block ${hash} is already known`);
    const prevHash = hashToHex(block.header.prevHash);
    const parent = this.store.getHeader(prevHash);
    if (!parent || (!parent.invalid && !this.store.hasBlock(prevHash))) {
      throw new ChainError('BLOCK_PARENT_UNKNOWN', `parent ${prevHash} of block ${hash} is unknown`);
    }
    if (parent.invalid) {
      // Nothing is written: the block cannot be valid, and storing it unchecked would let anyone
      // add rows (any bits, no proof of work) with one request each.
      throw new ChainError('BLOCK_KNOWN_INVALID', `block ${hash} builds on invalid block ${prevHash}`);
    }
    this.refuseLowWork(hash, parent.chainWork, block.header.bits);
    const height = parent.height + 1;
    // Header (link, bits, time, proof of work) and body are checked before anything is written.
    validateHeader(block.header, headerContextFromAncestors(this.params, this.ancestors(parent), now));
    validateBlockBody(block, this.params, height);

    const row = this.store.transaction(() => {
      const stored = this.storeHeader(block.header, hash, parent);
      this.store.putBlock(hash, encodeBlock(block));
      return stored;
    });
    const current = this.tip();
    if (!isBetterTip(entryOf(row), current)) {
      return { hash, height, status: 'side', disconnected: [], connected: [] };
    }
    const { disconnected, connected } = this.reorganize(current, entryOf(row));
    return { hash, height, status: 'tip', disconnected, connected };
  }

  /**
   * Headers-first sync: validates a run of headers (each on a known parent: link, bits, time,
   * proof of work) and indexes them without bodies. Returns how many were new. Throws on the first
   * invalid header (nothing of it is stored), so the caller can punish the peer that sent it.
   */
  acceptHeaders(headers: readonly BlockHeader[], now: number): number {
    let added = 0;
    for (const header of headers) {
      const hash = hashToHex(headerHash(header));
      const known = this.store.getHeader(hash);
      if (known?.invalid)
        throw new ChainError('BLOCK_KNOWN_INVALID', `header ${hash} is known to be invalid`);
      if (known) continue;
      const prevHash = hashToHex(header.prevHash);
      const parent = this.store.getHeader(prevHash);
      if (!parent)
        throw new ChainError('BLOCK_PARENT_UNKNOWN', `parent ${prevHash} of header ${hash} is unknown`);
      if (parent.invalid)
        throw new ChainError('BLOCK_KNOWN_INVALID', `header ${hash} builds on an invalid block`);
      this.refuseLowWork(hash, parent.chainWork, header.bits);
      validateHeader(header, headerContextFromAncestors(this.params, this.ancestors(parent), now));
      this.store.transaction(() => this.storeHeader(header, hash, parent));
      added++;
    }
    return added;
  }

  /** Block locator of the active chain: the tip, then back 1, 2, 4, 8, ... blocks, and genesis. */
  locator(): string[] {
    const tip = this.tip().height;
    const hashes: string[] = [];
    let step = 1;
    for (let h = tip; h > 0; h -= step) {
      hashes.push(this.store.mainHashAt(h) as string);
      if (hashes.length >= 10) step *= 2;
    }
    hashes.push(this.store.mainHashAt(0) as string);
    return hashes;
  }

  /** Encoded headers of the active chain after the first locator hash on it (at most `max`). */
  headersAfter(locator: readonly string[], max: number): BlockHeader[] {
    let start = 0;
    for (const hash of locator) {
      const row = this.store.getHeader(hash);
      if (row && this.store.mainHashAt(row.height) === hash) {
        start = row.height + 1;
        break;
      }
    }
    const tip = this.tip().height;
    const out: BlockHeader[] = [];
    for (let h = start; h <= tip && out.length < max; h++) {
      const row = this.store.getHeader(this.store.mainHashAt(h) as string);
      if (row) out.push(decodeHeader(row.header));
    }
    return out;
  }

  /**
   * Blocks to download: bodies missing on the way to the best valid header, if it has more work
   * than the tip. Oldest first, at most `max` (up to `PATH_MARK_SPACING`).
   *
   * Stored blocks are a prefix of any branch (a block is stored only on a stored parent), so the
   * missing ones are the stretch above the last stored one. The branch is walked once per new
   * best header (only the new part when it extends the previous best), keeping marks; each call
   * then walks back from the first mark at least `max` above the stored prefix: a bounded
   * stretch, instead of the whole gap on every call (a sync made quadratic).
   */
  missingBlocks(max: number): string[] {
    const tip = this.tip();
    const best = this.store.bestHeaders().find((row) => row.chainWork > tip.chainWork);
    if (!best) {
      this.path = undefined;
      return [];
    }
    const path = this.downloadPath(best);
    const firstMarkAbove = (height: number) =>
      (Math.floor(height / PATH_MARK_SPACING) + 1) * PATH_MARK_SPACING;
    for (let h = firstMarkAbove(path.stored); h < best.height; h += PATH_MARK_SPACING) {
      const hash = path.marks.get(h);
      if (hash === undefined || !this.store.hasBlock(hash)) break;
      path.stored = h;
    }
    const topHeight = firstMarkAbove(path.stored + max - 1);
    const topHash = topHeight < best.height ? path.marks.get(topHeight) : undefined;
    let row: HeaderRow | undefined = topHash === undefined ? best : this.store.getHeader(topHash);
    const missing: string[] = [];
    while (row && row.height > path.stored && !this.store.hasBlock(row.hash)) {
      missing.push(row.hash);
      row = this.store.getHeader(row.prevHash);
    }
    return missing.reverse().slice(0, max);
  }

  /** The download path to `best`: kept while it stays the best header, extended when it grows. */
  private downloadPath(best: HeaderRow): DownloadPath {
    const previous = this.path;
    if (previous?.best === best.hash) return previous;
    const marks = new Map<number, string>();
    let stored = 0;
    let row: HeaderRow | undefined = best;
    while (row) {
      if (previous && row.hash === previous.best) {
        for (const [height, hash] of previous.marks) marks.set(height, hash);
        stored = previous.stored;
        break;
      }
      if (this.store.hasBlock(row.hash)) {
        stored = row.height;
        break;
      }
      if (row.height % PATH_MARK_SPACING === 0) marks.set(row.height, row.hash);
      row = this.store.getHeader(row.prevHash);
    }
    this.path = { best: best.hash, marks, stored };
    return this.path;
  }

  /** Whether a block (header and body) is stored. */
  hasBlock(hash: string): boolean {
    return this.store.hasBlock(hash);
  }

  /** Indexes a header that passed `validateHeader` on a valid parent. */
  private storeHeader(header: BlockHeader, hash: string, parent: HeaderRow): HeaderRow {
    const row = {
      hash,
      prevHash: parent.hash,
      height: parent.height + 1,
      chainWork: chainWorkOf(parent.chainWork, header.bits),
      time: header.time,
      bits: header.bits,
      header: encodeHeader(header),
    };
    if (!this.store.getHeader(hash)) this.store.putHeader(row);
    return { ...row, invalid: false };
  }

  /**
   * Moves the active chain from `from` to `to` in one transaction. If a block on the way is
   * invalid against the ledger, the transaction rolls back, the block and its descendants are
   * marked invalid, and the error is rethrown: the active chain stays where it was.
   */
  private reorganize(from: ChainEntry, to: ChainEntry): { disconnected: Block[]; connected: string[] } {
    const plan = planReorg(from, to, (h) => {
      const row = this.store.getHeader(h);
      return row ? entryOf(row) : undefined;
    });
    let failing: string | undefined;
    try {
      return this.store.transaction(() => {
        const disconnected: Block[] = [];
        for (const entry of plan.disconnect) disconnected.push(this.disconnect(entry.hash, entry.height));
        for (const entry of plan.connect) {
          failing = entry.hash;
          const block = this.getBlock(entry.hash);
          if (!block) throw new Error(`block ${entry.hash} is indexed but not stored`);
          this.connect(block, entry.hash, entry.height);
        }
        return { disconnected, connected: plan.connect.map((e) => e.hash) };
      });
    } catch (err) {
      if (err instanceof ConsensusError && failing !== undefined) {
        const bad = failing;
        this.store.transaction(() => this.store.markInvalid(bad));
      }
      throw err;
    }
  }

  /**
   * Applies a block on the active tip: ledger, undo record, indexes. Call inside a transaction.
   * Its header and body were checked when it was stored (submitBlock), so only the ledger rules run here.
   */
  private connect(block: Block, hash: string, height: number): void {
    const maturingHeight = height - this.params.coinbaseMaturity;
    const maturingHash = maturingHeight >= 0 ? this.store.mainHashAt(maturingHeight) : undefined;
    const maturing =
      maturingHash === undefined ? null : ((this.getBlock(maturingHash)?.txs[0] as CoinbaseTx) ?? null);
    const undo = applyLedgerRules(this.store, block, {
      params: this.params,
      height,
      maturingCoinbase: maturing,
      isSignatureVerified: this.options.isSignatureVerified,
    });
    for (const change of undo.changes) this.store.putAccount(change.address, change.after);
    this.store.putUndo(hash, undoToJson(undo));
    this.store.pushMain(height, hash);
    block.txs.forEach((tx, position) => {
      const id = hashToHex(txid(tx));
      this.store.putTx(id, hash, height, position);
      for (const address of this.addressesOf(tx)) this.store.putAddressTx(address, height, position, id);
    });
  }

  /** Undoes the active tip. Call inside a transaction. Returns the block that left the chain. */
  private disconnect(hash: string, height: number): Block {
    const tip = this.store.mainTip();
    if (tip?.hash !== hash) throw new Error(`cannot disconnect ${hash}: it is not the tip`);
    const json = this.store.getUndo(hash);
    const block = this.getBlock(hash);
    if (!json || !block) throw new Error(`block ${hash} has no undo record or bytes`);
    const undo = undoFromJson(json);
    for (const change of invertChanges(this.store, undo.changes))
      this.store.putAccount(change.address, change.after);
    this.store.deleteUndo(hash);
    this.store.deleteIndexesAt(height);
    this.store.popMain(height);
    return block;
  }

  private addressesOf(tx: Block['txs'][number]): string[] {
    if (tx.kind === 'coinbase') return tx.outputs.map((o) => addressFromHash(this.params, o.recipient));
    return [
      addressFromPublicKey(this.params, tx.senderPublicKey),
      addressFromHash(this.params, tx.recipient),
    ];
  }
}
