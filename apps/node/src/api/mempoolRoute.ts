import type { ChainParams } from '@powcoin/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { NodeService } from '../nodeService.js';
import { txToJson } from './json.js';

export const MEMPOOL_PAGE_DEFAULT = 100;
export const MEMPOOL_PAGE_MAX = 1000;

/** `GET /mempool?limit&offset&txids`: a page of pending transactions, oldest first. */
export const mempoolQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MEMPOOL_PAGE_MAX).default(MEMPOOL_PAGE_DEFAULT),
    offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    /** `txids=1`: only the txids, not the transactions. */
    txids: z.enum(['0', '1', 'true', 'false']).optional(),
  })
  .strict();

interface Snapshot {
  readonly key: string;
  readonly txs: readonly unknown[];
  readonly txids: readonly string[];
}

/**
 * The `GET /mempool` handler. What is served is built once per (tip, mempool version) and kept,
 * so repeated reads cost a slice, not a decode and JSON conversion of every pending transaction.
 */
export function mempoolHandler(
  service: NodeService,
  params: ChainParams,
  parse: <T extends z.ZodType>(schema: T, value: unknown, what: string) => z.infer<T>,
): (req: Request, res: Response) => void {
  let cached: Snapshot | undefined;
  const snapshot = (): Snapshot => {
    const key = `${service.chain.tip().hash}:${service.mempool.version}`;
    if (cached?.key === key) return cached;
    const entries = service.mempool.entries();
    cached = { key, txs: entries.map((e) => txToJson(params, e.tx)), txids: entries.map((e) => e.txid) };
    return cached;
  };
  return (req, res) => {
    const { limit, offset, txids } = parse(mempoolQuery, req.query, 'query');
    const snap = snapshot();
    const onlyIds = txids === '1' || txids === 'true';
    const page = (onlyIds ? snap.txids : snap.txs).slice(offset, offset + limit);
    const next = offset + page.length < snap.txids.length ? offset + page.length : null;
    res.json({
      size: snap.txids.length,
      offset,
      limit,
      next,
      ...(onlyIds ? { txids: page } : { txs: page }),
    });
  };
}
