import { ConsensusError } from './errors.js';

/** Base units per coin: 1 coin = 100,000,000 units. */
export const COIN = 100_000_000n;
/** Decimal places of a coin amount. */
export const COIN_DECIMALS = 8;
/** No amount, balance or sum may exceed this (21 million coins, as in Bitcoin). */
export const MAX_MONEY = 21_000_000n * COIN;

const COINS_RE = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const UNITS_RE = /^(0|[1-9][0-9]*)$/;
// Longer input is refused before any parsing; shorter input is judged by its value.
const MAX_INPUT_LENGTH = 1024;

/**
 * Parses an amount typed in coins ("12.5", "0.00000001") into base units.
 * Rejects anything but plain decimal digits with an optional fraction: signs, exponents, spaces,
 * leading zeros, a bare point, more than 8 decimals and amounts above MAX_MONEY.
 */
export function parseCoins(text: string): bigint {
  if (typeof text !== 'string') throw new ConsensusError('AMOUNT_MALFORMED', 'amount must be a string');
  if (text.startsWith('-')) {
    throw new ConsensusError('AMOUNT_NEGATIVE', `amount must not be negative, got "${clip(text)}"`);
  }
  if (text.length > MAX_INPUT_LENGTH) {
    throw new ConsensusError('AMOUNT_MALFORMED', `amount is too long (${text.length} characters)`);
  }
  const match = COINS_RE.exec(text);
  if (!match) {
    throw new ConsensusError('AMOUNT_MALFORMED', `"${clip(text)}" is not an amount like 12.5`);
  }
  const whole = match[1] as string;
  const fraction = match[2] ?? '';
  if (fraction.length > COIN_DECIMALS) {
    throw new ConsensusError(
      'AMOUNT_TOO_PRECISE',
      `at most ${COIN_DECIMALS} decimals allowed, got ${fraction.length}`,
    );
  }
  const units = BigInt(whole) * COIN + BigInt(fraction.padEnd(COIN_DECIMALS, '0') || '0');
  return checkMoneyRange(units);
}

/** Formats base units as coins with no trailing zeros: 1250000000n → "12.5", 100000000n → "1". */
export function formatCoins(units: bigint): string {
  checkMoneyRange(units);
  const whole = units / COIN;
  const fraction = (units % COIN).toString().padStart(COIN_DECIMALS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** Base units as the decimal string used in JSON (never a float). */
export function unitsToString(units: bigint): string {
  return checkMoneyRange(units).toString();
}

/** Parses base units from a JSON decimal string ("1250000000"), strictly. */
export function parseUnits(text: string): bigint {
  if (typeof text !== 'string')
    throw new ConsensusError('AMOUNT_MALFORMED', 'units must be a decimal string');
  if (text.startsWith('-')) throw new ConsensusError('AMOUNT_NEGATIVE', 'units must not be negative');
  if (text.length > MAX_INPUT_LENGTH)
    throw new ConsensusError('AMOUNT_MALFORMED', 'units string is too long');
  if (!UNITS_RE.test(text)) {
    throw new ConsensusError('AMOUNT_MALFORMED', `"${clip(text)}" is not a whole number of base units`);
  }
  return checkMoneyRange(BigInt(text));
}

/** Throws unless 0 ≤ units ≤ MAX_MONEY; returns the value for chaining. */
export function checkMoneyRange(units: bigint): bigint {
  if (typeof units !== 'bigint') throw new ConsensusError('AMOUNT_MALFORMED', 'amount must be a bigint');
  if (units < 0n) throw new ConsensusError('AMOUNT_NEGATIVE', `amount must not be negative, got ${units}`);
  if (units > MAX_MONEY) {
    throw new ConsensusError('AMOUNT_OVERFLOW', `amount ${units} exceeds the maximum of ${MAX_MONEY} units`);
  }
  return units;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
