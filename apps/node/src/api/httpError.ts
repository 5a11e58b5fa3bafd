import { ConsensusError } from '@powcoin/core';
import { ChainError } from '../chain/chainError.js';
import { MempoolError } from '../mempool/mempool.js';
import { PeerError } from '../p2p/peerError.js';

/** An error answered as `{"error": {"code", "message"}}` with a 4xx status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Maps any error to the status and body the API answers. Errors of express and its body parser
 * carry a 4xx `status` (a body too large or not JSON, a path parameter that is not valid
 * percent-encoding, ...): they keep it, as a clean JSON error. Unknown errors are 500 without details.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const { type, status } = (err ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return new HttpError(413, 'BODY_TOO_LARGE', 'request body is too large');
  if (type === 'entity.parse.failed') return new HttpError(400, 'BAD_JSON', 'request body is not valid JSON');
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500)
    return new HttpError(status, 'BAD_REQUEST', 'malformed request');
  if (err instanceof ConsensusError)
    return new HttpError(err.code.startsWith('DECODE_') ? 400 : 422, err.code, err.message);
  if (err instanceof MempoolError)
    return new HttpError(
      err.code === 'MEMPOOL_FULL' || err.code === 'TOO_MANY_PENDING' ? 429 : 409,
      err.code,
      err.message,
    );
  if (err instanceof PeerError)
    return new HttpError(
      err.code === 'PEER_LIMIT' ? 409 : err.code === 'UNKNOWN_PEER' ? 404 : 400,
      err.code,
      err.message,
    );
  if (err instanceof ChainError)
    return new HttpError(err.code === 'BLOCK_DUPLICATE' ? 409 : 422, err.code, err.message);
  return new HttpError(500, 'INTERNAL', 'internal error');
}
