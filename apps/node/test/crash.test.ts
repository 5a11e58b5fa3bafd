import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Block, bytesEqual, headerHash, REGTEST } from '@powcoin/core';
import { Chain } from '../src/chain/chain.js';
import { ChainStore } from '../src/store/chainStore.js';
import { replayLedger } from './helpers/blocks.js';

const KILLS = 10;
const appDir = new URL('..', import.meta.url).pathname;

/** Starts the writer, waits for `acks` acknowledged blocks plus a random delay, then kill -9. */
async function runAndKill(dir: string, acks: number, extraMs: number): Promise<string[]> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/chainWriter.ts', dir],
    {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // never outlive the test, whatever happens in it
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  guard.unref();
  const acked: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.split(' ')[2] as string);
      if (acked.length >= acks) resolve();
    });
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, extraMs));
  if (child.exitCode !== null) throw new Error(`writer died by itself (${child.exitCode}): ${stderr}`);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  clearTimeout(guard);
  return acked;
}

describe('kill -9 while blocks arrive', () => {
  it(`restarts into a consistent store every time (${KILLS} kills)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-crash-'));
    try {
      const everAcked: string[] = [];
      let lastTip = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const acked = await runAndKill(dir, 3 + (kill % 4), (kill * 37) % 120);
        everAcked.push(...acked);

        const store = new ChainStore(join(dir, 'chain.sqlite'));
        try {
          const chain = new Chain(store, REGTEST);
          const tip = chain.tip();
          // the active chain is contiguous and linked, from genesis to the tip
          const blocks: Block[] = [];
          for (let h = 0; h <= tip.height; h++) {
            const block = chain.getBlockAt(h);
            expect(block).toBeDefined();
            if (h > 0)
              expect(
                bytesEqual((block as Block).header.prevHash, headerHash((blocks[h - 1] as Block).header)),
              ).toBe(true);
            blocks.push(block as Block);
          }
          // balances recomputed from the blocks equal the balances stored
          expect([...store.allAccounts()]).toEqual(replayLedger(REGTEST, blocks).entries());
          // nothing acknowledged was lost
          for (const hash of everAcked) expect(chain.getBlock(hash)).toBeDefined();
          // the active tip has at least the work of anything acknowledged (the most-work rule held)
          for (const hash of everAcked) {
            expect((store.getHeader(hash)?.chainWork ?? 0n) <= tip.chainWork).toBe(true);
          }
          expect(tip.height).toBeGreaterThan(lastTip);
          lastTip = tip.height;
        } finally {
          store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
