import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const sha256d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
const DIFF1 = 0xffffn << 208n;

/**
 * A minimal Stratum v1 client for system tests: it hashes real shares for the current job and
 * measures each submit's round trip (the honest miner whose latency the hostile test bounds).
 */
export class StratumProbe {
  private socket!: Socket;
  private buffer = '';
  private id = 1;
  private readonly waiting = new Map<number, (m: any) => void>();
  private extranonce1 = '';
  private en2 = 0;
  private difficulty = 1;
  private nextDifficulty = 1;
  private job: string[] | undefined;
  closed = false;
  readonly rtts: number[] = [];
  accepted = 0;
  /** Stale (error 21: a new block came between the job and the submit) is honest and counted apart. */
  stale = 0;
  rejected = 0;

  static async open(port: number, localAddress?: string): Promise<StratumProbe> {
    const p = new StratumProbe();
    p.socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    p.socket.setEncoding('utf8');
    p.socket.on('data', (d: string) => p.onData(d));
    p.socket.on('error', () => undefined);
    p.socket.on('close', () => {
      p.closed = true;
    });
    await new Promise((r) => p.socket.once('connect', r));
    return p;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
      const m = JSON.parse(this.buffer.slice(0, i));
      this.buffer = this.buffer.slice(i + 1);
      if (m.method === 'mining.set_difficulty') this.nextDifficulty = m.params[0];
      if (m.method === 'mining.notify') {
        this.job = m.params;
        this.difficulty = this.nextDifficulty;
      }
      const w = this.waiting.get(m.id);
      if (w) {
        this.waiting.delete(m.id);
        w(m);
      }
    }
  }

  call(method: string, params: unknown[]): Promise<any> {
    const id = this.id++;
    this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no answer to ${method}`)), 10_000);
      this.waiting.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  }

  /** Raw line, no answer awaited (attackers). */
  send(line: string): void {
    if (!this.closed) this.socket.write(line);
  }

  async login(worker: string, suggest?: number): Promise<void> {
    if (suggest !== undefined) await this.call('mining.suggest_difficulty', [suggest]);
    const sub = await this.call('mining.subscribe', ['probe/1']);
    this.extranonce1 = sub.result[1];
    const auth = await this.call('mining.authorize', [worker, 'x']);
    if (auth.result !== true) throw new Error(`authorize refused: ${JSON.stringify(auth.error)}`);
    for (let i = 0; i < 200 && !this.job; i++) await new Promise((r) => setTimeout(r, 25));
  }

  /** Finds one share for the current job and submits it; records the round trip. */
  async submitShare(worker: string): Promise<void> {
    const job = this.job;
    if (!job) return;
    const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime] = job as [
      string,
      string,
      string,
      string,
      string[],
      string,
      string,
      string,
    ];
    const target = (DIFF1 * 2n ** 64n) / BigInt(Math.max(1, Math.round(this.difficulty * 2 ** 64)));
    const en2 = (this.en2++).toString(16).padStart(8, '0');
    let root = sha256d(Buffer.from(coinb1 + this.extranonce1 + en2 + coinb2, 'hex'));
    for (const h of branch) root = sha256d(Buffer.concat([root, Buffer.from(h, 'hex')]));
    const prev = Buffer.from(prevhash, 'hex');
    for (let i = 0; i < 32; i += 4) prev.writeUInt32LE(prev.readUInt32BE(i), i);
    const header = Buffer.alloc(80);
    header.writeUInt32LE(Number.parseInt(version, 16), 0);
    prev.copy(header, 4);
    root.copy(header, 36);
    header.writeUInt32LE(Number.parseInt(ntime, 16), 68);
    header.writeUInt32LE(Number.parseInt(nbits, 16), 72);
    for (let nonce = 0; nonce < 1_000_000; nonce++) {
      header.writeUInt32LE(nonce, 76);
      const value = BigInt(`0x${Buffer.from(sha256d(header)).reverse().toString('hex')}`);
      if (value > target) continue;
      const started = performance.now();
      const reply = await this.call('mining.submit', [
        worker,
        jobId,
        en2,
        ntime,
        nonce.toString(16).padStart(8, '0'),
      ]);
      this.rtts.push(performance.now() - started);
      if (reply.result === true) this.accepted++;
      else if (reply.error?.[0] === 21) this.stale++;
      else this.rejected++;
      return;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The p-th percentile (0..100) of some numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
