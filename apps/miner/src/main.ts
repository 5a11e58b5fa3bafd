#!/usr/bin/env node
/**
 * `miner`: CPU miner for powcoin, through a Stratum pool or straight against a node.
 *   miner --mode pool --host 127.0.0.1:6000 --address <addr> [--worker rig1] [--threads n]
 *   miner --mode solo --host 127.0.0.1:5000 --address <addr>
 *   miner bench [--seconds 3] [--threads n] [--json]
 * Exit codes: 0 stopped by Ctrl-C, 2 bad flags or address, 3 host unreachable at start, 1 otherwise.
 */
import { Command, CommanderError } from 'commander';
import { runBench } from './bench.js';
import { type MineOptions, parseMineFlags, type RawMineFlags, UnreachableError, UsageError } from './cli.js';
import { mine } from './mine.js';

function exitWith(err: unknown): never {
  if (err instanceof UsageError || err instanceof UnreachableError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(1);
}

const program = new Command()
  .name('miner')
  .description('powcoin CPU miner (sha256d): pool mode over Stratum v1, or solo against a node')
  .option('--mode <mode>', 'pool or solo')
  .option('--host <host:port>', 'the pool (default port 6000) or the node (default port 5000)')
  .option('--address <address>', 'payout address (checksum checked)')
  .option('--worker <name>', 'worker name, sent to the pool as <address>.<name>')
  .option('--threads <n>', 'worker threads (default: the number of cores)')
  .option('--engine <name>', 'hashing engine (default: the fastest available; see `miner bench`)')
  .option('--json', 'one JSON event per line instead of the status line')
  .option('--quiet', 'print only errors')
  .option('--connect-timeout <seconds>', 'give up at start if the host cannot be reached (default 15)')
  .enablePositionalOptions()
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .action(async (flags: RawMineFlags) => {
    let options: MineOptions;
    try {
      options = parseMineFlags(flags);
    } catch (err) {
      exitWith(err);
    }
    await mine(options).catch(exitWith);
  });

program
  .command('bench')
  .description('hashes per second of every engine, and the ratio to node:crypto measured in the same run')
  .option('--seconds <s>', 'seconds per engine', '3')
  .option('--threads <n>', 'worker threads (default: the number of cores)')
  .option('--engine <name...>', 'engines to measure (default: all available)')
  .option('--json', 'one JSON object per line: engine, threads, hashesPerSecond, ratioToCrypto')
  .action(async (flags: { seconds: string; threads?: string; engine?: string[]; json?: boolean }) => {
    const seconds = Number(flags.seconds);
    const threads = flags.threads === undefined ? undefined : Number(flags.threads);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
      exitWith(new UsageError('--seconds must be 0..600'));
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256))
      exitWith(new UsageError('--threads must be 1..256'));
    await runBench({
      seconds,
      ...(threads ? { threads } : {}),
      ...(flags.engine ? { engines: flags.engine } : {}),
      json: flags.json ?? false,
    }).catch(exitWith);
  });

// `miner --json | head`: a reader that goes away ends the miner quietly, not with a stack trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  // `pnpm --filter … start -- --flag` hands the program a literal `--` first: it is not an argument
  if (process.argv[2] === '--') process.argv.splice(2, 1);
  await program.parseAsync();
} catch (err) {
  exitWith(err);
}
