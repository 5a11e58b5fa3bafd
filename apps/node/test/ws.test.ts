import { bytesToHex, COIN, createTransfer, encodeTx, REGTEST } from '@powcoin/core';
import { WebSocket } from 'ws';
import { testKey } from './helpers/blocks.js';
import { startTestNode, type TestNode } from './helpers/server.js';

let node: TestNode;
beforeEach(async () => {
  node = await startTestNode(REGTEST);
});
afterEach(async () => {
  await node.stop();
});

/** A client that collects every message it receives. */
async function connect(
  url: string,
): Promise<{ socket: WebSocket; messages: any[]; next: (type: string) => Promise<any> }> {
  const socket = new WebSocket(url);
  const messages: any[] = [];
  const waiters: Array<{ type: string; resolve: (m: any) => void }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    messages.push(message);
    const i = waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(message);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (type: string) => {
    const seen = messages.findIndex((m) => m.type === type);
    if (seen >= 0) return Promise.resolve(messages.splice(seen, 1)[0]);
    return new Promise((resolve) => waiters.push({ type, resolve }));
  };
  return { socket, messages, next };
}

describe('WebSocket push', () => {
  it('pushes new tips and new transactions to subscribers at once', async () => {
    const client = await connect(node.wsUrl);
    expect(await client.next('hello')).toMatchObject({ network: 'regtest', height: 0 });
    client.socket.send(JSON.stringify({ type: 'subscribe', topics: ['tips', 'txs'] }));
    expect(await client.next('subscribed')).toMatchObject({ topics: ['tips', 'txs'] });

    for (let i = 0; i < 12; i++) await node.mine();
    const tip = await client.next('tip');
    expect(tip.height).toBe(1);
    const spend = createTransfer(REGTEST, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: COIN,
      fee: 1n,
      nonce: 0,
    });
    const { body } = await node.call('POST', '/tx', { hex: bytesToHex(encodeTx(spend)) });
    expect(await client.next('tx')).toEqual({ type: 'tx', txid: body.txid });
    client.socket.close();
  });

  it('answers malformed messages with an error and drops a flooding client', async () => {
    const client = await connect(node.wsUrl);
    await client.next('hello');
    for (const bad of [
      'not json',
      '{}',
      '{"type":"subscribe","topics":["blocks"]}',
      JSON.stringify({ type: 'subscribe', topics: [] }),
    ]) {
      client.socket.send(bad);
      expect(await client.next('error')).toMatchObject({ error: { code: 'BAD_MESSAGE' } });
    }
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    for (let i = 0; i < 50; i++) client.socket.send('{}');
    expect(await closed).toBe(1008);
    // the node is still fine
    expect((await node.call('GET', '/status')).status).toBe(200);
  });

  it('closes a client that sends more than the message size limit', async () => {
    const client = await connect(node.wsUrl);
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.socket.send('x'.repeat(10_000));
    expect(await closed).toBe(1009);
  });

  it('disconnects a subscriber that stops reading once its unread queue passes the bound', async () => {
    const bounded = await startTestNode(REGTEST, { push: { maxBufferBytes: 64 * 1024 } });
    try {
      const client = await connect(bounded.wsUrl);
      await client.next('hello');
      client.socket.send(JSON.stringify({ type: 'subscribe', topics: ['txs'] }));
      await client.next('subscribed');
      let closed = false;
      client.socket.once('close', () => {
        closed = true;
      });
      const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      raw.pause();
      const payload = 'ab'.repeat(8 * 1024); // a 16 KB push
      const tx = createTransfer(REGTEST, testKey(0).privateKey, {
        to: testKey(1).hash,
        amount: 1n,
        fee: 0n,
        nonce: 0,
      });
      const pushes = 512; // 8 MB, far past the 64 KB bound and the kernel's socket buffers
      for (let i = 0; i < pushes; i++) {
        bounded.service.emit('tx', payload, tx);
        if (i % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      raw.resume();
      const deadline = Date.now() + 10_000;
      while (
        !closed &&
        client.messages.filter((m) => m.type === 'tx').length < pushes &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 20));
      const got = client.messages.filter((m) => m.type === 'tx').length;
      console.log(
        `non-reading /ws subscriber: cut off after reading ${got} of ${pushes} pushes of 16 KB (bound 64 KB)`,
      );
      expect(closed).toBe(true);
      expect(got).toBeLessThan(pushes);
    } finally {
      await bounded.stop();
    }
  });
});
