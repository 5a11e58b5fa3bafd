/**
 * Finds the nonce of each network's genesis block (run once when a genesis changes; the results
 * are frozen in params.ts and checked by test/golden.test.ts).
 * Usage: pnpm --filter @powcoin/core exec tsx scripts/mineGenesis.ts
 */
import { createGenesisBlock } from '../src/genesis.js';
import { hashToHex } from '../src/hash.js';
import { headerHash } from '../src/header.js';
import { NETWORKS } from '../src/params.js';
import { checkProofOfWork } from '../src/pow.js';

for (const params of Object.values(NETWORKS)) {
  const block = createGenesisBlock(params);
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    const header = { ...block.header, nonce };
    const hash = headerHash(header);
    if (checkProofOfWork(hash, header.bits, params.powLimit)) {
      console.log(
        `${params.network}: nonce ${nonce} hash ${hashToHex(hash)} merkle ${hashToHex(header.merkleRoot)}`,
      );
      break;
    }
  }
}
