#!/usr/bin/env node
/**
 * The long fault run (not in CI): the system faults test — node, pool and miners on loopback,
 * kill -9 of the node, the pool and a miner round after round — for a set time, then the same
 * audit and summary line as `npm test`. Run after `npm test` (or `npm start`) has built everything.
 *
 * Usage: node scripts/soak.mjs [--minutes 30]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const i = process.argv.indexOf('--minutes');
const minutes = i >= 0 ? Number(process.argv[i + 1]) : 30;
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
  console.error('--minutes must be a number of minutes (0 < m <= 1440)');
  process.exit(2);
}
const summaryFile = join(root, 'packages', 'system', '.system-summary.jsonl');
rmSync(summaryFile, { force: true });
console.log(`soak: ${minutes} minutes of kill -9 faults while the network mines (loopback only)`);
const r = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--runInBand',
    'test/faults',
  ],
  {
    cwd: join(root, 'packages', 'system'),
    stdio: 'inherit',
    env: { ...process.env, SOAK_MINUTES: String(minutes) },
  },
);
if (existsSync(summaryFile)) {
  const sum = { blocks: 0, payouts: 0, reorgs: 0, kills: 0, fuzz: 0 };
  for (const line of readFileSync(summaryFile, 'utf8').split('\n').filter(Boolean)) {
    const counts = JSON.parse(line);
    for (const key of Object.keys(sum)) sum[key] += counts[key] ?? 0;
  }
  console.log(
    `soak checked: ${sum.blocks} blocks, ${sum.payouts} payouts, ${sum.kills} kills survived, books and ledgers consistent`,
  );
}
process.exit(r.status ?? 1);
