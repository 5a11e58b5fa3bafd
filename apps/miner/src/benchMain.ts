/**
 * `pnpm --filter miner run bench [--seconds 3] [--threads N] [--engine name ...] [--json]`:
 * hashing speed of every engine, and its ratio to node:crypto.
 */
import { parseArgs } from 'node:util';
import { runBench } from './bench.js';

// `pnpm --filter miner run bench -- --flag` hands the program a literal `--` first
if (process.argv[2] === '--') process.argv.splice(2, 1);
const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    threads: { type: 'string' },
    engine: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});

await runBench({
  json: values.json ?? false,
  ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  ...(values.engine ? { engines: values.engine } : {}),
});
