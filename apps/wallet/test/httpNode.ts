import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A node's HTTP API on loopback, scripted per route, for what only a real socket shows: time-outs,
 * connection counts, hostile answers. Routes not scripted answer 404. WebSocket upgrades on /ws are
 * accepted (handshake only, frames ignored) and counted.
 */
export class HttpNode {
  readonly requests: Array<{ method: string; path: string; body: string }> = [];
  /** Route → handler, keyed "GET /status" or "POST /tx"; a path prefix ending in "/" matches below it. */
  readonly routes = new Map<string, (req: IncomingMessage, res: ServerResponse, body: string) => void>();
  /** WebSocket connections ever opened, and open now. */
  socketsOpened = 0;
  readonly openSockets = new Set<Socket>();
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0] as string;
        this.requests.push({ method: req.method ?? 'GET', path, body });
        const handler =
          this.routes.get(`${req.method} ${path}`) ??
          [...this.routes.entries()].find(
            ([k]) => k.endsWith('/') && `${req.method} ${path}`.startsWith(k),
          )?.[1];
        if (handler) handler(req, res, body);
        else HttpNode.json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.connections.add(s);
      s.on('close', () => this.connections.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      const key = req.headers['sec-websocket-key'] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      this.socketsOpened++;
      this.openSockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('end', () => socket.destroy()); // the client went away (upgraded sockets are half-open)
      socket.resume(); // frames are read and dropped: without a reader the end would never be seen
      socket.on('close', () => this.openSockets.delete(socket));
    });
  }

  static json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  }

  /** Answers `GET /status` for `network` at `height`. */
  status(network = 'regtest', height = 20): this {
    this.routes.set('GET /status', (_q, res) =>
      HttpNode.json(res, 200, { network, height, tipHash: '00'.repeat(32), difficulty: 1, hashrate: 0 }),
    );
    return this;
  }

  /** Answers `GET /address/…` with this balance and history (the same for every address). */
  address(balance: bigint, history: unknown[] = []): this {
    this.routes.set('GET /address/', (req, res) => {
      const address = decodeURIComponent((req.url ?? '').split('?')[0]?.split('/')[2] ?? '');
      HttpNode.json(res, 200, {
        address,
        balance: balance.toString(),
        immature: '0',
        pending: '0',
        nonce: 0,
        nextNonce: 0,
        history,
      });
    });
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.connections) s.destroy();
    for (const s of this.openSockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
