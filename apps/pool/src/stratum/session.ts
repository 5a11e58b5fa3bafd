import type { Socket } from 'node:net';
import type { Job } from './job.js';
import { Vardiff, type VardiffOptions } from './vardiff.js';

/**
 * Bytes the pool puts between the template's coinb1 and the session's extranonce1 in every notify:
 * the notify's sequence number in its session. Each notify is therefore distinct work, so the
 * difficulty it was sent with binds to the hashes made for it: a miner holding one job under
 * several difficulties (vardiff re-sends the current job) cannot file a hash under whichever
 * difficulty pays most.
 */
export const NOTIFY_TAG_BYTES = 4;

/** What a notify sent to this session stands for: the job, its difficulty and its coinbase tag. */
export interface SentJob {
  readonly job: Job;
  readonly difficulty: number;
  readonly tag: Uint8Array;
}

/** Keep this many notify ids per session (older ones answer "job not found"). */
const KEEP_SENT = 32;

/** One miner connection's state. Its extranonce1 is the server's, never taken from the miner. */
export class Session {
  subscribed = false;
  /** Set when the pool has decided to drop the connection: nothing more it sends is read. */
  closing = false;
  /** Header version bits this miner may roll (BIP310), 0 unless negotiated with mining.configure. */
  versionMask = 0;
  readonly workers = new Map<string, { address: string; worker: string }>();
  difficulty: number;
  /** A difficulty to announce before the next job. */
  pendingDifficulty: number | undefined;
  readonly sent = new Map<string, SentJob>();
  readonly vardiff: Vardiff;
  valid = 0;
  invalid = 0;
  stale = 0;
  lastActivityMs: number;
  /** When the connection opened: it must subscribe and authorize within the pool's deadline. */
  readonly openedMs: number;
  private notifySeq = 0;
  private windowStartMs: number;
  private windowCount = 0;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly ip: string,
    readonly extranonce1: Uint8Array,
    startDifficulty: number,
    vardiff: VardiffOptions,
    now: number,
  ) {
    this.vardiff = new Vardiff(vardiff, now);
    this.difficulty = this.vardiff.clamp(startDifficulty);
    this.lastActivityMs = now;
    this.openedMs = now;
    this.windowStartMs = now;
  }

  /** Counts a message; false when the session exceeds `perSecond`. */
  allowMessage(now: number, perSecond: number): boolean {
    this.lastActivityMs = now;
    if (now - this.windowStartMs >= 1000) {
      this.windowStartMs = now;
      this.windowCount = 0;
    }
    return ++this.windowCount <= perSecond;
  }

  /** Registers a job about to be notified: the id the miner will see and the notify's coinbase tag. */
  issue(job: Job): { id: string; sent: SentJob } {
    const seq = this.notifySeq++ >>> 0;
    const id = `${job.id}${seq.toString(16).padStart(4, '0')}`;
    const tag = new Uint8Array(NOTIFY_TAG_BYTES);
    new DataView(tag.buffer).setUint32(0, seq);
    const sent: SentJob = { job, difficulty: this.difficulty, tag };
    this.sent.set(id, sent);
    while (this.sent.size > KEEP_SENT) this.sent.delete(this.sent.keys().next().value as string);
    return { id, sent };
  }

  forgetJobsBefore(job: Job): void {
    for (const [id, s] of this.sent) if (s.job.prevHashHex !== job.prevHashHex) this.sent.delete(id);
  }
}
