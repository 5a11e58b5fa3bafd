/**
 * How a block's reward is divided, in bigint base units. Share weights are exact integers
 * (difficulty × 2^32), so every miner's credit is reproducible to the base unit:
 *   fee    = floor(reward × feeBasisPoints / 10000)
 *   credit = floor((reward − fee) × weight / totalWeight)
 * and the pool keeps the fee plus the rounding remainder.
 */
export interface RewardSplit {
  readonly credits: ReadonlyMap<string, bigint>;
  readonly poolKeeps: bigint;
}

export function splitReward(
  reward: bigint,
  feeBasisPoints: number,
  weights: ReadonlyMap<string, bigint>,
): RewardSplit {
  if (!Number.isInteger(feeBasisPoints) || feeBasisPoints < 0 || feeBasisPoints > 10_000) {
    throw new RangeError(`fee must be 0..10000 basis points, got ${feeBasisPoints}`);
  }
  const fee = (reward * BigInt(feeBasisPoints)) / 10_000n;
  const net = reward - fee;
  let total = 0n;
  for (const w of weights.values()) total += w;
  const credits = new Map<string, bigint>();
  if (total === 0n) return { credits, poolKeeps: reward };
  let paid = 0n;
  for (const [address, w] of [...weights.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const credit = (net * w) / total;
    if (credit > 0n) {
      credits.set(address, credit);
      paid += credit;
    }
  }
  return { credits, poolKeeps: reward - paid };
}

/**
 * PPLNS: the weights of the most recent shares (newest first) up to `window` in total weight.
 * The share that crosses the window counts only for the part inside it.
 */
export function pplnsWeights(
  newestFirst: Iterable<{ address: string; weight: bigint }>,
  window: bigint,
): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let left = window;
  for (const share of newestFirst) {
    if (left <= 0n) break;
    const counted = share.weight < left ? share.weight : left;
    out.set(share.address, (out.get(share.address) ?? 0n) + counted);
    left -= counted;
  }
  return out;
}

/** Parses `--fee` percent ("1", "0.5", "2.25") into basis points, exactly. */
export function percentToBasisPoints(text: string): number {
  if (!/^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$/.test(text)) {
    throw new RangeError(`fee must be a percentage from 0 to 100 with at most 2 decimals, got "${text}"`);
  }
  const [whole, frac = ''] = text.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}
