import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { freePort, type Service, startNodeProcess } from '@powcoin/testkit';
import { PoolStore } from '../src/store/poolStore.js';
import { keyOf } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const KILLS = 5;
const params = REGTEST;
const miners = [1, 2].map((i) => addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(i)))));
const poolMain = new URL('../dist/main.js', import.meta.url).pathname;

function startPoolProcess(nodeUrl: string, dir: string, port: number, httpPort: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      poolMain,
      '--network',
      'regtest',
      '--node',
      nodeUrl,
      '--data-dir',
      dir,
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--payout-threshold',
      '1',
      '--template-refresh-ms',
      '100',
    ],
    { env: { ...process.env, POOL_KEY_PASSPHRASE: 'crash-test-passphrase' }, stdio: 'ignore' },
  );
}

async function connectWhenUp(port: number): Promise<StratumClient> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const c = await StratumClient.connect(port);
      await c.subscribe();
      return c;
    } catch {
      if (Date.now() > deadline) throw new Error('pool did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Mines through the pool until `until`, submitting shares and blocks; returns acknowledged share hashes. */
async function mineFor(clients: StratumClient[], untilMs: number): Promise<string[]> {
  const acked: string[] = [];
  let i = 0;
  while (Date.now() < untilMs) {
    const c = clients[i++ % clients.length] as StratumClient;
    const address = miners[(i - 1) % miners.length] as string;
    if (c.closed || !c.job) break;
    // shares and blocks mixed (at these difficulties about half of all shares are blocks; once
    // vardiff has raised a fast client, every share is)
    const share = c.findShare('any');
    const res = await Promise.race([
      c.submit(address, share),
      new Promise((r) => setTimeout(() => r(undefined), 500)),
    ]);
    if ((res as { result?: unknown } | undefined)?.result === true) acked.push(share.hash);
  }
  return acked;
}

describe('kill -9 of the pool while miners mine and payouts run', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it(`loses no acknowledged share and pays nothing twice (${KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-pool-crash-'));
    const acked: string[] = [];
    let child: ReturnType<typeof startPoolProcess> | undefined;
    try {
      for (let kill = 0; kill <= KILLS; kill++) {
        const [port, httpPort] = [await freePort(), await freePort()];
        child = startPoolProcess(node.url, dir, port, httpPort);
        const running = child;
        const clients: StratumClient[] = [];
        for (const address of miners) {
          const c = await connectWhenUp(port);
          await c.call('mining.authorize', [address, 'x']);
          await c.waitFor((m) => m.method === 'mining.notify');
          clients.push(c);
        }
        const last = kill === KILLS;
        // the last run mines long enough for every credit to mature and every payout to confirm
        acked.push(...(await mineFor(clients, Date.now() + (last ? 6000 : 300 + ((kill * 211) % 900)))));
        for (const c of clients) c.close();
        const exited = new Promise((r) => running.once('exit', r));
        running.kill(last ? 'SIGTERM' : 'SIGKILL');
        await exited;
        child = undefined;
      }
      const store = new PoolStore(join(dir, 'pool.sqlite'));
      try {
        for (const hash of acked) expect(store.hasShare(hash)).toBe(true);
        const payouts = store.recentPayouts(100_000);
        expect(new Set(payouts.map((p) => p.nonce)).size).toBe(payouts.length);
        for (const address of miners) {
          let matured = 0n;
          for (const b of store.blocksByStatus('matured')) {
            for (const c of store.creditsOf(b.hash)) if (c.address === address) matured += c.amount;
          }
          const paid = payouts.filter((p) => p.address === address).reduce((s, p) => s + p.amount, 0n);
          // every matured credit is either still owed or paid, exactly once
          expect(store.getBalance(address) + paid).toBe(matured);
          const onChain = BigInt(
            ((await (await fetch(`${node.url}/address/${address}`)).json()) as { balance: string }).balance,
          );
          let confirmed = 0n;
          for (const p of payouts.filter((x) => x.address === address)) {
            const tx = (await (await fetch(`${node.url}/tx/${p.txid}`)).json()) as { status?: string };
            if (tx.status === 'confirmed') confirmed += p.amount;
          }
          // miners receive coins only from pool payouts: what the chain shows is what the pool recorded
          expect(onChain).toBe(confirmed);
          expect(matured).toBeGreaterThan(0n);
        }
        expect(payouts.length).toBeGreaterThan(0);
      } finally {
        store.close();
      }
    } finally {
      child?.kill('SIGKILL'); // a failure half way must not leave a pool running
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
