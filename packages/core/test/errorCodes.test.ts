import {
  addressFromHash,
  addressToHash,
  applyBlock,
  type Block,
  ByteReader,
  bitsToTarget,
  type ChainParams,
  COIN,
  CONSENSUS_ERROR_CODES,
  type CoinbaseTx,
  type ConsensusErrorCode,
  CURVE_ORDER,
  checkProofOfWork,
  createTransfer,
  DEVNET,
  decodeBlock,
  decodeHeader,
  decodeTx,
  encodeTx,
  headerHash,
  hexToBytes,
  MAX_MONEY,
  type MemoryLedger,
  parseCoins,
  planReorg,
  publicKeyFromPrivate,
  REGTEST,
  type TransferTx,
  undoBlock,
  validateTransaction,
} from '../src/index.js';
import { remine, TestChain, testKey } from './helpers/chain.js';

/** key 0 has mined past maturity; key 1 holds 50 spendable coins and nothing immature. */
function setup(params: ChainParams = REGTEST): TestChain {
  const chain = new TestChain(params);
  chain.mineMany(REGTEST.coinbaseMaturity + 2);
  chain.mine({ txs: [pay(0, 1, 50n * COIN, 0n, 0)] });
  return chain;
}

function pay(from: number, to: number, amount: bigint, fee: bigint, nonce: number): TransferTx {
  return createTransfer(REGTEST, testKey(from).privateKey, { to: testKey(to).hash, amount, fee, nonce });
}

/** Adds a block built by `make` on a fresh funded chain. */
function addTampered(make: (chain: TestChain) => Block, params?: ChainParams): void {
  const chain = setup(params);
  chain.addBlock(make(chain));
}

function withSignature(tx: TransferTx, signature: Uint8Array): TransferTx {
  return { ...tx, signature };
}

const cases: Record<ConsensusErrorCode, () => unknown> = {
  DECODE_TRUNCATED: () => decodeTx(Uint8Array.of(1, 2, 3)),
  DECODE_TRAILING_BYTES: () => decodeHeader(new Uint8Array(81)),
  DECODE_OVERSIZE: () => decodeBlock(new Uint8Array(5000), 4000),
  DECODE_NONCANONICAL: () => new ByteReader(hexToBytes('fd0500')).varint(100),
  DECODE_UNKNOWN_TYPE: () => decodeTx(Uint8Array.of(0x42)),
  DECODE_BAD_HEX: () => hexToBytes('not hex'),
  AMOUNT_MALFORMED: () => parseCoins('12,5'),
  AMOUNT_NEGATIVE: () => parseCoins('-12.5'),
  AMOUNT_TOO_PRECISE: () => parseCoins('0.000000001'),
  AMOUNT_OVERFLOW: () => parseCoins('21000000.1'),
  ADDRESS_MALFORMED: () => addressToHash(REGTEST, 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC0'),
  ADDRESS_BAD_CHECKSUM: () => addressToHash(REGTEST, 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8s'),
  ADDRESS_WRONG_NETWORK: () => addressToHash(REGTEST, addressFromHash(DEVNET, testKey(0).hash)),
  KEY_INVALID: () => publicKeyFromPrivate(hexToBytes(CURVE_ORDER.toString(16))),
  BITS_INVALID: () => bitsToTarget(0x04923456),
  TX_BAD_SIGNATURE: () =>
    addTampered((c) => {
      const tx = pay(1, 2, COIN, 0n, 0);
      const sig = new Uint8Array(tx.signature);
      sig[5] = (sig[5] as number) ^ 0x20;
      return remine(c, c.buildBlock({ txs: [withSignature(tx, sig)] }));
    }),
  TX_HIGH_S: () =>
    addTampered((c) => {
      const tx = pay(1, 2, COIN, 0n, 0);
      const s = BigInt(`0x${Buffer.from(tx.signature.subarray(32)).toString('hex')}`);
      const high = hexToBytes((CURVE_ORDER - s).toString(16).padStart(64, '0'));
      return c.buildBlock({
        txs: [withSignature(tx, new Uint8Array([...tx.signature.subarray(0, 32), ...high]))],
      });
    }),
  TX_BAD_PUBKEY: () =>
    addTampered((c) => {
      const tx = pay(1, 2, COIN, 0n, 0);
      return c.buildBlock({ txs: [{ ...tx, senderPublicKey: new Uint8Array(33).fill(9) }] });
    }),
  TX_ZERO_AMOUNT: () => addTampered((c) => c.buildBlock({ txs: [pay(1, 2, 0n, 10n, 0)] })),
  TX_AMOUNT_OVERFLOW: () => addTampered((c) => c.buildBlock({ txs: [pay(1, 2, MAX_MONEY, 1n, 0)] })),
  TX_BAD_NONCE: () => addTampered((c) => c.buildBlock({ txs: [pay(1, 2, COIN, 0n, 1)] })),
  TX_INSUFFICIENT_FUNDS: () => addTampered((c) => c.buildBlock({ txs: [pay(1, 2, 50n * COIN, 1n, 0)] })),
  TX_IMMATURE_SPEND: () =>
    // key 0 has about 100 coins spendable and 500 immature: 200 needs immature coins
    addTampered((c) => c.buildBlock({ txs: [pay(0, 2, 200n * COIN, 0n, 1)] })),
  TX_UNEXPECTED_COINBASE: () => {
    const chain = setup();
    validateTransaction(REGTEST, chain.ledger, chain.tip.txs[0] as never);
  },
  BLOCK_BAD_LINK: () =>
    addTampered((c) => remine(c, c.buildBlock(), { prevHash: headerHash(c.blocks[1]?.header as never) })),
  BLOCK_BAD_POW: () =>
    addTampered((c) => {
      const block = c.buildBlock();
      // regtest's target passes about half the nonces: take the first that fails
      for (let nonce = 0; ; nonce++) {
        const header = { ...block.header, nonce };
        if (!checkProofOfWork(headerHash(header), header.bits, REGTEST.powLimit)) return { ...block, header };
      }
    }),
  BLOCK_BAD_BITS: () => addTampered((c) => remine(c, c.buildBlock(), { bits: 0x207ffffe })),
  BLOCK_TIME_TOO_OLD: () =>
    addTampered((c) => remine(c, c.buildBlock(), { time: c.blocks[c.height - 5]?.header.time as number })),
  BLOCK_TIME_TOO_NEW: () =>
    addTampered((c) => remine(c, c.buildBlock(), { time: c.now + REGTEST.maxFutureBlockSeconds + 1 })),
  BLOCK_BAD_MERKLE_ROOT: () =>
    addTampered((c) => {
      const block = c.buildBlock({ txs: [pay(1, 2, COIN, 0n, 0)] });
      return remine(c, block, { merkleRoot: headerHash(block.header) }, true);
    }),
  BLOCK_TOO_LARGE: () =>
    addTampered(
      (c) => c.buildBlock({ txs: [pay(1, 2, COIN, 0n, 0), pay(1, 3, COIN, 0n, 1), pay(1, 4, COIN, 0n, 2)] }),
      { ...REGTEST, maxBlockBytes: 400 },
    ),
  BLOCK_DUPLICATE_TX: () =>
    addTampered((c) => {
      const tx = pay(1, 2, COIN, 0n, 0);
      return c.buildBlock({ txs: [tx, tx] });
    }),
  BLOCK_NO_COINBASE: () =>
    addTampered((c) => {
      const block = c.buildBlock({ txs: [pay(1, 2, COIN, 0n, 0)] });
      return remine(c, { ...block, txs: block.txs.slice(1) });
    }),
  BLOCK_MULTIPLE_COINBASE: () =>
    addTampered((c) => {
      const block = c.buildBlock();
      const second = { ...(block.txs[0] as never as object), extra: new Uint8Array(3) } as never;
      return remine(c, { ...block, txs: [...block.txs, second] });
    }),
  BLOCK_BAD_COINBASE_HEIGHT: () =>
    addTampered((c) => {
      const block = c.buildBlock();
      const coinbase = { ...(block.txs[0] as never as object), height: c.height + 5 } as never;
      return remine(c, { ...block, txs: [coinbase] });
    }),
  BLOCK_64_BYTE_TX: () =>
    addTampered((c) => {
      const block = c.buildBlock();
      // 1 + 4 + 1 + 29 (free field) + 1 + 28 (one output): the size of two hashes
      const coinbase = { ...(block.txs[0] as CoinbaseTx), extra: new Uint8Array(29) };
      expect(encodeTx(coinbase)).toHaveLength(64);
      return remine(c, { ...block, txs: [coinbase] });
    }),
  BLOCK_COINBASE_OVERSPEND: () =>
    addTampered((c) => c.buildBlock({ txs: [pay(1, 2, COIN, 5n, 0)], claim: 50n * COIN + 6n })),
  LEDGER_INCONSISTENT: () => {
    const chain = setup();
    undoBlock(chain.ledgers[2] as MemoryLedger, chain.undos[5] as never);
  },
  REORG_NO_COMMON_ANCESTOR: () =>
    planReorg(
      { hash: 'b', prevHash: 'a', height: 5, chainWork: 5n },
      { hash: 'd', prevHash: 'c', height: 5, chainWork: 6n },
      () => undefined,
    ),
};

describe('an invalid case for every consensus error code', () => {
  it('the table covers every code', () => {
    expect(Object.keys(cases).sort()).toEqual([...CONSENSUS_ERROR_CODES].sort());
  });

  for (const code of CONSENSUS_ERROR_CODES) {
    it(`${code}`, () => {
      const run = cases[code];
      let thrown: unknown;
      try {
        run();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toEqual(expect.objectContaining({ code }));
      expect((thrown as Error).message.length).toBeGreaterThan(10);
    });
  }

  it('a block that fails leaves the chain and ledger untouched', () => {
    const chain = setup();
    const before = chain.ledger;
    const height = chain.height;
    expect(() => chain.addBlock(chain.buildBlock({ txs: [pay(1, 2, 51n * COIN, 0n, 0)] }))).toThrow();
    expect(chain.height).toBe(height);
    expect(chain.ledger).toBe(before);
  });

  it('LEDGER_INCONSISTENT also guards a context that matures the wrong coinbase', () => {
    const chain = setup();
    const block = chain.buildBlock();
    const ctx = {
      ...chain.contextAt(chain.height + 1),
      maturingCoinbase: chain.blocks[1]?.txs[0] as CoinbaseTx,
    };
    expect(() => applyBlock(chain.ledger, block, ctx)).toThrow(
      expect.objectContaining({ code: 'LEDGER_INCONSISTENT' }),
    );
    expect(() => applyBlock(chain.ledger, block, { ...ctx, maturingCoinbase: null })).toThrow(
      expect.objectContaining({ code: 'LEDGER_INCONSISTENT' }),
    );
  });
});
