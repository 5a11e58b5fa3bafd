import { join } from 'node:path';
import {
  checkNodeLedger,
  freePort,
  mineBlocks,
  startMinerProcess,
  startNodeProcess,
  startPoolProcess,
  waitFor,
} from '@powcoin/testkit';
import { addressOf, auditPool, poolCaughtUp, record } from './helpers.js';

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;
const tipOf = async (url: string) => (await json(`${url}/status`)).tipHash as string;

describe('several nodes: a pool on one, a solo miner on another, a third syncing from both', () => {
  it('heals partitions onto one chain with identical ledgers, and the pool follows the reorg', async () => {
    const a = await startNodeProcess();
    const b = await startNodeProcess();
    const cPort = await freePort();
    let c = await startNodeProcess({ port: cPort, peers: [a.url, b.url] });
    const pool = await startPoolProcess(a.url, {
      flags: ['--start-difficulty', '0.0001', '--payout-threshold', '10'],
    });
    const poolMiner = startMinerProcess({
      mode: 'pool',
      hostPort: `127.0.0.1:${pool.stratumPort}`,
      address: addressOf(11),
      engine: 'js',
    });
    const soloMiner = startMinerProcess({
      mode: 'solo',
      hostPort: `127.0.0.1:${new URL(b.url).port}`,
      address: addressOf(12),
      engine: 'js',
    });
    let reorgs = 0;
    try {
      await waitFor(
        'both sides mining and C following',
        async () => (await json(`${c.url}/status`)).height >= 15,
        60_000,
      );
      for (let round = 0; round < 2; round++) {
        // partition: A and B only meet through C
        const cDir = c.dir;
        await c.stop(true);
        const [ha, hb] = [(await json(`${a.url}/status`)).height, (await json(`${b.url}/status`)).height];
        await waitFor(
          'both sides to mine apart',
          async () =>
            (await json(`${a.url}/status`)).height >= ha + 5 &&
            (await json(`${b.url}/status`)).height >= hb + 5,
          60_000,
        );
        const [ta, tb] = [await tipOf(a.url), await tipOf(b.url)];
        expect(ta).not.toBe(tb);
        // heal
        c = await startNodeProcess({ dir: cDir, port: cPort, peers: [a.url, b.url] });
        await waitFor(
          'one tip on all three',
          async () => {
            const tips = await Promise.all([a, b, c].map((n) => tipOf(n.url)));
            return tips[0] === tips[1] && tips[1] === tips[2];
          },
          60_000,
        );
        reorgs++;
      }
      poolMiner.child.kill('SIGTERM');
      soloMiner.child.kill('SIGTERM');
      await Promise.all([poolMiner.stop(), soloMiner.stop()]);
      // The last blocks the two miners found may tie: two tips of equal work, each node keeping
      // the one it saw first (as Bitcoin does). Only more work settles a tie, so one more block
      // is mined on A; every node must then move onto A's chain, reorganising if it held the other.
      const [decider] = await mineBlocks(a.url, addressOf(13), 1);
      await waitFor(
        'quiet and converged on the tie-breaking block',
        async () => {
          const tips = await Promise.all([a, b, c].map((n) => tipOf(n.url)));
          return tips.every((t) => t === decider);
        },
        30_000,
      );
      const audits = await Promise.all([a, b, c].map((n) => checkNodeLedger(n.url)));
      expect(audits[1]?.tip).toBe(audits[0]?.tip);
      expect([...(audits[1]?.accounts ?? [])]).toEqual([...(audits[0]?.accounts ?? [])]);
      expect([...(audits[2]?.accounts ?? [])]).toEqual([...(audits[0]?.accounts ?? [])]);
      // the pool follows the final chain: nothing it counts is off the chain
      const stats = await poolCaughtUp(pool.url, a.url);
      await pool.stop(true);
      const books = auditPool(
        join(pool.dir, 'pool.sqlite'),
        audits[0] as NonNullable<(typeof audits)[0]>,
        stats.poolAddress,
      );
      record({ blocks: audits[0]?.height ?? 0, reorgs, payouts: books.payouts });
      console.log(
        `network: ${audits[0]?.height} blocks, ${reorgs} partitions healed, pool blocks orphaned by reorgs: ${books.orphaned}`,
      );
    } finally {
      await Promise.all([poolMiner.kill(), soloMiner.kill()]);
      await pool.stop();
      for (const n of [a, b, c]) await n.stop();
    }
  }, 240_000);
});
