import {
  bitsToTarget,
  DEVNET,
  medianTimePast,
  nextBits,
  REGTEST,
  type TimedBits,
  targetToBits,
} from '../src/index.js';

const T = DEVNET.targetBlockSeconds;
const W = DEVNET.retarget?.windowBlocks ?? 0;

function window(bits: number, spacing: number, count = W + 1): TimedBits[] {
  return Array.from({ length: count }, (_, i) => ({ time: 1_000_000 + i * spacing, bits }));
}

function ratio(nextBitsValue: number, bits: number): number {
  return Number((bitsToTarget(nextBitsValue) * 1_000_000n) / bitsToTarget(bits)) / 1_000_000;
}

describe('regtest', () => {
  it('never retargets', () => {
    expect(nextBits(REGTEST, window(REGTEST.powLimitBits, 1))).toBe(REGTEST.powLimitBits);
    expect(nextBits(REGTEST, window(REGTEST.powLimitBits, 10_000))).toBe(REGTEST.powLimitBits);
  });
});

describe('devnet retarget', () => {
  const bits = 0x1e0fffff;

  it('keeps the target when blocks come on schedule', () => {
    expect(nextBits(DEVNET, window(bits, T))).toBe(bits);
  });

  it('makes blocks harder in proportion when they come faster, easier when slower', () => {
    expect(ratio(nextBits(DEVNET, window(bits, T / 2)), bits)).toBeCloseTo(0.5, 4);
    expect(ratio(nextBits(DEVNET, window(bits, (T * 3) / 2)), bits)).toBeCloseTo(1.5, 4);
  });

  it('bounds each step to maxStep, whatever the timestamps say', () => {
    expect(ratio(nextBits(DEVNET, window(bits, 0)), bits)).toBeCloseTo(0.5, 4);
    expect(ratio(nextBits(DEVNET, window(bits, T * 100)), bits)).toBeCloseTo(2, 4);
    // time running backwards is clamped like a very fast window
    const backwards = window(bits, T)
      .reverse()
      .map((h, i) => ({ ...h, bits: window(bits, T)[i]?.bits ?? bits }));
    expect(ratio(nextBits(DEVNET, backwards), bits)).toBeCloseTo(0.5, 4);
  });

  it('never goes easier than the pow limit', () => {
    expect(nextBits(DEVNET, window(DEVNET.powLimitBits, T * 10))).toBe(DEVNET.powLimitBits);
  });

  it('uses the blocks there are when the chain is shorter than the window', () => {
    expect(nextBits(DEVNET, window(DEVNET.powLimitBits, T, 1))).toBe(DEVNET.powLimitBits);
    expect(ratio(nextBits(DEVNET, window(bits, T / 2, 3)), bits)).toBeCloseTo(0.5, 4);
  });

  it('follows the hashrate: block times settle near 10 s after a 1000x jump and a 4x drop', () => {
    // Deterministic miners: a block at target t takes (2^256 / t) / hashrate seconds.
    const chain: TimedBits[] = [{ time: 0, bits: DEVNET.powLimitBits }];
    const mine = (hashrate: number, blocks: number): number[] => {
      const times: number[] = [];
      for (let i = 0; i < blocks; i++) {
        const b = nextBits(DEVNET, chain.slice(-(W + 1)));
        const hashes = Number((1n << 256n) / bitsToTarget(b));
        const seconds = Math.max(1, Math.round(hashes / hashrate));
        const parent = chain[chain.length - 1] as TimedBits;
        chain.push({ time: parent.time + seconds, bits: b });
        times.push(seconds);
      }
      return times;
    };
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // 1000x the hashrate the pow limit is made for (65,536 hashes / 10 s)
    const fast = mine(6_553_600, 300);
    expect(avg(fast.slice(-50))).toBeGreaterThan(8);
    expect(avg(fast.slice(-50))).toBeLessThan(12);
    const slow = mine(6_553_600 / 4, 300);
    expect(avg(slow.slice(-50))).toBeGreaterThan(8);
    expect(avg(slow.slice(-50))).toBeLessThan(12);
  });

  it('round-trips the bits it emits', () => {
    const b = nextBits(DEVNET, window(bits, 7));
    expect(targetToBits(bitsToTarget(b))).toBe(b);
  });
});

describe('median time past', () => {
  it('is the median of the last 11 times, in any order', () => {
    const times = [5, 1, 9, 3, 7, 11, 2, 8, 4, 10, 6, 100].map((time) => ({ time, bits: 0 }));
    expect(medianTimePast(REGTEST, times)).toBe(7); // last 11: 1..11
    expect(medianTimePast(REGTEST, times.slice(0, 3))).toBe(5);
  });
});
