import {
  addressFromHash,
  bytesToHex,
  COIN,
  checkProofOfWork,
  createGenesisBlock,
  createTransfer,
  encodeBlock,
  encodeTx,
  headerHash,
  REGTEST,
} from '@powcoin/core';
import { waitFor } from '@powcoin/testkit';
import { WebSocket, WebSocketServer } from 'ws';
import { buildBlock, testKey } from './helpers/blocks.js';
import { startTestNode, type TestNode } from './helpers/server.js';

const params = REGTEST;
const nodes: TestNode[] = [];

async function node(options: Parameters<typeof startTestNode>[1] = {}): Promise<TestNode> {
  const n = await startTestNode(params, { ...options, p2p: { requestTimeoutMs: 1500, ...options.p2p } });
  nodes.push(n);
  return n;
}

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop().catch(() => undefined);
});

const tipOf = (n: TestNode) => n.service.chain.tip();
const ledgerOf = (n: TestNode) => [...n.service.store.allAccounts()];
const blockHexAt = (n: TestNode, height: number) =>
  bytesToHex(
    encodeBlock(
      n.service.chain.getBlockAt(height) as NonNullable<ReturnType<typeof n.service.chain.getBlockAt>>,
    ),
  );

async function connect(from: TestNode, to: TestNode): Promise<void> {
  const res = await from.call('POST', '/peers', { url: to.base });
  expect(res.status).toBe(201);
}

describe('peers, gossip and sync', () => {
  it('three nodes: a transaction sent to one reaches every mempool, then a block on all', async () => {
    const [a, b, c] = [await node(), await node(), await node()];
    await connect(b, a);
    await connect(c, b);
    await waitFor(
      'peers connected',
      () => a.p2p.connectedCount === 1 && b.p2p.connectedCount === 2 && c.p2p.connectedCount === 1,
    );
    for (let i = 0; i < 12; i++) await a.mine();
    await waitFor('all at height 12', () => [a, b, c].every((n) => tipOf(n).height === 12));

    const tx = createTransfer(params, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: 3n * COIN,
      fee: 100n,
      nonce: 0,
    });
    const { body } = await c.call('POST', '/tx', { hex: bytesToHex(encodeTx(tx)) });
    await waitFor('tx in every mempool', () =>
      [a, b, c].every((n) => n.service.mempool.get(body.txid) !== undefined),
    );

    await b.mine(addressFromHash(params, testKey(2).hash));
    await waitFor('block on all', () =>
      [a, b, c].every((n) => tipOf(n).height === 13 && n.service.mempool.size === 0),
    );
    for (const n of [a, b, c]) {
      expect((await n.call('GET', `/tx/${body.txid}`)).body).toMatchObject({
        status: 'confirmed',
        height: 13,
      });
    }
    expect(ledgerOf(a)).toEqual(ledgerOf(c));
  });

  it('a partition heals onto the chain with the most work, with identical ledgers', async () => {
    const [a, b] = [await node(), await node()];
    for (let i = 0; i < 5; i++) await a.mine();
    for (let i = 0; i < 8; i++) await b.mine(addressFromHash(params, testKey(3).hash));
    expect(tipOf(a).hash).not.toBe(tipOf(b).hash);
    await connect(a, b);
    await waitFor('same tip', () => tipOf(a).hash === tipOf(b).hash);
    expect(tipOf(a).height).toBe(8);
    expect(ledgerOf(a)).toEqual(ledgerOf(b));
    // a's five blocks are gone from its ledger: only key 3 mined on the winning chain
    expect(a.service.store.getAccount(addressFromHash(params, testKey(0).hash)).immature).toBe(0n);
  });

  it('equal-work tips: each node keeps the block it saw first until more work settles it', async () => {
    const [a, b] = [await node(), await node()];
    for (let i = 0; i < 3; i++) await a.mine();
    for (let h = 1; h <= 3; h++) {
      expect((await b.call('POST', '/blocks', { hex: blockHexAt(a, h) })).status).toBe(201);
    }
    // apart, each mines one block of equal work on the shared tip
    await a.mine();
    await b.mine(addressFromHash(params, testKey(4).hash));
    const [ta, tb] = [tipOf(a), tipOf(b)];
    expect([ta.height, tb.height]).toEqual([4, 4]);
    expect(ta.hash).not.toBe(tb.hash);
    // connected, neither switches: a tie keeps the first-seen tip, so nodes do not flap
    await connect(b, a);
    await waitFor('connected', () => a.p2p.connectedCount === 1 && b.p2p.connectedCount === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(tipOf(a).hash).toBe(ta.hash);
    expect(tipOf(b).hash).toBe(tb.hash);
    // one more block on a's side settles it: b fetches a's branch and reorganises onto it
    await a.mine();
    await waitFor("b on a's chain", () => tipOf(b).hash === tipOf(a).hash);
    expect(tipOf(b).height).toBe(5);
    expect(ledgerOf(b)).toEqual(ledgerOf(a));
  });

  it('a node restarted from its data dir continues and catches up', async () => {
    const a = await node();
    const b = await node();
    await connect(b, a);
    for (let i = 0; i < 3; i++) await a.mine();
    await waitFor('b synced', () => tipOf(b).height === 3);
    const dir = b.dir;
    await b.stop(true);
    nodes.splice(nodes.indexOf(b), 1);
    for (let i = 0; i < 4; i++) await a.mine();
    const b2 = await node({ dir });
    expect(tipOf(b2).height).toBe(3);
    await waitFor('b reconnects to its stored peer and catches up', () => tipOf(b2).height === 7);
    expect(ledgerOf(b2)).toEqual(ledgerOf(a));
  });

  it("a block ahead of a node's clock is ignored, never punished, and taken once the clock catches up", async () => {
    const wallClock = () => Math.floor(Date.now() / 1000);
    let behind = 100; // b's clock is 100 s slow
    const a = await node();
    const b = await node({ clock: () => wallClock() - behind });
    await connect(b, a);
    await waitFor('connected', () => a.p2p.connectedCount === 1 && b.p2p.connectedCount === 1);
    // valid on a's clock, too far ahead on b's
    const early = buildBlock(params, createGenesisBlock(params), 1);
    const header = { ...early.header, time: wallClock() + params.maxFutureBlockSeconds - 50 };
    while (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) header.nonce++;
    const posted = await a.call('POST', '/blocks', { hex: bytesToHex(encodeBlock({ ...early, header })) });
    expect(posted.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    expect(tipOf(b).height).toBe(0);
    expect((await b.call('GET', '/peers')).body.banned).toEqual([]);
    expect(b.p2p.connectedCount).toBe(1);
    // b's clock catches up: the next block makes b fetch both
    behind = 0;
    expect((await a.mine()).status).toBe(201);
    await waitFor("b on a's tip", () => tipOf(b).hash === tipOf(a).hash);
  });

  it('caps outgoing peers, stored and dialled; a refused request adds none of its URLs', async () => {
    const peerUrl = (port: number) => `ws://127.0.0.1:${port}/p2p`; // nothing listens: dialled again and again
    const a = await node({ p2p: { maxOutbound: 3 } });
    const dialled = () =>
      a.p2p
        .list()
        .peers.map((p) => p.url)
        .sort();
    expect((await a.call('POST', '/nodes/register', { nodes: [peerUrl(1), peerUrl(2)] })).status).toBe(201);
    expect((await a.call('POST', '/peers', { url: peerUrl(2) })).status).toBe(201); // already there
    expect((await a.call('POST', '/peers', { url: peerUrl(3) })).status).toBe(201);
    for (const [path, body] of [
      ['/peers', { url: peerUrl(4) }],
      ['/nodes/register', { nodes: [peerUrl(1), peerUrl(4)] }],
    ] as const) {
      expect(await a.call('POST', path, body)).toMatchObject({
        status: 409,
        body: { error: { code: 'PEER_LIMIT' } },
      });
    }
    const three = [peerUrl(1), peerUrl(2), peerUrl(3)];
    expect(dialled()).toEqual(three);
    expect(a.service.store.allPeers()).toEqual(three);

    // all or nothing: a good URL before a bad one is not added either
    const b = await node();
    const mixed = await b.call('POST', '/nodes/register', { nodes: [peerUrl(5), 'ftp://x'] });
    expect(mixed).toMatchObject({ status: 400, body: { error: { code: 'BAD_PEER' } } });
    expect(b.p2p.list().peers).toEqual([]);
    expect(b.service.store.allPeers()).toEqual([]);

    // a data dir holding more peers than the cap (an older node's) dials only up to it
    for (const port of [6, 7, 8]) a.service.store.putPeer(peerUrl(port));
    const dir = a.dir;
    await a.stop(true);
    nodes.splice(nodes.indexOf(a), 1);
    const restarted = await node({ dir, p2p: { maxOutbound: 3 } });
    expect(restarted.p2p.list().peers).toHaveLength(3);
  });

  it('the classic routes register nodes and resolve to the longest-work chain', async () => {
    const [a, b] = [await node(), await node()];
    for (let i = 0; i < 4; i++) await b.mine();
    const reg = await a.call('POST', '/nodes/register', { nodes: [b.base] });
    expect(reg).toMatchObject({ status: 201, body: { total_nodes: [`ws://127.0.0.1:${b.port}/p2p`] } });
    await waitFor('connected', () => a.p2p.connectedCount === 1);
    const resolved = await a.call('GET', '/nodes/resolve');
    expect(resolved.body).toMatchObject({ height: 4, tipHash: tipOf(b).hash });
    expect((await a.call('POST', '/nodes/register', { nodes: ['ftp://x'] })).body.error.code).toBe(
      'BAD_PEER',
    );
    expect((await a.call('POST', '/nodes/register', { nodes: [] })).status).toBe(400);
  });
});

describe('hostile and slow peers', () => {
  /** A fake peer: a WebSocket server on loopback that the node dials, scripted by `onMessage`. */
  async function fakePeer(onMessage: (socket: WebSocket, message: any) => void) {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    wss.on('connection', (socket) =>
      socket.on('message', (d) => onMessage(socket, JSON.parse(d.toString()))),
    );
    return {
      url: `ws://127.0.0.1:${port}/p2p`,
      close: () => {
        for (const client of wss.clients) client.terminate();
        return new Promise((r) => wss.close(r));
      },
    };
  }

  it('bans a peer that sends an invalid block, and keeps working', async () => {
    const a = await node();
    // a block on genesis whose header carries the wrong merkle root, with valid proof of work
    const genesis = createGenesisBlock(params);
    const valid = buildBlock(params, genesis, 1);
    const header = { ...valid.header, merkleRoot: new Uint8Array(32) };
    while (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) header.nonce++;
    const fake = await fakePeer((socket, message) => {
      if (message.type !== 'hello') return;
      socket.send(JSON.stringify({ ...message, height: 0, chainWork: '1', listen: undefined }));
      socket.send(
        JSON.stringify({ type: 'block', hex: bytesToHex(encodeBlock({ header, txs: valid.txs })) }),
      );
    });
    await a.call('POST', '/peers', { url: fake.url });
    await waitFor('fake peer banned', async () => (await a.call('GET', '/peers')).body.banned.length === 1);
    expect((await a.call('POST', '/peers', { url: fake.url })).body.error.code).toBe('BAD_PEER');
    expect((await a.call('GET', '/status')).status).toBe(200);
    await fake.close();
  });

  it('bans a peer that sends malformed messages', async () => {
    const a = await node();
    const fake = await fakePeer((socket, message) => {
      if (message.type === 'hello') socket.send('{"type":"headers","id":"nope"}');
    });
    await a.call('POST', '/peers', { url: fake.url });
    await waitFor('banned', async () => (await a.call('GET', '/peers')).body.banned.length === 1);
    await fake.close();
  });

  it('drops a peer that never answers, and syncs from a good one', async () => {
    const a = await node({ p2p: { requestTimeoutMs: 800 } });
    const good = await node();
    for (let i = 0; i < 5; i++) await good.mine();
    let asked = 0;
    const slow = await fakePeer((socket, message) => {
      if (message.type === 'hello') {
        // claims far more work than anyone, then never answers getheaders
        socket.send(JSON.stringify({ ...message, chainWork: '9'.repeat(70), listen: undefined }));
      } else if (message.type === 'getheaders') asked++;
    });
    await a.call('POST', '/peers', { url: slow.url });
    await waitFor('asked the slow peer', () => asked > 0);
    await a.call('POST', '/peers', { url: good.base });
    await waitFor('synced from the good peer', () => tipOf(a).height === 5);
    await waitFor('slow peer dropped', async () => {
      const { peers } = (await a.call('GET', '/peers')).body;
      return peers.some((p: { url: string; connected: boolean }) => p.url === slow.url && !p.connected);
    });
    await slow.close();
  });

  /** A peer at the node's /p2p that says hello (claiming `listen`), then sends garbage. */
  async function misbehaveAt(url: string, listen?: string): Promise<number> {
    const peer = new WebSocket(url);
    peer.on('error', () => {});
    await new Promise((r) => peer.once('open', r));
    const closed = new Promise<number>((r) => peer.once('close', (code) => r(code)));
    peer.send(
      JSON.stringify({
        type: 'hello',
        network: 'regtest',
        genesis: params.genesis.hash,
        height: 0,
        chainWork: '1',
        ...(listen ? { listen } : {}),
      }),
    );
    peer.send('garbage');
    return closed;
  }

  it('an inbound peer cannot get another node banned by claiming its listen URL', async () => {
    const [a, b] = [await node(), await node()];
    expect(await misbehaveAt(`ws://127.0.0.1:${a.port}/p2p`, `ws://127.0.0.1:${b.port}/p2p`)).toBe(1008);
    // from loopback the peer is only dropped; nothing is banned, least of all b's URL
    expect((await a.call('GET', '/peers')).body.banned).toEqual([]);
    await connect(a, b);
    await connect(b, a);
    await waitFor('a and b connected both ways', () => a.p2p.connectedCount === 2);
  });

  it('bans a misbehaving inbound peer by its IP address, whatever port it comes back from', async () => {
    const a = await node();
    // hands a's /p2p server every connection as if it came from 203.0.113.9 (loopback only here)
    const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => relay.once('listening', r));
    relay.on('connection', (socket, req) =>
      a.p2pServer.emit('connection', socket, {
        socket: { remoteAddress: '::ffff:203.0.113.9', remotePort: req.socket.remotePort },
      }),
    );
    const relayUrl = `ws://127.0.0.1:${(relay.address() as { port: number }).port}/p2p`;
    try {
      expect(await misbehaveAt(relayUrl, `ws://127.0.0.1:${a.port}/p2p`)).toBe(1008);
      const { banned } = (await a.call('GET', '/peers')).body;
      expect(banned.map((x: { peer: string }) => x.peer)).toEqual(['203.0.113.9']);
      // a new connection (new port, no listen) from the same address is refused at once
      const again = new WebSocket(relayUrl);
      again.on('error', () => {});
      expect(await new Promise((r) => again.once('close', (code) => r(code)))).toBe(1008);
      expect(a.p2p.list().peers).toEqual([]);
    } finally {
      await new Promise((r) => relay.close(r));
    }
  });

  for (const limit of [
    { maxSendBufferBytes: 1_000_000, maxRequestsInFlight: 1_000_000 },
    { maxRequestsInFlight: 4 },
  ]) {
    it(`drops an inbound peer that never reads its replies (${Object.keys(limit)[0]})`, async () => {
      const a = await node({ p2p: limit });
      let parent = createGenesisBlock(params);
      for (let h = 1; h <= 200; h++) {
        parent = buildBlock(params, parent, h);
        a.service.submitBlock(parent);
      }
      const peer = new WebSocket(`ws://127.0.0.1:${a.port}/p2p`);
      peer.on('error', () => {});
      await new Promise((r) => peer.once('open', r));
      // never read: every reply (200 headers, 32 kB) stays queued on the node's side
      (peer as unknown as { _socket: { pause(): void } })._socket.pause();
      await waitFor('peer connected', () => a.p2p.list().peers.length === 1);
      const request = JSON.stringify({ type: 'getheaders', id: 1, locator: [params.genesis.hash] });
      for (let round = 0; round < 20 && a.p2p.list().peers.length > 0; round++) {
        for (let i = 0; i < 200; i++) peer.send(request); // 2000/s at most: under the flood limit
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor('peer dropped', () => a.p2p.list().peers.length === 0);
      expect((await a.call('GET', '/peers')).body.banned).toEqual([]);
      peer.terminate();
    });
  }

  it('relays a new block once: no echo between peers', async () => {
    const [a, b] = [await node(), await node()];
    await connect(b, a);
    const seen: string[] = [];
    const fake = await fakePeer((socket, message) => {
      if (message.type === 'hello')
        socket.send(JSON.stringify({ ...message, height: 0, chainWork: '1', listen: undefined }));
      if (message.type === 'block') seen.push(message.hex);
    });
    await a.call('POST', '/peers', { url: fake.url });
    await waitFor('connected', () => a.p2p.connectedCount === 2);
    await a.mine();
    await waitFor('b has it', () => tipOf(b).height === 1);
    await waitFor('the fake peer has it', () => seen.length >= 1);
    // b's relay back to a must not make a send the fake a second copy
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toHaveLength(1);
    await fake.close();
  });
});
