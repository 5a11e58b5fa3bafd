import { createServer, type Server, type Socket } from 'node:net';
import {
  addressToHash,
  bytesToHex,
  type ChainParams,
  isConsensusError,
  prevHashToStratum,
  u32ToStratumHex,
} from '@powcoin/core';
import { ConnectionGuard, RateLimitedLog } from './connectionGuard.js';
import { StratumError } from './errors.js';
import type { Job } from './job.js';
import type { JobManager } from './jobManager.js';
import {
  authorizeParams,
  configureParams,
  requestId,
  requestSchema,
  submitParams,
  suggestDifficultyParams,
} from './messages.js';
import { Session } from './session.js';
import { type ValidShare, validateShare } from './shareValidator.js';
import type { VardiffOptions } from './vardiff.js';

/** The header version bits BIP320 leaves free for miners to roll (BIP310's version-rolling). */
export const VERSION_ROLLING_MASK = 0x1fffe000;

export interface StratumLimits {
  readonly maxLineBytes: number;
  readonly maxMessagesPerSecond: number;
  readonly idleSeconds: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** A connection that has not subscribed and authorized a worker this long after it opened is closed. */
  readonly authTimeoutSeconds: number;
  readonly maxWorkersPerConnection: number;
  readonly maxWorkersPerIp: number;
  /**
   * A connection whose invalid shares reach this many and outnumber its valid ones is dropped and
   * its workers banned on its address for `banSeconds`.
   */
  readonly banAfterInvalid: number;
  readonly banSeconds: number;
  /** An address is banned once this many of its connections were dropped so within `banSeconds`. */
  readonly banAddressAfter: number;
}

export interface StratumOptions {
  /** First extranonce1 handed out (then +1 per connection); random when absent. Fixed in tests. */
  readonly extranonce1Start?: number;
  readonly extranonce1Size: number;
  readonly extranonce2Size: number;
  readonly startDifficulty: number;
  readonly vardiff: VardiffOptions;
  readonly limits: StratumLimits;
}

/** An accepted share, handed to accounting before the miner hears `true`. */
export interface AcceptedShare extends ValidShare {
  readonly address: string;
  readonly worker: string;
  readonly difficulty: number;
  readonly job: Job;
}

export interface ShareSink {
  /** Whether a share with this header hash was already accepted (the duplicate key). */
  isDuplicate(hash: string): boolean;
  /** Records a share durably; must not return before it is committed. */
  accept(share: AcceptedShare): void;
}

export interface StratumLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Stratum v1 over TCP, as sha256d miners speak it (see the pool's README for the exact wire format):
 * subscribe, authorize, notify, set_difficulty, submit, suggest_difficulty, client.reconnect.
 * Lines are bounded, messages rate-limited, idle connections closed, and addresses with a high
 * invalid-share rate banned for a while.
 */
export class StratumServer {
  private readonly server: Server;
  private readonly sessions = new Set<Session>();
  private readonly guard: ConnectionGuard;
  private readonly warnOnce: RateLimitedLog;
  private readonly infoOnce: RateLimitedLog;
  private nextSession = 1;
  private extranonceCounter: number;
  private readonly idleTimer: NodeJS.Timeout;

  constructor(
    private readonly params: ChainParams,
    private readonly jobs: JobManager,
    private readonly sink: ShareSink,
    private readonly options: StratumOptions,
    private readonly logger: StratumLogger,
    private readonly clock: () => number = Date.now,
  ) {
    this.extranonceCounter = options.extranonce1Start ?? Math.floor(Math.random() * 0xffff) * 0x10000;
    this.guard = new ConnectionGuard(options.limits);
    this.warnOnce = new RateLimitedLog((f, m) => logger.warn(f, m));
    this.infoOnce = new RateLimitedLog((f, m) => logger.info(f, m));
    this.server = createServer((socket) => this.onConnection(socket));
    jobs.on('job', (job, clean) => {
      for (const s of this.sessions) if (s.subscribed) this.sendJob(s, job, clean);
    });
    // sweep often enough that an idle connection outlives its limit by at most half of it
    const sweepMs = Math.min(
      5000,
      (options.limits.idleSeconds * 1000) / 2,
      (options.limits.authTimeoutSeconds * 1000) / 2,
    );
    this.idleTimer = setInterval(() => this.closeIdle(), sweepMs);
    this.idleTimer.unref();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** Connections refused since start: over `maxConnections`, over the per-address cap, banned. */
  get refused(): Readonly<Record<'full' | 'per-ip' | 'banned', number>> {
    return this.guard.refused;
  }

  /** Per-session figures for the dashboard (never a miner's IP address: the dashboard is public). */
  sessionStats(): Array<{
    id: number;
    workers: string[];
    difficulty: number;
    valid: number;
    invalid: number;
    stale: number;
  }> {
    return [...this.sessions].map((s) => ({
      id: s.id,
      workers: [...s.workers.keys()],
      difficulty: s.difficulty,
      valid: s.valid,
      invalid: s.invalid,
      stale: s.stale,
    }));
  }

  private onConnection(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const verdict = this.guard.admit(ip, this.clock());
    if (verdict !== 'ok') {
      socket.on('error', () => undefined);
      socket.destroy();
      this.warnOnce.log(
        `refused ${verdict} ${ip}`,
        { ip, reason: verdict, refused: this.guard.refused[verdict] },
        'stratum connection refused',
        this.clock(),
      );
      return;
    }
    socket.setNoDelay(true);
    const extranonce1 = new Uint8Array(this.options.extranonce1Size);
    let counter = this.extranonceCounter++;
    for (let i = extranonce1.length - 1; i >= 0; i--) {
      extranonce1[i] = counter & 0xff;
      counter = Math.floor(counter / 256);
    }
    const session = new Session(
      this.nextSession++,
      socket,
      ip,
      extranonce1,
      this.options.startDifficulty,
      this.options.vardiff,
      this.clock(),
    );
    this.sessions.add(session);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > this.options.limits.maxLineBytes && !buffer.includes('\n')) {
        this.drop(session, 'line too long');
        return;
      }
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line.length > this.options.limits.maxLineBytes) {
          this.drop(session, 'line too long');
          return;
        }
        if (line) this.onLine(session, line);
        if (socket.destroyed || session.closing) return;
        newline = buffer.indexOf('\n');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.guard.release(ip, session.workers.size);
    });
  }

  private drop(session: Session, why: string): void {
    this.warnOnce.log(
      `drop ${why} ${session.ip}`,
      { session: session.id, ip: session.ip, why },
      'stratum connection dropped',
      this.clock(),
    );
    session.socket.destroy();
    this.sessions.delete(session);
  }

  private send(session: Session, message: object): void {
    if (!session.socket.destroyed) session.socket.write(`${JSON.stringify(message)}\n`);
  }

  private reply(session: Session, id: unknown, result: unknown, error: StratumError | null = null): void {
    this.send(session, { id, result: error ? null : result, error: error ? error.toJson() : null });
  }

  private onLine(session: Session, line: string): void {
    if (!session.allowMessage(this.clock(), this.options.limits.maxMessagesPerSecond)) {
      this.drop(session, 'message flood');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.reply(session, null, null, new StratumError('OTHER', 'malformed JSON'));
      return;
    }
    const parsed = requestSchema.safeParse(json);
    if (!parsed.success) {
      // answer under the request's own id when it has a usable one, so the client can match it
      const id = requestId.safeParse((json as { id?: unknown } | null)?.id);
      this.reply(
        session,
        id.success ? id.data : null,
        null,
        new StratumError('OTHER', 'expected {"id", "method", "params": [...]}'),
      );
      return;
    }
    const { id, method, params } = parsed.data;
    try {
      switch (method) {
        case 'mining.subscribe':
          this.onSubscribe(session, id);
          break;
        case 'mining.authorize':
          this.onAuthorize(session, id, params);
          break;
        case 'mining.submit':
          this.onSubmit(session, id, params);
          break;
        case 'mining.suggest_difficulty':
          this.onSuggestDifficulty(session, id, params);
          break;
        case 'mining.extranonce.subscribe':
          this.reply(session, id, false);
          break;
        case 'mining.configure':
          this.onConfigure(session, id, params);
          break;
        default:
          this.reply(session, id, null, new StratumError('OTHER', `unknown method ${method.slice(0, 40)}`));
          break;
      }
    } catch (err) {
      if (err instanceof StratumError) {
        if (method === 'mining.submit') this.countRejected(session, err);
        this.reply(session, id, null, err);
        return;
      }
      throw err;
    }
  }

  private onSubscribe(session: Session, id: unknown): void {
    session.subscribed = true;
    const sid = session.id.toString(16);
    this.reply(session, id, [
      [
        ['mining.set_difficulty', sid],
        ['mining.notify', sid],
      ],
      bytesToHex(session.extranonce1),
      this.options.extranonce2Size,
    ]);
    const job = this.jobs.currentJob;
    if (job) session.difficulty = Math.min(session.difficulty, job.maxShareDifficulty);
    this.send(session, { id: null, method: 'mining.set_difficulty', params: [session.difficulty] });
    if (job) this.sendJob(session, job, true);
  }

  private onAuthorize(session: Session, id: unknown, params: unknown[]): void {
    const parsed = authorizeParams.safeParse(params);
    if (!parsed.success) throw new StratumError('OTHER', 'authorize takes [username, password]');
    const username = parsed.data[0];
    const [address = '', ...rest] = username.split('.');
    const worker = rest.join('.') || 'default';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(worker))
      throw new StratumError('UNAUTHORIZED', 'worker names are letters, digits, _ and -');
    try {
      addressToHash(this.params, address);
    } catch (err) {
      throw new StratumError(
        'UNAUTHORIZED',
        isConsensusError(err) ? `bad payout address: ${err.message}` : 'bad payout address',
      );
    }
    if (!session.workers.has(username)) {
      const now = this.clock();
      if (this.guard.isWorkerBanned(session.ip, username, now))
        throw new StratumError('UNAUTHORIZED', 'worker banned for a while: too many invalid shares');
      if (session.workers.size >= this.options.limits.maxWorkersPerConnection)
        throw new StratumError(
          'UNAUTHORIZED',
          `at most ${this.options.limits.maxWorkersPerConnection} workers per connection`,
        );
      if (!this.guard.addWorker(session.ip))
        throw new StratumError(
          'UNAUTHORIZED',
          `at most ${this.options.limits.maxWorkersPerIp} workers per address`,
        );
      session.workers.set(username, { address, worker });
      this.infoOnce.log(
        `authorize ${session.ip}`,
        { session: session.id, address, worker },
        'worker authorized',
        now,
      );
    }
    this.reply(session, id, true);
  }

  /**
   * A miner's hint, clamped to the pool's bounds. Before the first job it is the starting
   * difficulty; after, it is announced at once with the current job re-sent (each notify is its own
   * work, so the jobs sent before keep their difficulty).
   */
  private onSuggestDifficulty(session: Session, id: unknown, params: unknown[]): void {
    const parsed = suggestDifficultyParams.safeParse(params);
    if (!parsed.success) throw new StratumError('OTHER', 'suggest_difficulty takes [difficulty]');
    const next = session.vardiff.clamp(parsed.data[0]);
    this.reply(session, id, true);
    if (session.sent.size === 0) {
      session.difficulty = next;
      return;
    }
    if (next === session.difficulty) return;
    session.pendingDifficulty = next;
    const job = this.jobs.currentJob;
    if (job) this.sendJob(session, job, false);
  }

  /**
   * BIP310 `mining.configure`. Version rolling is granted on the bits BIP320 leaves to miners
   * (0x1fffe000) that the miner asked for; other extensions are answered false.
   */
  private onConfigure(session: Session, id: unknown, params: unknown[]): void {
    const parsed = configureParams.safeParse(params);
    if (!parsed.success) throw new StratumError('OTHER', 'configure takes [[extension, ...], {parameters}]');
    const [extensions, options = {}] = parsed.data;
    const result: Record<string, unknown> = {};
    for (const extension of extensions) {
      if (extension !== 'version-rolling') {
        result[extension] = false;
        continue;
      }
      const asked = options['version-rolling.mask'];
      const mask =
        typeof asked === 'string' && /^[0-9a-fA-F]{1,8}$/.test(asked)
          ? Number.parseInt(asked, 16) & VERSION_ROLLING_MASK
          : VERSION_ROLLING_MASK;
      session.versionMask = mask >>> 0;
      result['version-rolling'] = true;
      result['version-rolling.mask'] = u32ToStratumHex(session.versionMask);
    }
    this.reply(session, id, result);
  }

  private onSubmit(session: Session, id: unknown, params: unknown[]): void {
    if (!session.subscribed) throw new StratumError('NOT_SUBSCRIBED', 'not subscribed');
    const parsed = submitParams.safeParse(params);
    if (!parsed.success)
      throw new StratumError('OTHER', 'submit takes [worker, job_id, extranonce2, ntime, nonce]');
    const [username, jobId, extranonce2, ntime, nonce, versionBits] = parsed.data;
    const worker = session.workers.get(username);
    if (!worker) throw new StratumError('UNAUTHORIZED', `worker ${username.slice(0, 64)} is not authorized`);
    const sent = session.sent.get(jobId);
    if (!sent || !this.jobs.isCurrent(sent.job))
      throw new StratumError('JOB_NOT_FOUND', 'job not found (stale)');
    const share = validateShare(
      sent.job,
      { jobId, extranonce2, ntime, nonce, ...(versionBits === undefined ? {} : { versionBits }) },
      {
        versionMask: session.versionMask,
        tag: sent.tag,
        extranonce1: session.extranonce1,
        extranonce2Size: this.options.extranonce2Size,
        difficulty: sent.difficulty,
        nowMs: this.clock(),
      },
    );
    if (this.sink.isDuplicate(share.hash)) throw new StratumError('DUPLICATE', 'duplicate share');
    this.sink.accept({
      ...share,
      address: worker.address,
      worker: worker.worker,
      difficulty: sent.difficulty,
      job: sent.job,
    });
    session.valid++;
    // a share of an older, easier job is worth less evidence of speed at today's difficulty
    session.vardiff.recordShare(Math.min(1, sent.difficulty / session.difficulty));
    this.reply(session, id, true);
    this.maybeRetarget(session);
  }

  private countRejected(session: Session, err: StratumError): void {
    if (err.name === 'JOB_NOT_FOUND') session.stale++;
    else if (err.countsAsInvalid) session.invalid++;
    const { banAfterInvalid } = this.options.limits;
    if (session.invalid >= banAfterInvalid && session.invalid > session.valid && !session.closing) {
      // the connection and its workers on this address first; the address only when many of its
      // connections misbehave (miners behind one NAT share it)
      const addressBanned = this.guard.strike(session.ip, [...session.workers.keys()], this.clock());
      this.logger.warn(
        { ip: session.ip, invalid: session.invalid, valid: session.valid, addressBanned },
        addressBanned ? 'address banned for invalid shares' : 'connection dropped for invalid shares',
      );
      session.closing = true;
      setImmediate(() => this.drop(session, 'too many invalid shares'));
    }
  }

  private maybeRetarget(session: Session): void {
    const next = session.vardiff.retarget(session.difficulty, this.clock());
    if (next === undefined) return;
    session.pendingDifficulty = next;
    const job = this.jobs.currentJob;
    if (job) this.sendJob(session, job, false);
  }

  private closeIdle(): void {
    const now = this.clock();
    const authMs = this.options.limits.authTimeoutSeconds * 1000;
    for (const s of this.sessions) {
      if (now - s.lastActivityMs > this.options.limits.idleSeconds * 1000) this.drop(s, 'idle');
      else if ((!s.subscribed || s.workers.size === 0) && now - s.openedMs > authMs)
        this.drop(s, 'not subscribed and authorized in time');
      else {
        // a miner that finds nothing at its difficulty gets an easier one
        const next = s.vardiff.retarget(s.difficulty, now);
        if (next !== undefined && s.subscribed) {
          s.pendingDifficulty = next;
          const job = this.jobs.currentJob;
          if (job) this.sendJob(s, job, false);
        }
      }
    }
  }

  /**
   * set_difficulty (when it changed) then notify: miners apply a difficulty from the next job. The
   * difficulty never exceeds the job's network difficulty, or the miner would throw blocks away.
   */
  private sendJob(session: Session, job: Job, clean: boolean): void {
    const wanted = session.pendingDifficulty ?? session.difficulty;
    session.pendingDifficulty = undefined;
    const next = Math.min(wanted, job.maxShareDifficulty);
    if (next !== session.difficulty) {
      session.difficulty = next;
      this.send(session, { id: null, method: 'mining.set_difficulty', params: [session.difficulty] });
    }
    if (clean) session.forgetJobsBefore(job);
    const { id: notifyId, sent } = session.issue(job);
    this.send(session, {
      id: null,
      method: 'mining.notify',
      params: [
        notifyId,
        prevHashToStratum(job.prevHash),
        bytesToHex(job.coinb1) + bytesToHex(sent.tag),
        bytesToHex(job.coinb2),
        job.merkleBranch.map(bytesToHex),
        u32ToStratumHex(job.version),
        u32ToStratumHex(job.bits),
        u32ToStratumHex(job.time),
        clean,
      ],
    });
  }

  /** Tells every miner to reconnect (they will find the pool again after a restart), then closes. */
  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    for (const s of this.sessions) {
      this.send(s, { id: null, method: 'client.reconnect', params: [] });
      s.socket.end();
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      setTimeout(() => {
        for (const s of this.sessions) s.socket.destroy();
      }, 500).unref();
    });
  }
}
