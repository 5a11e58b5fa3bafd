import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createConfig } from '../src/config.js';
import { PoolStore } from '../src/store/poolStore.js';

const UNIT = 2n ** 32n;

describe('raw shares past --share-retention', () => {
  let dir: string;
  let store: PoolStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-prune-'));
    store = new PoolStore(join(dir, 'pool.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rounds 1..30 of 4 shares each (A three, B one); rounds 1..29 closed by a block of `status`. */
  function fill(status: (round: number) => 'matured' | 'pending'): void {
    let n = 0;
    for (let round = 1; round <= 30; round++) {
      store.setRound(round);
      for (const address of ['A', 'A', 'A', 'B'])
        store.putShare({
          round,
          address,
          worker: 'w',
          weight: UNIT,
          height: round,
          hash: (n++).toString(16).padStart(64, '0'),
          createdMs: n,
        });
      if (round < 30)
        store.putBlock({
          hash: `b${round}`.padStart(64, '0'),
          height: round,
          round,
          reward: 1n,
          bits: 0x207fffff,
          status: status(round),
          finder: 'A',
          createdMs: round,
        });
    }
  }
  const rawRounds = () => {
    store.close();
    const db = new Database(join(dir, 'pool.sqlite'), { readonly: true });
    const rounds = db
      .prepare('SELECT DISTINCT round FROM shares ORDER BY round')
      .all()
      .map((r) => (r as { round: number }).round);
    db.close();
    store = new PoolStore(join(dir, 'pool.sqlite'));
    return rounds;
  };

  it('deletes the raw shares of old settled rounds, in batches; totals and counts stay', () => {
    fill(() => 'matured');
    // keep 10 rounds: 1..19 go, 7 rows per batch
    let pruned = 0;
    for (let n = store.pruneShares(10, 7); n > 0; n = store.pruneShares(10, 7)) pruned += n;
    expect(pruned).toBe(19 * 4);
    expect(rawRounds()).toEqual(Array.from({ length: 11 }, (_, i) => 20 + i));
    expect(store.roundWeights(5)).toEqual(
      new Map([
        ['A', 3n * UNIT],
        ['B', UNIT],
      ]),
    );
    expect(store.shareCounts()).toEqual(
      new Map([
        ['A', 90],
        ['B', 30],
      ]),
    );
  });

  it('keeps every round from the oldest block not yet mature', () => {
    fill((round) => (round >= 12 ? 'pending' : 'matured'));
    while (store.pruneShares(10, 100) > 0);
    expect(rawRounds()[0]).toBe(12);
  });

  it('the flag: default 1000 rounds, at least 10 per PPLNS window', () => {
    expect(createConfig({}).shareRetentionRounds).toBe(1000);
    expect(createConfig({ shareRetention: '50' }).shareRetentionRounds).toBe(50);
    expect(() => createConfig({ shareRetention: '0' })).toThrow('--share-retention');
    expect(() => createConfig({ shareRetention: '15' })).toThrow('--share-retention');
    expect(() => createConfig({ shareRetention: 'all' })).toThrow('--share-retention');
  });
});
