import { REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import { WebSocket } from 'ws';

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
});
