import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromHash, COIN, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import type { NodeClient } from '@powcoin/node-client';
import { Accounting, type PayoutScheme } from '../src/accounting/accounting.js';
import { PoolStore } from '../src/store/poolStore.js';
import { keyOf, silentLogger } from './helpers/poolHarness.js';

const A = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));
const B = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(2))));
const UNIT = 2n ** 32n; // the weight of a difficulty-1 share

describe('a block closes its round when it is found, not when the node answers', () => {
  let dir: string;
  let store: PoolStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-rounds-'));
    store = new PoolStore(join(dir, 'pool.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  const share = (address: string) =>
    store.putShare({
      round: store.currentRound(),
      address,
      worker: 'w',
      weight: UNIT,
      height: 1,
      hash: (n++).toString(16).padStart(64, '0'),
      createdMs: 0,
    });

  it.each<PayoutScheme>(['prop', 'pplns'])(
    '%s: two blocks found before either is accepted are split from their own shares',
    (scheme) => {
      // a PPLNS window of one difficulty-1 block's work: 1 share
      const accounting = new Accounting(
        store,
        {} as NodeClient,
        REGTEST,
        { scheme, feeBasisPoints: 0, pplnsWindowFactor: 2 ** -32 * 2 },
        silentLogger,
      );
      const bits = 0x1d00ffff; // difficulty 1
      for (let i = 0; i < 3; i++) share(A);
      store.transaction(() => accounting.recordCandidate('aa'.repeat(32), 1, 50n * COIN, bits, A, 0));
      share(B);
      store.transaction(() => accounting.recordCandidate('bb'.repeat(32), 1, 50n * COIN, bits, B, 0));
      // the node accepts them in the opposite order, later
      accounting.finalize('bb'.repeat(32));
      accounting.finalize('aa'.repeat(32));
      const first = store.creditsOf('aa'.repeat(32));
      const second = store.creditsOf('bb'.repeat(32));
      if (scheme === 'prop') {
        expect(first).toEqual([{ address: A, amount: 50n * COIN }]);
        expect(second).toEqual([{ address: B, amount: 50n * COIN }]);
      } else {
        // the window ends at each block's own share: B's later share is not in the first block
        expect(first.find((c) => c.address === B)).toBeUndefined();
        expect(second.find((c) => c.address === B)?.amount).toBeGreaterThan(0n);
      }
      expect(store.getBlock('aa'.repeat(32))?.status).toBe('pending');
      expect(store.getBlock('bb'.repeat(32))?.round).toBe((store.getBlock('aa'.repeat(32))?.round ?? 0) + 1);
    },
  );
});

describe('a block the node refuses for good leaves its round open', () => {
  let dir: string;
  let store: PoolStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-rounds-'));
    store = new PoolStore(join(dir, 'pool.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prop: the refused block credits nothing, the next block credits every share', () => {
    const accounting = new Accounting(
      store,
      {} as NodeClient,
      REGTEST,
      { scheme: 'prop', feeBasisPoints: 0, pplnsWindowFactor: 2 },
      silentLogger,
    );
    let n = 0;
    const share = (address: string) =>
      store.putShare({
        round: store.currentRound(),
        address,
        worker: 'w',
        weight: UNIT,
        height: 1,
        hash: (n++).toString(16).padStart(64, '0'),
        createdMs: 0,
      });
    const bits = 0x1d00ffff;
    for (let i = 0; i < 3; i++) share(A);
    store.transaction(() => accounting.recordCandidate('aa'.repeat(32), 1, 40n * COIN, bits, B, 0));
    share(B);
    // a second candidate before the node's answer on the first, then the refusal
    store.transaction(() => accounting.recordCandidate('bb'.repeat(32), 1, 40n * COIN, bits, B, 0));
    share(B);
    accounting.reject('aa'.repeat(32), 'BLOCK_BAD_MERKLE_ROOT: refused');
    expect(store.creditsOf('aa'.repeat(32))).toEqual([]);
    expect(store.getBlock('aa'.repeat(32))?.status).toBe('rejected');
    expect(store.creditsOf('bb'.repeat(32))).toEqual([
      { address: A, amount: 30n * COIN },
      { address: B, amount: 10n * COIN },
    ]);
    // and when that one is refused too, the open round holds every share
    accounting.reject('bb'.repeat(32), 'BLOCK_BAD_MERKLE_ROOT: refused');
    expect(store.roundWeights(store.currentRound())).toEqual(
      new Map([
        [A, 3n * UNIT],
        [B, 2n * UNIT],
      ]),
    );
  });
});
