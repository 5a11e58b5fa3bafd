import { connect } from 'node:net';
import { REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import { WebSocket } from 'ws';
import { startTestNode, type TestNode } from './helpers/server.js';

/** A client socket on `url`, open; its own errors (the node closing on it) are expected. */
async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('close', reject);
  });
  return ws;
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

/** A text frame whose payload is not UTF-8: ws on the node's side fails it with an 'error' event. */
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xfd]);

/**
 * Opens a WebSocket by hand and sends `frame` in the same write as the upgrade request, so the
 * node reads it even on a socket it refuses (closes) as soon as the upgrade completes.
 * Resolves when the node closes the TCP connection.
 */
function upgradeAndSend(port: number, path: string, frame: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      const request =
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
      socket.write(Buffer.concat([Buffer.from(request), frame]));
    });
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => resolve());
  });
}

/** A masked (mask key 0) client text frame carrying `INVALID_UTF8`. */
const INVALID_TEXT_FRAME = Buffer.concat([
  Buffer.from([0x81, 0x80 | INVALID_UTF8.length, 0, 0, 0, 0]),
  INVALID_UTF8,
]);

describe('the node process survives hostile WebSocket frames', () => {
  let node: Service;
  beforeEach(async () => {
    node = await startNodeProcess();
  });
  afterEach(async () => {
    await node.stop();
  });

  const alive = async () => {
    expect(node.child.exitCode).toBeNull();
    expect((await fetch(`${node.url}/status`)).status).toBe(200);
  };

  it('a hello whose network name is multi-byte text: the peer is closed with a short reason', async () => {
    const ws = await open(`ws://127.0.0.1:${node.port}/p2p`);
    const done = closed(ws);
    ws.send(
      JSON.stringify({
        type: 'hello',
        network: '€'.repeat(32), // 96 bytes of UTF-8: echoed into a close reason, over ws's 123
        genesis: REGTEST.genesis.hash,
        height: 0,
        chainWork: '1',
      }),
    );
    const { code, reason } = await done;
    expect(code).toBe(1008);
    expect(reason).not.toContain('€');
    await alive();
  });

  for (const path of ['/p2p', '/ws']) {
    it(`an invalid UTF-8 text frame on ${path}`, async () => {
      const ws = await open(`ws://127.0.0.1:${node.port}${path}`);
      const done = closed(ws);
      ws.send(INVALID_UTF8, { binary: false });
      expect((await done).code).toBe(1007);
      await alive();
    });
  }
});

describe('sockets refused because the server is full', () => {
  let node: TestNode;
  beforeEach(async () => {
    node = await startTestNode(REGTEST, { p2p: { maxPeers: 0 }, push: { maxClients: 0 } });
  });
  afterEach(async () => {
    await node.stop();
  });

  for (const path of ['/p2p', '/ws']) {
    it(`${path}: an invalid UTF-8 frame after the refusal is handled`, async () => {
      // before the fix: ws emitted 'error' on a socket without a listener, an uncaught exception
      await upgradeAndSend(node.port, path, INVALID_TEXT_FRAME);
      expect((await node.call('GET', '/status')).status).toBe(200);
    });
  }
});
