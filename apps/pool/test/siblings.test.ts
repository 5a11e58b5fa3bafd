import { readFileSync } from 'node:fs';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import type { Template } from '@powcoin/node-client';
import { waitFor } from '@powcoin/testkit';
import { startFakeNode } from './helpers/fakeNode.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const A = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/stratum-session.json', import.meta.url), 'utf8'),
) as { template: Template };

describe('blocks on one parent', () => {
  it('sends one per parent; after a refusal the next one is sent again', async () => {
    const now = Math.floor(Date.now() / 1000);
    // the fake node never moves its tip: every block the miner finds has the same parent
    const fake = await startFakeNode(
      { ...fixture.template, time: now, minTime: now - 3600, curTime: now, maxTime: now + 7200 },
      { refuseBlocks: 1 },
    );
    const harness = await startPool(fake.url);
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      const first = c.findShare(true);
      expect((await c.submit(A, first)).result).toBe(true);
      await waitFor('the refusal', () => harness.pool.store.getBlock(first.hash)?.status === 'rejected');
      // refused: the next block on the same parent must still go to the node
      const second = c.findShare(true);
      expect((await c.submit(A, second)).result).toBe(true);
      await waitFor('the second block sent', () => fake.blocks.length === 1);
      // taken: a third block on that parent can only lose the race; it is credited as a share
      const round = harness.pool.store.currentRound();
      const third = c.findShare(true);
      expect((await c.submit(A, third)).result).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(fake.refused).toHaveLength(1);
      expect(fake.blocks).toHaveLength(1);
      expect(harness.pool.store.getBlock(third.hash)).toBeUndefined();
      expect(harness.pool.store.roundWeights(round).get(A)).toBe(1n);
    } finally {
      c.close();
      await harness.stop();
      await fake.stop();
    }
  });

  it('a block the node finds too new is kept and sent again, then credited', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fake = await startFakeNode(
      { ...fixture.template, time: now, minTime: now - 3600, curTime: now, maxTime: now + 7200 },
      { refuseBlocks: 2, refuseCode: 'BLOCK_TIME_TOO_NEW' },
    );
    const harness = await startPool(fake.url);
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [A, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      expect((await c.submit(A, c.findShare(false))).result).toBe(true);
      const found = c.findShare(true);
      expect((await c.submit(A, found)).result).toBe(true);
      await waitFor('the block taken on the third try', () => fake.blocks.length === 1, 10_000);
      expect(fake.refused).toHaveLength(2);
      await waitFor(
        'the block accepted',
        () => harness.pool.store.getBlock(found.hash)?.status === 'pending',
      );
      expect(harness.pool.store.creditsOf(found.hash).map((x) => x.address)).toEqual([A]);
    } finally {
      c.close();
      await harness.stop();
      await fake.stop();
    }
  });
});
