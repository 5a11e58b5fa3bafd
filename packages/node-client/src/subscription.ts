import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';

export interface NodeClientEvents {
  tip: [height: number, hash: string];
  tx: [txid: string];
  connected: [];
  disconnected: [];
}

/**
 * The push half of the node's API: a WebSocket subscription to new tips and transactions that
 * reconnects with backoff.
 */
export class NodeSubscription extends EventEmitter<NodeClientEvents> {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private subscribed = false;
  private closed = false;

  constructor(
    readonly baseUrl: string,
    protected readonly timeoutMs: number,
  ) {
    super();
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
