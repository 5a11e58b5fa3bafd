import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  bytesToHex,
  COIN,
  checkProofOfWork,
  computeMerkleRoot,
  createGenesisBlock,
  createTransfer,
  encodeBlock,
  encodeTx,
  headerHash,
  REGTEST,
  type TransferTx,
} from '@powcoin/core';
import { WebSocket } from 'ws';
import { StratumProbe } from './stratumProbe.js';

/** Where the attacks aim, and when they stop. */
export interface Target {
  readonly nodeUrl: string;
  readonly nodePort: number;
  readonly stratumPort: number;
  readonly attackerKey: Uint8Array;
  readonly minerAddress: string;
  readonly running: () => boolean;
}

export type Attack = (t: Target, count: (n?: number) => void) => Promise<void>;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const params = REGTEST;

function junkTransfer(): TransferTx {
  return {
    kind: 'transfer',
    senderPublicKey: Uint8Array.of(2, ...randomBytes(32)),
    recipient: randomBytes(20),
    amount: 1n,
    fee: 0n,
    nonce: 0,
    signature: randomBytes(64),
  };
}

/** A regtest block on genesis (height 1, far behind the tip) with ~`bytes` of junk transfers. */
function junkSideBlock(bytes: number, validPow = true): Uint8Array {
  const genesis = createGenesisBlock(params);
  const txs = [
    genesis.txs[0],
    ...Array.from({ length: Math.ceil(bytes / 150) }, junkTransfer),
  ] as TransferTx[];
  const base = {
    version: 1,
    prevHash: validPow ? headerHash(genesis.header) : randomBytes(32),
    merkleRoot: computeMerkleRoot(txs),
    time: genesis.header.time + 60,
    bits: params.powLimitBits,
  };
  for (let nonce = 0; ; nonce++) {
    const header = { ...base, nonce };
    if (checkProofOfWork(headerHash(header), header.bits, params.powLimit))
      return encodeBlock({ header, txs });
  }
}

async function p2pPeer(t: Target, from: string, chainWork = '1'): Promise<WebSocket> {
  const ws = new WebSocket(`${t.nodeUrl.replace('http', 'ws')}/p2p`, {
    localAddress: from,
    maxPayload: 64 << 20,
  });
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('close', reject);
  });
  ws.send(
    JSON.stringify({ type: 'hello', network: 'regtest', genesis: params.genesis.hash, height: 0, chainWork }),
  );
  return ws;
}

/** Runs `round` against fresh connections until the test stops, a few ms apart. */
async function loop(t: Target, round: () => Promise<void>, gapMs: number): Promise<void> {
  while (t.running()) {
    await round().catch(() => undefined);
    await pause(gapMs);
  }
}

export const attacks: Record<string, Attack> = {
  // first issue, item 1: junk side blocks off genesis by HTTP and by p2p
  'junk side blocks': async (t, count) => {
    const block = bytesToHex(junkSideBlock(300_000));
    await loop(
      t,
      async () => {
        await fetch(`${t.nodeUrl}/blocks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hex: block }),
        });
        count();
      },
      200,
    );
  },
  // item 2: idle sockets and idle /ws clients from two addresses
  'idle sockets': async (t, count) => {
    const held: Array<Socket | WebSocket> = [];
    for (let i = 0; i < 80 && t.running(); i++) {
      const s = connect({ port: t.nodePort, host: '127.0.0.1', localAddress: '127.0.0.9' });
      s.on('error', () => undefined);
      held.push(s);
      count();
    }
    for (let i = 0; i < 40 && t.running(); i++) {
      const ws = new WebSocket(`${t.nodeUrl.replace('http', 'ws')}/ws`, { localAddress: '127.0.0.10' });
      ws.on('error', () => undefined);
      held.push(ws);
      count();
    }
    while (t.running()) await pause(100);
    for (const h of held) 'terminate' in h ? h.terminate() : h.destroy();
  },
  // item 5: heavy reads of whole blocks and address history
  'heavy reads': async (t, count) => {
    await loop(
      t,
      async () => {
        const { height } = (await (await fetch(`${t.nodeUrl}/status`)).json()) as { height: number };
        await (await fetch(`${t.nodeUrl}/blocks/${Math.max(1, height - 1)}`)).arrayBuffer();
        await (await fetch(`${t.nodeUrl}/address/${t.minerAddress}?limit=100`)).arrayBuffer();
        count(2);
      },
      20,
    );
  },
  // item 6: getheaders from a genesis locator, as fast as the peer may
  'getheaders flood': async (t, count) => {
    const request = JSON.stringify({ type: 'getheaders', id: 1, locator: [params.genesis.hash] });
    await loop(
      t,
      async () => {
        const ws = await p2pPeer(t, '127.0.0.11');
        for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN && t.running(); i++) {
          ws.send(request);
          count();
          if (i % 20 === 19) await pause(10);
        }
        ws.terminate();
      },
      100,
    );
  },
  // item 8: idle Stratum connections from one address, and invalid shares from the honest miners' address
  'stratum slots and invalid shares': async (t, count) => {
    const idle: Socket[] = [];
    for (let i = 0; i < 80 && t.running(); i++) {
      const s = connect({ port: t.stratumPort, host: '127.0.0.1', localAddress: '127.0.0.12' });
      s.on('error', () => undefined);
      idle.push(s);
      count();
    }
    await loop(
      t,
      async () => {
        const bad = await StratumProbe.open(t.stratumPort);
        await bad.call('mining.subscribe', ['bad/1']);
        await bad.call('mining.authorize', [`${t.minerAddress}.bad`, 'x']);
        for (let i = 0; i < 30 && !bad.closed; i++) {
          bad.send(
            `${JSON.stringify({ id: 9, method: 'mining.submit', params: [`${t.minerAddress}.bad`, 'x', 'zz', '00', '00'] })}\n`,
          );
          count();
        }
        await pause(200);
        bad.close();
      },
      300,
    );
    for (const s of idle) s.destroy();
  },
  // item 9: a tiny suggest_difficulty before subscribe, then nonce-zero submits
  'free shares': async (t, count) => {
    await loop(
      t,
      async () => {
        const cheat = await StratumProbe.open(t.stratumPort, '127.0.0.13');
        await cheat.login(`${t.minerAddress}.cheat`, 1e-12);
        for (let i = 0; i < 50 && !cheat.closed && t.running(); i++) {
          cheat.send(
            `${JSON.stringify({ id: 10, method: 'mining.submit', params: [`${t.minerAddress}.cheat`, 'x', i.toString(16).padStart(8, '0'), '00000000', '00000000'] })}\n`,
          );
          count();
          await pause(20);
        }
        cheat.close();
      },
      100,
    );
  },
  // second issue, item 2: nested JSON to POST /tx and over /p2p
  'nested JSON': async (t, count) => {
    const bomb = `{"hex":${'['.repeat(900_000)}${']'.repeat(900_000)}}`;
    const frame = `{"type":"tx","hex":${'['.repeat(900_000)}${']'.repeat(900_000)}}`;
    await loop(
      t,
      async () => {
        await fetch(`${t.nodeUrl}/tx`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bomb,
        }).catch(() => undefined);
        const ws = await p2pPeer(t, '127.0.0.15');
        ws.send(frame);
        count(2);
        await pause(50);
        ws.terminate();
      },
      200,
    );
  },
  // item 3: megabyte blocks with unknown parents (and some without work) over /p2p
  'unconnected blocks': async (t, count) => {
    const orphan = bytesToHex(junkSideBlock(500_000, false));
    await loop(
      t,
      async () => {
        const ws = await p2pPeer(t, '127.0.0.16');
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString());
          if (m.type === 'getheaders') ws.send(JSON.stringify({ type: 'headers', id: m.id, headers: [] }));
        });
        for (let i = 0; i < 20 && ws.readyState === WebSocket.OPEN && t.running(); i++) {
          ws.send(JSON.stringify({ type: 'block', hex: orphan }));
          count();
          await pause(30);
        }
        ws.terminate();
      },
      100,
    );
  },
  // item 4: claims more work, answers getheaders with headers the node has
  'known headers': async (t, count) => {
    await loop(
      t,
      async () => {
        const spy = await p2pPeer(t, '127.0.0.17');
        const known: string[] = await new Promise((resolve) => {
          spy.on('message', (d) => {
            const m = JSON.parse(d.toString());
            if (m.type === 'headers') resolve(m.headers);
          });
          spy.send(JSON.stringify({ type: 'getheaders', id: 3, locator: [params.genesis.hash] }));
        });
        spy.terminate();
        const liar = await p2pPeer(t, '127.0.0.17', (10n ** 30n).toString());
        liar.on('message', (d) => {
          const m = JSON.parse(d.toString());
          if (m.type === 'getheaders') {
            liar.send(JSON.stringify({ type: 'headers', id: m.id, headers: known }));
            count();
          }
        });
        await pause(1000);
        liar.terminate();
      },
      100,
    );
  },
  // item 5: one funded sender fills its pending chain
  'one sender, many pending': async (t, count) => {
    const to = randomBytes(20);
    for (let nonce = 0; nonce < 300 && t.running(); nonce++) {
      const tx = createTransfer(params, t.attackerKey, { to, amount: COIN / 1000n, fee: 1000n, nonce });
      await fetch(`${t.nodeUrl}/tx`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hex: bytesToHex(encodeTx(tx)) }),
      }).catch(() => undefined);
      count();
      await pause(5);
    }
  },
  // item 8: connections authorizing new worker names fast
  'worker names': async (t, count) => {
    await loop(
      t,
      async () => {
        const rig = await StratumProbe.open(t.stratumPort, '127.0.0.18');
        await rig.call('mining.subscribe', ['rig/1']);
        for (let i = 0; i < 100 && !rig.closed && t.running(); i++) {
          rig.send(
            `${JSON.stringify({ id: 11, method: 'mining.authorize', params: [`${t.minerAddress}.w${randomBytes(4).toString('hex')}`, 'x'] })}\n`,
          );
          count();
          await pause(20);
        }
        rig.close();
      },
      100,
    );
  },
};
