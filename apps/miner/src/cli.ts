import { isAddress, NETWORKS } from '@powcoin/core';

/** A bad flag or value: exit code 2, a message, no stack trace. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The host could not be reached in time at start: exit code 3. */
export class UnreachableError extends Error {
  readonly exitCode = 3;
}

export interface MineOptions {
  readonly mode: 'pool' | 'solo';
  readonly host: string;
  readonly port: number;
  readonly address: string;
  readonly network: string;
  readonly worker: string | undefined;
  readonly threads: number | undefined;
  readonly engine: string | undefined;
  readonly output: 'line' | 'json' | 'quiet';
  readonly connectTimeoutMs: number;
}

export interface RawMineFlags {
  mode?: string;
  host?: string;
  address?: string;
  worker?: string;
  threads?: string;
  engine?: string;
  json?: boolean;
  quiet?: boolean;
  connectTimeout?: string;
}

/** Checks every flag of `miner --mode …`; throws `UsageError` naming the bad one. */
export function parseMineFlags(flags: RawMineFlags): MineOptions {
  const mode = flags.mode;
  if (mode !== 'pool' && mode !== 'solo') throw new UsageError('--mode must be pool or solo');
  if (!flags.host)
    throw new UsageError(`--host is required (e.g. 127.0.0.1:${mode === 'pool' ? 6000 : 5000})`);
  const hostText = flags.host.replace(/^(stratum\+tcp|https?):\/\//, '').replace(/\/$/, '');
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?$/.exec(hostText);
  if (!match) throw new UsageError(`--host must be host:port, got "${flags.host.slice(0, 80)}"`);
  const port = match[2] === undefined ? (mode === 'pool' ? 6000 : 5000) : Number(match[2]);
  if (port < 1 || port > 65535) throw new UsageError(`--host port must be 1..65535, got ${port}`);
  if (!flags.address) throw new UsageError('--address is required: the payout address');
  const network = Object.values(NETWORKS).find((p) => isAddress(p, flags.address as string));
  if (!network)
    throw new UsageError(
      `--address "${flags.address.slice(0, 80)}" is not a valid address (checksum or format): check for a typo`,
    );
  if (flags.worker !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(flags.worker)) {
    throw new UsageError('--worker is letters, digits, _ and - (at most 64)');
  }
  let threads: number | undefined;
  if (flags.threads !== undefined) {
    if (!/^[0-9]{1,3}$/.test(flags.threads) || Number(flags.threads) < 1 || Number(flags.threads) > 256) {
      throw new UsageError(`--threads must be 1..256, got "${flags.threads}"`);
    }
    threads = Number(flags.threads);
  }
  if (flags.json && flags.quiet) throw new UsageError('--json and --quiet do not go together');
  const timeout = flags.connectTimeout === undefined ? 15 : Number(flags.connectTimeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600)
    throw new UsageError('--connect-timeout must be 1..3600 seconds');
  return {
    mode,
    host: match[1]?.replace(/^\[|\]$/g, '') as string,
    port,
    address: flags.address,
    network: network.network,
    worker: flags.worker,
    threads,
    engine: flags.engine,
    output: flags.json ? 'json' : flags.quiet ? 'quiet' : 'line',
    connectTimeoutMs: timeout * 1000,
  };
}
