import {
  addressToHash,
  bitsToTarget,
  blockSubsidy,
  bytesToHex,
  coinbaseMerkleBranch,
  createCoinbaseTemplate,
  encodeTx,
  hashToHex,
  headerContextFromAncestors,
  hexToHash,
  splitCoinbase,
  txid,
} from '@powcoin/core';
import type { NodeService } from '../nodeService.js';

/** Room left in a block for the header, counts and the coinbase. */
const TEMPLATE_RESERVE_BYTES = 2_000;

/**
 * A getblocktemplate-style job for a payout address: the header fields, the coinbase cut around
 * `extranonceBytes` of extranonce space (coinb1 ‖ extranonce ‖ coinb2), the transactions by fee,
 * and the coinbase's merkle branch. Hashes in `merkleBranch` are in internal byte order, as
 * Stratum sends them; `prevHash` is in display order. `curTime` is the node's clock and `maxTime`
 * the latest block time it accepts now (its clock plus its future limit), so a pool bounds ntime
 * by the node's clock, not its own.
 */
export function createTemplate(service: NodeService, address: string, extranonceBytes: number) {
  const { params, chain } = service;
  const recipient = addressToHash(params, address);
  const tip = chain.tip();
  const ancestors = chain.recentHeaders(32);
  const ctx = headerContextFromAncestors(params, ancestors, service.now());
  const txs = service.mempool.selectForBlock(params.maxBlockBytes - TEMPLATE_RESERVE_BYTES);
  const fees = txs.reduce((sum, tx) => sum + tx.fee, 0n);
  const height = tip.height + 1;
  const now = service.now();
  const value = blockSubsidy(params, height) + fees;
  const coinbase = createCoinbaseTemplate({
    height,
    extranonceBytes,
    // Once the subsidy is 0, a block without fees pays nothing: an output of 0 is invalid
    // (TX_ZERO_AMOUNT), a coinbase without outputs is not.
    outputs: value > 0n ? [{ recipient, amount: value }] : [],
  });
  const { coinb1, coinb2 } = splitCoinbase(coinbase, extranonceBytes, 0);
  const txids = txs.map(txid);
  return {
    height,
    version: 1,
    prevHash: tip.hash,
    bits: ctx.expectedBits.toString(16).padStart(8, '0'),
    target: bitsToTarget(ctx.expectedBits).toString(16).padStart(64, '0'),
    time: Math.max(now, ctx.minTime),
    minTime: ctx.minTime,
    curTime: now,
    maxTime: now + params.maxFutureBlockSeconds,
    coinbaseValue: value.toString(),
    coinb1: bytesToHex(coinb1),
    coinb2: bytesToHex(coinb2),
    extranonceBytes,
    txs: txs.map((tx, i) => ({
      txid: hashToHex(txids[i] as Uint8Array),
      hex: bytesToHex(encodeTx(tx)),
      fee: tx.fee.toString(),
    })),
    merkleBranch: coinbaseMerkleBranch(txids).map(bytesToHex),
    prevHashInternal: bytesToHex(hexToHash(tip.hash)),
  };
}
