import fc from 'fast-check';
import {
  applyBlock,
  blockSubsidy,
  COIN,
  type CoinbaseTx,
  createTransfer,
  type MemoryLedger,
  REGTEST,
  type TransferTx,
  undoBlock,
  validateTransaction,
} from '../src/index.js';
import { remine, TestChain, testAddress, testKey } from './helpers/chain.js';

/** A regtest chain where key 0 has mined `blocks` blocks after genesis. */
function fundedChain(blocks = REGTEST.coinbaseMaturity + 2): TestChain {
  const chain = new TestChain(REGTEST);
  chain.mineMany(blocks);
  return chain;
}

function pay(from: number, to: number, amount: bigint, fee: bigint, nonce: number): TransferTx {
  return createTransfer(REGTEST, testKey(from).privateKey, { to: testKey(to).hash, amount, fee, nonce });
}

describe('coinbase maturity', () => {
  it('credits a coinbase as immature, then spendable exactly `coinbaseMaturity` blocks later', () => {
    const chain = new TestChain(REGTEST);
    const miner = testAddress(REGTEST, 0);
    chain.mine();
    expect(chain.ledger.getAccount(miner)).toEqual({ balance: 0n, immature: 50n * COIN, nonce: 0 });
    chain.mineMany(REGTEST.coinbaseMaturity - 1);
    expect(chain.ledger.getAccount(miner).balance).toBe(0n);
    chain.mine(); // height 1 + maturity: block 1's coinbase matures
    expect(chain.ledger.getAccount(miner).balance).toBe(50n * COIN);
    expect(chain.ledger.getAccount(miner).immature).toBe(BigInt(REGTEST.coinbaseMaturity) * 50n * COIN);
  });

  it('keeps total supply equal to the sum of subsidies of the chain', () => {
    const chain = fundedChain(30);
    let subsidies = 0n;
    for (let h = 0; h <= chain.height; h++) subsidies += blockSubsidy(REGTEST, h);
    expect(chain.ledger.totalSupply()).toBe(subsidies);
  });

  it('accepts a coinbase that pays nothing (all a miner may claim once the subsidy is 0), and matures it', () => {
    const chain = new TestChain(REGTEST);
    const block = chain.buildBlock();
    const empty = { ...(block.txs[0] as CoinbaseTx), outputs: [] };
    chain.addBlock(remine(chain, { ...block, txs: [empty] }));
    expect(chain.ledger.totalSupply()).toBe(blockSubsidy(REGTEST, 0));
    chain.mineMany(REGTEST.coinbaseMaturity); // the last of them matures the empty coinbase
    expect(chain.ledger.totalSupply()).toBe(blockSubsidy(REGTEST, 0) + 10n * blockSubsidy(REGTEST, 2));
  });

  it('halves the subsidy every halvingInterval blocks', () => {
    expect(blockSubsidy(REGTEST, 149)).toBe(50n * COIN);
    expect(blockSubsidy(REGTEST, 150)).toBe(25n * COIN);
    expect(blockSubsidy(REGTEST, 300)).toBe(1_250_000_000n);
    expect(blockSubsidy(REGTEST, 150 * 64)).toBe(0n);
  });
});

describe('transfers in blocks', () => {
  it('moves amount and fee, bumps the nonce, and pays fees to the miner', () => {
    const chain = fundedChain();
    const before = chain.ledger;
    const a = testAddress(REGTEST, 0);
    const b = testAddress(REGTEST, 1);
    const tx1 = pay(0, 1, 10n * COIN, 1000n, 0);
    const tx2 = pay(0, 1, 5n * COIN, 500n, 1);
    const claim = blockSubsidy(REGTEST, chain.height + 1) + 1500n;
    chain.mine({ txs: [tx1, tx2], minerHash: testKey(2).hash, claim });
    const after = chain.ledger;
    expect(after.getAccount(b).balance).toBe(15n * COIN);
    expect(after.getAccount(a).nonce).toBe(2);
    expect(after.getAccount(a).balance).toBe(before.getAccount(a).balance + 50n * COIN - 15n * COIN - 1500n);
    expect(after.getAccount(testAddress(REGTEST, 2)).immature).toBe(claim);
  });

  it('lets a chain of transfers spend what an earlier transfer in the same block received', () => {
    const chain = fundedChain();
    const txs = [pay(0, 1, 10n * COIN, 0n, 0), pay(1, 2, 9n * COIN, 100n, 0)];
    chain.mine({ txs });
    expect(chain.ledger.getAccount(testAddress(REGTEST, 2)).balance).toBe(9n * COIN);
  });

  it('refuses a double spend inside one block', () => {
    const chain = fundedChain();
    chain.mine({ txs: [pay(0, 1, 50n * COIN, 0n, 0)] }); // key 1 holds exactly 50 coins, nothing immature
    const txs = [pay(1, 2, 30n * COIN, 0n, 0), pay(1, 3, 30n * COIN, 0n, 1)];
    expect(() => chain.mine({ txs })).toThrow(expect.objectContaining({ code: 'TX_INSUFFICIENT_FUNDS' }));
  });

  it('refuses a replayed transaction (same nonce again)', () => {
    const chain = fundedChain();
    const tx = pay(0, 1, COIN, 0n, 0);
    chain.mine({ txs: [tx] });
    expect(() => chain.mine({ txs: [tx] })).toThrow(expect.objectContaining({ code: 'TX_BAD_NONCE' }));
  });

  it('validates mempool transactions against the tip without changing it', () => {
    const chain = fundedChain();
    const changes = validateTransaction(REGTEST, chain.ledger, pay(0, 1, COIN, 10n, 0));
    expect(changes.map((c) => c.address)).toEqual([testAddress(REGTEST, 0), testAddress(REGTEST, 1)]);
    expect(chain.ledger.getAccount(testAddress(REGTEST, 1)).balance).toBe(0n);
  });

  it('does not check a signature twice when the caller vouches for it', () => {
    const chain = fundedChain();
    const tx = pay(0, 1, COIN, 0n, 0);
    const forged = { ...tx, signature: new Uint8Array(64).fill(1) };
    expect(() => validateTransaction(REGTEST, chain.ledger, forged)).toThrow(
      expect.objectContaining({ code: 'TX_BAD_SIGNATURE' }),
    );
    expect(() =>
      validateTransaction(REGTEST, chain.ledger, forged, { isSignatureVerified: () => true }),
    ).not.toThrow();
  });
});

describe('undo', () => {
  it('undoBlock(applyBlock(state)) = state, block by block back to genesis', () => {
    const chain = fundedChain(15);
    chain.mine({ txs: [pay(0, 1, 7n * COIN, 3n, 0), pay(0, 0, COIN, 1n, 1)] });
    for (let h = chain.height; h >= 1; h--) {
      const restored = undoBlock(chain.ledgers[h] as MemoryLedger, chain.undos[h] as never);
      expect(restored.equals(chain.ledgers[h - 1] as MemoryLedger)).toBe(true);
    }
  });

  it('refuses an undo record that does not match the ledger', () => {
    const chain = fundedChain(3);
    expect(() => undoBlock(chain.ledgers[1] as MemoryLedger, chain.undos[3] as never)).toThrow(
      expect.objectContaining({ code: 'LEDGER_INCONSISTENT' }),
    );
  });

  it('property: for random transfer sequences, undo(apply(state)) = state', () => {
    const base = fundedChain(REGTEST.coinbaseMaturity + 6);
    const transfer = fc.record({
      from: fc.integer({ min: 0, max: 3 }),
      to: fc.integer({ min: 0, max: 4 }),
      amount: fc.bigInt({ min: 1n, max: 30n * COIN }),
      fee: fc.bigInt({ min: 0n, max: 100_000n }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(transfer, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        (blocks) => {
          const chain = new TestChain(REGTEST);
          for (const b of base.blocks.slice(1)) chain.addBlock(b);
          const start = chain.height;
          for (const plan of blocks) {
            // Keep only the transfers valid in sequence, as a miner filling a template would.
            const nonces = new Map<number, number>();
            let view = chain.ledger;
            const txs: TransferTx[] = [];
            for (const t of plan) {
              const nonce = nonces.get(t.from) ?? view.getAccount(testAddress(REGTEST, t.from)).nonce;
              const tx = pay(t.from, t.to, t.amount, t.fee, nonce);
              try {
                view = view.withChanges(validateTransaction(REGTEST, view, tx), 'forward');
                nonces.set(t.from, nonce + 1);
                txs.push(tx);
              } catch {
                // invalid in sequence (funds): left out
              }
            }
            chain.mine({ txs, minerHash: testKey(txs.length % 4).hash });
          }
          for (let h = chain.height; h > start; h--) {
            const restored = undoBlock(chain.ledgers[h] as MemoryLedger, chain.undos[h] as never);
            expect(restored.equals(chain.ledgers[h - 1] as MemoryLedger)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('apply is pure: the input ledger is unchanged', () => {
    const chain = fundedChain();
    const before = chain.ledger;
    const snapshot = before.entries();
    const block = chain.buildBlock({ txs: [pay(0, 1, COIN, 0n, 0)] });
    applyBlock(before, block, chain.contextAt(chain.height + 1));
    expect(before.entries()).toEqual(snapshot);
  });
});
