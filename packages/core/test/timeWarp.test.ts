import {
  bitsToTarget,
  DEVNET,
  headerContextFromAncestors,
  nextBits,
  type TimedBits,
  validateHeader,
} from '../src/index.js';

/**
 * Time-warp simulation: one miner holding all the hashrate stamps its blocks to game the devnet
 * retarget, within every bound a header is checked against (after the median time past, and since
 * the monotonic-time rule not before the parent, at most maxFutureBlockSeconds ahead of real time).
 * Mining is deterministic: a block at target t takes (2^256 / t) / hashrate seconds of real time.
 * Emission is blocks per targetBlockSeconds of real time: 1.0 for an honest miner.
 */
const T = DEVNET.targetBlockSeconds;
const W = DEVNET.retarget?.windowBlocks ?? 0;
const FUTURE = DEVNET.maxFutureBlockSeconds;
// 100x the hashrate the pow limit is made for, so the pow limit never caps the difficulty.
const HASHRATE = 6_553_600;

interface Stamped extends TimedBits {
  readonly low: boolean;
}

/** Lowest time the rules allow for the child of the chain's tip. */
function minTime(chain: readonly Stamped[]): number {
  const ctx = headerContextFromAncestors(
    DEVNET,
    chain.slice(-(W + 1)).map((h, i) => ({ ...h, hash: new Uint8Array(32), height: i })),
    0,
  );
  return ctx.minTime;
}

type Strategy = (chain: readonly Stamped[], now: number) => { time: number; low: boolean };

const honest: Strategy = (chain, now) => ({ time: Math.max(now, minTime(chain)), low: false });
/** The exploit: stamp far ahead when the block that opens the next window was stamped low. */
const exploit: Strategy = (chain, now) => {
  const opener = chain[chain.length - W];
  if (opener && opener.time < now) return { time: Math.max(now + FUTURE, minTime(chain)), low: false };
  return { time: minTime(chain), low: true };
};
const alwaysFuture: Strategy = (chain, now) => ({ time: Math.max(now + FUTURE, minTime(chain)), low: false });
const alternate: Strategy = (chain, now) =>
  chain.length % 2 === 0
    ? { time: Math.max(now + FUTURE, minTime(chain)), low: false }
    : { time: minTime(chain), low: true };

/** Real seconds per block, averaged over the last half of `blocks` blocks. */
function simulate(strategy: Strategy, blocks = 1200): number {
  let now = 1_000_000;
  const chain: Stamped[] = [{ time: now, bits: DEVNET.powLimitBits, low: false }];
  const realTimes: number[] = [];
  for (let i = 0; i < blocks; i++) {
    const recent = chain.slice(-(W + 1));
    const bits = nextBits(DEVNET, recent);
    now += Number((1n << 256n) / bitsToTarget(bits)) / HASHRATE;
    // A stamp the rules refuse until the clock moves on: the miner waits for it.
    now = Math.max(now, minTime(chain) - FUTURE);
    const stamp = strategy(chain, Math.floor(now));
    const time = Math.min(stamp.time, Math.floor(now) + FUTURE);
    const ancestors = recent.map((h, k) => ({ ...h, hash: new Uint8Array(32), height: k }));
    // Every stamp must pass the header rules as a validating node with the real clock applies them.
    const ctx = headerContextFromAncestors(DEVNET, ancestors, Math.floor(now));
    expect(time).toBeGreaterThanOrEqual(ctx.minTime);
    expect(time).toBeLessThanOrEqual(ctx.now + FUTURE);
    chain.push({ time, bits, low: stamp.low });
    realTimes.push(now);
  }
  const half = Math.floor(blocks / 2);
  return ((realTimes[blocks - 1] as number) - (realTimes[half - 1] as number)) / (blocks - half);
}

describe('devnet block times are monotonic', () => {
  // 20 honest blocks 10 s apart, then one stamped 120 s ahead: the median time past lags far behind.
  const times = [...Array.from({ length: 20 }, (_, i) => 1_000_000 + i * T), 1_000_000 + 19 * T + 120];
  const ancestors = times.map((time, height) => ({
    time,
    bits: DEVNET.powLimitBits,
    hash: new Uint8Array(32).fill(height),
    height,
  }));
  const ctx = headerContextFromAncestors(DEVNET, ancestors, 1_000_000 + 20 * T);
  const header = (time: number) => ({
    version: 1,
    prevHash: new Uint8Array(32).fill(20),
    merkleRoot: new Uint8Array(32),
    time,
    bits: ctx.expectedBits,
    nonce: 0,
  });

  it('refuses a header stamped before its parent, though after the median time past', () => {
    expect(ctx.medianTimePast).toBeLessThan(1_000_000 + 19 * T);
    expect(ctx.minTime).toBe(1_000_000 + 19 * T + 120);
    expect(() => validateHeader(header(ctx.medianTimePast + 1), ctx)).toThrow(
      expect.objectContaining({ code: 'BLOCK_TIME_TOO_OLD' }),
    );
  });

  it('takes a header stamped at its parent time (checked as far as proof of work)', () => {
    expect(() => validateHeader(header(ctx.minTime), ctx)).toThrow(
      expect.objectContaining({ code: 'BLOCK_BAD_POW' }),
    );
  });
});

describe('devnet retarget against a time-warping majority miner', () => {
  const honestSeconds = simulate(honest);

  it('settles near targetBlockSeconds when the miner is honest', () => {
    expect(honestSeconds).toBeGreaterThan(T * 0.9);
    expect(honestSeconds).toBeLessThan(T * 1.1);
  });

  it.each([
    ['exploit (far ahead when the window opener is low, lowest otherwise)', exploit],
    ['always as far ahead as allowed', alwaysFuture],
    ['alternate far ahead and lowest', alternate],
  ])('keeps emission within 1.2x of honest: %s', (_name, strategy) => {
    const seconds = simulate(strategy);
    expect(honestSeconds / seconds).toBeLessThan(1.2);
  });
});
