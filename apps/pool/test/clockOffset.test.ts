import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { freePort, type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { keyOf } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const POOL_MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const OFFSET_MS = 5000;
const honest = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(1))));
const attacker = addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(2))));

interface Stats {
  round: number;
  blocksFound: number;
  blocksLost: number;
  blocksSubmitted: number;
}
interface Blocks {
  blocks: Array<{
    hash: string;
    status: string;
    credits: Array<{ address: string; amount: { units: string } }>;
  }>;
}

describe('a pool whose clock runs ahead of its node', () => {
  let node: Service;
  let pool: ChildProcess;
  let dir: string;
  let http: number;
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`http://127.0.0.1:${http}${path}`)).json()) as T;

  beforeAll(async () => {
    node = await startNodeProcess();
    dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-clock-'));
  });
  afterAll(async () => {
    if (pool && pool.exitCode === null) await new Promise((r) => pool.once('exit', r).kill('SIGTERM'));
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a block share dated at the limit of the pool clock: no honest credit lost', async () => {
    const stratum = await freePort();
    http = await freePort();
    pool = spawn(
      process.execPath,
      [
        POOL_MAIN,
        ...['--network', 'regtest', '--node', node.url, '--data-dir', dir],
        ...['--port', String(stratum), '--http-port', String(http)],
      ],
      {
        stdio: 'ignore',
        env: {
          ...process.env,
          POOL_KEY_PASSPHRASE: 'testkit-passphrase',
          POOL_CLOCK_OFFSET_MS: String(OFFSET_MS),
        },
      },
    );
    await waitFor(
      'the pool',
      () =>
        api('/api/stats').then(
          () => true,
          () => false,
        ),
      20_000,
    );
    const miner = await StratumClient.connect(stratum);
    try {
      await miner.subscribe();
      await miner.call('mining.authorize', [honest, 'x']);
      await miner.call('mining.authorize', [attacker, 'x']);
      await miner.waitFor((m) => m.method === 'mining.notify');
      for (let i = 0; i < 4; i++)
        expect((await miner.submit(honest, miner.findShare(false))).result).toBe(true);

      // the attacker dates a block at the latest time the pool's own clock allows
      const job = miner.job as NonNullable<typeof miner.job>;
      const poolLimit = Math.floor((Date.now() + OFFSET_MS) / 1000) + REGTEST.maxFutureBlockSeconds;
      miner.job = { ...job, ntime: poolLimit.toString(16).padStart(8, '0') };
      const early = await miner.submit(attacker, miner.findShare(true));
      // the pool either refuses it, or sends it: whatever happens, the round holds every honest share
      await waitFor('the pool to settle the early block', async () => {
        const s = await api<Stats>('/api/stats');
        return early.result !== true || s.blocksSubmitted === 0;
      });

      // a block the node can take now, at the node's limit (less 2 s for clock rounding)
      const nodeLimit = Math.floor(Date.now() / 1000) + REGTEST.maxFutureBlockSeconds - 2;
      miner.job = { ...job, ntime: nodeLimit.toString(16).padStart(8, '0') };
      expect((await miner.submit(attacker, miner.findShare(true))).result).toBe(true);
      await waitFor(
        'the block to be accepted',
        async () => (await api<Stats>('/api/stats')).blocksFound === 1,
      );

      const stats = await api<Stats>('/api/stats');
      const { blocks } = await api<Blocks>('/api/blocks');
      const accepted = blocks.filter((b) => b.status === 'pending');
      expect(accepted).toHaveLength(1);
      const credit = accepted[0]?.credits.find((c) => c.address === honest);
      const onVoid = blocks
        .filter((x) => x.status !== 'pending')
        .flatMap((x) => x.credits.filter((c) => c.address === honest).map((c) => c.amount.units));
      process.stdout.write(
        `clock +${OFFSET_MS} ms: honest credit on the accepted block ${credit?.amount.units ?? 0} units, on blocks that never paid [${onVoid.join(', ')}]\n`,
      );
      expect(BigInt(credit?.amount.units ?? '0')).toBeGreaterThan(0n);
      // nothing paid on a block that will never exist
      for (const b of blocks.filter((x) => x.status !== 'pending')) expect(b.credits).toEqual([]);
      expect(stats.round).toBe(2);
    } finally {
      miner.close();
    }
  }, 40_000);
});
