import { readFileSync } from 'node:fs';
import {
  addressFromPublicKey,
  applyBlock,
  bytesToHex,
  checkProofOfWork,
  createGenesisBlock,
  createTransfer,
  decodeBlock,
  decodeTx,
  encodeBlock,
  encodeHeader,
  getParams,
  hashToHex,
  headerHash,
  hexToBytes,
  MemoryLedger,
  NETWORKS,
  parseUnits,
  transferSigningHash,
  txid,
} from '../src/index.js';

interface GoldenTx {
  network: string;
  privateKey: string;
  publicKey: string;
  sender: string;
  recipient: string;
  amount: string;
  fee: string;
  nonce: number;
  signingHash: string;
  signature: string;
  encoded: string;
  txid: string;
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8')) as {
  genesis: Record<string, { hash: string; header: string; block: string; coinbaseTxid: string }>;
  transactions: GoldenTx[];
};

describe('frozen genesis blocks', () => {
  for (const params of Object.values(NETWORKS)) {
    const frozen = golden.genesis[params.network];
    it(`${params.network}: bytes, hash and proof of work are frozen`, () => {
      const block = createGenesisBlock(params);
      expect(frozen).toBeDefined();
      expect(bytesToHex(encodeHeader(block.header))).toBe(frozen?.header);
      expect(bytesToHex(encodeBlock(block))).toBe(frozen?.block);
      expect(hashToHex(headerHash(block.header))).toBe(frozen?.hash);
      expect(hashToHex(headerHash(block.header))).toBe(params.genesis.hash);
      expect(hashToHex(txid(block.txs[0] as never))).toBe(frozen?.coinbaseTxid);
      expect(checkProofOfWork(headerHash(block.header), block.header.bits, params.powLimit)).toBe(true);
      expect(decodeBlock(hexToBytes(frozen?.block ?? ''), params.maxBlockBytes)).toEqual(block);
    });

    it(`${params.network}: genesis applies to an empty ledger as immature burnt subsidy`, () => {
      const { state } = applyBlock(MemoryLedger.empty(), createGenesisBlock(params), {
        params,
        height: 0,
        header: null,
        maturingCoinbase: null,
      });
      expect(state.totalSupply()).toBe(params.initialSubsidy);
      expect(state.entries()).toHaveLength(1);
    });
  }

  it('the two networks differ in every identifier', () => {
    const [a, b] = Object.values(NETWORKS);
    expect(a?.magic).not.toBe(b?.magic);
    expect(a?.addressVersion).not.toBe(b?.addressVersion);
    expect(a?.genesis.hash).not.toBe(b?.genesis.hash);
  });

  it('params are immutable', () => {
    const params = getParams('devnet');
    expect(Object.isFrozen(params)).toBe(true);
    expect(Object.isFrozen(params.genesis)).toBe(true);
    expect(Object.isFrozen(params.retarget)).toBe(true);
    expect(() => getParams('mainnet')).toThrow(/unknown network/);
  });
});

describe('frozen signed transactions', () => {
  for (const g of golden.transactions) {
    it(`${g.network}: signing is deterministic and the txid is frozen`, () => {
      const params = getParams(g.network);
      const privateKey = hexToBytes(g.privateKey, 32);
      const tx = createTransfer(params, privateKey, {
        to: g.recipient,
        amount: parseUnits(g.amount),
        fee: parseUnits(g.fee),
        nonce: g.nonce,
      });
      expect(addressFromPublicKey(params, tx.senderPublicKey)).toBe(g.sender);
      expect(bytesToHex(tx.senderPublicKey)).toBe(g.publicKey);
      expect(bytesToHex(transferSigningHash(params, tx))).toBe(g.signingHash);
      expect(bytesToHex(tx.signature)).toBe(g.signature);
      expect(hashToHex(txid(tx))).toBe(g.txid);
      expect(decodeTx(hexToBytes(g.encoded))).toEqual(tx);
    });
  }
});
