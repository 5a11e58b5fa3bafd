#!/usr/bin/env node
/**
 * `node` CLI: starts a full node. Flags: --port (5000), --host (127.0.0.1), --data-dir, --network.
 */
import { mkdirSync } from 'node:fs';
import { getParams } from '@powcoin/core';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { createApiApp } from './api/app.js';
import { createConfig } from './config.js';
import { NodeService } from './nodeService.js';
import { attachPushServer } from './ws/pushServer.js';

function integer(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

const program = new Command()
  .name('node')
  .description('powcoin full node: HTTP API and block store')
  .option('--port <port>', 'HTTP port', integer)
  .option('--host <host>', 'address to listen on')
  .option('--data-dir <dir>', 'where the chain is stored (default ~/.powcoin/<network>)')
  .option('--network <name>', 'regtest or devnet', 'devnet')
  .showHelpAfterError()
  .parse();

const logger = pino({ name: 'node' });
const options = program.opts<{ port?: number; host?: string; dataDir?: string; network: string }>();
let config: ReturnType<typeof createConfig>;
try {
  config = createConfig({
    network: options.network as never,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(2);
}

mkdirSync(config.dataDir, { recursive: true });
const service = new NodeService(getParams(config.network), config.dataDir, undefined, {
  maxMempoolTxs: config.maxMempoolTxs,
});
service.on('tip', (result) =>
  logger.info({ height: result.height, hash: result.hash, reorg: result.disconnected.length }, 'new tip'),
);
const server = createApiApp(service).listen(config.port, config.host, () => {
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
});
const push = attachPushServer(server, service);
server.maxConnections = config.maxConnections;
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.on('error', (err) => {
  logger.error({ err: err.message }, 'cannot listen');
  service.close();
  process.exit(1);
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'stopping');
  push.close();
  server.close(() => {
    service.close();
    process.exit(0);
  });
  server.closeAllConnections();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
