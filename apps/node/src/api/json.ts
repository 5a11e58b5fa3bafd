import {
  addressFromHash,
  addressFromPublicKey,
  type Block,
  bitsHex,
  bitsToDifficulty,
  bytesToHex,
  type ChainParams,
  encodeBlock,
  encodeTx,
  formatCoins,
  hashToHex,
  headerHash,
  type Transaction,
  txid,
} from '@powcoin/core';

/**
 * JSON shapes of the HTTP API. Hashes in display hex, amounts as decimal strings of base units
 * (plus a formatted `…Coins` copy for people), never floats for money.
 */
export function txToJson(params: ChainParams, tx: Transaction) {
  const base = { txid: hashToHex(txid(tx)), hex: bytesToHex(encodeTx(tx)) };
  if (tx.kind === 'coinbase') {
    return {
      ...base,
      kind: 'coinbase' as const,
      height: tx.height,
      extra: bytesToHex(tx.extra),
      outputs: tx.outputs.map((o) => ({
        address: addressFromHash(params, o.recipient),
        amount: o.amount.toString(),
        amountCoins: formatCoins(o.amount),
      })),
    };
  }
  return {
    ...base,
    kind: 'transfer' as const,
    from: addressFromPublicKey(params, tx.senderPublicKey),
    to: addressFromHash(params, tx.recipient),
    amount: tx.amount.toString(),
    amountCoins: formatCoins(tx.amount),
    fee: tx.fee.toString(),
    feeCoins: formatCoins(tx.fee),
    nonce: tx.nonce,
  };
}

export function blockToJson(params: ChainParams, block: Block, height: number, confirmations: number) {
  const h = block.header;
  return {
    hash: hashToHex(headerHash(h)),
    height,
    confirmations,
    version: h.version,
    prevHash: hashToHex(h.prevHash),
    merkleRoot: hashToHex(h.merkleRoot),
    time: h.time,
    bits: bitsHex(h.bits),
    difficulty: bitsToDifficulty(h.bits),
    nonce: h.nonce,
    size: encodeBlock(block).length,
    txs: block.txs.map((tx) => txToJson(params, tx)),
  };
}
