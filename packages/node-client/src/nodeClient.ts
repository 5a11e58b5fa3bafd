import { z } from 'zod';
import {
  type AddressInfo,
  addressInfoSchema,
  type Template,
  templateSchema,
  txidText,
  units,
} from './schemas.js';
import { NodeSubscription } from './subscription.js';
import {
  cleanText,
  DEFAULT_MAX_RESPONSE_BYTES,
  errorSchema,
  NodeAnswerError,
  NodeRefusal,
  parseAnswer,
  readBody,
} from './transport.js';

/**
 * Per-endpoint caps on an answer's body, checked while reading it and before JSON.parse, so a
 * node cannot make the client parse megabytes (of nested brackets, say) where a few hundred
 * bytes are due. A status, a tx's state or a submission's verdict is well under 1 KiB.
 */
export const SMALL_ANSWER_BYTES = 16 * 1024;
/**
 * A transaction as JSON: a coinbase of 256 outputs (core's MAX_COINBASE_OUTPUTS) of about 110
 * bytes each is about 28 KiB; `GET /tx/:txid` and each history entry carry one.
 */
export const TX_ANSWER_BYTES = 64 * 1024;

/** An address page's cap: its fixed fields plus `limit` history entries. */
export function addressAnswerBytes(limit: number): number {
  return SMALL_ANSWER_BYTES + Math.max(1, limit) * TX_ANSWER_BYTES;
}

/**
 * The pool's view of its node: HTTP calls with time limits, and a WebSocket subscription to new
 * tips and transactions that reconnects with backoff.
 */
export class NodeClient extends NodeSubscription {
  constructor(
    baseUrl: string,
    timeoutMs = 10_000,
    /** Answers larger than this are refused unread (`NodeAnswerError`). */
    private readonly maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    super(baseUrl, timeoutMs);
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    /** What this endpoint's answer can honestly be; never above the client's own cap. */
    cap = this.maxResponseBytes,
  ): Promise<{ status: number; json: unknown; what: string }> {
    const what = `${method} ${(path.split('?')[0] as string).split('/').slice(0, 2).join('/')}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await readBody(res, Math.min(cap, this.maxResponseBytes), what);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 400) {
      const parsed = errorSchema.safeParse(json);
      throw new NodeRefusal(
        res.status,
        parsed.success ? cleanText(parsed.data.error.code, 64) : 'HTTP_ERROR',
        parsed.success ? cleanText(parsed.data.error.message) : `HTTP ${res.status}`,
      );
    }
    return { status: res.status, json, what };
  }

  async template(address: string, extranonceBytes: number): Promise<Template> {
    const { json, what } = await this.request(
      'GET',
      `/template?address=${encodeURIComponent(address)}&extranonceBytes=${extranonceBytes}`,
    );
    return parseAnswer(templateSchema, json, what);
  }

  /** Submits a block; resolves with the node's verdict (`tip` or `side`), throws `NodeRefusal` if invalid. */
  async submitBlock(hex: string): Promise<{ hash: string; height: number; status: string }> {
    const { json, what } = await this.request('POST', '/blocks', { hex }, SMALL_ANSWER_BYTES);
    return parseAnswer(z.object({ hash: z.string(), height: z.number(), status: z.string() }), json, what);
  }

  async submitTx(hex: string): Promise<string> {
    const { json, what } = await this.request('POST', '/tx', { hex }, SMALL_ANSWER_BYTES);
    return parseAnswer(z.object({ txid: txidText }), json, what).txid;
  }

  /** A transaction's state, or `unknown` when the node has never heard of it (404). */
  async txStatus(txid: string): Promise<{
    status: 'pending' | 'confirmed' | 'unknown';
    height?: number;
    blockHash?: string;
    confirmations?: number;
  }> {
    try {
      const { json, what } = await this.request('GET', `/tx/${txid}`, undefined, TX_ANSWER_BYTES);
      return parseAnswer(
        z.object({
          status: z.enum(['pending', 'confirmed']),
          height: z.number().int().optional(),
          blockHash: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
          confirmations: z.number().int().optional(),
        }),
        json,
        what,
      );
    } catch (err) {
      if (err instanceof NodeRefusal && err.status === 404) return { status: 'unknown' };
      throw err;
    }
  }

  /** Whether a block is on the node's active chain (confirmations > 0), and its confirmations. */
  async blockConfirmations(hash: string): Promise<number> {
    try {
      const { json, what } = await this.request('GET', `/blocks/${hash}`);
      return parseAnswer(z.object({ confirmations: z.number().int() }), json, what).confirmations;
    } catch (err) {
      if (err instanceof NodeRefusal && err.status === 404) return -1;
      throw err;
    }
  }

  /**
   * Hashes of the active chain from `from` (up to 100 heights per call), by height. A page of
   * full blocks can be over the answer cap: the page is then halved until it fits.
   */
  async mainChainHashes(from: number, count: number): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    let next = from;
    let pageSize = 100;
    const end = from + count;
    while (next < end) {
      const limit = Math.min(pageSize, end - next);
      let answer: { json: unknown; what: string };
      try {
        answer = await this.request('GET', `/blocks?from=${next}&limit=${limit}`);
      } catch (err) {
        if (err instanceof NodeAnswerError && err.tooLarge && limit > 1) {
          pageSize = Math.ceil(limit / 2);
          continue;
        }
        throw err;
      }
      const page = parseAnswer(
        z.object({ blocks: z.array(z.object({ height: z.number().int(), hash: z.string() })) }),
        answer.json,
        answer.what,
      );
      for (const b of page.blocks) out.set(b.height, b.hash);
      if (page.blocks.length < limit) break;
      next += limit;
    }
    return out;
  }

  /** An address's balances, nonces and a page of its history (newest first), as the wallet shows it. */
  async addressInfo(address: string, limit = 20, offset = 0): Promise<AddressInfo> {
    const { json, what } = await this.request(
      'GET',
      `/address/${encodeURIComponent(address)}?limit=${limit}&offset=${offset}`,
      undefined,
      addressAnswerBytes(limit),
    );
    const a = parseAnswer(addressInfoSchema, json, what);
    return {
      address: a.address,
      balance: BigInt(a.balance),
      immature: BigInt(a.immature),
      pending: BigInt(a.pending),
      nonce: a.nonce,
      nextNonce: a.nextNonce,
      history: a.history.map((h) => ({ height: h.height, confirmations: h.confirmations, tx: h.tx })),
    };
  }

  async address(address: string): Promise<{ balance: bigint; pending: bigint; nextNonce: number }> {
    const { json, what } = await this.request(
      'GET',
      `/address/${encodeURIComponent(address)}?limit=1`,
      undefined,
      addressAnswerBytes(1),
    );
    const a = parseAnswer(
      z.object({ balance: units, pending: units, nextNonce: z.number().int().min(0) }),
      json,
      what,
    );
    return { balance: BigInt(a.balance), pending: BigInt(a.pending), nextNonce: a.nextNonce };
  }

  async status(): Promise<{
    height: number;
    tipHash: string;
    difficulty: number;
    hashrate: number;
    network: string;
  }> {
    const { json, what } = await this.request('GET', '/status', undefined, SMALL_ANSWER_BYTES);
    return parseAnswer(
      z.object({
        height: z.number().int().min(0),
        tipHash: z.string(),
        difficulty: z.number(),
        hashrate: z.number(),
        network: z.string().regex(/^[\w-]{1,32}$/),
      }),
      json,
      what,
    );
  }
}
