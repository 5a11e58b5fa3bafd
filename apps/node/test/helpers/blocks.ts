import {
  applyBlock,
  type Block,
  blockSubsidy,
  type ChainParams,
  type CoinbaseTx,
  checkProofOfWork,
  computeMerkleRoot,
  createGenesisBlock,
  hash160,
  headerContextFromAncestors,
  headerHash,
  hexToHash,
  MemoryLedger,
  publicKeyFromPrivate,
  type Transaction,
} from '@powcoin/core';

/** Deterministic keys for tests: private key = i + 1. */
export function testKey(i: number): { privateKey: Uint8Array; hash: Uint8Array } {
  const privateKey = new Uint8Array(32);
  new DataView(privateKey.buffer).setUint32(28, i + 1);
  return { privateKey, hash: hash160(publicKeyFromPrivate(privateKey)) };
}

/**
 * A mined regtest block on `parent` (regtest: constant bits, so no ancestors are needed).
 * `salt` makes sibling blocks on different branches differ.
 */
export function buildBlock(
  params: ChainParams,
  parent: Block,
  height: number,
  options: { txs?: readonly Transaction[]; miner?: Uint8Array; salt?: number } = {},
): Block {
  const txs = options.txs ?? [];
  const fees = txs.reduce((sum, tx) => sum + (tx.kind === 'transfer' ? tx.fee : 0n), 0n);
  const extra = new Uint8Array(4);
  new DataView(extra.buffer).setUint32(0, options.salt ?? 0);
  const coinbase: CoinbaseTx = {
    kind: 'coinbase',
    height,
    extra,
    outputs: [{ recipient: options.miner ?? testKey(0).hash, amount: blockSubsidy(params, height) + fees }],
  };
  const all = [coinbase, ...txs];
  const header = {
    version: 1,
    prevHash: headerHash(parent.header),
    merkleRoot: computeMerkleRoot(all),
    time: parent.header.time + 1,
    bits: params.powLimitBits,
    nonce: 0,
  };
  while (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) header.nonce++;
  return { header, txs: all };
}

/** The ledger the blocks imply, recomputed from scratch with core (the reference for the store). */
export function replayLedger(params: ChainParams, blocks: readonly Block[]): MemoryLedger {
  let ledger = MemoryLedger.empty();
  blocks.forEach((block, height) => {
    const maturing = height - params.coinbaseMaturity;
    const ancestors = blocks.slice(Math.max(0, height - 32), height).map((b, i, arr) => ({
      hash: headerHash(b.header),
      height: height - arr.length + i,
      time: b.header.time,
      bits: b.header.bits,
    }));
    ledger = applyBlock(ledger, block, {
      params,
      height,
      header: height === 0 ? null : headerContextFromAncestors(params, ancestors, 2 ** 32),
      maturingCoinbase: maturing >= 0 ? ((blocks[maturing] as Block).txs[0] as CoinbaseTx) : null,
    }).state;
  });
  return ledger;
}

export { createGenesisBlock, hexToHash };
