/**
 * A devnet run entirely in this process, on the consensus library alone: it mines blocks with
 * node:crypto on one core, lets the retarget rule find ~10 s blocks, and, once coinbases mature,
 * moves coins between two demo accounts. What `npm start` runs until the node, pool and miners
 * exist. Ctrl-C stops it with a summary. Nothing is written to disk.
 *
 * Usage: pnpm --filter @powcoin/core run simulate [-- --network regtest|devnet]
 */
import { randomBytes } from 'node:crypto';
import {
  type AncestorHeader,
  addressFromPublicKey,
  applyBlock,
  type Block,
  bitsToDifficulty,
  bitsToTarget,
  blockSubsidy,
  type CoinbaseTx,
  computeMerkleRoot,
  createCoinbaseTemplate,
  createGenesisBlock,
  createTransfer,
  encodeHeader,
  formatCoins,
  getParams,
  hash160,
  hashMeetsTarget,
  hashToHex,
  headerContextFromAncestors,
  headerHash,
  MemoryLedger,
  publicKeyFromPrivate,
  sha256d,
  type Transaction,
} from '../src/index.js';

const networkFlag = process.argv.indexOf('--network');
const params = getParams(networkFlag >= 0 ? (process.argv[networkFlag + 1] ?? '') : 'devnet');
const accounts = [0, 1].map(() => {
  const privateKey = randomBytes(32);
  const publicKey = publicKeyFromPrivate(privateKey);
  return { privateKey, hash: hash160(publicKey), address: addressFromPublicKey(params, publicKey) };
});

const blocks: Block[] = [createGenesisBlock(params)];
let ledger = applyBlock(MemoryLedger.empty(), blocks[0] as Block, {
  params,
  height: 0,
  header: null,
  maturingCoinbase: null,
}).state;
let stopping = false;
let hashes = 0;
const started = Date.now();
process.on('SIGINT', () => {
  stopping = true;
});

function ancestors(): AncestorHeader[] {
  const recent = blocks.slice(-30);
  return recent.map((b, i) => ({
    hash: headerHash(b.header),
    height: blocks.length - recent.length + i,
    time: b.header.time,
    bits: b.header.bits,
  }));
}

/** Pays half of account 0's spendable balance to account 1 once it has some. */
function pendingTransfers(): Transaction[] {
  const sender = ledger.getAccount(accounts[0]?.address ?? '');
  // half the balance, less the fee, must still be something (the subsidy halves down to 0)
  if (sender.balance / 2n <= 1000n) return [];
  const from = accounts[0] as (typeof accounts)[number];
  return [
    createTransfer(params, from.privateKey, {
      to: accounts[1]?.address ?? '',
      amount: sender.balance / 2n - 1000n,
      fee: 1000n,
      nonce: sender.nonce,
    }),
  ];
}

async function mineNext(): Promise<void> {
  const height = blocks.length;
  let now = Math.floor(Date.now() / 1000);
  let header = headerContextFromAncestors(params, ancestors(), now);
  // blocks faster than one a second push their times (median past + 1) ahead of the clock; past
  // half the allowed lead, wait for the clock rather than make a block too far in the future
  const ahead = header.minTime - now - params.maxFutureBlockSeconds / 2;
  if (ahead > 0) {
    await new Promise((resolve) => setTimeout(resolve, ahead * 1000));
    if (stopping) return;
    now = Math.floor(Date.now() / 1000);
    header = headerContextFromAncestors(params, ancestors(), now);
  }
  const txs = pendingTransfers();
  const fees = txs.reduce((sum, tx) => sum + (tx.kind === 'transfer' ? tx.fee : 0n), 0n);
  const coinbase = createCoinbaseTemplate({
    height,
    extranonceBytes: 8,
    // once subsidy and fees are 0 the coinbase pays nothing (a zero payout is not a valid output)
    outputs:
      blockSubsidy(params, height) + fees > 0n
        ? [{ recipient: accounts[0]?.hash as Uint8Array, amount: blockSubsidy(params, height) + fees }]
        : [],
  });
  const all = [coinbase, ...txs];
  const draft = {
    version: 1,
    prevHash: header.parentHash,
    merkleRoot: computeMerkleRoot(all),
    time: Math.max(now, header.minTime),
    bits: header.expectedBits,
    nonce: 0,
  };
  const target = bitsToTarget(draft.bits);
  const bytes = encodeHeader(draft);
  const view = new DataView(bytes.buffer);
  const t0 = Date.now();
  for (let nonce = 0; ; nonce++) {
    view.setUint32(76, nonce, true);
    hashes++;
    if (hashMeetsTarget(sha256d(bytes), target)) {
      draft.nonce = nonce;
      break;
    }
    if ((nonce & 0xffff) === 0xffff) {
      await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C through
      if (stopping) return;
    }
  }
  const block: Block = { header: draft, txs: all };
  const maturing = height - params.coinbaseMaturity;
  ledger = applyBlock(ledger, block, {
    params,
    height,
    header,
    maturingCoinbase: maturing >= 0 ? ((blocks[maturing] as Block).txs[0] as CoinbaseTx) : null,
  }).state;
  blocks.push(block);
  const [a, b] = accounts.map((acc) => ledger.getAccount(acc.address));
  console.log(
    `block ${String(height).padStart(4)}  ${hashToHex(headerHash(block.header)).slice(0, 16)}…  ` +
      `diff ${bitsToDifficulty(draft.bits).toPrecision(4)}  ${((Date.now() - t0) / 1000).toFixed(1)} s  ` +
      `txs ${all.length}  A ${formatCoins(a?.balance ?? 0n)} (+${formatCoins(a?.immature ?? 0n)} immature)  ` +
      `B ${formatCoins(b?.balance ?? 0n)}`,
  );
}

console.log(
  `${params.network}: mining in-process on one core; A = ${accounts[0]?.address}, B = ${accounts[1]?.address}`,
);
while (!stopping) await mineNext();
const seconds = (Date.now() - started) / 1000;
console.log(
  `\nstopped: ${blocks.length - 1} blocks, ${(hashes / seconds / 1000).toFixed(0)} kH/s, supply ${formatCoins(ledger.totalSupply())} coins`,
);
