import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { z } from 'zod';

/** A job from `mining.notify`, checked field by field. */
export interface StratumJob {
  readonly jobId: string;
  readonly prevhash: string;
  readonly coinb1: string;
  readonly coinb2: string;
  readonly merkleBranch: readonly string[];
  readonly version: string;
  readonly nbits: string;
  readonly ntime: string;
  readonly cleanJobs: boolean;
}

const hex = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^(?:[0-9a-fA-F]{2})*$/);
const u32hex = z.string().regex(/^[0-9a-fA-F]{8}$/);
const notifyParams = z.tuple([
  z.string().min(1).max(64),
  z.string().regex(/^[0-9a-fA-F]{64}$/),
  hex(2, 4000),
  hex(2, 4000),
  z.array(z.string().regex(/^[0-9a-fA-F]{64}$/)).max(64),
  u32hex,
  u32hex,
  u32hex,
  z.boolean(),
]);
const subscribeResult = z.tuple([
  z.unknown(),
  z.string().regex(/^(?:[0-9a-fA-F]{2}){1,16}$/),
  z.number().int().min(1).max(16),
]);
const message = z.object({
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  method: z.string().max(64).optional(),
  params: z.array(z.unknown()).max(16).optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});

export interface StratumClientEvents {
  job: [job: StratumJob, difficulty: number];
  difficulty: [difficulty: number];
  connected: [];
  disconnected: [reason: string];
  /** A line the client could not use (kept for logs; never fatal). */
  ignored: [why: string];
  /** The pool refused the worker (error 24): the client stops, retrying cannot help. */
  refused: [why: string];
}

const MAX_LINE = 64 * 1024;
/** A connection that lasted this long resets the reconnect backoff. */
const STABLE_MS = 30_000;

/**
 * A Stratum v1 client for sha256d pools: subscribe, authorize, notify, set_difficulty (applied from
 * the next job), submit, client.reconnect. Every line from the server is size-limited and
 * schema-checked; anything malformed is ignored, never fatal. Reconnects with backoff until closed.
 */
export class StratumClient extends EventEmitter<StratumClientEvents> {
  extranonce1 = '';
  extranonce2Size = 0;
  /** Difficulty announced by set_difficulty, applied to the next job. */
  private nextDifficulty = 1;
  private socket: Socket | undefined;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: { result: unknown; error: unknown }) => void; timer: NodeJS.Timeout }
  >();
  private attempts = 0;
  /** When the last handshake completed: backoff starts over only after a connection that lasted. */
  private connectedAt = 0;
  /** Whether this connection has delivered a job (a pool at work, not one hanging up at once). */
  private gotWork = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  connected = false;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly username: string,
    private readonly userAgent = 'powcoin-miner/0.1',
  ) {
    super();
  }

  /** Connects, subscribes and authorizes; on loss, does it again with backoff. */
  start(): void {
    if (this.closed) return;
    const socket = connect(this.port, this.host);
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.buffer = '';
      void this.handshake(socket);
    });
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const was = this.connected;
      this.connected = false;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.resolve({ result: null, error: [20, 'disconnected', null] });
        this.pending.delete(id);
      }
      if (was) this.emit('disconnected', 'connection closed');
      if (this.closed) return;
      // a pool that accepts us and then hangs up before giving any work (or asks to reconnect) is
      // not a success: the backoff keeps growing until a connection brought a job or lasted STABLE_MS
      if (was && (this.gotWork || Date.now() - this.connectedAt >= STABLE_MS)) this.attempts = 0;
      const delay = Math.min(30_000, 250 * 2 ** Math.min(this.attempts++, 7));
      this.timer = setTimeout(() => this.start(), delay);
    });
  }

  private async handshake(socket: Socket): Promise<void> {
    const sub = await this.call('mining.subscribe', [this.userAgent]);
    const parsed = subscribeResult.safeParse(sub.result);
    if (!parsed.success) {
      this.emit('ignored', 'subscribe answer is not [subscriptions, extranonce1, extranonce2_size]');
      socket.destroy();
      return;
    }
    this.extranonce1 = parsed.data[1].toLowerCase();
    this.extranonce2Size = parsed.data[2];
    const auth = await this.call('mining.authorize', [this.username, 'x']);
    if (auth.result !== true) {
      const why = `authorize refused: ${JSON.stringify(auth.error).slice(0, 200)}`;
      if (Array.isArray(auth.error) && auth.error[0] === 24) {
        // unauthorized worker (a bad or foreign address): the same answer would come every time
        this.closed = true;
        this.emit('refused', why);
      } else this.emit('ignored', why);
      socket.destroy();
      return;
    }
    this.connectedAt = Date.now();
    this.gotWork = false;
    this.connected = true;
    this.emit('connected');
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE && !this.buffer.includes('\n')) {
      this.emit('ignored', 'line too long: reconnecting');
      this.socket?.destroy();
      return;
    }
    let i = this.buffer.indexOf('\n');
    while (i >= 0) {
      const line = this.buffer.slice(0, i).trim();
      this.buffer = this.buffer.slice(i + 1);
      if (line) this.onLine(line);
      i = this.buffer.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.emit('ignored', 'malformed JSON');
      return;
    }
    const parsed = message.safeParse(json);
    if (!parsed.success) {
      this.emit('ignored', 'not a JSON-RPC message');
      return;
    }
    const m = parsed.data;
    if (typeof m.id === 'number' && this.pending.has(m.id) && m.method === undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      clearTimeout(p?.timer);
      p?.resolve({ result: m.result, error: m.error ?? null });
      return;
    }
    switch (m.method) {
      case 'mining.set_difficulty': {
        const d = z.tuple([z.number().positive().finite()]).safeParse(m.params);
        if (d.success) {
          this.nextDifficulty = d.data[0];
          this.emit('difficulty', d.data[0]);
        } else this.emit('ignored', 'bad set_difficulty');
        return;
      }
      case 'mining.notify': {
        const n = notifyParams.safeParse(m.params);
        if (!n.success) {
          this.emit('ignored', 'bad notify');
          return;
        }
        const [jobId, prevhash, coinb1, coinb2, merkleBranch, version, nbits, ntime, cleanJobs] = n.data;
        this.gotWork = true;
        this.emit(
          'job',
          { jobId, prevhash, coinb1, coinb2, merkleBranch, version, nbits, ntime, cleanJobs },
          this.nextDifficulty,
        );
        return;
      }
      case 'client.reconnect':
        this.emit('ignored', 'pool asked to reconnect');
        this.socket?.destroy();
        return;
      case 'client.get_version':
        this.send({ id: m.id ?? null, result: this.userAgent, error: null });
        return;
      default:
        this.emit('ignored', `unexpected message ${String(m.method ?? m.id).slice(0, 40)}`);
    }
  }

  private send(obj: object): void {
    if (this.socket && !this.socket.destroyed) this.socket.write(`${JSON.stringify(obj)}\n`);
  }

  private call(
    method: string,
    params: unknown[],
    timeoutMs = 15_000,
  ): Promise<{ result: unknown; error: unknown }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ result: null, error: [20, 'no answer', null] });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.send({ id, method, params });
    });
  }

  /** Submits a share; resolves with accepted, or the pool's error code and message. */
  async submit(
    jobId: string,
    extranonce2: string,
    ntime: string,
    nonce: string,
  ): Promise<{ accepted: boolean; code?: number; message?: string }> {
    const res = await this.call('mining.submit', [this.username, jobId, extranonce2, ntime, nonce]);
    if (res.result === true) return { accepted: true };
    const err = z.tuple([z.number(), z.string()]).rest(z.unknown()).safeParse(res.error);
    return err.success
      ? { accepted: false, code: err.data[0], message: err.data[1].slice(0, 200) }
      : { accepted: false, code: 20, message: 'rejected' };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.destroy();
  }
}
