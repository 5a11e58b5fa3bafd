import { connect, type Socket } from 'node:net';
import { addressFromPublicKey, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { WebSocket } from 'ws';

// Idle sockets and idle /ws clients must not lock the pool, miners, wallets and peers out.
const MINER_ADDRESS = addressFromPublicKey(REGTEST, publicKeyFromPrivate(new Uint8Array(32).fill(9)));

function rawSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function openWs(url: string, localAddress?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, localAddress ? { localAddress } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function timed(url: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status };
}

describe('the built node under idle connections', () => {
  let node: Service;
  const sockets: Array<Socket | WebSocket> = [];

  beforeAll(async () => {
    node = await startNodeProcess({
      args: [
        '--max-connections',
        '120',
        '--max-connections-per-ip',
        '40',
        '--reserved-slots',
        '30',
        '--ws-idle-timeout',
        '2',
      ],
    });
  });
  afterAll(async () => {
    for (const s of sockets) 'terminate' in s ? s.terminate() : s.destroy();
    await node.stop();
  });

  it('caps one address, keeps slots for the API and peers, and closes /ws clients that subscribe to nothing', async () => {
    const wsUrl = node.url.replace('http', 'ws');
    // one address opens 60 raw sockets: 40 stay, the rest are closed at once
    const raw: Socket[] = [];
    for (let i = 0; i < 60; i++) raw.push(await rawSocket(node.port, '127.0.0.2'));
    sockets.push(...raw);
    const closed = () => raw.filter((s) => s.destroyed || s.readableEnded).length;
    for (const s of raw) s.on('close', () => undefined).resume();
    await waitFor('20 of 60 sockets from one address to be refused', () => closed() >= 20, 5000);
    // /ws subscribers from several addresses fill what is not reserved (120 - 30 - the 40 above)
    const idle: WebSocket[] = [];
    for (const from of ['127.0.0.3', '127.0.0.4', '127.0.0.5'])
      for (let i = 0; i < 25; i++) {
        const ws = await openWs(`${wsUrl}/ws`, from).catch(() => undefined);
        if (ws) idle.push(ws);
      }
    sockets.push(...idle);
    expect(idle.length).toBeGreaterThanOrEqual(60);
    // the API and a peer still get in
    const status = await timed(`${node.url}/status`);
    const template = await timed(`${node.url}/template?address=${MINER_ADDRESS}`);
    console.log(
      `under ${40 + idle.length} idle sockets: /status ${status.ms.toFixed(1)} ms, /template ${template.ms.toFixed(1)} ms`,
    );
    expect(status.status).toBe(200);
    expect(template.status).toBe(200);
    const peer = await openWs(`${wsUrl}/p2p`);
    sockets.push(peer);
    expect(peer.readyState).toBe(WebSocket.OPEN);
    // idle /ws clients (subscribed to nothing) are closed after --ws-idle-timeout; a subscriber is kept
    await waitFor(
      'the idle /ws clients to be closed',
      () => idle.every((ws) => ws.readyState === WebSocket.CLOSED),
      8000,
    );
    const fresh = await openWs(`${wsUrl}/ws`);
    sockets.push(fresh);
    fresh.send(JSON.stringify({ type: 'subscribe', topics: ['tips'] }));
    await new Promise((r) => setTimeout(r, 2500));
    expect(fresh.readyState).toBe(WebSocket.OPEN);
  });
});
