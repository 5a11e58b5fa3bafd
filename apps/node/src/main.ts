#!/usr/bin/env node
/**
 * `node` CLI: starts a full node. Flags: --port (5000), --host (127.0.0.1), --data-dir, --network,
 * --min-relay-fee, --max-pending-per-sender, --max-mempool-txs.
 */
import { mkdirSync } from 'node:fs';
import { getParams } from '@powcoin/core';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { createApiApp } from './api/app.js';
import { writeCookie } from './api/auth.js';
import { createConfig } from './config.js';
import { DEFAULT_CONNECTION_LIMITS, guardConnections } from './net/connectionGuard.js';
import { NodeService } from './nodeService.js';
import { P2PNetwork } from './p2p/network.js';
import { createPushServer, DEFAULT_PUSH_LIMITS } from './ws/pushServer.js';
import { routeUpgrades } from './ws/upgrade.js';

function integer(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

// `pnpm --filter … start -- --flag` hands the program a literal `--` first: it is not an argument
if (process.argv[2] === '--') process.argv.splice(2, 1);

const program = new Command()
  .name('node')
  .description('powcoin full node: HTTP API and block store')
  .option('--port <port>', 'HTTP port', integer)
  .option('--host <host>', 'address to listen on')
  .option('--data-dir <dir>', 'where the chain is stored (default ~/.powcoin/<network>)')
  .option('--network <name>', 'regtest or devnet', 'devnet')
  .option('--max-connections <n>', 'sockets at most, API, /ws and /p2p together (default 512)')
  .option('--max-connections-per-ip <n>', 'sockets at most from one address (default 64)')
  .option('--reserved-slots <n>', 'of --max-connections, slots never given to /ws clients (default 64)')
  .option('--ws-idle-timeout <seconds>', 'close a /ws client subscribed to nothing this long (default 30)')
  .option('--rpc-cookie-file <path>', 'where the admin credential is written (default <data-dir>/.cookie)')
  .option('--rate-limit <n>', 'HTTP requests per minute per client address (default 6000)')
  .option(
    '--side-prune-depth <blocks>',
    'refuse side branches this many blocks of work behind the tip',
    integer,
  )
  .option(
    '--peer <url>',
    'a peer node to connect to (repeatable), e.g. http://127.0.0.1:5001',
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .option('--min-relay-fee <units>', 'lowest fee relayed, base units (default devnet 1000, regtest 0)')
  .option('--max-pending-per-sender <n>', 'most pending transactions per sender (default 100)')
  .option('--max-mempool-txs <n>', 'most pending transactions in all (default 5000)')
  .option(
    '--ws-max-buffer <bytes>',
    'bytes a /ws subscriber may leave unread before it is cut off (default 1048576)',
  )
  .showHelpAfterError()
  .parse();

const logger = pino({ name: 'node' });
const options = program.opts<{
  port?: number;
  host?: string;
  dataDir?: string;
  network: string;
  peer: string[];
  minRelayFee?: string;
  maxPendingPerSender?: string;
  maxMempoolTxs?: string;
  sidePruneDepth?: number;
  wsMaxBuffer?: string;
  maxConnections?: string;
  maxConnectionsPerIp?: string;
  reservedSlots?: string;
  wsIdleTimeout?: string;
  rateLimit?: string;
  rpcCookieFile?: string;
}>();
/** A flag's value as a whole number, or a RangeError naming the flag (exit 2 below). */
function wholeFlag(name: string, value: string): bigint {
  if (!/^[0-9]{1,18}$/.test(value)) throw new RangeError(`--${name} must be a whole number, got "${value}"`);
  return BigInt(value);
}
/** Whole-number flags that were given, by config key. */
function wholeFlags(flags: Record<string, [string, string | undefined]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, [name, value]] of Object.entries(flags))
    if (value !== undefined) out[key] = Number(wholeFlag(name, value));
  return out;
}
let config: ReturnType<typeof createConfig>;
try {
  config = createConfig({
    network: options.network as never,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.rpcCookieFile === undefined ? {} : { cookieFile: options.rpcCookieFile }),
    ...(options.minRelayFee === undefined
      ? {}
      : { minRelayFee: wholeFlag('min-relay-fee', options.minRelayFee) }),
    ...(options.maxPendingPerSender === undefined
      ? {}
      : { maxPendingPerSender: Number(wholeFlag('max-pending-per-sender', options.maxPendingPerSender)) }),
    ...(options.maxMempoolTxs === undefined
      ? {}
      : { maxMempoolTxs: Number(wholeFlag('max-mempool-txs', options.maxMempoolTxs)) }),
    ...(options.sidePruneDepth === undefined ? {} : { sidePruneDepth: options.sidePruneDepth }),
    ...wholeFlags({
      maxConnections: ['max-connections', options.maxConnections],
      maxConnectionsPerIp: ['max-connections-per-ip', options.maxConnectionsPerIp],
      reservedSlots: ['reserved-slots', options.reservedSlots],
      wsIdleTimeout: ['ws-idle-timeout', options.wsIdleTimeout],
      rateLimit: ['rate-limit', options.rateLimit],
    }),
    ...(options.wsMaxBuffer === undefined
      ? {}
      : { wsMaxBuffer: Number(wholeFlag('ws-max-buffer', options.wsMaxBuffer)) }),
  });
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(2);
}

mkdirSync(config.dataDir, { recursive: true });
let service: NodeService;
try {
  service = new NodeService(getParams(config.network), config.dataDir, undefined, {
    maxMempoolTxs: config.maxMempoolTxs,
    minRelayFee: config.minRelayFee,
    maxPendingPerSender: config.maxPendingPerSender,
    sidePruneDepth: config.sidePruneDepth,
  });
} catch (err) {
  // another network's chain, a store of another layout, another node on this data dir
  process.stderr.write(`error: ${config.dataDir}: ${(err as Error).message}\n`);
  process.exit(2);
}
service.on('tip', (result) =>
  logger.info({ height: result.height, hash: result.hash, reorg: result.disconnected.length }, 'new tip'),
);
const p2p = new P2PNetwork(service, logger);
const push = createPushServer(service, {
  ...DEFAULT_PUSH_LIMITS,
  maxClients: config.maxConnections,
  maxBufferBytes: config.wsMaxBuffer,
  idleTimeoutMs: config.wsIdleTimeout * 1000,
});
let cookie: string;
try {
  cookie = writeCookie(config.cookieFile);
} catch (err) {
  process.stderr.write(
    `error: cannot write the cookie file ${config.cookieFile}: ${(err as Error).message}\n`,
  );
  process.exit(2);
}
const server = createApiApp(service, p2p, { requestsPerMinute: config.rateLimit }, cookie).listen(
  config.port,
  config.host,
  () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const p2pServer = p2p.createServer(
      `ws://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/p2p`,
    );
    routeUpgrades(server, { '/ws': push.wss, '/p2p': p2pServer }, guard.allowUpgrade);
    // the operator's own peers first: pinned, never displaced by peers added over HTTP
    for (const url of options.peer) {
      try {
        p2p.addPeer(url, true, true);
      } catch (err) {
        logger.warn({ url, err: (err as Error).message }, 'peer not added');
      }
    }
    p2p.restorePeers();
    const tip = service.chain.tip();
    logger.info(
      {
        network: config.network,
        host: config.host,
        port: config.port,
        dataDir: config.dataDir,
        height: tip.height,
      },
      'node listening',
    );
  },
);
const guard = guardConnections(
  server,
  {
    ...DEFAULT_CONNECTION_LIMITS,
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    reservedSlots: config.reservedSlots,
  },
  logger,
);
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.on('error', (err: NodeJS.ErrnoException) => {
  service.close();
  if (err.code === 'EADDRINUSE') {
    process.stderr.write(`error: port ${config.port} is already in use\n`);
    process.exit(2);
  }
  logger.error({ err: err.message }, 'cannot listen');
  process.exit(1);
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'stopping');
  push.close();
  p2p.close();
  server.close(() => {
    service.close();
    process.exit(0);
  });
  server.closeAllConnections();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
