import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { COIN } from '@powcoin/core';
import {
  checkNodeLedger,
  mineBlocks,
  startMinerProcess,
  startNodeProcess,
  startPoolProcess,
  waitFor,
} from '@powcoin/testkit';
import { addressOf, auditPool, burnAddress, keyHex, poolCaughtUp, record } from './helpers.js';

const wallet = new URL('../../../apps/wallet/dist/main.js', import.meta.url).pathname;
const json = async (url: string) => (await fetch(url)).json() as Promise<any>;

describe('the mining loop: node + pool + two miners, then a wallet spends a payout', () => {
  it('pays both miners, and every coin adds up', async () => {
    const node = await startNodeProcess();
    // regtest: shares at this difficulty are also blocks, a few per second per miner
    const pool = await startPoolProcess(node.url, {
      flags: ['--start-difficulty', '0.0001', '--payout-threshold', '10', '--template-refresh-ms', '200'],
    });
    const [A, B] = [addressOf(1), addressOf(2)];
    const miners = [
      startMinerProcess({
        mode: 'pool',
        hostPort: `127.0.0.1:${pool.stratumPort}`,
        address: A,
        worker: 'a',
        engine: 'js',
      }),
      startMinerProcess({
        mode: 'pool',
        hostPort: `127.0.0.1:${pool.stratumPort}`,
        address: B,
        worker: 'b',
        engine: 'js',
      }),
    ];
    try {
      await waitFor(
        'a confirmed payout to each miner',
        async () => {
          const { payouts } = await json(`${pool.url}/api/payouts?limit=500`);
          return [A, B].every((m) =>
            payouts.some(
              (p: { address: string; status: string }) => p.address === m && p.status === 'confirmed',
            ),
          );
        },
        90_000,
      );
      for (const m of miners) await m.stop();

      // miner A's wallet sends part of its payout to a third address
      const keystore = join(pool.dir, 'wallet-a.json');
      const env = { ...process.env, WALLET_PASSPHRASE: 'system test passphrase' };
      const created = spawnSync(
        process.execPath,
        [wallet, '--node', node.url, '--keystore', keystore, 'create', '--import', '--json'],
        { input: keyHex(1), env, encoding: 'utf8' },
      );
      expect(created.status).toBe(0);
      expect(JSON.parse(created.stdout).address).toBe(A);
      const third = burnAddress(3);
      const send = spawnSync(
        process.execPath,
        [
          wallet,
          '--node',
          node.url,
          '--keystore',
          keystore,
          'send',
          '--to',
          third,
          '--amount',
          '2.5',
          '--json',
        ],
        { env, encoding: 'utf8' },
      );
      expect(send.status).toBe(0);
      await mineBlocks(node.url, burnAddress(4), 2);
      const sent = JSON.parse(send.stdout);
      expect((await json(`${node.url}/tx/${sent.txid}`)).status).toBe('confirmed');
      expect((await json(`${node.url}/address/${third}`)).balance).toBe(String((25n * COIN) / 10n));

      // the pool has seen the last tips; then the books are audited against the chain
      const stats = await poolCaughtUp(pool.url, node.url);
      const audit = await checkNodeLedger(node.url);
      await pool.stop(true);
      const books = auditPool(join(pool.dir, 'pool.sqlite'), audit, stats.poolAddress);
      expect(books.payouts).toBeGreaterThanOrEqual(2);
      expect(books.maturedBlocks).toBeGreaterThan(0);
      record({ blocks: audit.height, payouts: books.payouts });
      console.log(
        `mining loop: ${audit.height} blocks, ${books.payouts} payouts, supply ${audit.supply} = subsidies ${audit.subsidies}`,
      );
    } finally {
      for (const m of miners) await m.kill();
      await pool.stop();
      await node.stop();
    }
  }, 150_000);
});
