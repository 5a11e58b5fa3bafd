import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './httpError.js';

/** The user name of cookie authentication, as Bitcoin Core's `__cookie__`. */
export const COOKIE_USER = '__cookie__';

/**
 * Writes a fresh random credential to `file` (mode 0600), as Bitcoin Core's `.cookie` in its data
 * dir: whoever can read the operator's files can change the node's setup; a remote client cannot.
 * A new one at every start.
 */
export function writeCookie(file: string): string {
  const cookie = randomBytes(32).toString('hex');
  writeFileSync(file, `${COOKIE_USER}:${cookie}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return cookie;
}

/** The `Authorization` header value that carries `cookie`. */
export function cookieAuthorization(cookie: string): string {
  return `Basic ${Buffer.from(`${COOKIE_USER}:${cookie}`).toString('base64')}`;
}

/** Express middleware: the request must carry the cookie as HTTP Basic auth, or it is 401. */
export function requireCookie(cookie: string) {
  const expected = Buffer.from(cookieAuthorization(cookie));
  return (req: Request, res: Response, next: NextFunction) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="powcoin node admin"');
    next(
      new HttpError(
        401,
        'UNAUTHORIZED',
        `this route changes the node's setup: send the cookie (${COOKIE_USER}) from the data dir as HTTP Basic auth`,
      ),
    );
  };
}
