import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addressFromHash,
  addressFromPublicKey,
  bytesToHex,
  hash160,
  publicKeyFromPrivate,
  REGTEST,
} from '@powcoin/core';
import { type LedgerAudit, waitFor } from '@powcoin/testkit';
import Database from 'better-sqlite3';

/** Where each system test adds what it checked; `npm test` prints the sums as one line. */
export const SUMMARY_FILE = join(new URL('..', import.meta.url).pathname, '.system-summary.jsonl');

export function record(
  counts: Partial<Record<'blocks' | 'payouts' | 'reorgs' | 'kills' | 'fuzz', number>> & { hostile?: string },
): void {
  appendFileSync(SUMMARY_FILE, `${JSON.stringify(counts)}\n`);
}

export function keyOf(i: number): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, 0x5000 + i);
  return k;
}
export const addressOf = (i: number) => addressFromPublicKey(REGTEST, publicKeyFromPrivate(keyOf(i)));
export const keyHex = (i: number) => bytesToHex(keyOf(i));
export const burnAddress = (n: number) => addressFromHash(REGTEST, hash160(Uint8Array.of(n)));

/**
 * Waits until the pool's books have followed the node's tip (the maturity-and-payout round of that
 * height has run), then returns the pool's stats.
 */
export async function poolCaughtUp(poolUrl: string, nodeUrl: string): Promise<{ poolAddress: string }> {
  let stats: { poolAddress: string; booksHeight: number } | undefined;
  await waitFor(
    "the pool's books at the node's tip",
    async () => {
      const tip = (await (await fetch(`${nodeUrl}/status`)).json()) as { height: number };
      stats = (await (await fetch(`${poolUrl}/api/stats`)).json()) as typeof stats;
      return stats?.booksHeight === tip.height;
    },
    30_000,
  );
  return stats as NonNullable<typeof stats>;
}

export interface PoolAudit {
  readonly payouts: number;
  readonly maturedBlocks: number;
  readonly orphaned: number;
}

/**
 * Checks a pool's books (its SQLite file, read-only) against the chain:
 * - every block's credits are the proportional split of its round's shares, to the base unit;
 * - for every miner, matured credits = still owed + paid;
 * - payout nonces are unique, and what the chain shows a miner from the pool is exactly the pool's
 *   payouts whose transactions are on the chain (nothing paid twice, nothing lost);
 * - no block the pool counts as pending or matured below the tip is missing from the chain.
 */
export function auditPool(
  file: string,
  audit: LedgerAudit,
  poolAddress: string,
  feeBasisPoints = 100,
): PoolAudit {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const blocks = db.prepare('SELECT hash, height, round, reward, status FROM blocks').all() as Array<{
      hash: string;
      height: number;
      round: number;
      reward: string;
      status: string;
    }>;
    const credits = db.prepare('SELECT block_hash, address, amount FROM credits').all() as Array<{
      block_hash: string;
      address: string;
      amount: string;
    }>;
    // the pool keeps per-round totals for good and prunes raw shares of old rounds: splits are
    // checked against the totals, and the totals against every raw share still there
    const totals = db.prepare('SELECT round, address, weight FROM round_shares').all() as Array<{
      round: number;
      address: string;
      weight: string;
    }>;
    const shares = db.prepare('SELECT round, address, weight FROM shares').all() as Array<{
      round: number;
      address: string;
      weight: string;
    }>;
    const payouts = db.prepare('SELECT txid, address, amount, nonce, status FROM payouts').all() as Array<{
      txid: string;
      address: string;
      amount: string;
      nonce: number;
      status: string;
    }>;
    const balances = new Map(
      (
        db.prepare('SELECT address, amount FROM balances').all() as Array<{ address: string; amount: string }>
      ).map((b) => [b.address, BigInt(b.amount)]),
    );

    const weights = new Map<number, Map<string, bigint>>();
    for (const t of totals) {
      const round = weights.get(t.round) ?? new Map<string, bigint>();
      round.set(t.address, BigInt(t.weight));
      weights.set(t.round, round);
    }
    const raw = new Map<string, bigint>();
    for (const s of shares)
      raw.set(`${s.round} ${s.address}`, (raw.get(`${s.round} ${s.address}`) ?? 0n) + BigInt(s.weight));
    for (const [key, w] of raw) {
      const [round, address] = key.split(' ') as [string, string];
      if (weights.get(Number(round))?.get(address) !== w)
        throw new Error(`round ${round}: ${address}'s raw shares weigh ${w}, its round total says otherwise`);
    }
    const byBlock = new Map<string, Map<string, bigint>>();
    for (const c of credits) {
      const m = byBlock.get(c.block_hash) ?? new Map<string, bigint>();
      m.set(c.address, BigInt(c.amount));
      byBlock.set(c.block_hash, m);
    }
    const matured = new Map<string, bigint>();
    for (const b of blocks) {
      if (b.status === 'submitted' || b.status === 'rejected') continue;
      const reward = BigInt(b.reward);
      const net = reward - (reward * BigInt(feeBasisPoints)) / 10_000n;
      const round = weights.get(b.round) ?? new Map<string, bigint>();
      let total = 0n;
      for (const w of round.values()) total += w;
      const got = byBlock.get(b.hash) ?? new Map<string, bigint>();
      for (const [address, w] of round) {
        const expected = (net * w) / total;
        if (expected > 0n && got.get(address) !== expected) {
          throw new Error(
            `block ${b.hash}: ${address} credited ${got.get(address)}, its share of the round is ${expected}`,
          );
        }
      }
      if (b.status === 'matured') for (const [a, v] of got) matured.set(a, (matured.get(a) ?? 0n) + v);
    }
    if (new Set(payouts.map((p) => p.nonce)).size !== payouts.length)
      throw new Error('two payouts share a nonce');
    const paid = new Map<string, bigint>();
    const onChain = new Map<string, bigint>();
    for (const p of payouts) {
      paid.set(p.address, (paid.get(p.address) ?? 0n) + BigInt(p.amount));
      if (audit.txids.has(p.txid)) onChain.set(p.address, (onChain.get(p.address) ?? 0n) + BigInt(p.amount));
    }
    for (const [address, m] of matured) {
      const owed = balances.get(address) ?? 0n;
      if (owed + (paid.get(address) ?? 0n) !== m)
        throw new Error(`${address}: matured ${m} != owed ${owed} + paid ${paid.get(address) ?? 0n}`);
    }
    const fromPool = audit.transfersFrom(poolAddress);
    for (const [address, amount] of fromPool) {
      if ((onChain.get(address) ?? 0n) !== amount)
        throw new Error(
          `the chain shows ${amount} from the pool to ${address}, the pool recorded ${onChain.get(address) ?? 0n}`,
        );
    }
    for (const b of blocks) {
      // a block beside the tip at the tip's height may still win: only below the tip is it decided
      if (
        (b.status === 'pending' || b.status === 'matured') &&
        b.height < audit.height &&
        !audit.blockHashes.has(b.hash)
      ) {
        throw new Error(`the pool counts block ${b.hash} as ${b.status}, but it is not on the chain`);
      }
    }
    return {
      payouts: payouts.filter((p) => audit.txids.has(p.txid)).length,
      maturedBlocks: blocks.filter((b) => b.status === 'matured').length,
      orphaned: blocks.filter((b) => b.status === 'orphaned').length,
    };
  } finally {
    db.close();
  }
}
