#!/usr/bin/env node
/**
 * The whole local network, as `npm start` runs it: one devnet node (port 5000, explorer at /), the
 * pool (Stratum 6000, dashboard 6001) with its own key, and miners mining through the pool to
 * their own payout addresses, plus an optional solo miner. Data lives in ./.devnet (node, pool,
 * wallets of the miners, logs) and survives a restart; --fresh starts over. One live view of the
 * network on the terminal; Ctrl-C stops every process.
 *
 * Usage: node scripts/devnet.mjs [--fresh] [--miners N] [--solo] [--threads N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const usage = 'usage: npm start -- [--fresh] [--miners 1..8] [--threads 1..64] [--solo]';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--miners' || args[i] === '--threads') i++;
  else if (args[i] !== '--fresh' && args[i] !== '--solo' && args[i] !== '--') {
    console.error(`unknown flag ${args[i]}\n${usage}`);
    process.exit(2);
  }
}
const minersCount = Number(value('--miners', '2'));
const threads = value('--threads', '1');
if (!Number.isInteger(minersCount) || minersCount < 1 || minersCount > 8) {
  console.error(`--miners must be 1..8\n${usage}`);
  process.exit(2);
}
if (!/^[0-9]+$/.test(threads) || Number(threads) < 1 || Number(threads) > 64) {
  console.error(`--threads must be 1..64\n${usage}`);
  process.exit(2);
}

const DATA = join(root, '.devnet');
/** Local development only: the pool key and the miners' wallets are sealed with these. */
const POOL_PASSPHRASE = 'devnet-pool-passphrase';
const WALLET_PASSPHRASE = 'devnet-wallet-passphrase';
const NODE_URL = 'http://127.0.0.1:5000';
const POOL_API = 'http://127.0.0.1:6001';
const app = (name) => join(root, 'apps', name, 'dist', 'main.js');

if (flag('--fresh')) rmSync(DATA, { recursive: true, force: true });
mkdirSync(join(DATA, 'logs'), { recursive: true });
mkdirSync(join(DATA, 'wallets'), { recursive: true });

/** A miner's wallet in .devnet/wallets (created on first start), so its payouts can be spent. */
function minerAddress(i) {
  const keystore = join(DATA, 'wallets', `miner${i}.json`);
  const base = [app('wallet'), '--network', 'devnet', '--keystore', keystore];
  const env = { ...process.env, WALLET_PASSPHRASE };
  const r = existsSync(keystore)
    ? spawnSync(process.execPath, [...base, 'address', '--json'], { env, encoding: 'utf8' })
    : spawnSync(process.execPath, [...base, 'create', '--label', `miner${i}`, '--json'], {
        env,
        encoding: 'utf8',
      });
  if (r.status !== 0) throw new Error(`wallet for miner ${i}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split('\n')[0]).address;
}

const children = new Map();
let stopping = false;

/** Starts a process with its output in .devnet/logs/<name>.log, restarting it if it dies. */
function supervise(name, argv, env = {}) {
  const log = openSync(join(DATA, 'logs', `${name}.log`), 'a');
  const start = () => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    const entry = { child, restarts: children.get(name)?.restarts ?? 0, state: 'running' };
    children.set(name, entry);
    child.on('exit', (code, signal) => {
      entry.state = `exited (${code ?? signal})`;
      if (!stopping) {
        entry.restarts++;
        setTimeout(start, 2000);
      }
    });
  };
  start();
}

async function waitUp(url, what) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up: see .devnet/logs`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function getJson(url) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok ? await r.json() : undefined;
  } catch {
    return undefined;
  }
}

const rate = (h) =>
  h >= 1e9
    ? `${(h / 1e9).toFixed(2)} GH/s`
    : h >= 1e6
      ? `${(h / 1e6).toFixed(2)} MH/s`
      : h >= 1e3
        ? `${(h / 1e3).toFixed(1)} kH/s`
        : `${Math.round(h)} H/s`;
const started = Date.now();

async function draw(addresses) {
  const [status, stats, miners, payouts, blocks] = await Promise.all([
    getJson(`${NODE_URL}/status`),
    getJson(`${POOL_API}/api/stats`),
    getJson(`${POOL_API}/api/miners`),
    getJson(`${POOL_API}/api/payouts?limit=5`),
    getJson(`${POOL_API}/api/blocks?limit=3`),
  ]);
  const up = Math.round((Date.now() - started) / 1000);
  const lines = [];
  lines.push(
    `powcoin local network (devnet) · up ${Math.floor(up / 60)}m${String(up % 60).padStart(2, '0')}s · Ctrl-C stops everything`,
  );
  lines.push('');
  lines.push(
    status
      ? `node     height ${status.height}  difficulty ${status.difficulty.toPrecision(4)}  network ${rate(status.hashrate)}  mempool ${status.mempoolSize}  ${NODE_URL}/ (explorer)`
      : 'node     unreachable',
  );
  lines.push(
    stats
      ? `pool     ${rate(stats.hashrate)}  miners ${stats.miners}  connections ${stats.connections}  blocks found ${stats.blocksFound} (orphaned ${stats.blocksOrphaned})  round ${stats.round}  ${POOL_API}/ (dashboard)`
      : 'pool     unreachable',
  );
  lines.push('');
  lines.push(
    'miner    address                              hashrate     shares  immature      balance       paid',
  );
  addresses.forEach((address, i) => {
    const m = miners?.miners?.find((x) => x.address === address);
    const state = children.get(`miner${i + 1}`)?.state ?? '';
    lines.push(
      `miner${i + 1}   ${address}  ${rate(m?.hashrate ?? 0).padStart(11)}  ${String(m?.shares ?? 0).padStart(6)}  ${(m?.immature.coins ?? '0').padStart(8)}  ${(m?.balance.coins ?? '0').padStart(11)}  ${(m?.paid.coins ?? '0').padStart(9)}${state === 'running' ? '' : `  ${state}`}`,
    );
  });
  lines.push('');
  lines.push('latest pool blocks');
  for (const b of blocks?.blocks ?? [])
    lines.push(
      `  ${String(b.height).padStart(6)}  ${b.hash.slice(0, 24)}…  ${b.status.padEnd(9)}  ${b.reward.coins} coins`,
    );
  lines.push('');
  lines.push('latest payouts');
  const list = payouts?.payouts ?? [];
  if (list.length === 0)
    lines.push('  none yet (a miner is paid once its matured balance reaches 100 coins)');
  for (const p of list)
    lines.push(
      `  ${p.address}  ${p.amount.coins.padStart(12)} coins  ${p.status.padEnd(9)}  ${p.txid.slice(0, 16)}…`,
    );
  lines.push('');
  lines.push(`logs and data: ${DATA}`);
  process.stdout.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`);
}

async function stopAll() {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping miners, pool and node…\n');
  const order = [...children.keys()].sort(
    (a, b) =>
      (a.startsWith('miner') || a === 'solo' ? -1 : a === 'pool' ? 0 : 1) -
      (b.startsWith('miner') || b === 'solo' ? -1 : b === 'pool' ? 0 : 1),
  );
  for (const name of order) {
    const { child } = children.get(name);
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  process.stdout.write('all stopped.\n');
  process.exit(0);
}
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

try {
  const addresses = Array.from({ length: minersCount }, (_, i) => minerAddress(i + 1));
  supervise('node', [app('node'), '--network', 'devnet', '--data-dir', join(DATA, 'node'), '--port', '5000']);
  await waitUp(`${NODE_URL}/status`, 'the node');
  supervise(
    'pool',
    [
      app('pool'),
      '--network',
      'devnet',
      '--node',
      NODE_URL,
      '--data-dir',
      join(DATA, 'pool'),
      '--port',
      '6000',
      '--http-port',
      '6001',
    ],
    {
      POOL_KEY_PASSPHRASE: POOL_PASSPHRASE,
    },
  );
  await waitUp(`${POOL_API}/api/stats`, 'the pool');
  for (const [i, address] of addresses.entries()) {
    const argv = [
      '--mode',
      'pool',
      '--host',
      '127.0.0.1:6000',
      '--address',
      address,
      '--worker',
      `rig${i + 1}`,
    ];
    supervise(`miner${i + 1}`, [app('miner'), ...argv, '--threads', threads, '--quiet']);
  }
  if (flag('--solo')) {
    const soloAddress = minerAddress(minersCount + 1);
    supervise('solo', [
      app('miner'),
      '--mode',
      'solo',
      '--host',
      '127.0.0.1:5000',
      '--address',
      soloAddress,
      '--threads',
      '1',
      '--quiet',
    ]);
  }
  for (;;) {
    if (stopping) break;
    await draw(addresses);
    await new Promise((r) => setTimeout(r, 1000));
  }
} catch (err) {
  console.error(`error: ${err.message}`);
  await stopAll();
}
