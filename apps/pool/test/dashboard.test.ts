import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { createDashboardApp } from '../src/dashboard/app.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const A = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));

describe('dashboard JSON API', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('reports pool and per-miner figures from accepted shares and found blocks', async () => {
    const harness = await startPool(node.url);
    const server: Server = createDashboardApp(harness.pool).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = await StratumClient.connect(harness.pool.port);
    try {
      await c.subscribe();
      await c.call('mining.authorize', [`${A}.rig7`, 'x']);
      await c.waitFor((m) => m.method === 'mining.notify');
      for (let i = 0; i < 3; i++) expect((await c.submit(`${A}.rig7`, c.findShare(false))).result).toBe(true);
      const block = c.findShare(true);
      expect((await c.submit(`${A}.rig7`, block)).result).toBe(true);
      const deadline = Date.now() + 5000;
      while (harness.pool.store.getBlock(block.hash)?.status !== 'pending' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));

      // the books follow the block: its maturity-and-payout round has run once stats show it
      await waitFor(
        'the books at height 1',
        async () => (await (await fetch(`${base}/api/stats`)).json()).booksHeight === 1,
        5000,
      );
      const stats = (await (await fetch(`${base}/api/stats`)).json()) as Record<string, unknown>;
      expect(stats).toMatchObject({
        height: 1,
        booksHeight: 1,
        network: 'regtest',
        scheme: 'prop',
        feePercent: 1,
        connections: 1,
        miners: 1,
        blocksFound: 1,
        blocksOrphaned: 0,
        blocksLost: 0,
        blocksSubmitted: 0,
      });
      // 4 shares of weight 1 (difficulty 2^-32) within the last seconds: 4 / 30 hashes per second (30 s floor)
      expect(stats.hashrate).toBeCloseTo(4 / 30, 10);
      const miners = (await (await fetch(`${base}/api/miners`)).json()) as {
        miners: Array<Record<string, any>>;
      };
      expect(miners.miners).toEqual([
        expect.objectContaining({
          address: A,
          workers: ['rig7'],
          shares: 4,
          immature: { units: '4950000000', coins: '49.5' },
        }),
      ]);
      const blocks = (await (await fetch(`${base}/api/blocks`)).json()) as {
        blocks: Array<Record<string, any>>;
      };
      expect(blocks.blocks[0]).toMatchObject({
        hash: block.hash,
        status: 'pending',
        reward: { coins: '50' },
      });
      expect((await fetch(`${base}/api/blocks?limit=9999`)).status).toBe(400);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      const page = await (await fetch(`${base}/`)).text();
      expect(page).toContain('<title>powcoin pool</title>');
    } finally {
      c.close();
      server.close();
      await harness.stop();
    }
  });
});
