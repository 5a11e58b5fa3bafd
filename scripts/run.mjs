#!/usr/bin/env node
/**
 * The README's two commands, on a machine with only Node.js 20 and npm:
 *   npm start   install everything, build, start the local network
 *   npm test    install everything, build, typecheck, lint, run every test, print the totals
 *
 * pnpm is installed into ./.tools at the version pinned in package.json's packageManager field
 * (no global install, no corepack signature check), then every step runs through it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = /^pnpm@([^+]+)/.exec(rootPackage.packageManager)?.[1];
const toolsDir = join(root, '.tools');
const env = {
  ...process.env,
  PATH: [join(toolsDir, 'node_modules', '.bin'), join(root, 'node_modules', '.bin'), process.env.PATH].join(
    delimiter,
  ),
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
  COREPACK_ENABLE_STRICT: '0',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

function log(message) {
  process.stderr.write(`\n▶ ${message}\n`);
}

/** Runs a command to completion; returns its exit status. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(command, args) {
  const status = run(command, args);
  if (status !== 0) {
    process.stderr.write(`\n✖ ${command} ${args.join(' ')} failed with exit code ${status}\n`);
    process.exit(status);
  }
}

function ensurePnpm() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, env, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return;
  log(`installing pnpm ${pnpmVersion} into .tools`);
  mustRun('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `pnpm@${pnpmVersion}`,
  ]);
}

function install() {
  ensurePnpm();
  log('installing dependencies');
  mustRun('pnpm', ['install', '--frozen-lockfile']);
}

/** Sums the JSON reports jest wrote in every package (`--json --outputFile=.jest-result.json`). */
function collectJestTotals(packages) {
  let passed = 0;
  let failed = 0;
  for (const dir of packages) {
    const file = join(dir, '.jest-result.json');
    if (!existsSync(file)) {
      process.stderr.write(`✖ ${dir}: jest wrote no report\n`);
      failed += 1;
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  }
  return { passed, failed };
}

const SUMMARY_FILE = join(root, 'packages', 'system', '.system-summary.jsonl');

/** One line of what the system tests checked (each test appends its counts to SUMMARY_FILE). */
function systemSummary(file = SUMMARY_FILE) {
  if (!existsSync(file)) return undefined;
  const sum = { blocks: 0, payouts: 0, reorgs: 0, kills: 0, fuzz: 0 };
  const hostile = [];
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const counts = JSON.parse(line);
    for (const key of Object.keys(sum)) sum[key] += counts[key] ?? 0;
    if (typeof counts.hostile === 'string') hostile.push(counts.hostile);
  }
  const checked = `system tests checked: ${sum.blocks} blocks, ${sum.payouts} payouts, ${sum.reorgs} partitions healed, ${sum.kills} kills survived, ${sum.fuzz} fuzz cases`;
  return [checked, ...hostile].join('\n');
}

function workspacePackagesWithTests() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const pkgFile = join(base, name, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      if (pkg.scripts?.test) dirs.push(join(base, name));
    }
  }
  return dirs;
}

function test() {
  install();
  const testDirs = workspacePackagesWithTests();
  for (const dir of testDirs) rmSync(join(dir, '.jest-result.json'), { force: true });
  rmSync(SUMMARY_FILE, { force: true });

  const steps = [];
  log('build and typecheck');
  steps.push([
    'build + typecheck',
    run('pnpm', ['exec', 'turbo', 'run', 'build', 'typecheck', '--continue']),
  ]);
  log('lint and format check (biome)');
  steps.push(['lint', run('pnpm', ['exec', 'biome', 'check', '.'])]);
  log('tests');
  steps.push(['tests', run('pnpm', ['exec', 'turbo', 'run', 'test', '--continue', '--concurrency=1'])]);

  const totals = collectJestTotals(testDirs);
  const system = systemSummary();
  process.stdout.write('\n');
  for (const [name, status] of steps)
    process.stdout.write(`${name}: ${status === 0 ? 'ok' : `FAILED (exit ${status})`}\n`);
  if (system) process.stdout.write(`${system}\n`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
  const ok = steps.every(([, status]) => status === 0) && totals.failed === 0 && totals.passed > 0;
  process.exit(ok ? 0 : 1);
}

function start() {
  install();
  log('building');
  mustRun('pnpm', ['exec', 'turbo', 'run', 'build']);
  log('starting the local network (Ctrl-C stops it)');
  const child = spawn(process.execPath, [join(root, 'scripts', 'devnet.mjs'), ...process.argv.slice(3)], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  // Ctrl-C in a terminal reaches the whole process group; a signal sent to this process alone (by
  // npm, a supervisor, `timeout`) is passed on. The devnet script stops once, whichever comes first.
  process.on('SIGINT', () => child.kill('SIGINT'));
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const mode = process.argv[2];
if (mode === 'test') test();
else if (mode === 'start') start();
else {
  process.stderr.write('usage: node scripts/run.mjs start|test\n');
  process.exit(2);
}
