import { createServer, type Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { NodeClient } from '../src/index.js';

/** A node's /ws on loopback that counts its connections and can push messages. */
let server: Server;
let wss: WebSocketServer;
let url: string;
let opened: number;
const open = new Set<WebSocket>();

beforeEach(async () => {
  opened = 0;
  server = createServer();
  wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws) => {
    opened++;
    open.add(ws);
    ws.on('close', () => open.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  for (const ws of open) ws.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => server.close(r));
});

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('NodeClient subscription', () => {
  it('keeps one socket however often subscribe() is called', async () => {
    const client = new NodeClient(url);
    for (let i = 0; i < 5; i++) client.subscribe();
    await until('a connection', () => open.size === 1);
    client.subscribe();
    await new Promise((r) => setTimeout(r, 200));
    expect(opened).toBe(1);
    const tips: number[] = [];
    client.on('tip', (h) => tips.push(h));
    for (const ws of open) ws.send(JSON.stringify({ type: 'tip', height: 7, hash: 'ab' }));
    await until('the tip', () => tips.length === 1);
    client.close();
    await until('the socket to close', () => open.size === 0);
  });

  it('unsubscribe() closes the socket and stops reconnecting; subscribe() opens one again', async () => {
    const client = new NodeClient(url);
    client.subscribe();
    await until('a connection', () => open.size === 1);
    client.unsubscribe();
    await until('the socket to close', () => open.size === 0);
    await new Promise((r) => setTimeout(r, 500)); // past the first reconnect delay
    expect(opened).toBe(1);
    client.subscribe();
    await until('a new connection', () => open.size === 1);
    expect(opened).toBe(2);
    client.close();
  });

  it('reconnects after the node drops it, with one socket at a time', async () => {
    const client = new NodeClient(url);
    client.subscribe();
    await until('a connection', () => open.size === 1);
    for (const ws of open) ws.terminate();
    await until('the reconnection', () => opened === 2 && open.size === 1);
    client.subscribe();
    await new Promise((r) => setTimeout(r, 300));
    expect(open.size).toBe(1);
    client.close();
  });
});
