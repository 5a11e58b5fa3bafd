#!/usr/bin/env node
/**
 * Builds the native hashing addon (native/) with node-gyp and copies it to dist/native, where the
 * miner loads it. A failed build is not an error: it prints why and the miner runs its js engine.
 * MINER_NATIVE=0 skips the build.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, 'native');
const built = join(nativeDir, 'build', 'Release', 'miner_native.node');
const target = join(root, 'dist', 'native', 'miner_native.node');
// Why the last build made no addon, for the tests to tell "could not build here" from "built but broken".
const failureNote = join(root, 'dist', 'native', 'BUILD_FAILED');

function fallBack(reason) {
  rmSync(target, { force: true });
  mkdirSync(dirname(failureNote), { recursive: true });
  writeFileSync(failureNote, `${reason}\n`);
  process.stderr.write(`miner: native addon not built (${reason}); the miner will use its js engine\n`);
  process.exit(0);
}

if (process.env.MINER_NATIVE === '0') fallBack('MINER_NATIVE=0');

let nodeGyp;
try {
  nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  fallBack('node-gyp is not installed');
}

// Node's headers: node-gyp downloads them unless told where they are. Use the ones installed next
// to this node binary when there are some and no nodedir is configured.
const args = [
  nodeGyp,
  existsSync(join(nativeDir, 'build', 'Makefile')) ? 'build' : 'rebuild',
  '--loglevel=warn',
];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ['ignore', 'ignore', 'inherit'] });
if (result.error) fallBack(result.error.message);
if (result.status !== 0 || !existsSync(built)) fallBack(`node-gyp exited with ${result.status}`);

mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
rmSync(failureNote, { force: true });
process.stderr.write(`miner: native addon built: ${target}\n`);
