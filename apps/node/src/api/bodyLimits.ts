import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpError } from './httpError.js';

/** Bodies of every route but POST /blocks (txs, peers, node lists) are small: a few KB at most. */
export const SMALL_BODY_BYTES = 16 * 1024;

/** `{"hex":"..."}` and nothing else: the only shape POST /blocks takes, checked before JSON.parse. */
const BLOCK_BODY = /^\s*\{\s*"hex"\s*:\s*"[0-9a-fA-F]*"\s*\}\s*$/;

/**
 * Body parsers with a limit per route: a small JSON limit everywhere, and for POST /blocks the
 * block size limit but a shape check by one linear regex before JSON.parse, so a body of nested
 * brackets is refused without building it.
 */
export function bodyParsers(maxBlockBytes: number) {
  const small = express.json({ limit: SMALL_BODY_BYTES, strict: true });
  const blockText = express.text({ type: () => true, limit: maxBlockBytes * 2 + 1024 });
  const checkBlock = (req: Request, _res: Response, next: NextFunction) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (!BLOCK_BODY.test(text)) {
      next(new HttpError(400, 'BAD_REQUEST', 'body: expected {"hex": "<block hex>"}'));
      return;
    }
    req.body = JSON.parse(text);
    next();
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'POST' && req.path === '/blocks') {
      blockText(req, res, (err?: unknown) => (err ? next(err) : checkBlock(req, res, next)));
      return;
    }
    small(req, res, next);
  };
}
