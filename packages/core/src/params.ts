import { COIN } from './amount.js';

export type NetworkName = 'regtest' | 'devnet';

/** Difficulty retarget: a moving average of the window's targets scaled by how fast it was mined. */
export interface RetargetParams {
  /** Number of block intervals averaged. */
  readonly windowBlocks: number;
  /** The measured timespan is clamped to [expected / maxStep, expected · maxStep] (bounded steps). */
  readonly maxStep: number;
}

/** What the genesis block is made of; `hash` freezes the result (display order). */
export interface GenesisParams {
  readonly version: number;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  /** Text carried in the genesis coinbase's free field. */
  readonly message: string;
  readonly hash: string;
}

/**
 * Consensus constants of one network. Immutable: every object is frozen.
 * Runtime settings (ports, folders, peers) live in each app's config, never here.
 */
export interface ChainParams {
  readonly network: NetworkName;
  /** Network id, committed in every signature so a transaction of one network is invalid on another. */
  readonly magic: number;
  /** Version byte of base58check addresses. */
  readonly addressVersion: number;
  /** Easiest target allowed, and its compact form. */
  readonly powLimit: bigint;
  readonly powLimitBits: number;
  readonly targetBlockSeconds: number;
  /** `null`: no retarget, every block carries `powLimitBits` (regtest). */
  readonly retarget: RetargetParams | null;
  readonly initialSubsidy: bigint;
  readonly halvingInterval: number;
  /** A coinbase output becomes spendable this many blocks after the block that created it. */
  readonly coinbaseMaturity: number;
  readonly maxBlockBytes: number;
  /** Block time may not be further than this ahead of the validating node's clock. */
  readonly maxFutureBlockSeconds: number;
  /** Block time must be above the median of this many previous blocks. */
  readonly medianTimeSpan: number;
  readonly maxCoinbaseExtraBytes: number;
  readonly maxCoinbaseOutputs: number;
  readonly genesis: GenesisParams;
}

function deepFreeze<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner && typeof inner === 'object') deepFreeze(inner);
  }
  return Object.freeze(value);
}

/** Minimal difficulty, no retarget, instant blocks: for tests. Limits as Bitcoin's regtest. */
export const REGTEST: ChainParams = deepFreeze({
  network: 'regtest',
  magic: 0x50575254, // "PWRT"
  addressVersion: 111,
  powLimit: 0x7fffffn << 232n,
  powLimitBits: 0x207fffff,
  targetBlockSeconds: 10,
  retarget: null,
  initialSubsidy: 50n * COIN,
  halvingInterval: 150,
  coinbaseMaturity: 10,
  maxBlockBytes: 1_000_000,
  maxFutureBlockSeconds: 2 * 60 * 60,
  medianTimeSpan: 11,
  maxCoinbaseExtraBytes: 100,
  maxCoinbaseOutputs: 256,
  genesis: {
    version: 1,
    time: 1795219200,
    bits: 0x207fffff,
    nonce: 0,
    message: 'powcoin regtest genesis 2026-11-21',
    hash: '2650fce9f9920f3503cb4f8b8245f7c5336aa2bc8ad3ca7fd8aa61655654ec5f',
  },
});

/** A shared development network: blocks about every 10 s, difficulty following the hashrate. */
export const DEVNET: ChainParams = deepFreeze({
  network: 'devnet',
  magic: 0x50574456, // "PWDV"
  addressVersion: 30,
  // 65,536 hashes per block at the easiest: a single CPU core starts the chain at once.
  powLimit: 0xffffn << 224n,
  powLimitBits: 0x1f00ffff,
  targetBlockSeconds: 10,
  retarget: { windowBlocks: 20, maxStep: 2 },
  initialSubsidy: 50n * COIN,
  halvingInterval: 210_000,
  coinbaseMaturity: 10,
  maxBlockBytes: 1_000_000,
  maxFutureBlockSeconds: 120,
  medianTimeSpan: 11,
  maxCoinbaseExtraBytes: 100,
  maxCoinbaseOutputs: 256,
  genesis: {
    version: 1,
    time: 1795219200,
    bits: 0x1f00ffff,
    nonce: 98368,
    message: 'powcoin devnet genesis 2026-11-21',
    hash: '00001b8a0a2e741a52187e82a7f90d12c94461418e62a671f90bec34824897c4',
  },
});

export const NETWORKS: Readonly<Record<NetworkName, ChainParams>> = Object.freeze({
  regtest: REGTEST,
  devnet: DEVNET,
});

export function isNetworkName(name: unknown): name is NetworkName {
  return name === 'regtest' || name === 'devnet';
}

/** Params of a network by name; throws on an unknown name. */
export function getParams(name: string): ChainParams {
  if (!isNetworkName(name)) throw new RangeError(`unknown network "${name}" (expected regtest or devnet)`);
  return NETWORKS[name];
}

/** Block subsidy at a height: the initial subsidy halved every `halvingInterval` blocks. */
export function blockSubsidy(params: ChainParams, height: number): bigint {
  const halvings = Math.floor(height / params.halvingInterval);
  return halvings >= 64 ? 0n : params.initialSubsidy >> BigInt(halvings);
}
