import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { checkFrame } from './frameCheck.js';
import { DEFAULT_HEADER_BUDGET, HeaderBudget } from './headerServing.js';
import type { HelloMessage, PeerMessage } from './messages.js';

export type PeerDirection = 'inbound' | 'outbound';

type Pending = { resolve: (m: PeerMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** Why a peer is being dropped: `misbehaved` bans it, `slow` and `closed` do not. */
export class PeerDropped extends Error {
  constructor(
    readonly reason: 'misbehaved' | 'slow' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'PeerDropped';
  }
}

/**
 * One peer connection: validated JSON messages in, requests with ids and time limits out.
 * A message that fails its schema, or a flood beyond `maxMessagesPerSecond`, is misbehaviour.
 */
export class Peer {
  hello: HelloMessage | undefined;
  /** Blocks this peer sent whose parent the node does not know, since its last one that connected. */
  unconnectedBlocks = 0;
  /** Header batches from this peer that added nothing, since one that did. */
  uselessBatches = 0;
  /** What answering this peer's getheaders may still cost. */
  readonly headerBudget = new HeaderBudget(DEFAULT_HEADER_BUDGET, Date.now());
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private windowStart = Date.now();
  private windowCount = 0;
  private unflushedReplies = 0;

  constructor(
    readonly socket: WebSocket,
    readonly direction: PeerDirection,
    /** The URL we dialled (outbound) or the remote address and port (inbound). */
    readonly address: string,
    /**
     * What a ban of this peer applies to: the URL we dialled, or the remote IP address of an
     * inbound peer; `undefined` when it is only disconnected (inbound from loopback). Never the
     * `listen` URL a peer claims in its hello.
     */
    readonly banKey: string | undefined,
    private readonly schema: z.ZodType<PeerMessage>,
    private readonly limits: {
      requestTimeoutMs: number;
      maxMessagesPerSecond: number;
      maxBlockChars: number;
    },
    private readonly onMessage: (peer: Peer, message: PeerMessage) => void,
    private readonly onMisbehave: (peer: Peer, why: string) => void,
  ) {
    // ws closes the connection itself after a protocol error (bad UTF-8, oversize frame);
    // without a listener the 'error' event would be an uncaught exception.
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => this.receive(data.toString(), isBinary));
    socket.on('close', () => this.failPending(new PeerDropped('closed', 'peer disconnected')));
  }

  send(message: PeerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Answers one of the peer's requests, counted until ws has written it to the socket. */
  reply(message: PeerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.unflushedReplies++;
    this.socket.send(JSON.stringify(message), () => {
      this.unflushedReplies--;
    });
  }

  /**
   * Whether the peer reads what it is sent: false once its replies not yet written to the socket
   * reach `maxInFlight`, or the bytes queued for it (ws's `bufferedAmount`) pass `maxBufferedBytes`.
   */
  isReading(limits: { maxInFlight: number; maxBufferedBytes: number }): boolean {
    return (
      this.unflushedReplies < limits.maxInFlight && this.socket.bufferedAmount <= limits.maxBufferedBytes
    );
  }

  /** Sends a request and waits for the reply carrying its id, within the time limit. */
  request(message: PeerMessage & { id: number }): Promise<PeerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.id);
        reject(
          new PeerDropped('slow', `no answer to ${message.type} within ${this.limits.requestTimeoutMs} ms`),
        );
      }, this.limits.requestTimeoutMs);
      this.pending.set(message.id, { resolve, reject, timer });
      this.send(message);
    });
  }

  newId(): number {
    return this.nextId++;
  }

  /**
   * Closes the connection with a code and a short fixed reason. Never throws: a reason ws refuses
   * (over 123 bytes of UTF-8) or a code it refuses ends the connection without a close frame.
   */
  close(code = 1000, reason = ''): void {
    this.failPending(new PeerDropped('closed', reason || 'closed'));
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
    // a peer that does not read never completes the closing handshake: it is cut off soon after
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  /** Ends the connection at once, dropping whatever is still queued for the peer. */
  terminate(reason: string): void {
    this.failPending(new PeerDropped('closed', reason));
    this.socket.terminate();
  }

  private failPending(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  private receive(text: string, isBinary: boolean): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.limits.maxMessagesPerSecond) {
      this.onMisbehave(this, 'message flood');
      return;
    }
    const refused = isBinary ? 'binary frame' : checkFrame(text, this.limits.maxBlockChars);
    if (refused) {
      this.onMisbehave(this, refused);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      this.onMisbehave(this, 'malformed message');
      return;
    }
    const message = parsed.data;
    const replyId =
      'id' in message && message.type !== 'getheaders' && message.type !== 'getblock'
        ? message.id
        : undefined;
    if (replyId !== undefined) {
      const waiting = this.pending.get(replyId);
      if (waiting) {
        this.pending.delete(replyId);
        clearTimeout(waiting.timer);
        waiting.resolve(message);
        return;
      }
      this.onMisbehave(this, `unsolicited reply ${message.type}`);
      return;
    }
    this.onMessage(this, message);
  }
}
