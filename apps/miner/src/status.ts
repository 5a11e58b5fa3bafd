import type { WorkerPool } from './hash/workerPool.js';

export type OutputMode = 'line' | 'json' | 'quiet';

export interface MinerCounters {
  accepted: number;
  rejected: number;
  stale: number;
  blocks: number;
  difficulty: number;
  connection: 'connecting' | 'connected' | 'disconnected';
}

/**
 * What the miner shows: one status line refreshed in place (hashrate total and per thread,
 * accepted/rejected/stale, difficulty, blocks, connection), or one JSON event per line for scripts,
 * or nothing but errors. Hashrates come from the workers' live hash counters, sampled each second.
 */
export class Status {
  readonly counters: MinerCounters = {
    accepted: 0,
    rejected: 0,
    stale: 0,
    blocks: 0,
    difficulty: 0,
    connection: 'connecting',
  };
  private last: number[] = [];
  private lastAt = Date.now();
  private rates: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(
    private readonly workers: WorkerPool,
    private readonly mode: OutputMode,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  start(): void {
    this.last = this.workers.hashesPerWorker();
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  /** Hashes per second per worker over the last second. */
  get perThread(): number[] {
    return this.rates;
  }

  get total(): number {
    return this.rates.reduce((a, b) => a + b, 0);
  }

  private sample(): void {
    const now = Date.now();
    const counts = this.workers.hashesPerWorker();
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    this.rates = counts.map((c, i) => (c - (this.last[i] ?? 0)) / seconds);
    this.last = counts;
    this.lastAt = now;
    this.ticks++;
    if (this.mode === 'line') this.drawLine();
    else if (this.mode === 'json' && this.ticks % 5 === 0) this.event('status', this.snapshot());
  }

  snapshot(): Record<string, unknown> {
    return {
      hashrate: Math.round(this.total),
      perThread: this.rates.map(Math.round),
      engine: this.workers.engine,
      ...this.counters,
    };
  }

  private drawLine(): void {
    const c = this.counters;
    const per = this.rates.map((r) => formatRate(r)).join(' ');
    const line = `${formatRate(this.total)} [${per}]  A ${c.accepted}  R ${c.rejected}  S ${c.stale}  diff ${formatDifficulty(c.difficulty)}  blocks ${c.blocks}  ${c.connection}`;
    if ((this.out as NodeJS.WriteStream).isTTY) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`${line}\n`);
  }

  /** A one-off event: a share answer, a block, a connection change. */
  event(type: string, fields: Record<string, unknown>): void {
    if (this.mode === 'json')
      this.out.write(`${JSON.stringify({ type, time: new Date().toISOString(), ...fields })}\n`);
    else if (this.mode === 'line' && type !== 'status') {
      const tty = (this.out as NodeJS.WriteStream).isTTY;
      this.out.write(
        `${tty ? '\r\x1b[2K' : ''}${type}: ${Object.entries(fields)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ')}\n`,
      );
    }
  }

  error(message: string): void {
    if (this.mode === 'json')
      this.out.write(`${JSON.stringify({ type: 'error', time: new Date().toISOString(), message })}\n`);
    else this.err.write(`${(this.out as NodeJS.WriteStream).isTTY ? '\r\x1b[2K' : ''}error: ${message}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.mode === 'line' && (this.out as NodeJS.WriteStream).isTTY) this.out.write('\n');
  }
}

export function formatRate(h: number): string {
  if (h >= 1e9) return `${(h / 1e9).toFixed(2)} GH/s`;
  if (h >= 1e6) return `${(h / 1e6).toFixed(2)} MH/s`;
  if (h >= 1e3) return `${(h / 1e3).toFixed(1)} kH/s`;
  return `${h.toFixed(0)} H/s`;
}

function formatDifficulty(d: number): string {
  return d === 0 ? '-' : d >= 0.01 ? d.toPrecision(4) : d.toExponential(3);
}
