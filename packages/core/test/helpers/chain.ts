import {
  type AncestorHeader,
  addressFromPublicKey,
  applyBlock,
  type Block,
  type BlockContext,
  type BlockHeader,
  blockSubsidy,
  type ChainParams,
  type CoinbaseTx,
  checkProofOfWork,
  computeMerkleRoot,
  createGenesisBlock,
  hash160,
  headerContextFromAncestors,
  headerHash,
  MemoryLedger,
  publicKeyFromPrivate,
  type Transaction,
  type UndoRecord,
} from '../../src/index.js';

/** Deterministic test keys: private key = i + 1 as a 32-byte big-endian number. */
export function testKey(i: number): { privateKey: Uint8Array; publicKey: Uint8Array; hash: Uint8Array } {
  const privateKey = new Uint8Array(32);
  new DataView(privateKey.buffer).setUint32(28, i + 1);
  const publicKey = publicKeyFromPrivate(privateKey);
  return { privateKey, publicKey, hash: hash160(publicKey) };
}

export function testAddress(params: ChainParams, i: number): string {
  return addressFromPublicKey(params, testKey(i).publicKey);
}

/** Rolls the nonce until the header meets its own bits (instant at regtest difficulty). */
export function mineHeader(params: ChainParams, header: BlockHeader): BlockHeader {
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    const candidate = { ...header, nonce };
    if (checkProofOfWork(headerHash(candidate), candidate.bits, params.powLimit)) return candidate;
  }
  throw new Error('no nonce found');
}

export interface BuildOptions {
  readonly txs?: readonly Transaction[];
  readonly minerHash?: Uint8Array;
  /** Coinbase claim; defaults to subsidy plus fees. */
  readonly claim?: bigint;
  readonly timeStep?: number;
}

/**
 * A chain kept entirely in memory: blocks, undo records and the ledger after each block, built
 * and checked through the public API exactly as a node would.
 */
export class TestChain {
  readonly blocks: Block[] = [];
  readonly undos: UndoRecord[] = [];
  readonly ledgers: MemoryLedger[] = [];
  now: number;

  constructor(readonly params: ChainParams) {
    const genesis = createGenesisBlock(params);
    this.now = params.genesis.time + 1_000_000;
    const { state, undo } = applyBlock(MemoryLedger.empty(), genesis, this.contextAt(0));
    this.blocks.push(genesis);
    this.undos.push(undo);
    this.ledgers.push(state);
  }

  get height(): number {
    return this.blocks.length - 1;
  }

  get ledger(): MemoryLedger {
    return this.ledgers[this.ledgers.length - 1] as MemoryLedger;
  }

  get tip(): Block {
    return this.blocks[this.blocks.length - 1] as Block;
  }

  ancestors(): AncestorHeader[] {
    return this.blocks.slice(-30).map((b, i, arr) => ({
      hash: headerHash(b.header),
      height: this.height - (arr.length - 1 - i),
      time: b.header.time,
      bits: b.header.bits,
    }));
  }

  /** The context for a block at `height` on top of the current tip. */
  contextAt(height: number): BlockContext {
    const maturingHeight = height - this.params.coinbaseMaturity;
    return {
      params: this.params,
      height,
      header: height === 0 ? null : headerContextFromAncestors(this.params, this.ancestors(), this.now),
      maturingCoinbase: maturingHeight >= 0 ? (this.blocks[maturingHeight]?.txs[0] as CoinbaseTx) : null,
    };
  }

  /** A valid next block (not applied). */
  buildBlock(options: BuildOptions = {}): Block {
    const height = this.height + 1;
    const txs = options.txs ?? [];
    const fees = txs.reduce((sum, tx) => sum + (tx.kind === 'transfer' ? tx.fee : 0n), 0n);
    const coinbase: CoinbaseTx = {
      kind: 'coinbase',
      height,
      extra: new Uint8Array(8),
      outputs: [
        {
          recipient: options.minerHash ?? testKey(0).hash,
          amount: options.claim ?? blockSubsidy(this.params, height) + fees,
        },
      ],
    };
    const all = [coinbase, ...txs];
    const ctx = this.contextAt(height);
    const header = mineHeader(this.params, {
      version: 1,
      prevHash: headerHash(this.tip.header),
      merkleRoot: computeMerkleRoot(all),
      time: this.tip.header.time + (options.timeStep ?? this.params.targetBlockSeconds),
      bits: ctx.header?.expectedBits ?? this.params.powLimitBits,
      nonce: 0,
    });
    return { header, txs: all };
  }

  /** Validates and applies a block on the tip. */
  addBlock(block: Block): UndoRecord {
    const { state, undo } = applyBlock(this.ledger, block, this.contextAt(this.height + 1));
    this.blocks.push(block);
    this.undos.push(undo);
    this.ledgers.push(state);
    return undo;
  }

  mine(options: BuildOptions = {}): Block {
    const block = this.buildBlock(options);
    this.addBlock(block);
    return block;
  }

  mineMany(count: number, options: BuildOptions = {}): void {
    for (let i = 0; i < count; i++) this.mine(options);
  }
}

/**
 * Re-mines a (possibly tampered) block on top of `chain`: the merkle root is recomputed from its
 * transactions unless `keepRoot`, header fields can be overridden, and the nonce is found again so
 * that the block fails only for the reason a test wants.
 */
export function remine(
  chain: TestChain,
  block: Block,
  header: Partial<BlockHeader> = {},
  keepRoot = false,
): Block {
  const draft: BlockHeader = {
    ...block.header,
    merkleRoot: keepRoot ? block.header.merkleRoot : computeMerkleRoot(block.txs),
    ...header,
  };
  return { header: mineHeader(chain.params, draft), txs: block.txs };
}
