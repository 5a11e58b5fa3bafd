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
  /** Side branches more than this many tip blocks of work behind the tip are refused. */
  readonly sidePruneDepth: number;
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
  const sidePruneDepth = partial.sidePruneDepth ?? 144;
  if (!Number.isInteger(sidePruneDepth) || sidePruneDepth < 1 || sidePruneDepth > 100_000)
    throw new RangeError(`--side-prune-depth must be 1..100000, got ${sidePruneDepth}`);
  return {
    sidePruneDepth,
    network,
    host,
    port,
    dataDir: partial.dataDir ?? join(homedir(), '.powcoin', network),
    maxMempoolTxs: partial.maxMempoolTxs ?? 5000,
    maxConnections: partial.maxConnections ?? 256,
  };
}
