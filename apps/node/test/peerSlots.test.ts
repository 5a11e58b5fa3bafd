import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addressFromPublicKey, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { freePort, mineBlocks, type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { startTestNode, type TestNode } from './helpers/server.js';

// Peer slots belong to the operator: the admin routes need the data dir's cookie, command-line
// peers come first and are never displaced, dead peers give their slot back, a route removes one.
const miner = addressFromPublicKey(REGTEST, publicKeyFromPrivate(new Uint8Array(32).fill(4)));

function admin(node: Service, cookie: string | undefined, method: string, path: string, body?: unknown) {
  return fetch(`${node.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(cookie ? { authorization: `Basic ${Buffer.from(cookie).toString('base64')}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function peersOf(node: Service): Promise<Array<{ url: string; connected: boolean }>> {
  return (
    (await (await fetch(`${node.url}/peers`)).json()) as { peers: Array<{ url: string; connected: boolean }> }
  ).peers;
}

describe('the built node keeps its peer slots for the operator', () => {
  it('needs the cookie to add peers; 16 dead URLs neither displace --peer nor survive a restart ahead of it', async () => {
    const source = await startNodeProcess();
    await mineBlocks(source.url, miner, 3);
    const port = await freePort();
    let node = await startNodeProcess({ port, peers: [source.url] });
    try {
      const cookieFile = join(node.dir, '.cookie');
      expect(statSync(cookieFile).mode & 0o777).toBe(0o600);
      const cookie = readFileSync(cookieFile, 'utf8').trim();
      expect(cookie).toMatch(/^__cookie__:[0-9a-f]{64}$/);
      const dead = Array.from({ length: 16 }, (_, i) => `http://127.0.0.1:${1000 + i}`);
      // without the credential, every route that changes the setup is 401; reads stay open
      expect((await admin(node, undefined, 'POST', '/peers', { url: dead[0] })).status).toBe(401);
      expect((await admin(node, '__cookie__:wrong', 'POST', '/nodes/register', { nodes: dead })).status).toBe(
        401,
      );
      expect((await admin(node, undefined, 'GET', '/nodes/resolve')).status).toBe(401);
      expect((await fetch(`${node.url}/peers`)).status).toBe(200);
      // with it, the 16 outbound slots fill; the operator's --peer is not one of them
      expect((await admin(node, cookie, 'POST', '/nodes/register', { nodes: dead })).status).toBe(201);
      const extra = await admin(node, cookie, 'POST', '/peers', { url: 'http://127.0.0.1:1100' });
      expect(extra.status).toBe(409);
      await waitFor(
        'the --peer synced',
        async () => (await (await fetch(`${node.url}/status`)).json()).height === 3,
      );
      // a route removes a peer
      expect((await admin(node, cookie, 'DELETE', '/peers', { url: dead[0] })).status).toBe(200);
      expect((await peersOf(node)).map((p) => p.url)).not.toContain(`${dead[0]}/p2p`.replace('http', 'ws'));
      expect((await admin(node, cookie, 'DELETE', '/peers', { url: dead[0] })).status).toBe(404);

      // restarted with its 15 stored dead peers: the --peer is dialled first and brings the chain
      await mineBlocks(source.url, miner, 2);
      await node.stop(true);
      node = await startNodeProcess({ dir: node.dir, port, peers: [source.url] });
      await waitFor('the restarted node at the source height', async () => {
        return (await (await fetch(`${node.url}/status`)).json()).height === 5;
      });
      expect(readFileSync(cookieFile, 'utf8').trim()).not.toBe(cookie); // a new cookie each start
    } finally {
      await node.stop();
      await source.stop();
    }
  });
});

describe('dead peers', () => {
  let node: TestNode;
  afterAll(async () => {
    await node.stop();
  });
  it('are evicted after their backoff, freeing the slot and the stored row', async () => {
    node = await startTestNode(REGTEST, {
      p2p: { maxDialFailures: 3, reconnectMinMs: 20, reconnectMaxMs: 50 },
    });
    const dead = `http://127.0.0.1:${await freePort()}`;
    expect((await node.call('POST', '/peers', { url: dead })).status).toBe(201);
    expect(node.service.store.allPeers()).toHaveLength(1);
    await waitFor('the dead peer evicted', () => node.p2p.list().peers.length === 0, 5000);
    expect(node.service.store.allPeers()).toEqual([]);
  });
});
