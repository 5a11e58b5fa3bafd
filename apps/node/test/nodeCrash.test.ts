import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Block, bytesToHex, decodeTx, encodeBlock, hexToBytes, hexToHash, REGTEST } from '@powcoin/core';
import { waitFor } from '@powcoin/testkit';
import { Chain } from '../src/chain/chain.js';
import { ChainStore } from '../src/store/chainStore.js';
import { buildBlock, replayLedger } from './helpers/blocks.js';

const KILLS = 6;
const appDir = new URL('..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** The built node CLI (`dist/main.js`), as a user starts it. */
function startNode(dir: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    ['dist/main.js', '--network', 'regtest', '--data-dir', dir, '--port', String(port)],
    {
      cwd: appDir,
      stdio: 'ignore',
    },
  );
}

describe('kill -9 of the node process while blocks arrive over HTTP', () => {
  it(`keeps every acknowledged block and a consistent ledger (${KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-nodecrash-'));
    const acked: string[] = [];
    let running: ChildProcess | undefined;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const port = await freePort();
        const child = startNode(dir, port);
        running = child;
        const base = `http://127.0.0.1:${port}`;
        await waitFor(
          'node up',
          async () => (await fetch(`${base}/status`).catch(() => undefined))?.ok === true,
        );
        // submit blocks until a random moment, then kill -9 (possibly mid-request)
        const deadline = Date.now() + 150 + ((kill * 97) % 400);
        let parent: Block | undefined;
        let height = 0;
        while (Date.now() < deadline) {
          if (!parent) {
            const status = (await (await fetch(`${base}/status`)).json()) as { height: number };
            height = status.height;
            // the tip block itself, rebuilt from the node's answer (the running node holds its
            // store's lock, so the test cannot open it until the process is gone)
            const b = (await (await fetch(`${base}/blocks/${height}`)).json()) as {
              version: number;
              prevHash: string;
              merkleRoot: string;
              time: number;
              bits: string;
              nonce: number;
              txs: Array<{ hex: string }>;
            };
            parent = {
              header: {
                version: b.version,
                prevHash: hexToHash(b.prevHash),
                merkleRoot: hexToHash(b.merkleRoot),
                time: b.time,
                bits: Number.parseInt(b.bits, 16),
                nonce: b.nonce,
              },
              txs: b.txs.map((tx) => decodeTx(hexToBytes(tx.hex))),
            };
          }
          const block = buildBlock(REGTEST, parent as Block, height + 1, { salt: kill });
          const res = await fetch(`${base}/blocks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ hex: bytesToHex(encodeBlock(block)) }),
          });
          const body = (await res.json()) as { hash: string };
          if (res.status === 201) acked.push(body.hash);
          parent = block;
          height++;
        }
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        running = undefined;

        const store = new ChainStore(join(dir, 'chain.sqlite'));
        try {
          const chain = new Chain(store, REGTEST);
          const blocks: Block[] = [];
          for (let h = 0; h <= chain.tip().height; h++) blocks.push(chain.getBlockAt(h) as Block);
          for (const hash of acked) expect(chain.getBlock(hash)).toBeDefined();
          expect([...store.allAccounts()]).toEqual(replayLedger(REGTEST, blocks).entries());
        } finally {
          store.close();
        }
      }
      expect(acked.length).toBeGreaterThan(KILLS);
    } finally {
      running?.kill('SIGKILL'); // a failure half way must not leave a node running
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
