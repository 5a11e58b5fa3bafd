import { readFileSync } from 'node:fs';
import {
  bitsToTarget,
  bytesToHex,
  checkProofOfWork,
  decodeHeader,
  encodeHeader,
  hashToHex,
  headerHash,
  hexToBytes,
  hexToHash,
  merkleBranch,
  merkleRoot,
  merkleRootFromBranch,
} from '../src/index.js';

interface HeaderVector {
  name: string;
  hex: string;
  hash: string;
  version: number;
  prevHash: string;
  merkleRoot: string;
  time: number;
  bits: string;
  nonce: number;
}
interface MerkleVector {
  name: string;
  txids: string[];
  root: string;
}
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/bitcoin-blocks.json', import.meta.url), 'utf8'),
) as {
  headers: HeaderVector[];
  merkle: MerkleVector[];
};
// Bitcoin mainnet's proof-of-work limit (difficulty 1).
const MAINNET_POW_LIMIT = 0xffffn << 208n;

describe('real Bitcoin headers', () => {
  for (const v of fixtures.headers) {
    describe(v.name, () => {
      const bytes = hexToBytes(v.hex, 80);

      it('hashes its 80 bytes to the known block hash', () => {
        expect(hashToHex(headerHash(decodeHeader(bytes)))).toBe(v.hash);
      });

      it('decodes to the known fields and encodes back to the same bytes', () => {
        const header = decodeHeader(bytes);
        expect(header.version).toBe(v.version);
        expect(hashToHex(header.prevHash)).toBe(v.prevHash);
        expect(hashToHex(header.merkleRoot)).toBe(v.merkleRoot);
        expect(header.time).toBe(v.time);
        expect(header.bits).toBe(Number.parseInt(v.bits, 16));
        expect(header.nonce).toBe(v.nonce);
        expect(bytesToHex(encodeHeader(header))).toBe(v.hex);
      });

      it('has valid proof of work', () => {
        const header = decodeHeader(bytes);
        expect(checkProofOfWork(headerHash(header), header.bits, MAINNET_POW_LIMIT)).toBe(true);
      });

      it('fails proof of work when any one bit of the nonce flips', () => {
        const header = decodeHeader(bytes);
        for (let bit = 0; bit < 32; bit++) {
          const altered = { ...header, nonce: (header.nonce ^ (1 << bit)) >>> 0 };
          expect(checkProofOfWork(headerHash(altered), altered.bits, MAINNET_POW_LIMIT)).toBe(false);
        }
      });

      it('fails proof of work with one bit of the merkle root flipped', () => {
        const altered = new Uint8Array(bytes);
        altered[40] = (altered[40] as number) ^ 0x01;
        const header = decodeHeader(altered);
        expect(checkProofOfWork(headerHash(header), header.bits, MAINNET_POW_LIMIT)).toBe(false);
      });
    });
  }

  it('rejects a valid hash whose bits are easier than the network limit', () => {
    const header = decodeHeader(hexToBytes(fixtures.headers[0]?.hex ?? '', 80));
    expect(checkProofOfWork(headerHash(header), header.bits, bitsToTarget(0x1c00ffff))).toBe(false);
  });
});

describe('Bitcoin merkle roots', () => {
  for (const v of fixtures.merkle) {
    it(`${v.name}: root of the txids`, () => {
      expect(hashToHex(merkleRoot(v.txids.map(hexToHash)))).toBe(v.root);
    });

    it(`${v.name}: every leaf's branch folds back to the root`, () => {
      const leaves = v.txids.map(hexToHash);
      leaves.forEach((leaf, i) => {
        expect(hashToHex(merkleRootFromBranch(leaf, merkleBranch(leaves, i), i))).toBe(v.root);
      });
    });
  }

  it('doubles the last hash of an odd level (three leaves = four with the last repeated)', () => {
    const leaves = fixtures.merkle[0]?.txids.map(hexToHash) ?? [];
    const three = leaves.slice(0, 3);
    expect(merkleRoot(three)).toEqual(merkleRoot([...three, three[2] as Uint8Array]));
  });
});
