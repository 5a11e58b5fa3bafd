import {
  blockSubsidy,
  bytesToHex,
  checkProofOfWork,
  computeMerkleRoot,
  createCoinbaseTemplate,
  encodeBlock,
  hash160,
  headerHash,
  hexToHash,
  publicKeyFromPrivate,
  REGTEST,
  type Transaction,
} from '@powcoin/core';
import { keyOf } from './poolHarness.js';

export interface PostedBlock {
  readonly hash: string;
  readonly time: number;
  readonly height: number;
}

/**
 * A regtest block mined outside the pool (another miner's) on `parent`, optionally carrying
 * transactions, posted to the node. Throws with the node's answer if it is refused.
 */
export async function postBlock(
  nodeUrl: string,
  parent: { hash: string; time: number },
  height: number,
  txs: Transaction[] = [],
): Promise<PostedBlock> {
  const coinbase = createCoinbaseTemplate({
    height,
    extranonceBytes: 4,
    tag: new TextEncoder().encode('rival'),
    outputs: [{ recipient: hash160(publicKeyFromPrivate(keyOf(9))), amount: blockSubsidy(REGTEST, height) }],
  });
  const all = [coinbase, ...txs];
  const header = {
    version: 1,
    prevHash: hexToHash(parent.hash),
    merkleRoot: computeMerkleRoot(all),
    time: parent.time + 1,
    bits: REGTEST.powLimitBits,
    nonce: 0,
  };
  while (!checkProofOfWork(headerHash(header), header.bits, REGTEST.powLimit)) header.nonce++;
  const res = await fetch(`${nodeUrl}/blocks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: bytesToHex(encodeBlock({ header, txs: all })) }),
  });
  const body = (await res.json()) as { hash?: string };
  if (!body.hash) throw new Error(`the node refused a block: ${JSON.stringify(body)}`);
  return { hash: body.hash, time: header.time, height };
}
