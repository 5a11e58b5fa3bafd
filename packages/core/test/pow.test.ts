import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  bitsToDifficulty,
  bitsToTarget,
  bitsToWork,
  ConsensusError,
  DIFF1_TARGET,
  difficultyToTarget,
  hashMeetsTarget,
  targetToBits,
  targetToDifficulty,
  targetToWork,
} from '../src/index.js';

interface BitsVector {
  bits: string;
  target: string;
  compact: string;
  difficulty?: number;
}
const table = JSON.parse(readFileSync(new URL('./fixtures/bits.json', import.meta.url), 'utf8')) as {
  valid: BitsVector[];
  invalid: { bits: string; why: string }[];
};

describe('bits ⇄ target ⇄ difficulty (Bitcoin vectors)', () => {
  for (const v of table.valid) {
    const bits = Number.parseInt(v.bits, 16);
    it(`${v.bits} → target ${v.target} → compact ${v.compact}`, () => {
      const target = bitsToTarget(bits);
      expect(target).toBe(BigInt(`0x${v.target}`));
      expect(targetToBits(target)).toBe(Number.parseInt(v.compact, 16));
    });
    if (v.difficulty !== undefined) {
      const expected = v.difficulty;
      it(`${v.bits} has difficulty ${expected}`, () => {
        expect(bitsToDifficulty(bits) / expected).toBeCloseTo(1, 12);
        expect(targetToDifficulty(bitsToTarget(bits)) / expected).toBeCloseTo(1, 9);
      });
    }
  }
  for (const v of table.invalid) {
    it(`rejects ${v.bits}: ${v.why}`, () => {
      expect(() => bitsToTarget(Number.parseInt(v.bits, 16))).toThrow(ConsensusError);
      try {
        bitsToTarget(Number.parseInt(v.bits, 16));
      } catch (err) {
        expect((err as ConsensusError).code).toBe('BITS_INVALID');
      }
    });
  }

  it('round-trips any target through bits, losing only mantissa precision', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 255n) - 1n }), (target) => {
        const back = bitsToTarget(targetToBits(target));
        expect(back <= target).toBe(true);
        // 23 bits of mantissa: the error is below 2^-15 of the value.
        expect((target - back) * (1n << 15n) <= target).toBe(true);
        expect(targetToBits(back)).toBe(targetToBits(target));
      }),
    );
  });
});

describe('share difficulty → target', () => {
  it('difficulty 1 is 0xFFFF·2^208', () => {
    expect(difficultyToTarget(1)).toBe(DIFF1_TARGET);
    expect(DIFF1_TARGET).toBe(BigInt(`0x00000000ffff${'0'.repeat(52)}`));
  });

  it('handles fractional and large difficulties exactly', () => {
    expect(difficultyToTarget(2)).toBe(DIFF1_TARGET / 2n);
    expect(difficultyToTarget(0.5)).toBe(DIFF1_TARGET * 2n);
    expect(difficultyToTarget(1.5)).toBe((DIFF1_TARGET * 2n) / 3n);
    expect(difficultyToTarget(65536)).toBe(DIFF1_TARGET >> 16n);
    // 0.001 is not exact in binary: the target is DIFF1 divided by the double's exact value.
    const t = difficultyToTarget(0.001);
    expect(targetToDifficulty(t)).toBeCloseTo(0.001, 12);
  });

  it('clamps tiny difficulties to the largest target and rejects nonsense', () => {
    expect(difficultyToTarget(1e-80)).toBe((1n << 256n) - 1n);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => difficultyToTarget(bad)).toThrow(RangeError);
  });

  it('inverts targetToDifficulty within float precision', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1e12, noNaN: true }), (d) => {
        expect(targetToDifficulty(difficultyToTarget(d)) / d).toBeCloseTo(1, 9);
      }),
    );
  });

  it('compares hashes as little-endian numbers', () => {
    const hash = new Uint8Array(32);
    hash[31] = 0x01; // most significant byte
    expect(hashMeetsTarget(hash, 1n << 248n)).toBe(true);
    expect(hashMeetsTarget(hash, (1n << 248n) - 1n)).toBe(false);
  });
});

describe('work', () => {
  it('is 2^256 / (target + 1), so difficulty 1 is about 2^32 hashes', () => {
    expect(bitsToWork(0x1d00ffff)).toBe(0x100010001n);
    expect(targetToWork((1n << 256n) - 1n)).toBe(1n);
  });
});
