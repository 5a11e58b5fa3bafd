import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  addressFromHash,
  addressFromPublicKey,
  addressToHash,
  bytesToHex,
  CURVE_ORDER,
  createTransfer,
  DEVNET,
  hash160,
  hexToBytes,
  isAddress,
  isPrivateKey,
  publicKeyFromPrivate,
  REGTEST,
  sha256,
  sha256d,
  signHash,
  transferSigningHash,
  verifySignature,
} from '../src/index.js';
import { testKey } from './helpers/chain.js';
import { codeOf } from './helpers/codeOf.js';

describe('hashes agree with node:crypto', () => {
  it('sha256 and sha256d', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const once = createHash('sha256').update(data).digest();
        expect(bytesToHex(sha256(data))).toBe(once.toString('hex'));
        expect(bytesToHex(sha256d(data))).toBe(createHash('sha256').update(once).digest('hex'));
      }),
    );
  });
});

describe('addresses', () => {
  it('match Bitcoin testnet addresses for the same key (version 111): private key 1', () => {
    // The well-known testnet P2PKH address of private key 1 (compressed public key).
    const pub = publicKeyFromPrivate(testKey(0).privateKey);
    expect(bytesToHex(pub)).toBe('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    expect(bytesToHex(hash160(pub))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(addressFromPublicKey(REGTEST, pub)).toBe('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r');
  });

  it('round-trip their hash on their own network', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (hash) => {
        for (const params of [REGTEST, DEVNET]) {
          expect(addressToHash(params, addressFromHash(params, hash))).toEqual(hash);
        }
      }),
    );
  });

  it('catch every single-character typo with the checksum', () => {
    const address = addressFromPublicKey(DEVNET, testKey(3).publicKey);
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let tried = 0;
    for (let i = 0; i < address.length; i++) {
      for (const c of alphabet) {
        if (c === address[i]) continue;
        const typo = address.slice(0, i) + c + address.slice(i + 1);
        const code = codeOf(() => addressToHash(DEVNET, typo));
        expect(['ADDRESS_BAD_CHECKSUM', 'ADDRESS_MALFORMED', 'ADDRESS_WRONG_NETWORK']).toContain(code);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(1000);
  });

  it('name the network an address belongs to', () => {
    const regtestAddress = addressFromPublicKey(REGTEST, testKey(1).publicKey);
    expect(codeOf(() => addressToHash(DEVNET, regtestAddress))).toBe('ADDRESS_WRONG_NETWORK');
    expect(() => addressToHash(DEVNET, regtestAddress)).toThrow(/regtest/);
    expect(isAddress(REGTEST, regtestAddress)).toBe(true);
    expect(isAddress(DEVNET, regtestAddress)).toBe(false);
  });

  it.each([
    ['', 'ADDRESS_MALFORMED'],
    ['0OIl', 'ADDRESS_MALFORMED'],
    ['1111111111', 'ADDRESS_MALFORMED'],
    ['x'.repeat(200), 'ADDRESS_MALFORMED'],
  ])('reject %j', (text, code) => {
    expect(codeOf(() => addressToHash(REGTEST, text))).toBe(code);
  });
});

describe('keys and signatures', () => {
  it('accept only private keys in 1..n-1', () => {
    expect(isPrivateKey(new Uint8Array(32))).toBe(false);
    expect(isPrivateKey(hexToBytes(CURVE_ORDER.toString(16)))).toBe(false);
    expect(isPrivateKey(hexToBytes((CURVE_ORDER - 1n).toString(16)))).toBe(true);
    expect(isPrivateKey(new Uint8Array(31).fill(1))).toBe(false);
    expect(codeOf(() => publicKeyFromPrivate(new Uint8Array(32)))).toBe('KEY_INVALID');
  });

  it('produce low-S signatures that verify, and only for their hash and key', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 50 }),
        (hash, k) => {
          const { privateKey, publicKey } = testKey(k);
          const sig = signHash(privateKey, hash);
          const s = BigInt(`0x${bytesToHex(sig.subarray(32))}`);
          expect(s <= CURVE_ORDER / 2n).toBe(true);
          expect(() => verifySignature(publicKey, hash, sig)).not.toThrow();
          const other = new Uint8Array(hash);
          other[0] = (other[0] as number) ^ 1;
          expect(codeOf(() => verifySignature(publicKey, other, sig))).toBe('TX_BAD_SIGNATURE');
          expect(codeOf(() => verifySignature(testKey(k + 1).publicKey, hash, sig))).toBe('TX_BAD_SIGNATURE');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reject the high-S twin of a valid signature (malleability)', () => {
    const { privateKey, publicKey } = testKey(5);
    const hash = sha256d(Uint8Array.of(1, 2, 3));
    const sig = signHash(privateKey, hash);
    const s = BigInt(`0x${bytesToHex(sig.subarray(32))}`);
    const high = new Uint8Array([
      ...sig.subarray(0, 32),
      ...hexToBytes((CURVE_ORDER - s).toString(16).padStart(64, '0')),
    ]);
    expect(codeOf(() => verifySignature(publicKey, hash, high))).toBe('TX_HIGH_S');
  });

  it('reject public keys off the curve and signatures with r or s out of range', () => {
    const hash = sha256d(Uint8Array.of(9));
    const sig = signHash(testKey(1).privateKey, hash);
    const badKey = new Uint8Array(33).fill(0xff);
    badKey[0] = 2;
    expect(codeOf(() => verifySignature(badKey, hash, sig))).toBe('TX_BAD_PUBKEY');
    // x = 5 has no point on secp256k1 (5^3 + 7 = 132 is not a square mod p)
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    expect(codeOf(() => verifySignature(offCurve, hash, sig))).toBe('TX_BAD_PUBKEY');
    const badPrefix = new Uint8Array(testKey(1).publicKey);
    badPrefix[0] = 4;
    expect(codeOf(() => verifySignature(badPrefix, hash, sig))).toBe('TX_BAD_PUBKEY');
    expect(codeOf(() => verifySignature(testKey(1).publicKey, hash, new Uint8Array(64)))).toBe(
      'TX_BAD_SIGNATURE',
    );
  });

  it('commit signatures to the network: a regtest transfer does not verify as devnet', () => {
    const tx = createTransfer(REGTEST, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: 5n,
      fee: 1n,
      nonce: 0,
    });
    expect(() =>
      verifySignature(tx.senderPublicKey, transferSigningHash(REGTEST, tx), tx.signature),
    ).not.toThrow();
    expect(
      codeOf(() => verifySignature(tx.senderPublicKey, transferSigningHash(DEVNET, tx), tx.signature)),
    ).toBe('TX_BAD_SIGNATURE');
  });
});
