import { homedir } from 'node:os';
import { join } from 'node:path';
import { isNetworkName, type NetworkName } from '@powcoin/core';

/** Runtime settings of a node (consensus constants live in core's params, not here). */
export interface NodeConfig {
  readonly network: NetworkName;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly maxMempoolTxs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Of maxConnections, slots never given to /ws subscribers (kept for API requests and peers). */
  readonly reservedSlots: number;
  /** Seconds a /ws client may stay subscribed to nothing. */
  readonly wsIdleTimeout: number;
  /** HTTP requests per minute per client address. */
  readonly rateLimit: number;
  /** Where the admin credential is written at start (Bitcoin Core's `.cookie`). */
  readonly cookieFile: string;
  /** Lowest fee (base units) a transaction must pay to be relayed and kept. */
  readonly minRelayFee: bigint;
  /** Most pending transactions one sender may have (Bitcoin Core's ancestor limit). */
  readonly maxPendingPerSender: number;
  /** Side branches more than this many tip blocks of work behind the tip are refused. */
  readonly sidePruneDepth: number;
  /** Bytes a /ws subscriber may leave unread before it is disconnected. */
  readonly wsMaxBuffer: number;
}

/** Per-network relay floor: devnet refuses free transactions; regtest (local tests) admits them. */
export const DEFAULT_MIN_RELAY_FEE: Readonly<Record<NetworkName, bigint>> = { devnet: 1000n, regtest: 0n };
export const DEFAULT_MAX_PENDING_PER_SENDER = 100;
export const DEFAULT_MAX_MEMPOOL_TXS = 5000;
export const DEFAULT_WS_MAX_BUFFER = 1024 * 1024;

function wholeInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`--${name} must be a whole number ${min}..${max}, got ${value}`);
  return value;
}

export const DEFAULT_NODE_PORT = 5000;

/** Fills defaults and checks every value; throws a RangeError that names the bad setting. */
export function createConfig(partial: Partial<NodeConfig> = {}): NodeConfig {
  const network = partial.network ?? 'devnet';
  if (!isNetworkName(network))
    throw new RangeError(`--network must be regtest or devnet, got "${String(network)}"`);
  const port = partial.port ?? DEFAULT_NODE_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`--port must be 0..65535, got ${port}`);
  const host = partial.host ?? '127.0.0.1';
  if (host.length === 0 || host.length > 255) throw new RangeError('--host must be a host name or address');
  const minRelayFee = partial.minRelayFee ?? DEFAULT_MIN_RELAY_FEE[network];
  if (typeof minRelayFee !== 'bigint' || minRelayFee < 0n || minRelayFee > 21_000_000n * 100_000_000n)
    throw new RangeError(`--min-relay-fee must be 0 or more base units, got ${String(minRelayFee)}`);
  const sidePruneDepth = partial.sidePruneDepth ?? 144;
  if (!Number.isInteger(sidePruneDepth) || sidePruneDepth < 1 || sidePruneDepth > 100_000)
    throw new RangeError(`--side-prune-depth must be 1..100000, got ${sidePruneDepth}`);
  const dataDir = partial.dataDir ?? join(homedir(), '.powcoin', network);
  return {
    sidePruneDepth,
    network,
    host,
    port,
    dataDir,
    cookieFile: partial.cookieFile ?? join(dataDir, '.cookie'),
    maxMempoolTxs: wholeInRange(
      'max-mempool-txs',
      partial.maxMempoolTxs ?? DEFAULT_MAX_MEMPOOL_TXS,
      1,
      1_000_000,
    ),
    ...connectionSettings(partial),
    minRelayFee,
    maxPendingPerSender: wholeInRange(
      'max-pending-per-sender',
      partial.maxPendingPerSender ?? DEFAULT_MAX_PENDING_PER_SENDER,
      1,
      100_000,
    ),
    wsMaxBuffer: wholeInRange(
      'ws-max-buffer',
      partial.wsMaxBuffer ?? DEFAULT_WS_MAX_BUFFER,
      1024,
      1024 * 1024 * 1024,
    ),
  };
}

function connectionSettings(partial: Partial<NodeConfig>) {
  const maxConnections = wholeInRange('max-connections', partial.maxConnections ?? 512, 8, 100_000);
  const reservedSlots = wholeInRange('reserved-slots', partial.reservedSlots ?? 64, 1, maxConnections - 1);
  return {
    maxConnections,
    maxConnectionsPerIp: wholeInRange(
      'max-connections-per-ip',
      partial.maxConnectionsPerIp ?? 64,
      1,
      100_000,
    ),
    reservedSlots,
    wsIdleTimeout: wholeInRange('ws-idle-timeout', partial.wsIdleTimeout ?? 30, 1, 86_400),
    rateLimit: wholeInRange('rate-limit', partial.rateLimit ?? 6000, 1, 10_000_000),
  };
}
