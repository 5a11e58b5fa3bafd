import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import { z } from 'zod';

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
  coinbaseValue: z.string().regex(/^[0-9]+$/),
  coinb1: z.string().regex(/^[0-9a-f]*$/),
  coinb2: z.string().regex(/^[0-9a-f]*$/),
  extranonceBytes: z.number().int(),
  txs: z.array(z.object({ txid: z.string(), hex: z.string().regex(/^[0-9a-f]+$/), fee: z.string() })),
  merkleBranch: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Template = z.infer<typeof templateSchema>;

const txJsonSchema = z.union([
  z.object({
    kind: z.literal('transfer'),
    txid: z.string(),
    from: z.string(),
    to: z.string(),
    amount: z.string().regex(/^[0-9]+$/),
    fee: z.string().regex(/^[0-9]+$/),
    nonce: z.number().int(),
  }),
  z.object({
    kind: z.literal('coinbase'),
    txid: z.string(),
    height: z.number().int(),
    outputs: z.array(z.object({ address: z.string(), amount: z.string().regex(/^[0-9]+$/) })),
  }),
]);
export type TxJson = z.infer<typeof txJsonSchema>;

const addressInfoSchema = z.object({
  address: z.string(),
  balance: z.string().regex(/^[0-9]+$/),
  immature: z.string().regex(/^[0-9]+$/),
  pending: z.string().regex(/^[0-9]+$/),
  nonce: z.number().int(),
  nextNonce: z.number().int(),
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
  ) {
    super();
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (res.status >= 400) {
      const parsed = errorSchema.safeParse(json);
      throw new NodeRefusal(
        res.status,
        parsed.success ? parsed.data.error.code : 'HTTP_ERROR',
        parsed.success ? parsed.data.error.message : `HTTP ${res.status}`,
      );
    }
    return { status: res.status, json };
  }

  async template(address: string, extranonceBytes: number): Promise<Template> {
    const { json } = await this.request(
      'GET',
      `/template?address=${encodeURIComponent(address)}&extranonceBytes=${extranonceBytes}`,
    );
    return templateSchema.parse(json);
  }

  /** Submits a block; resolves with the node's verdict (`tip` or `side`), throws `NodeRefusal` if invalid. */
  async submitBlock(hex: string): Promise<{ hash: string; height: number; status: string }> {
    const { json } = await this.request('POST', '/blocks', { hex });
    return z.object({ hash: z.string(), height: z.number(), status: z.string() }).parse(json);
  }

  async submitTx(hex: string): Promise<string> {
    const { json } = await this.request('POST', '/tx', { hex });
    return z.object({ txid: z.string() }).parse(json).txid;
  }

  /** A transaction's state, or `unknown` when the node has never heard of it (404). */
  async txStatus(
    txid: string,
  ): Promise<{ status: 'pending' | 'confirmed' | 'unknown'; height?: number; confirmations?: number }> {
    try {
      const { json } = await this.request('GET', `/tx/${txid}`);
      const parsed = z
        .object({
          status: z.enum(['pending', 'confirmed']),
          height: z.number().optional(),
          confirmations: z.number().optional(),
        })
        .parse(json);
      return parsed;
    } catch (err) {
      if (err instanceof NodeRefusal && err.status === 404) return { status: 'unknown' };
      throw err;
    }
  }

  /** Whether a block is on the node's active chain (confirmations > 0), and its confirmations. */
  async blockConfirmations(hash: string): Promise<number> {
    try {
      const { json } = await this.request('GET', `/blocks/${hash}`);
      return z.object({ confirmations: z.number().int() }).parse(json).confirmations;
    } catch (err) {
      if (err instanceof NodeRefusal && err.status === 404) return -1;
      throw err;
    }
  }

  /** Hashes of the active chain from `from` (up to 100 heights per call), by height. */
  async mainChainHashes(from: number, count: number): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    let next = from;
    const end = from + count;
    while (next < end) {
      const limit = Math.min(100, end - next);
      const { json } = await this.request('GET', `/blocks?from=${next}&limit=${limit}`);
      const page = z
        .object({ blocks: z.array(z.object({ height: z.number().int(), hash: z.string() })) })
        .parse(json);
      for (const b of page.blocks) out.set(b.height, b.hash);
      if (page.blocks.length < limit) break;
      next += limit;
    }
    return out;
  }

  /** An address's balances, nonces and a page of its history (newest first), as the wallet shows it. */
  async addressInfo(address: string, limit = 20, offset = 0): Promise<AddressInfo> {
    const { json } = await this.request(
      'GET',
      `/address/${encodeURIComponent(address)}?limit=${limit}&offset=${offset}`,
    );
    const a = addressInfoSchema.parse(json);
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
    const { json } = await this.request('GET', `/address/${address}?limit=1`);
    const a = z.object({ balance: z.string(), pending: z.string(), nextNonce: z.number().int() }).parse(json);
    return { balance: BigInt(a.balance), pending: BigInt(a.pending), nextNonce: a.nextNonce };
  }

  async status(): Promise<{
    height: number;
    tipHash: string;
    difficulty: number;
    hashrate: number;
    network: string;
  }> {
    const { json } = await this.request('GET', '/status');
    return z
      .object({
        height: z.number(),
        tipHash: z.string(),
        difficulty: z.number(),
        hashrate: z.number(),
        network: z.string(),
      })
      .parse(json);
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
