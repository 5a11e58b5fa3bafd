import { homedir } from 'node:os';
import { join } from 'node:path';
import { isNetworkName, type NetworkName, parseCoins } from '@powcoin/core';
import type { PayoutScheme } from './accounting/accounting.js';
import { percentToBasisPoints } from './accounting/split.js';
import type { StratumLimits } from './stratum/server.js';
import type { VardiffOptions } from './stratum/vardiff.js';

/** Runtime settings of a pool (consensus constants come from core's params). */
export interface PoolConfig {
  readonly network: NetworkName;
  readonly host: string;
  readonly port: number;
  readonly httpPort: number;
  readonly nodeUrl: string;
  readonly dataDir: string;
  readonly keyFile: string;
  readonly feeBasisPoints: number;
  readonly payoutThreshold: bigint;
  readonly payoutTxFee: bigint;
  readonly scheme: PayoutScheme;
  readonly pplnsWindowFactor: number;
  /** Raw shares are kept for this many rounds (PPLNS and audits); per-round totals for good. */
  readonly shareRetentionRounds: number;
  readonly startDifficulty: number;
  readonly vardiff: VardiffOptions;
  readonly templateRefreshMs: number;
  /** Bounds on each Stratum connection and on the server as a whole. */
  readonly limits: StratumLimits;
  readonly extranonce1Size: number;
  readonly extranonce2Size: number;
  /** First extranonce1 (tests fix it to replay a recorded session); random when absent. */
  readonly extranonce1Start?: number;
}

export const DEFAULT_STRATUM_PORT = 6000;

/** Raw settings as typed on the command line (strings), all optional. */
export interface PoolFlags {
  network?: string;
  host?: string;
  port?: string;
  httpPort?: string;
  node?: string;
  dataDir?: string;
  keyFile?: string;
  fee?: string;
  payoutThreshold?: string;
  payoutFee?: string;
  scheme?: string;
  pplnsWindow?: string;
  shareRetention?: string;
  startDifficulty?: string;
  targetShareSeconds?: string;
  minDifficulty?: string;
  retargetSeconds?: string;
  templateRefreshMs?: string;
  idleSeconds?: string;
  maxConnections?: string;
  maxConnectionsPerIp?: string;
  authTimeout?: string;
  maxWorkersPerConnection?: string;
  maxWorkersPerIp?: string;
  banAfterInvalid?: string;
  banSeconds?: string;
  banAddressAfter?: string;
}

/**
 * The lowest share difficulty a connection may get or ask for, per network. Devnet's 0.001 is about
 * 4.3 million hashes a share: a CPU miner's share every second or two, and a nonce picked without
 * hashing is a share once in 4.3 million tries. (A share's difficulty never exceeds the network's,
 * so while devnet is easier than this every share is a block.) Regtest is for tests: its blocks
 * are nearly free, so its floor is as low as Stratum goes.
 */
export const DEFAULT_MIN_DIFFICULTY: Readonly<Record<NetworkName, number>> = {
  devnet: 0.001,
  regtest: 2 ** -32,
};

function port(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535)
    throw new RangeError(`${flag} must be a port 0..65535, got "${text}"`);
  return Number(text);
}

function positive(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^[0-9.eE+-]+$/.test(text) || !Number.isFinite(n) || n <= 0)
    throw new RangeError(`${flag} must be a positive number, got "${text}"`);
  return n;
}

function whole(text: string | undefined, fallback: number, flag: string, max: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new RangeError(`${flag} must be a whole number 1..${max}, got "${text}"`);
  return Number(text);
}

/** Builds a checked config from flags; every bad value is a RangeError naming its flag. */
export function createConfig(flags: PoolFlags = {}): PoolConfig {
  const network = flags.network ?? 'devnet';
  if (!isNetworkName(network)) throw new RangeError(`--network must be regtest or devnet, got "${network}"`);
  const scheme = flags.scheme ?? 'prop';
  if (scheme !== 'prop' && scheme !== 'pplns')
    throw new RangeError(`--scheme must be prop or pplns, got "${scheme}"`);
  const nodeUrl = flags.node ?? 'http://127.0.0.1:5000';
  let parsedNode: URL;
  try {
    parsedNode = new URL(nodeUrl);
  } catch {
    throw new RangeError(`--node must be a URL like http://127.0.0.1:5000, got "${nodeUrl}"`);
  }
  if (parsedNode.protocol !== 'http:' && parsedNode.protocol !== 'https:')
    throw new RangeError('--node must be an http(s) URL');
  const dataDir = flags.dataDir ?? join(homedir(), '.powcoin', `pool-${network}`);
  let threshold: bigint;
  let payoutFee: bigint;
  try {
    threshold = parseCoins(flags.payoutThreshold ?? '100');
    payoutFee = parseCoins(flags.payoutFee ?? '0.00001');
  } catch (err) {
    throw new RangeError(`--payout-threshold / --payout-fee: ${(err as Error).message}`);
  }
  if (threshold <= 0n) throw new RangeError('--payout-threshold must be above 0');
  const pplnsWindowFactor = positive(flags.pplnsWindow, 2, '--pplns-window');
  const shareRetentionRounds = whole(flags.shareRetention, 1000, '--share-retention', 100_000_000);
  // PPLNS reads raw shares back over its window: on average a round is one difficulty's work
  if (shareRetentionRounds < Math.ceil(pplnsWindowFactor) * 10)
    throw new RangeError(
      `--share-retention must keep at least 10 rounds per PPLNS window (${Math.ceil(pplnsWindowFactor) * 10}), got ${shareRetentionRounds}`,
    );
  const minDifficulty = positive(flags.minDifficulty, DEFAULT_MIN_DIFFICULTY[network], '--min-difficulty');
  return {
    network,
    host: flags.host ?? '127.0.0.1',
    port: port(flags.port, DEFAULT_STRATUM_PORT, '--port'),
    httpPort: port(flags.httpPort, 6001, '--http-port'),
    nodeUrl: parsedNode.origin,
    dataDir,
    keyFile: flags.keyFile ?? join(dataDir, 'pool-key.json'),
    feeBasisPoints: percentToBasisPoints(flags.fee ?? '1'),
    payoutThreshold: threshold,
    payoutTxFee: payoutFee,
    scheme,
    pplnsWindowFactor,
    shareRetentionRounds,
    startDifficulty: positive(
      flags.startDifficulty,
      network === 'regtest' ? 2 ** -32 : 0.001,
      '--start-difficulty',
    ),
    vardiff: {
      targetShareSeconds: positive(flags.targetShareSeconds, 5, '--target-share-seconds'),
      retargetSeconds: positive(flags.retargetSeconds, 20, '--retarget-seconds'),
      minDifficulty,
      maxDifficulty: 2 ** 32,
    },
    templateRefreshMs: positive(flags.templateRefreshMs, 5000, '--template-refresh-ms'),
    limits: {
      maxLineBytes: 8192,
      maxMessagesPerSecond: 100,
      idleSeconds: whole(flags.idleSeconds, 600, '--idle-seconds', 86_400),
      maxConnections: whole(flags.maxConnections, 1024, '--max-connections', 100_000),
      maxConnectionsPerIp: whole(flags.maxConnectionsPerIp, 64, '--max-connections-per-ip', 100_000),
      authTimeoutSeconds: whole(flags.authTimeout, 30, '--auth-timeout', 86_400),
      maxWorkersPerConnection: whole(
        flags.maxWorkersPerConnection,
        64,
        '--max-workers-per-connection',
        100_000,
      ),
      maxWorkersPerIp: whole(flags.maxWorkersPerIp, 256, '--max-workers-per-ip', 1_000_000),
      banAfterInvalid: whole(flags.banAfterInvalid, 20, '--ban-after-invalid', 1_000_000),
      banSeconds: whole(flags.banSeconds, 600, '--ban-seconds', 86_400 * 7),
      banAddressAfter: whole(flags.banAddressAfter, 10, '--ban-address-after', 100_000),
    },
    extranonce1Size: 4,
    extranonce2Size: 4,
  };
}
