#!/usr/bin/env node
/**
 * `wallet`: the powcoin terminal wallet. With no subcommand it opens the Ink UI; the subcommands
 * (create, address, balance, send, history) are for scripts, each with --json. Passphrase from a
 * hidden prompt or WALLET_PASSPHRASE. Exit codes: 0 ok, 2 bad input, 3 node unreachable or
 * misbehaving, 4 keystore (missing, wrong passphrase, not a wallet file, locked), 5 refused (funds,
 * network, dropped), 6 submitted but outcome unknown (the txid is printed), 1 other.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isNetworkName, type NetworkName } from '@powcoin/core';
import { NodeClient } from '@powcoin/node-client';
import { Command, CommanderError } from 'commander';
import { render } from 'ink';
import {
  addressCommand,
  balanceCommand,
  type CommandContext,
  CommandError,
  createCommand,
  EXIT,
  historyCommand,
  sendCommand,
  toCommandError,
} from './commands.js';
import { readImportedKey, readNewPassphrase, readPassphrase } from './passphrase.js';
import { App } from './ui/App.js';

interface GlobalFlags {
  node: string;
  keystore: string;
  network?: string;
}

const program = new Command()
  .name('wallet')
  .description('powcoin terminal wallet')
  .option('--node <url>', 'the node to talk to', 'http://127.0.0.1:5000')
  .option('--keystore <path>', 'the encrypted wallet file', join(homedir(), '.powcoin', 'wallet.json'))
  .option('--network <name>', 'network of a new wallet when the node cannot be asked (regtest or devnet)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

function context(json: boolean): CommandContext {
  const g = program.opts<GlobalFlags>();
  let url: URL;
  try {
    url = new URL(g.node);
  } catch {
    throw new CommandError(EXIT.USAGE, `--node must be a URL like http://127.0.0.1:5000, got "${g.node}"`);
  }
  return {
    keystorePath: g.keystore,
    node: new NodeClient(url.origin),
    passphrase: () => readPassphrase('Passphrase: '),
    newPassphrase: readNewPassphrase,
    print: (line) => process.stdout.write(`${line}\n`),
    json,
  };
}

async function run(fn: (ctx: CommandContext) => Promise<void>, json: boolean): Promise<void> {
  let ctx: CommandContext | undefined;
  try {
    ctx = context(json);
    await fn(ctx);
    ctx.node.close();
    process.exit(EXIT.OK);
  } catch (err) {
    ctx?.node.close();
    const e = toCommandError(err);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ...e.details, error: { exitCode: e.exitCode, message: e.message } })}\n`,
      );
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(e.exitCode);
  }
}

program
  .command('create')
  .description('create the wallet (or add an account to it)')
  .option('--label <label>', 'account label', 'main')
  .option(
    '--import',
    'import a private key (64 hex digits) instead of making one: typed at a hidden prompt, or read from a pipe',
  )
  .option('--json', 'print JSON')
  .action((o: { label: string; import?: boolean; json?: boolean }) =>
    run(async (ctx) => {
      const importKey = o.import ? await readImportedKey() : undefined;
      const g = program.opts<GlobalFlags>();
      await createCommand(ctx, {
        label: o.label,
        ...(importKey !== undefined ? { importKey } : {}),
        ...(g.network ? { network: g.network } : {}),
      });
    }, o.json ?? false),
  );
program
  .command('address')
  .description("print the accounts' addresses")
  .option('--account <label>', 'only this account')
  .option('--json', 'one JSON object per line')
  .action((o: { account?: string; json?: boolean }) => run((ctx) => addressCommand(ctx, o), o.json ?? false));
program
  .command('balance')
  .description('confirmed, pending and immature balance of an account')
  .option('--account <label>', 'the account (default: the first)')
  .option('--json', 'print JSON (amounts in base units, as strings)')
  .action((o: { account?: string; json?: boolean }) => run((ctx) => balanceCommand(ctx, o), o.json ?? false));
program
  .command('send')
  .description('send coins')
  .requiredOption('--to <address>', 'recipient address (checksum checked)')
  .requiredOption('--amount <coins>', 'amount in coins, e.g. 12.5')
  .option('--fee <coins>', 'fee in coins', '0.0001')
  .option('--max-fee <coins>', 'refuse a fee above this (a typo guard)', '1')
  .option('--account <label>', 'send from this account (default: the first)')
  .option('--wait', 'wait until a block holds the transaction (exit 3 after 30 s without the node)')
  .option('--allow-pending', 'sign even though an earlier send is not confirmed yet (else exit 7)')
  .option('--json', 'print JSON')
  .action(
    (o: {
      to: string;
      amount: string;
      fee: string;
      maxFee: string;
      account?: string;
      wait?: boolean;
      allowPending?: boolean;
      json?: boolean;
    }) => run((ctx) => sendCommand(ctx, o), o.json ?? false),
  );
program
  .command('history')
  .description('transactions of an account, newest first')
  .option('--account <label>', 'the account (default: the first)')
  .option('--limit <n>', 'how many', '20')
  .option('--offset <n>', 'skip this many', '0')
  .option('--json', 'one JSON object per line')
  .action((o: { account?: string; limit: string; offset: string; json?: boolean }) =>
    run(async (ctx) => {
      const limit = Number(o.limit);
      const offset = Number(o.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        throw new CommandError(EXIT.USAGE, '--limit must be 1..100');
      if (!Number.isInteger(offset) || offset < 0)
        throw new CommandError(EXIT.USAGE, '--offset must be 0 or more');
      await historyCommand(ctx, { ...(o.account ? { account: o.account } : {}), limit, offset });
    }, o.json ?? false),
  );

// --network is checked before any command runs, the UI's and every subcommand's
program.hook('preAction', () => {
  const g = program.opts<GlobalFlags>();
  if (g.network !== undefined && !isNetworkName(g.network)) {
    process.stderr.write(`error: --network must be regtest or devnet, got "${g.network}"\n`);
    process.exit(EXIT.USAGE);
  }
});

program.action(async () => {
  const g = program.opts<GlobalFlags>();
  const node = new NodeClient(new URL(g.node).origin);
  // a new wallet's network: --network, else the node's; neither known, the first run asks
  let network: NetworkName | undefined =
    g.network !== undefined && isNetworkName(g.network) ? g.network : undefined; // checked in preAction
  if (!network) {
    const status = await node.status().catch(() => undefined);
    if (status && isNetworkName(status.network)) network = status.network;
  }
  const app = render(<App keystorePath={g.keystore} node={node} network={network} />);
  await app.waitUntilExit();
  node.close();
  process.exit(0);
});

try {
  // `pnpm --filter … start -- --flag` hands the program a literal `--` first: it is not an argument
  if (process.argv[2] === '--') process.argv.splice(2, 1);
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT.USAGE);
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(EXIT.INTERNAL);
}
