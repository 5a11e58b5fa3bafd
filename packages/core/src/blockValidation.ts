import { type Block, encodeBlock } from './block.js';
import { bytesEqual, bytesToHex } from './bytes.js';
import { ConsensusError } from './errors.js';
import { type Hash32, hashToHex, sha256d } from './hash.js';
import { headerHash } from './header.js';
import { type HeaderContext, validateHeader } from './headerValidation.js';
import {
  type AccountChange,
  applyTransfer,
  creditCoinbase,
  invertChanges,
  LedgerOverlay,
  type LedgerView,
  type MemoryLedger,
  matureCoinbase,
  type TransferCheckOptions,
} from './ledger.js';
import { merkleRoot } from './merkle.js';
import { blockSubsidy, type ChainParams } from './params.js';
import { type CoinbaseTx, encodeTx, FORBIDDEN_TX_BYTES, type Transaction } from './transaction.js';

/** What applying a block needs besides the ledger. */
export interface BlockContext extends TransferCheckOptions {
  readonly params: ChainParams;
  readonly height: number;
  /** Header checks for the block; `null` only for a genesis block (height 0). */
  readonly header: HeaderContext | null;
  /** The coinbase of the block `coinbaseMaturity` below this one on the same chain; null below that height. */
  readonly maturingCoinbase: CoinbaseTx | null;
}

/** The ledger diff of one block: enough to apply it again or to undo it. */
export interface UndoRecord {
  readonly height: number;
  readonly blockHash: Hash32;
  readonly fees: bigint;
  readonly changes: readonly AccountChange[];
}

/**
 * Context-free checks of a block's body at a height: size, one coinbase first and only first,
 * its height, no 64-byte transaction, no duplicate transaction, merkle root. Returns the txids in
 * block order.
 */
export function validateBlockBody(block: Block, params: ChainParams, height: number): Hash32[] {
  const size = encodeBlock(block).length;
  if (size > params.maxBlockBytes) {
    throw new ConsensusError(
      'BLOCK_TOO_LARGE',
      `block is ${size} bytes, the limit is ${params.maxBlockBytes}`,
    );
  }
  const [coinbase, ...rest] = block.txs;
  if (coinbase?.kind !== 'coinbase') {
    throw new ConsensusError('BLOCK_NO_COINBASE', 'the first transaction of a block must be its coinbase');
  }
  const extraIndex = rest.findIndex((tx) => tx.kind === 'coinbase');
  if (extraIndex >= 0) {
    throw new ConsensusError('BLOCK_MULTIPLE_COINBASE', `transaction ${extraIndex + 1} is a second coinbase`);
  }
  if (coinbase.height !== height) {
    throw new ConsensusError(
      'BLOCK_BAD_COINBASE_HEIGHT',
      `coinbase height ${height} expected, got ${coinbase.height}`,
    );
  }
  const encoded = block.txs.map(encodeTx);
  const forbidden = encoded.findIndex((bytes) => bytes.length === FORBIDDEN_TX_BYTES);
  if (forbidden >= 0) {
    throw new ConsensusError(
      'BLOCK_64_BYTE_TX',
      `transaction ${forbidden} is ${FORBIDDEN_TX_BYTES} bytes, the size of an inner merkle node: any other size expected`,
    );
  }
  const ids = encoded.map(sha256d);
  const seen = new Set<string>();
  for (const id of ids) {
    const key = bytesToHex(id);
    if (seen.has(key))
      throw new ConsensusError('BLOCK_DUPLICATE_TX', `transaction ${hashToHex(id)} appears twice`);
    seen.add(key);
  }
  const root = merkleRoot(ids);
  if (!bytesEqual(root, block.header.merkleRoot)) {
    throw new ConsensusError(
      'BLOCK_BAD_MERKLE_ROOT',
      `merkle root ${hashToHex(root)} expected, header has ${hashToHex(block.header.merkleRoot)}`,
    );
  }
  return ids;
}

/**
 * The ledger rules of a block (maturation, transfers, coinbase value) for a block whose header and
 * body already passed `validateHeader` and `validateBlockBody` (a node checks those once, when it
 * stores the block, and applies only these rules when the block joins the active chain).
 * Returns the undo record; nothing is written.
 */
export function applyLedgerRules(
  view: LedgerView,
  block: Block,
  ctx: Omit<BlockContext, 'header'>,
): UndoRecord {
  const { params, height } = ctx;
  const overlay = new LedgerOverlay(view);
  const maturingHeight = height - params.coinbaseMaturity;
  const maturing = ctx.maturingCoinbase;
  if (maturingHeight >= 0 !== (maturing !== null) || (maturing && maturing.height !== maturingHeight)) {
    throw new ConsensusError(
      'LEDGER_INCONSISTENT',
      `block ${height} must mature the coinbase of height ${maturingHeight < 0 ? 'none' : maturingHeight}, context gives ${maturing ? maturing.height : 'none'}`,
    );
  }
  if (maturing) matureCoinbase(params, overlay, maturing);

  let fees = 0n;
  for (const tx of block.txs.slice(1)) {
    if (tx.kind !== 'transfer') throw new ConsensusError('BLOCK_MULTIPLE_COINBASE', 'a second coinbase');
    fees += applyTransfer(params, overlay, tx, ctx);
  }
  const coinbase = block.txs[0] as CoinbaseTx;
  const claimed = creditCoinbase(params, overlay, coinbase);
  const allowed = blockSubsidy(params, height) + fees;
  if (claimed > allowed) {
    throw new ConsensusError(
      'BLOCK_COINBASE_OVERSPEND',
      `coinbase may claim at most ${allowed} units (subsidy plus fees), claims ${claimed}`,
    );
  }
  return { height, blockHash: headerHash(block.header), fees, changes: overlay.changes() };
}

/**
 * Full validation of a block against a ledger: header (unless genesis), body, then every
 * transaction in order. Returns the undo record (the ledger diff); nothing is written.
 */
export function validateBlock(view: LedgerView, block: Block, ctx: BlockContext): UndoRecord {
  if (ctx.header) {
    if (ctx.header.height !== ctx.height)
      throw new RangeError('header context and block context disagree on height');
    validateHeader(block.header, ctx.header);
  } else if (ctx.height !== 0) {
    throw new RangeError('only the genesis block is applied without a header context');
  }
  validateBlockBody(block, ctx.params, ctx.height);
  return applyLedgerRules(view, block, ctx);
}

/** `validateBlock` on an in-memory ledger: the new ledger plus the undo record. */
export function applyBlock(
  state: MemoryLedger,
  block: Block,
  ctx: BlockContext,
): { state: MemoryLedger; undo: UndoRecord } {
  const undo = validateBlock(state, block, ctx);
  return { state: state.withChanges(undo.changes, 'forward'), undo };
}

/** The inverse of `applyBlock`: checks the ledger is what the block left, and restores what it found. */
export function undoBlock(state: MemoryLedger, undo: UndoRecord): MemoryLedger {
  invertChanges(state, undo.changes);
  return state.withChanges(undo.changes, 'backward');
}

/**
 * Checks one transaction for the mempool against a ledger (the tip plus the sender's pending
 * transactions, as an overlay): coinbases are refused, transfers fully checked. Returns the changes.
 */
export function validateTransaction(
  params: ChainParams,
  view: LedgerView,
  tx: Transaction,
  options: TransferCheckOptions = {},
): AccountChange[] {
  if (tx.kind !== 'transfer') {
    throw new ConsensusError(
      'TX_UNEXPECTED_COINBASE',
      'a coinbase is only valid as the first transaction of a block',
    );
  }
  const overlay = new LedgerOverlay(view);
  applyTransfer(params, overlay, tx, options);
  return overlay.changes();
}
