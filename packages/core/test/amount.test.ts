import fc from 'fast-check';
import { COIN, formatCoins, MAX_MONEY, parseCoins, parseUnits, unitsToString } from '../src/index.js';
import { codeOf } from './helpers/codeOf.js';

describe('amounts in coins', () => {
  it.each([
    ['12.5', 1_250_000_000n],
    ['0', 0n],
    ['0.00000001', 1n],
    ['1', COIN],
    ['21000000', MAX_MONEY],
    ['20999999.99999999', MAX_MONEY - 1n],
    ['3.10', 310_000_000n],
  ])('parses %s', (text, units) => {
    expect(parseCoins(text)).toBe(units);
  });

  it.each([
    [1_250_000_000n, '12.5'],
    [COIN, '1'],
    [1n, '0.00000001'],
    [0n, '0'],
    [MAX_MONEY, '21000000'],
  ])('formats %s as %s', (units, text) => {
    expect(formatCoins(units)).toBe(text);
  });

  it.each([
    ['', 'AMOUNT_MALFORMED'],
    ['abc', 'AMOUNT_MALFORMED'],
    ['1e5', 'AMOUNT_MALFORMED'],
    [' 1', 'AMOUNT_MALFORMED'],
    ['1 ', 'AMOUNT_MALFORMED'],
    ['+1', 'AMOUNT_MALFORMED'],
    ['01', 'AMOUNT_MALFORMED'],
    ['.5', 'AMOUNT_MALFORMED'],
    ['1.', 'AMOUNT_MALFORMED'],
    ['1,5', 'AMOUNT_MALFORMED'],
    ['0x10', 'AMOUNT_MALFORMED'],
    ['Infinity', 'AMOUNT_MALFORMED'],
    ['NaN', 'AMOUNT_MALFORMED'],
    ['１', 'AMOUNT_MALFORMED'],
    ['-1', 'AMOUNT_NEGATIVE'],
    ['-0.5', 'AMOUNT_NEGATIVE'],
    ['1.000000001', 'AMOUNT_TOO_PRECISE'],
    ['21000000.00000001', 'AMOUNT_OVERFLOW'],
    ['99999999999999999999', 'AMOUNT_OVERFLOW'],
    ['1'.repeat(100), 'AMOUNT_OVERFLOW'],
    ['a'.repeat(40), 'AMOUNT_MALFORMED'],
    ['1'.repeat(5000), 'AMOUNT_MALFORMED'],
  ])('rejects %j with %s', (text, code) => {
    expect(codeOf(() => parseCoins(text))).toBe(code);
  });

  it('round-trips every amount: parse(format(x)) = x', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY }), (units) => {
        expect(parseCoins(formatCoins(units))).toBe(units);
      }),
    );
  });

  it('round-trips canonical strings: format(parse(s)) = s', () => {
    const canonical = fc
      .tuple(fc.bigInt({ min: 0n, max: 20_999_999n }), fc.integer({ min: 0, max: 99_999_999 }))
      .map(([whole, frac]) => {
        const f = frac.toString().padStart(8, '0').replace(/0+$/, '');
        return f ? `${whole}.${f}` : whole.toString();
      });
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatCoins(parseCoins(text))).toBe(text);
      }),
    );
  });

  it('refuses to format out-of-range units', () => {
    expect(codeOf(() => formatCoins(-1n))).toBe('AMOUNT_NEGATIVE');
    expect(codeOf(() => formatCoins(MAX_MONEY + 1n))).toBe('AMOUNT_OVERFLOW');
  });
});

describe('amounts in base units (JSON)', () => {
  it('round-trips as decimal strings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY }), (units) => {
        expect(parseUnits(unitsToString(units))).toBe(units);
      }),
    );
  });

  it.each([
    ['1.5', 'AMOUNT_MALFORMED'],
    ['', 'AMOUNT_MALFORMED'],
    ['007', 'AMOUNT_MALFORMED'],
    ['-5', 'AMOUNT_NEGATIVE'],
    ['2100000000000001', 'AMOUNT_OVERFLOW'],
  ])('rejects %j with %s', (text, code) => {
    expect(codeOf(() => parseUnits(text))).toBe(code);
  });
});
