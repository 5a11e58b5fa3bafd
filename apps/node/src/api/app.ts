import { fileURLToPath } from 'node:url';
import {
  addressToHash,
  bitsToDifficulty,
  bitsToWork,
  decodeBlock,
  decodeTx,
  formatCoins,
  hexToBytes,
} from '@powcoin/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { z } from 'zod';
import type { NodeService } from '../nodeService.js';
import type { P2PNetwork } from '../p2p/network.js';
import { HttpError, toHttpError } from './httpError.js';
import { blockToJson, txToJson } from './json.js';
import { mempoolHandler } from './mempoolRoute.js';
import {
  addPeerBody,
  hashParam,
  heightParam,
  pageQuery,
  rangeQuery,
  registerNodesBody,
  submitBlockBody,
  submitTxBody,
  templateQuery,
} from './schemas.js';
import { createTemplate } from './template.js';

/** `public/` beside `src/` and `dist/`: the explorer page. */
const EXPLORER_DIR = fileURLToPath(new URL('../../public', import.meta.url));

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, 'BAD_REQUEST', `${what}: ${where}${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

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

/**
 * The node's HTTP JSON API. Every body and parameter is validated by a schema; every error is
 * `{"error": {"code", "message"}}` with a 4xx status (500 only for a bug, without details).
 */
export interface ApiLimits {
  /** Requests one client address may make per minute before answers become 429. */
  readonly requestsPerMinute: number;
  /**
   * Whether clients on this machine (loopback) are limited too. By default they are not: the pool
   * and wallets beside the node are trusted like Bitcoin Core's local RPC users, and a pool finding
   * blocks fast must not have its submissions refused. Tests of the limiter turn it on.
   */
  readonly limitLoopback?: boolean;
}

const isLoopback = (address: string | undefined) =>
  address !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(address);

export function createApiApp(
  service: NodeService,
  p2p: P2PNetwork,
  limits: ApiLimits = { requestsPerMinute: 6000 },
): express.Express {
  const { params, chain, store, mempool } = service;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: limits.requestsPerMinute,
      skip: (req) => !limits.limitLoopback && isLoopback(req.socket.remoteAddress),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => {
        res.status(429).json({ error: { code: 'RATE_LIMITED', message: 'too many requests; slow down' } });
      },
    }),
  );
  app.set('query parser', 'simple');
  app.use(express.json({ limit: params.maxBlockBytes * 2 + 1024, strict: true }));
  // The block explorer: one static page that reads this API and listens on /ws.
  app.use(express.static(EXPLORER_DIR, { index: 'index.html', maxAge: 0 }));
  app.get('/explorer', (_req, res) => res.redirect('/'));

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

  app.get('/status', (_req, res) => {
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

  app.get('/blocks', (req, res) => {
    const { from, limit } = parse(rangeQuery, req.query, 'query');
    const tip = chain.tip().height;
    const start = from ?? Math.max(0, tip - limit + 1);
    const blocks = [];
    for (let h = start; h <= tip && blocks.length < limit; h++) blocks.push(blockAt(String(h)));
    res.json({ height: tip, from: start, blocks });
  });

  app.get('/blocks/:id', (req, res) => {
    res.json(blockAt(req.params.id));
  });

  // Classic route: a page of the chain (never the whole chain at once).
  app.get('/chain', (req, res) => {
    const { from, limit } = parse(rangeQuery, req.query, 'query');
    const tip = chain.tip().height;
    const start = from ?? 0;
    const blocks = [];
    for (let h = start; h <= tip && blocks.length < limit; h++) blocks.push(blockAt(String(h)));
    res.json({ length: tip + 1, from: start, chain: blocks });
  });

  app.get('/tx/:txid', (req, res) => {
    const id = parse(hashParam, req.params.txid, 'txid').toLowerCase();
    const pending = mempool.get(id);
    if (pending) {
      res.json({ status: 'pending', confirmations: 0, tx: txToJson(params, pending) });
      return;
    }
    const location = store.getTxLocation(id);
    const block = location && chain.getBlock(location.blockHash);
    const tx = block?.txs[location?.position ?? -1];
    if (!location || !tx) throw new HttpError(404, 'NOT_FOUND', `no transaction ${id}`);
    res.json({
      status: 'confirmed',
      blockHash: location.blockHash,
      height: location.height,
      confirmations: chain.tip().height - location.height + 1,
      tx: txToJson(params, tx),
    });
  });

  app.get('/address/:address', (req, res) => {
    const address = req.params.address;
    addressToHash(params, address); // ADDRESS_* codes for a bad address
    const { limit, offset } = parse(pageQuery, req.query, 'query');
    const account = store.getAccount(address);
    const pendingOut = mempool.pendingOf(address);
    const pending = pendingOut.reduce((sum, tx) => sum + tx.amount + tx.fee, 0n);
    const tipHeight = chain.tip().height;
    const history = store.addressHistory(address, limit, offset).map((entry) => {
      const block = chain.getBlock(store.mainHashAt(entry.height) as string);
      const tx = block?.txs[entry.position];
      return {
        height: entry.height,
        confirmations: tipHeight - entry.height + 1,
        tx: tx && txToJson(params, tx),
      };
    });
    res.json({
      address,
      balance: account.balance.toString(),
      balanceCoins: formatCoins(account.balance),
      immature: account.immature.toString(),
      immatureCoins: formatCoins(account.immature),
      pending: pending.toString(),
      pendingCoins: formatCoins(pending),
      nonce: account.nonce,
      nextNonce: account.nonce + pendingOut.length,
      history,
    });
  });

  app.get('/mempool', mempoolHandler(service, params, parse));

  const submitTx = (req: Request, res: Response) => {
    const { hex } = parse(submitTxBody, req.body, 'body');
    const id = service.submitTransaction(decodeTx(hexToBytes(hex)));
    res.status(201).json({ txid: id, status: 'pending' });
  };
  app.post('/tx', submitTx);
  app.post('/transactions/new', submitTx); // classic route

  app.get('/template', (req, res) => {
    const { address, extranonceBytes } = parse(templateQuery, req.query, 'query');
    res.json(createTemplate(service, address, extranonceBytes));
  });

  app.post('/blocks', (req, res) => {
    const { hex } = parse(submitBlockBody(params.maxBlockBytes), req.body, 'body');
    const result = service.submitBlock(decodeBlock(hexToBytes(hex), params.maxBlockBytes));
    res.status(result.status === 'tip' ? 201 : 202).json({
      hash: result.hash,
      height: result.height,
      status: result.status,
      reorg:
        result.disconnected.length > 0
          ? { disconnected: result.disconnected.length, connected: result.connected.length }
          : undefined,
    });
  });

  app.get('/peers', (_req, res) => {
    res.json(p2p.list());
  });

  app.post('/peers', (req, res) => {
    const { url } = parse(addPeerBody, req.body, 'body');
    res.status(201).json({ url: p2p.addPeer(url) });
  });

  // Classic routes: register nodes; resolve conflicts by syncing with every peer (most work wins).
  app.post('/nodes/register', (req, res) => {
    const { nodes } = parse(registerNodesBody, req.body, 'body');
    const added = p2p.addPeers(nodes);
    res.status(201).json({ message: 'New nodes have been added', total_nodes: added });
  });

  app.get('/nodes/resolve', async (_req, res) => {
    const before = chain.tip();
    await p2p.syncAll();
    const after = chain.tip();
    res.json({
      message: after.hash === before.hash ? 'Our chain is authoritative' : 'Our chain was replaced',
      replaced: after.hash !== before.hash,
      height: after.height,
      tipHash: after.hash,
    });
  });

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const http = toHttpError(err);
    res.status(http.status).json({ error: { code: http.code, message: http.message } });
  });
  return app;
}
