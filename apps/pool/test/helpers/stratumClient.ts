import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A test miner that follows shared/STRATUM.md on its own (it does not use the pool's helpers), so
 * a byte-order mistake on either side shows up as rejected shares or blocks the node refuses.
 */
export interface Notify {
  jobId: string;
  prevhash: string;
  coinb1: string;
  coinb2: string;
  branch: string[];
  version: string;
  nbits: string;
  ntime: string;
  clean: boolean;
}

export interface FoundShare {
  jobId: string;
  extranonce2: string;
  ntime: string;
  nonce: string;
  /** sha256d of the header, read as a little-endian number. */
  hashValue: bigint;
  /** Display hex of the hash. */
  hash: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
const sha256d = (b: Buffer) => sha256(sha256(b));
const DIFF1 = 0xffffn << 208n;

export class StratumClient {
  readonly lines: any[] = [];
  /** Every line as sent and received, in order (for recording sessions). */
  readonly transcript: Array<{ in: string } | { out: string }> = [];
  extranonce1 = '';
  extranonce2Size = 0;
  difficulty = 1;
  /** set_difficulty applies from the next notify, as miners do. */
  private nextDifficulty = 1;
  job: (Notify & { difficulty: number }) | undefined;
  private socket!: Socket;
  private buffer = '';
  private id = 1;
  private waiters: Array<{ match: (m: any) => boolean; resolve: (m: any) => void }> = [];
  private en2Counter = 0;
  closed = false;
  /** A header version to hash with instead of the job's (BIP310 version rolling). */
  rolledVersion: number | undefined;

  /** `localAddress` picks the loopback source (127.0.0.2, …): another miner's address. */
  static async connect(port: number, localAddress?: string): Promise<StratumClient> {
    const c = new StratumClient();
    c.socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    c.socket.setEncoding('utf8');
    c.socket.on('data', (d: string) => c.onData(d));
    c.socket.on('close', () => {
      c.closed = true;
    });
    await new Promise<void>((resolve, reject) => {
      c.socket.once('connect', () => resolve());
      c.socket.once('error', reject);
    });
    c.socket.on('error', () => undefined);
    return c;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let i = this.buffer.indexOf('\n');
    while (i >= 0) {
      this.transcript.push({ out: this.buffer.slice(0, i) });
      const message = JSON.parse(this.buffer.slice(0, i));
      this.buffer = this.buffer.slice(i + 1);
      this.lines.push(message);
      if (message.method === 'mining.set_difficulty') this.nextDifficulty = message.params[0];
      if (message.method === 'mining.notify') {
        const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] = message.params;
        this.difficulty = this.nextDifficulty;
        this.job = {
          jobId,
          prevhash,
          coinb1,
          coinb2,
          branch,
          version,
          nbits,
          ntime,
          clean,
          difficulty: this.difficulty,
        };
      }
      const w = this.waiters.findIndex((x) => x.match(message));
      if (w >= 0) this.waiters.splice(w, 1)[0]?.resolve(message);
      i = this.buffer.indexOf('\n');
    }
  }

  /** Resolves with the first message (already received or future) matching. */
  waitFor(match: (m: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a Stratum message')), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  sendRaw(line: string): void {
    this.socket.write(line);
  }

  async call(method: string, params: unknown[]): Promise<any> {
    const id = this.id++;
    const line = JSON.stringify({ id, method, params });
    this.transcript.push({ in: line });
    this.socket.write(`${line}\n`);
    return this.waitFor((m) => m.id === id);
  }

  async subscribe(): Promise<any> {
    const res = await this.call('mining.subscribe', ['test-miner/1.0']);
    this.extranonce1 = res.result[1];
    this.extranonce2Size = res.result[2];
    return res;
  }

  /** The 80-byte header for the current job, per STRATUM.md's byte orders. */
  header(extranonce2: string, nonce: number, job = this.job as Notify): Buffer {
    const coinbase = Buffer.from(job.coinb1 + this.extranonce1 + extranonce2 + job.coinb2, 'hex');
    let root = sha256d(coinbase);
    for (const h of job.branch) root = sha256d(Buffer.concat([root, Buffer.from(h, 'hex')]));
    const prev = Buffer.from(job.prevhash, 'hex');
    for (let i = 0; i < 32; i += 4) prev.writeUInt32LE(prev.readUInt32BE(i), i); // each word back to LE
    const header = Buffer.alloc(80);
    header.writeUInt32LE(this.rolledVersion ?? Number.parseInt(job.version, 16), 0);
    prev.copy(header, 4);
    root.copy(header, 36);
    header.writeUInt32LE(Number.parseInt(job.ntime, 16), 68);
    header.writeUInt32LE(Number.parseInt(job.nbits, 16), 72);
    header.writeUInt32LE(nonce, 76);
    return header;
  }

  /**
   * Rolls extranonce2 and the nonce until `accept(hash)` holds for a hash that meets the job's share
   * target (`wantBlock`: also the network target; `false`: only shares that are not blocks).
   */
  findShare(wantBlock: boolean | 'any' = 'any'): FoundShare {
    const job = this.job;
    if (!job) throw new Error('no job');
    const shareTarget = (DIFF1 * 2n ** 64n) / BigInt(Math.round(job.difficulty * 2 ** 64));
    const bits = Number.parseInt(job.nbits, 16);
    const networkTarget = BigInt(bits & 0x7fffff) << BigInt(8 * ((bits >>> 24) - 3));
    if (wantBlock === false && shareTarget <= networkTarget)
      throw new Error('every share at this difficulty is a block');
    for (;;) {
      const en2 = (this.en2Counter++).toString(16).padStart(this.extranonce2Size * 2, '0');
      for (let nonce = 0; nonce < 256; nonce++) {
        const hash = sha256d(this.header(en2, nonce, job));
        const value = BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`);
        if (value > shareTarget) continue;
        const isBlock = value <= networkTarget;
        if (wantBlock !== 'any' && isBlock !== wantBlock) continue;
        return {
          jobId: job.jobId,
          extranonce2: en2,
          ntime: job.ntime,
          nonce: nonce.toString(16).padStart(8, '0'),
          hashValue: value,
          hash: Buffer.from(hash).reverse().toString('hex'),
        };
      }
    }
  }

  submit(worker: string, s: FoundShare): Promise<any> {
    return this.call('mining.submit', [worker, s.jobId, s.extranonce2, s.ntime, s.nonce]);
  }

  close(): void {
    this.socket.destroy();
  }
}
