import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { z } from 'zod';

/** No amount, balance or sum may exceed this (21 million coins of 10^8 units; core's MAX_MONEY). */
const MAX_MONEY = 21_000_000n * 100_000_000n;

/** Base units as a decimal string, within 0..MAX_MONEY (a node saying more is misbehaving). */
const units = z
  .string()
  .regex(/^[0-9]{1,16}$/)
  .refine((s) => BigInt(s) <= MAX_MONEY, 'an amount above the 21 million coin maximum');

/** Addresses and txids are shown to people: nothing but base58 and hex gets through. */
const addressText = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{20,64}$/);
const txidText = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The default cap on an answer's body: the largest the node sends to a client is a block of
 * 1 MB as JSON (about 4 MB with every transaction spelled out) or a template (about 3 MB).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The node's answer to `GET /template`, checked at the edge. */
const templateSchema = z.object({
  height: z.number().int().min(1),
  version: z.number().int().min(0).max(0xffffffff),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  prevHashInternal: z.string().regex(/^[0-9a-f]{64}$/),
  bits: z.string().regex(/^[0-9a-f]{8}$/),
  target: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.number().int().min(0),
  minTime: z.number().int().min(0),
  /** The node's clock, and the latest block time it accepts now (clock + its future limit). */
  curTime: z.number().int().min(0),
  maxTime: z.number().int().min(0),
  coinbaseValue: units,
  coinb1: z.string().regex(/^[0-9a-f]*$/),
  coinb2: z.string().regex(/^[0-9a-f]*$/),
  extranonceBytes: z.number().int(),
  txs: z.array(z.object({ txid: z.string(), hex: z.string().regex(/^[0-9a-f]+$/), fee: units })),
  merkleBranch: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Template = z.infer<typeof templateSchema>;

const txJsonSchema = z.union([
  z.object({
    kind: z.literal('transfer'),
    txid: txidText,
    from: addressText,
    to: addressText,
    amount: units,
    fee: units,
    nonce: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal('coinbase'),
    txid: txidText,
    height: z.number().int(),
    outputs: z
      .array(z.object({ address: addressText, amount: units }))
      .refine(
        (outputs) => outputs.reduce((sum, o) => sum + BigInt(o.amount), 0n) <= MAX_MONEY,
        'coinbase outputs above the 21 million coin maximum',
      ),
  }),
]);
export type TxJson = z.infer<typeof txJsonSchema>;

const addressInfoSchema = z.object({
  address: addressText,
  balance: units,
  immature: units,
  pending: units,
  nonce: z.number().int().min(0),
  nextNonce: z.number().int().min(0),
  history: z.array(z.object({ height: z.number().int(), confirmations: z.number().int(), tx: txJsonSchema })),
});

export interface AddressInfo {
  readonly address: string;
  readonly balance: bigint;
  readonly immature: bigint;
  readonly pending: bigint;
  readonly nonce: number;
  readonly nextNonce: number;
  readonly history: ReadonlyArray<{ height: number; confirmations: number; tx: TxJson }>;
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A refusal from the node (4xx with a code), as opposed to the node being unreachable. */
export class NodeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeRefusal';
  }
}

/**
 * An answer from the node that cannot be used: larger than the client's cap, or not of the
 * expected shape (amounts out of range, say). The node is misbehaving, not refusing.
 */
export class NodeAnswerError extends Error {
  constructor(
    message: string,
    /** The body was over the cap (a smaller request may fit). */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'NodeAnswerError';
  }
}

/** Node text shown to people: no control characters (terminal escapes), bounded. */
function cleanText(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, max);
}

function parseAnswer<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new NodeAnswerError(
    `the node's answer to ${what} is invalid${where}: ${issue?.message ?? 'unexpected shape'}`,
  );
}

/** Reads a body up to `max` bytes; more is `NodeAnswerError` (tooLarge) and the rest is not read. */
async function readBody(res: Response, max: number, what: string): Promise<string> {
  const tooLarge = () =>
    new NodeAnswerError(`the node's answer to ${what} is larger than ${max} bytes`, true);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface NodeClientEvents {
  tip: [height: number, hash: string];
  tx: [txid: string];
  connected: [];
  disconnected: [];
}

/**
 * The pool's view of its node: HTTP calls with time limits, and a WebSocket subscription to new
 * tips and transactions that reconnects with backoff.
 */
export class NodeClient extends EventEmitter<NodeClientEvents> {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private subscribed = false;
  private closed = false;

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
    /** Answers larger than this are refused unread (`NodeAnswerError`). */
    private readonly maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    super();
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; what: string }> {
    const what = `${method} ${(path.split('?')[0] as string).split('/').slice(0, 2).join('/')}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await readBody(res, this.maxResponseBytes, what);
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
    const { json, what } = await this.request('POST', '/blocks', { hex });
    return parseAnswer(z.object({ hash: z.string(), height: z.number(), status: z.string() }), json, what);
  }

  async submitTx(hex: string): Promise<string> {
    const { json, what } = await this.request('POST', '/tx', { hex });
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
      const { json, what } = await this.request('GET', `/tx/${txid}`);
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
    const { json, what } = await this.request('GET', `/address/${address}?limit=1`);
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
    const { json, what } = await this.request('GET', '/status');
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

  /**
   * Opens the WebSocket subscription (tips and txs), reconnecting with backoff until
   * `unsubscribe()` or `close()`. One socket per client: calling it again while subscribed does
   * nothing.
   */
  subscribe(): void {
    if (this.closed || this.subscribed) return;
    this.subscribed = true;
    this.connect();
  }

  /** Closes the subscription's socket and stops reconnecting; `subscribe()` may open it again. */
  unsubscribe(): void {
    this.subscribed = false;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.terminate();
  }

  private connect(): void {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/ws`;
    const socket = new WebSocket(url, { maxPayload: 64 * 1024, handshakeTimeout: this.timeoutMs });
    this.socket = socket;
    socket.on('open', () => {
      this.attempts = 0;
      socket.send(JSON.stringify({ type: 'subscribe', topics: ['tips', 'txs'] }));
      this.emit('connected');
    });
    socket.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      const m = message as { type?: unknown; height?: unknown; hash?: unknown; txid?: unknown };
      if (m.type === 'tip' && typeof m.height === 'number' && typeof m.hash === 'string')
        this.emit('tip', m.height, m.hash);
      else if (m.type === 'tx' && typeof m.txid === 'string') this.emit('tx', m.txid);
    });
    socket.on('error', () => {
      // 'close' follows
    });
    socket.on('close', () => {
      this.emit('disconnected');
      // a socket let go of by unsubscribe() or close() is not replaced
      if (this.socket !== socket || !this.subscribed || this.closed) return;
      const delay = Math.min(10_000, 200 * 2 ** Math.min(this.attempts++, 8));
      this.timer = setTimeout(() => {
        if (this.subscribed && !this.closed) this.connect();
      }, delay);
    });
  }

  /** Ends the subscription for good (HTTP calls still work). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
  }
}
