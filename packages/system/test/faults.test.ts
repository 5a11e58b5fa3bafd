import { join } from 'node:path';
import {
  checkNodeLedger,
  freePort,
  startMinerProcess,
  startNodeProcess,
  startPoolProcess,
  waitFor,
} from '@powcoin/testkit';
import { addressOf, auditPool, poolCaughtUp, record } from './helpers.js';

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;
/**
 * Rounds of kill -9 (node, pool, miner each once per round): two in CI; `scripts/soak.mjs` sets
 * SOAK_MINUTES to go on round after round until that much time has passed.
 */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 2);
const SOAK_MS = Number(process.env.SOAK_MINUTES ?? 0) * 60_000;

describe('faults: kill -9 of the node, the pool and a miner while the network mines', () => {
  it(
    `recovers every time with consistent books (${SOAK_MS ? `${SOAK_MS / 60_000} minutes` : `${ROUNDS} rounds`})`,
    async () => {
      const started = Date.now();
      const nodePort = await freePort();
      const stratumPort = await freePort();
      let node = await startNodeProcess({ port: nodePort });
      const poolFlags = [
        '--start-difficulty',
        '0.0001',
        '--payout-threshold',
        '5',
        '--template-refresh-ms',
        '200',
      ];
      let pool = await startPoolProcess(node.url, { port: stratumPort, flags: poolFlags });
      const hostPort = `127.0.0.1:${stratumPort}`;
      let minerA = startMinerProcess({ mode: 'pool', hostPort, address: addressOf(21), engine: 'js' });
      const minerB = startMinerProcess({ mode: 'pool', hostPort, address: addressOf(22), engine: 'js' });
      let kills = 0;
      const height = async () => (await json(`${node.url}/status`)).height as number;
      const mining = async (blocks: number) => {
        const h = await height();
        await waitFor(
          `${blocks} more blocks`,
          async () => (await height().catch(() => 0)) >= h + blocks,
          60_000,
        );
      };
      try {
        await mining(12);
        for (let round = 0; SOAK_MS ? Date.now() - started < SOAK_MS : round < ROUNDS; round++) {
          // the node: miners and pool lose it and must come back by themselves
          await node.kill();
          kills++;
          node = await startNodeProcess({ dir: node.dir, port: nodePort });
          await checkNodeLedger(node.url);
          await mining(3);
          // the pool
          const poolDir = pool.dir;
          await pool.kill();
          kills++;
          pool = await startPoolProcess(node.url, { dir: poolDir, port: stratumPort, flags: poolFlags });
          await mining(3);
          // a miner
          await minerA.kill();
          kills++;
          minerA = startMinerProcess({ mode: 'pool', hostPort, address: addressOf(21), engine: 'js' });
          await mining(3);
        }
        await mining(12); // let credits mature and payouts confirm after the last faults
        await Promise.all([minerA.stop(), minerB.stop()]);
        const stats = await poolCaughtUp(pool.url, node.url);
        const audit = await checkNodeLedger(node.url);
        await pool.stop(true);
        const books = auditPool(join(pool.dir, 'pool.sqlite'), audit, stats.poolAddress);
        expect(books.maturedBlocks).toBeGreaterThan(0);
        record({ blocks: audit.height, payouts: books.payouts, kills });
        console.log(
          `faults: ${kills} kills survived, ${audit.height} blocks, ${books.payouts} payouts, books consistent`,
        );
      } finally {
        await Promise.all([minerA.kill(), minerB.kill()]);
        await pool.stop();
        await node.stop();
      }
    },
    Math.max(300_000, SOAK_MS + 300_000),
  );
});
