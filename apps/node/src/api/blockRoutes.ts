import { bitsToDifficulty, bitsToWork } from '@powcoin/core';
import express from 'express';
import type { NodeService } from '../nodeService.js';
import type { P2PNetwork } from '../p2p/network.js';
import { HttpError } from './httpError.js';
import { blockToJson } from './json.js';
import { parse } from './parse.js';
import { hashesQuery, hashParam, heightParam, rangeQuery } from './schemas.js';

/** Network hashrate estimated from the work and timespan of the last blocks (hashes per second). */
function estimateHashrate(service: NodeService): number {
  const headers = service.chain.recentHeaders(21);
  if (headers.length < 2) return 0;
  const first = headers[0] as (typeof headers)[number];
  const last = headers[headers.length - 1] as (typeof headers)[number];
  const span = Math.max(1, last.time - first.time);
  let work = 0n;
  for (const h of headers.slice(1)) work += bitsToWork(h.bits);
  return Number(work) / span;
}

/** Read routes of the chain: GET /status, /blocks, /blocks/:id, /chain. */
export function blockRoutes(service: NodeService, p2p: P2PNetwork): express.Router {
  const { params, chain, store, mempool } = service;
  const router = express.Router();

  const blockAt = (id: string) => {
    const isHeight = /^[0-9]{1,10}$/.test(id);
    const hash = isHeight
      ? store.mainHashAt(parse(heightParam, id, 'height'))
      : parse(hashParam, id, 'block').toLowerCase();
    const block = hash === undefined ? undefined : chain.getBlock(hash);
    const header = hash === undefined ? undefined : store.getHeader(hash);
    if (!block || !header) throw new HttpError(404, 'NOT_FOUND', `no block ${id}`);
    const onMain = store.mainHashAt(header.height) === header.hash;
    return blockToJson(params, block, header.height, onMain ? chain.tip().height - header.height + 1 : 0);
  };

  router.get('/status', (_req, res) => {
    const tip = chain.tip();
    const header = store.getHeader(tip.hash);
    res.json({
      network: params.network,
      height: tip.height,
      tipHash: tip.hash,
      chainWork: tip.chainWork.toString(),
      difficulty: header ? bitsToDifficulty(header.bits) : 0,
      hashrate: estimateHashrate(service),
      mempoolSize: mempool.size,
      peers: p2p.connectedCount,
    });
  });

  router.get('/blocks', (req, res) => {
    const { from, limit } = parse(rangeQuery, req.query, 'query');
    const tip = chain.tip().height;
    const start = from ?? Math.max(0, tip - limit + 1);
    const blocks = [];
    for (let h = start; h <= tip && blocks.length < limit; h++) blocks.push(blockAt(String(h)));
    res.json({ height: tip, from: start, blocks });
  });

  // Light route: main-chain hashes by height, so a client learns hashes without block bodies.
  router.get('/hashes', (req, res) => {
    const { from, limit } = parse(hashesQuery, req.query, 'query');
    const tip = chain.tip().height;
    const hashes: string[] = [];
    for (let h = from; h <= tip && hashes.length < limit; h++) hashes.push(store.mainHashAt(h) as string);
    res.json({ height: tip, from, hashes });
  });

  router.get('/blocks/:id', (req, res) => {
    res.json(blockAt(req.params.id));
  });

  // Classic route: a page of the chain (never the whole chain at once).
  router.get('/chain', (req, res) => {
    const { from, limit } = parse(rangeQuery, req.query, 'query');
    const tip = chain.tip().height;
    const start = from ?? 0;
    const blocks = [];
    for (let h = start; h <= tip && blocks.length < limit; h++) blocks.push(blockAt(String(h)));
    res.json({ length: tip + 1, from: start, chain: blocks });
  });

  return router;
}
