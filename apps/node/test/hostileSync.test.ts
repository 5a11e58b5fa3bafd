import { createGenesisBlock, REGTEST } from '@powcoin/core';
import { waitFor } from '@powcoin/testkit';
import { WebSocket } from 'ws';
import { buildBlock } from './helpers/blocks.js';
import { startTestNode, type TestNode } from './helpers/server.js';

// Peers that keep the node busy with headers: a getheaders flood from a genesis locator, and a peer
// that claims more work and answers every getheaders with headers the node already has.
const params = REGTEST;
let node: TestNode;

beforeAll(async () => {
  node = await startTestNode(params);
  let parent = createGenesisBlock(params);
  for (let h = 1; h <= 2100; h++) {
    parent = buildBlock(params, parent, h);
    node.service.submitBlock(parent);
  }
}, 120_000);
afterAll(async () => {
  await node.stop();
});

async function hello(chainWork: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${node.port}/p2p`, { maxPayload: 64 * 1024 * 1024 });
  ws.on('error', () => {});
  await new Promise((r) => ws.once('open', r));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  ws.send(
    JSON.stringify({ type: 'hello', network: 'regtest', genesis: params.genesis.hash, height: 0, chainWork }),
  );
  return { ws, closed };
}

async function statusMs(): Promise<number> {
  const started = performance.now();
  await (await fetch(`http://127.0.0.1:${node.port}/status`)).json();
  return performance.now() - started;
}

describe('header abuse', () => {
  it('budgets getheaders by headers served: a flood from genesis is cut off and /status stays quick', async () => {
    const peer = await hello('1');
    let answers = 0;
    peer.ws.on('message', (d) => {
      if (JSON.parse(d.toString()).type === 'headers') answers++;
    });
    const request = JSON.stringify({ type: 'getheaders', id: 1, locator: [params.genesis.hash] });
    let open = true;
    void peer.closed.then(() => {
      open = false;
    });
    let worst = 0;
    let sent = 0;
    for (let round = 0; round < 40 && open; round++) {
      for (let i = 0; i < 50 && open; i++, sent++) peer.ws.send(request);
      worst = Math.max(worst, await statusMs());
    }
    expect(open).toBe(false);
    console.log(
      `getheaders flood: ${sent} sent, ${answers} answered, dropped; /status worst ${worst.toFixed(1)} ms`,
    );
    // 20,000 headers of budget: ten full batches, then the peer is dropped
    expect(answers).toBeLessThanOrEqual(11);
    // each uncached batch from genesis costs ~20 ms of the node's thread: before the budget and the
    // cache, /status waited ~0.8 s behind this flood
    expect(worst).toBeLessThan(400);
  });

  it('ends a sync at a batch that adds nothing, however much work the peer claims', async () => {
    // the attacker first learns 2,000 of the node's own headers
    const spy = await hello('1');
    spy.ws.send(JSON.stringify({ type: 'getheaders', id: 7, locator: [params.genesis.hash] }));
    const known: string[] = await new Promise((resolve) =>
      spy.ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'headers') resolve(m.headers);
      }),
    );
    spy.ws.close();
    expect(known).toHaveLength(2000);

    let rounds = 0;
    const liar = await hello((10n ** 30n).toString());
    liar.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type !== 'getheaders') return;
      rounds++;
      liar.ws.send(JSON.stringify({ type: 'headers', id: m.id, headers: known }));
    });
    await waitFor('the node to ask for headers', () => rounds >= 1, 5000);
    const worst = Math.max(await statusMs(), await statusMs());
    await new Promise((r) => setTimeout(r, 1500));
    console.log(`known-headers peer: ${rounds} getheaders rounds, /status ${worst.toFixed(1)} ms`);
    expect(rounds).toBe(1); // before: a new round every ~50 ms for as long as the peer kept answering

    liar.ws.terminate();
  });
});
