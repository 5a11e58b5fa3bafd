import { type Block, computeMerkleRoot } from './block.js';
import { createCoinbaseTemplate } from './coinbase.js';
import { ZERO_HASH } from './hash.js';
import { blockSubsidy, type ChainParams } from './params.js';
import type { CoinbaseTx } from './transaction.js';

/** The genesis subsidy goes to the all-zero address hash, which no key controls (burnt, as in Bitcoin). */
export const GENESIS_RECIPIENT = new Uint8Array(20);

/** The genesis coinbase: height 0, the network's message as its free field, the subsidy burnt. */
export function createGenesisCoinbase(params: ChainParams): CoinbaseTx {
  return createCoinbaseTemplate({
    height: 0,
    extranonceBytes: 0,
    tag: new TextEncoder().encode(params.genesis.message),
    outputs: [{ recipient: GENESIS_RECIPIENT, amount: blockSubsidy(params, 0) }],
  });
}

/** The network's genesis block, built from its params (its hash is frozen in `params.genesis.hash`). */
export function createGenesisBlock(params: ChainParams): Block {
  const coinbase = createGenesisCoinbase(params);
  const g = params.genesis;
  return {
    header: {
      version: g.version,
      prevHash: ZERO_HASH,
      merkleRoot: computeMerkleRoot([coinbase]),
      time: g.time,
      bits: g.bits,
      nonce: g.nonce,
    },
    txs: [coinbase],
  };
}
