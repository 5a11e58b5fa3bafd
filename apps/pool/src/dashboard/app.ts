import { fileURLToPath } from 'node:url';
import { formatCoins } from '@powcoin/core';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Pool } from '../pool.js';

const PAGE_DIR = fileURLToPath(new URL('../../public', import.meta.url));
const HASHRATE_WINDOW_MS = 10 * 60_000;
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
/** A session lists at most this many of its worker names (with the count of all of them). */
const WORKERS_SHOWN = 16;

const coins = (units: bigint) => ({ units: units.toString(), coins: formatCoins(units < 0n ? 0n : units) });

/**
 * The pool's dashboard: a JSON API (pool and per-miner hashrate, shares, balances, payouts,
 * blocks) and a page that reads it. Share weights are difficulty × 2^32, i.e. expected hashes, so
 * a hashrate is the weight of the last ten minutes' shares divided by the time they span (600 s, or
 * less when the pool started more recently, but at least 30 s).
 */
/**
 * Found blocks for people: on the chain (accepted, immature or mature), orphaned (a competing block
 * won: common while a devnet's difficulty is still far too low), and lost (refused or never on the
 * chain).
 */
function blockFigures(c: ReturnType<Pool['store']['blockCounts']>) {
  return {
    blocksFound: c.pending + c.matured,
    blocksOrphaned: c.orphaned,
    blocksLost: c.rejected,
    blocksSubmitted: c.submitted,
  };
}

export function createDashboardApp(pool: Pool, now: () => number = Date.now): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(rateLimit({ windowMs: 60_000, limit: 1200, standardHeaders: 'draft-8', legacyHeaders: false }));
  app.use(express.static(PAGE_DIR, { index: 'index.html' }));

  const minerFigures = () => {
    const since = now() - HASHRATE_WINDOW_MS;
    const recent = pool.store.sharesSince(since);
    // over the window, or since the first share in it when the pool has run for less (at least 30 s)
    const first = recent.reduce((m, s) => Math.min(m, s.createdMs), now());
    const seconds = Math.max(30, Math.min(HASHRATE_WINDOW_MS, now() - first) / 1000);
    const hashrate = new Map<string, number>();
    const workers = new Map<string, Set<string>>();
    for (const s of recent) {
      hashrate.set(s.address, (hashrate.get(s.address) ?? 0) + Number(s.weight) / seconds);
      const set = workers.get(s.address) ?? new Set<string>();
      set.add(s.worker);
      workers.set(s.address, set);
    }
    const balances = pool.store.balances();
    const immature = pool.store.immatureTotals();
    const paid = pool.store.paidTotals();
    const counts = pool.store.shareCounts();
    const addresses = new Set([...balances.keys(), ...immature.keys(), ...paid.keys(), ...counts.keys()]);
    return [...addresses].sort().map((address) => ({
      address,
      hashrate: hashrate.get(address) ?? 0,
      workers: [...(workers.get(address) ?? [])].sort(),
      shares: counts.get(address) ?? 0,
      balance: coins(balances.get(address) ?? 0n),
      immature: coins(immature.get(address) ?? 0n),
      paid: coins(paid.get(address) ?? 0n),
    }));
  };

  app.get('/api/stats', (_req, res) => {
    const miners = minerFigures();
    const job = pool.jobs.currentJob;
    res.json({
      network: pool.params.network,
      poolAddress: pool.poolAddress,
      scheme: pool.config.scheme,
      feePercent: pool.config.feeBasisPoints / 100,
      payoutThreshold: coins(pool.config.payoutThreshold),
      height: job ? job.height - 1 : null,
      booksHeight: pool.booksHeight,
      connections: pool.stratum.connections,
      refusedConnections: pool.stratum.refused,
      hashrate: miners.reduce((sum, m) => sum + m.hashrate, 0),
      miners: miners.filter((m) => m.hashrate > 0).length,
      round: pool.store.currentRound(),
      ...blockFigures(pool.store.blockCounts()),
    });
  });

  // paged: one address can authorize many workers, and the page must stay cheap to serve
  app.get('/api/miners', (req, res) => {
    const q = pageQuery.safeParse(req.query);
    if (!q.success) {
      res
        .status(400)
        .json({ error: { code: 'BAD_REQUEST', message: 'limit must be 1..500, offset 0 or more' } });
      return;
    }
    const { limit, offset } = q.data;
    const miners = minerFigures();
    const sessions = pool.stratum.sessionStats();
    res.json({
      total: miners.length,
      offset,
      limit,
      miners: miners.slice(offset, offset + limit),
      sessionsTotal: sessions.length,
      sessions: sessions.slice(offset, offset + limit).map((s) => ({
        ...s,
        workers: s.workers.slice(0, WORKERS_SHOWN),
        workerCount: s.workers.length,
      })),
    });
  });

  app.get('/api/blocks', (req, res) => {
    const q = limitQuery.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'limit must be 1..500' } });
      return;
    }
    res.json({
      blocks: pool.store.recentBlocks(q.data.limit).map((b) => ({
        ...b,
        reward: coins(b.reward),
        credits: pool.store.creditsOf(b.hash).map((c) => ({ address: c.address, amount: coins(c.amount) })),
      })),
    });
  });

  app.get('/api/payouts', (req, res) => {
    const q = limitQuery.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'limit must be 1..500' } });
      return;
    }
    res.json({
      payouts: pool.store.recentPayouts(q.data.limit).map((p) => ({
        txid: p.txid,
        address: p.address,
        amount: coins(p.amount),
        fee: coins(p.fee),
        nonce: p.nonce,
        status: p.status,
        tipHeight: p.tipHeight,
        createdMs: p.createdMs,
      })),
    });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  return app;
}
