import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { NodeService } from '../nodeService.js';
import type { P2PNetwork } from '../p2p/network.js';
import { addressRoutes } from './addressRoutes.js';
import { adminRoutes } from './adminRoutes.js';
import { requireCookie } from './auth.js';
import { blockRoutes } from './blockRoutes.js';
import { bodyParsers } from './bodyLimits.js';
import { HttpError, toHttpError } from './httpError.js';
import { miningRoutes } from './miningRoutes.js';
import { txRoutes } from './txRoutes.js';

/** `public/` beside `src/` and `dist/`: the explorer page. */
const EXPLORER_DIR = fileURLToPath(new URL('../../public', import.meta.url));

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
  /** The operator's credential (the data dir's `.cookie`): routes that change the setup need it. */
  adminCookie: string,
): express.Express {
  const { params } = service;
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
  app.use(bodyParsers(params.maxBlockBytes));
  // The block explorer: one static page that reads this API and listens on /ws.
  app.use(express.static(EXPLORER_DIR, { index: 'index.html', maxAge: 0 }));
  app.get('/explorer', (_req, res) => res.redirect('/'));

  app.use(blockRoutes(service, p2p));
  app.use(addressRoutes(service));
  app.use(txRoutes(service));
  app.use(miningRoutes(service));
  app.use(adminRoutes(service, p2p, requireCookie(adminCookie)));

  app.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const http = toHttpError(err);
    res.status(http.status).json({ error: { code: http.code, message: http.message } });
  });
  return app;
}
