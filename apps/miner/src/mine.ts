import { NodeClient } from '@powcoin/node-client';
import { type MineOptions, UnreachableError, UsageError } from './cli.js';
import { createWorkerPool, type WorkerPool } from './hash/workerPool.js';
import { PoolMode } from './modes/poolMode.js';
import { SoloMode } from './modes/soloMode.js';
import { Status } from './status.js';
import { StratumClient } from './stratum/stratumClient.js';

export interface RunningMiner {
  readonly status: Status;
  readonly workers: WorkerPool;
  readonly mode: PoolMode | SoloMode;
  stop(): Promise<void>;
}

/**
 * Starts mining as `options` say and returns once the first connection is up (or throws
 * `UnreachableError` after the connect timeout). Later outages are retried, never fatal.
 */
export async function startMiner(options: MineOptions, out?: NodeJS.WritableStream): Promise<RunningMiner> {
  let mode: PoolMode | SoloMode | undefined;
  const workers = await createWorkerPool({
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    maxFoundPerBatch: 64,
    onFound: (found) => mode?.onFound(found.job, found.nonce),
  });
  const status = new Status(workers, options.output, out);
  if (workers.fallbackReason)
    status.event('warning', { message: `engine fallback: ${workers.fallbackReason}` });
  const deadline = Date.now() + options.connectTimeoutMs;
  try {
    if (options.mode === 'pool') {
      const username = options.worker ? `${options.address}.${options.worker}` : options.address;
      const client = new StratumClient(options.host, options.port, username);
      const poolMode = new PoolMode(client, workers, status);
      mode = poolMode;
      const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
      let refusal: string | undefined;
      const refused = new Promise<void>((resolve) =>
        client.on('refused', (why) => {
          refusal = why;
          status.event('warning', { message: `${why}; not retrying` });
          resolve();
        }),
      );
      client.start();
      const ok = await Promise.race([
        connected.then(() => true),
        refused.then(() => false),
        sleep(deadline - Date.now()).then(() => false),
      ]);
      if (refusal !== undefined) {
        client.close();
        throw new UsageError(`the pool at ${options.host}:${options.port} refused ${username} (${refusal})`);
      }
      if (!ok) {
        client.close();
        throw new UnreachableError(
          `cannot reach a Stratum pool at ${options.host}:${options.port} (or it refused ${username})`,
        );
      }
      void poolMode.run();
      status.start();
      return {
        status,
        workers,
        mode: poolMode,
        stop: async () => (poolMode.stop(), client.close(), status.stop(), await workers.close()),
      };
    }
    const node = new NodeClient(
      `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
    );
    for (;;) {
      const s = await node.status().catch(() => undefined);
      if (s) {
        if (s.network !== options.network) {
          throw new UsageError(`--address is a ${options.network} address but the node runs ${s.network}`);
        }
        break;
      }
      if (Date.now() > deadline)
        throw new UnreachableError(`cannot reach a node at ${options.host}:${options.port}`);
      await sleep(250);
    }
    const soloMode = new SoloMode(node, options.address, workers, status);
    mode = soloMode;
    void soloMode.run();
    status.start();
    return {
      status,
      workers,
      mode: soloMode,
      stop: async () => (soloMode.stop(), status.stop(), await workers.close()),
    };
  } catch (err) {
    await workers.close();
    throw err;
  }
}

/** `miner --mode …`: mines until Ctrl-C. */
export async function mine(options: MineOptions): Promise<void> {
  const miner = await startMiner(options);
  miner.status.event('start', {
    mode: options.mode,
    host: `${options.host}:${options.port}`,
    threads: miner.workers.threads,
    engine: miner.workers.engine,
  });
  await new Promise<void>((resolve) => {
    const stop = () => void miner.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const c = miner.status.counters;
  const totals = { accepted: c.accepted, rejected: c.rejected, stale: c.stale, blocks: c.blocks };
  if (options.output === 'json')
    process.stdout.write(
      `${JSON.stringify({ type: 'stopped', time: new Date().toISOString(), ...totals })}\n`,
    );
  else if (options.output !== 'quiet')
    process.stdout.write(
      `stopped: accepted ${c.accepted}, rejected ${c.rejected}, stale ${c.stale}, blocks ${c.blocks}\n`,
    );
  process.exit(0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
