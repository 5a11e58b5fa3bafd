#!/usr/bin/env node
/**
 * `pool` CLI: a Stratum v1 pool on port 6000 with a dashboard, paying miners from its own key.
 * The key file is encrypted with the passphrase in POOL_KEY_PASSPHRASE (created on first start).
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { Command } from 'commander';
import { pino } from 'pino';
import { createConfig, type PoolConfig, type PoolFlags } from './config.js';
import { createDashboardApp } from './dashboard/app.js';
import { Pool } from './pool.js';
import { loadOrCreatePoolKey } from './poolKey.js';

// `pnpm --filter … start -- --flag` hands the program a literal `--` first: it is not an argument
if (process.argv[2] === '--') process.argv.splice(2, 1);

const program = new Command()
  .name('pool')
  .description('powcoin mining pool: Stratum v1, share accounting, payouts')
  .option('--port <port>', 'Stratum port (default 6000)')
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('--http-port <port>', 'dashboard and JSON API port (default 6001)')
  .option('--node <url>', 'the node to get work from (default http://127.0.0.1:5000)')
  .option('--network <name>', 'regtest or devnet (default devnet)')
  .option(
    '--data-dir <dir>',
    'where shares, balances and payouts are stored (default ~/.powcoin/pool-<network>)',
  )
  .option('--key-file <file>', "the pool's encrypted payout key (default <data-dir>/pool-key.json)")
  .option('--fee <percent>', 'pool fee in percent (default 1)')
  .option('--payout-threshold <coins>', 'pay miners once their matured balance reaches this (default 100)')
  .option('--payout-fee <coins>', 'network fee of each payout, paid by the pool (default 0.00001)')
  .option('--scheme <name>', 'prop (default) or pplns')
  .option('--pplns-window <n>', 'PPLNS window in multiples of the network difficulty (default 2)')
  .option(
    '--share-retention <rounds>',
    'keep raw shares for this many rounds; per-round totals are kept for good (default 1000)',
  )
  .option('--start-difficulty <d>', 'share difficulty of a new connection')
  .option('--target-share-seconds <s>', 'vardiff aims at one share per this many seconds (default 5)')
  .option(
    '--template-refresh-ms <ms>',
    'at most one template refresh for new transactions per this interval (default 5000)',
  )
  .option('--idle-seconds <s>', 'close a connection silent for this long (default 600)')
  .option('--min-difficulty <d>', 'lowest share difficulty (default devnet 0.001, regtest 2^-32)')
  .option('--retarget-seconds <s>', 'vardiff retargets a connection at most this often (default 20)')
  .option('--max-connections <n>', 'Stratum connections at most (default 1024)')
  .option('--max-connections-per-ip <n>', 'Stratum connections per address at most (default 64)')
  .option('--auth-timeout <s>', 'close a connection not subscribed and authorized after this (default 30)')
  .option('--max-workers-per-connection <n>', 'worker names one connection may authorize (default 64)')
  .option('--max-workers-per-ip <n>', 'worker names authorized at once from one address (default 256)')
  .option(
    '--ban-after-invalid <n>',
    'drop a connection once its invalid shares reach this and outnumber its valid ones (default 20)',
  )
  .option('--ban-seconds <s>', 'how long a worker or address ban lasts (default 600)')
  .option(
    '--ban-address-after <n>',
    'ban an address once this many of its connections were dropped for invalid shares (default 10)',
  )
  .showHelpAfterError()
  .parse();

const logger = pino({ name: 'pool' });

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

let config: PoolConfig;
try {
  config = createConfig(program.opts<PoolFlags>());
} catch (err) {
  fail((err as Error).message);
}
const passphrase = process.env.POOL_KEY_PASSPHRASE;
if (!passphrase)
  fail('set POOL_KEY_PASSPHRASE to the passphrase of the pool key file (at least 8 characters)');

mkdirSync(config.dataDir, { recursive: true });
let key: Awaited<ReturnType<typeof loadOrCreatePoolKey>>;
try {
  key = await loadOrCreatePoolKey(config.keyFile, passphrase);
} catch (err) {
  fail(`${config.keyFile}: ${(err as Error).message}`);
}
// Test-only: POOL_CLOCK_OFFSET_MS runs the pool's clock this many ms off the machine's (a pool whose
// clock differs from its node's). Not a flag, and not for production use.
const clockOffsetText = process.env.POOL_CLOCK_OFFSET_MS ?? '0';
if (!/^-?[0-9]{1,10}$/.test(clockOffsetText))
  fail(`POOL_CLOCK_OFFSET_MS must be a whole number of milliseconds, got "${clockOffsetText}"`);
const clockOffsetMs = Number(clockOffsetText);
let pool: Pool;
try {
  pool = new Pool(config, key.privateKey, logger, () => Date.now() + clockOffsetMs);
} catch (err) {
  fail(`${config.dataDir}: ${(err as Error).message}`); // another pool on this data dir, say
}
if (key.created) logger.info({ keyFile: config.keyFile, address: pool.poolAddress }, 'new pool key created');

let dashboard: Server | undefined;
let stopping = false;

async function start(): Promise<void> {
  for (let attempt = 0; !stopping; attempt++) {
    try {
      await pool.start();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') fail(`port ${config.port} is already in use`);
      if ((err as NodeJS.ErrnoException).code === 'NETWORK_MISMATCH') fail((err as Error).message);
      const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
      logger.warn({ err: (err as Error).message, retryMs: delay }, 'cannot start yet (is the node up?)');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  dashboard = createDashboardApp(pool).listen(config.httpPort, config.host, () =>
    logger.info({ url: `http://${config.host}:${config.httpPort}/` }, 'dashboard listening'),
  );
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: telling miners to reconnect');
  dashboard?.close();
  dashboard?.closeAllConnections();
  await pool.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
await start();
