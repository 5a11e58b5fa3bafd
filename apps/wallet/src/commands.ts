import { randomBytes } from 'node:crypto';
import {
  formatCoins,
  getParams,
  hexToBytes,
  isNetworkName,
  isPrivateKey,
  type NetworkName,
  parseCoins,
} from '@powcoin/core';
import { KeystoreError } from '@powcoin/keystore';
import { describeHistoryEntry } from './historyEntry.js';
import {
  type Account,
  addAccount,
  createWallet,
  openWallet,
  readWalletHeader,
  validateLabel,
  type Wallet,
  walletExists,
} from './keystore/walletFile.js';
import type { NodeApi } from './nodeApi.js';
import { FilePendingRecord, pendingPathFor } from './pendingSends.js';
import { INPUT_ERROR_CODES, WalletError } from './walletError.js';
import { DEFAULT_FEE, DEFAULT_MAX_FEE, parseSendInput, WalletService } from './walletService.js';

/**
 * Exit codes of the scriptable subcommands. `UNKNOWN_OUTCOME`: a transaction was handed to the
 * node but no answer came back; it may or may not be accepted (the txid is printed).
 */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  NODE_DOWN: 3,
  KEYSTORE: 4,
  REJECTED: 5,
  UNKNOWN_OUTCOME: 6,
  /** An earlier send is not confirmed yet: nothing was signed (`--allow-pending` to go on). */
  PENDING: 7,
} as const;

export class CommandError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** Printed beside the error with --json (the txid of a transaction already handed to the node). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** Maps any error to an exit code and a message in words. */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  if (err instanceof KeystoreError) {
    return new CommandError(
      EXIT.KEYSTORE,
      err.code === 'WRONG_PASSPHRASE' ? 'wrong passphrase (or the wallet file was altered)' : err.message,
    );
  }
  if (err instanceof WalletError) {
    const code =
      err.code === 'NODE_DOWN' || err.code === 'NODE_BAD_ANSWER'
        ? EXIT.NODE_DOWN
        : err.code === 'SUBMIT_UNKNOWN'
          ? EXIT.UNKNOWN_OUTCOME
          : err.code === 'PENDING_SEND'
            ? EXIT.PENDING
            : INPUT_ERROR_CODES.has(err.code)
              ? EXIT.USAGE
              : EXIT.REJECTED;
    return new CommandError(code, err.message, err.txid ? { txid: err.txid } : {});
  }
  if ((err as NodeJS.ErrnoException).code === 'ENOENT')
    return new CommandError(EXIT.KEYSTORE, 'no wallet file: run `wallet create` first');
  return new CommandError(EXIT.INTERNAL, (err as Error).message);
}

export interface CommandContext {
  readonly keystorePath: string;
  readonly node: NodeApi;
  readonly passphrase: () => Promise<string>;
  /** The passphrase of a wallet file about to be created (asked twice at a prompt). */
  readonly newPassphrase: () => Promise<string>;
  readonly print: (line: string) => void;
  readonly json: boolean;
}

function pickAccount(wallet: Wallet, label: string | undefined): Account {
  if (label === undefined) return wallet.accounts[0] as Account;
  const account = wallet.accounts.find((a) => a.label === label);
  if (!account)
    throw new CommandError(
      EXIT.USAGE,
      `no account labelled "${label}" (have: ${wallet.accounts.map((a) => a.label).join(', ')})`,
    );
  return account;
}

function out(ctx: CommandContext, value: Record<string, unknown>, text: string): void {
  ctx.print(ctx.json ? JSON.stringify(value) : text);
}

export async function createCommand(
  ctx: CommandContext,
  opts: { label: string; importKey?: string; network?: string },
): Promise<void> {
  validateLabel(opts.label); // before any prompt
  let network: NetworkName;
  if (opts.network !== undefined) {
    if (!isNetworkName(opts.network))
      throw new CommandError(EXIT.USAGE, '--network must be regtest or devnet');
    network = opts.network;
  } else {
    const status = await ctx.node.status().catch(() => undefined);
    if (!status)
      throw new CommandError(
        EXIT.NODE_DOWN,
        `cannot reach the node at ${ctx.node.baseUrl} to learn its network: give --network`,
      );
    if (!isNetworkName(status.network))
      throw new CommandError(EXIT.REJECTED, `the node runs an unknown network ${status.network}`);
    network = status.network;
  }
  let key: Uint8Array;
  if (opts.importKey !== undefined) {
    try {
      key = hexToBytes(opts.importKey.trim(), 32);
    } catch {
      throw new CommandError(EXIT.USAGE, 'the key to import must be 64 hex digits');
    }
    if (!isPrivateKey(key)) throw new CommandError(EXIT.USAGE, 'that is not a valid secp256k1 private key');
  } else {
    do key = new Uint8Array(randomBytes(32));
    while (!isPrivateKey(key));
  }
  const exists = walletExists(ctx.keystorePath);
  const pass = exists ? await ctx.passphrase() : await ctx.newPassphrase();
  const wallet = exists
    ? await addAccount(ctx.keystorePath, pass, opts.label, key)
    : await createWallet(ctx.keystorePath, pass, network, opts.label, key).catch((err: unknown) => {
        // another process created the file since we looked: add the account to it instead
        if (err instanceof KeystoreError && err.code === 'EXISTS')
          return addAccount(ctx.keystorePath, pass, opts.label, key);
        throw err;
      });
  const account = wallet.accounts.find((a) => a.label === opts.label) as Account;
  out(
    ctx,
    { network: wallet.network, label: account.label, address: account.address, keystore: ctx.keystorePath },
    `${account.label}: ${account.address} (${wallet.network})`,
  );
}

export async function addressCommand(ctx: CommandContext, opts: { account?: string }): Promise<void> {
  const wallet = await openWallet(ctx.keystorePath, await ctx.passphrase());
  const accounts = opts.account === undefined ? wallet.accounts : [pickAccount(wallet, opts.account)];
  if (ctx.json) for (const a of accounts) ctx.print(JSON.stringify({ label: a.label, address: a.address }));
  else for (const a of accounts) ctx.print(`${a.label.padEnd(16)} ${a.address}`);
}

export async function balanceCommand(ctx: CommandContext, opts: { account?: string }): Promise<void> {
  const wallet = await openWallet(ctx.keystorePath, await ctx.passphrase());
  const service = new WalletService(ctx.node, wallet);
  await service.checkNetwork();
  const account = pickAccount(wallet, opts.account);
  const info = await service.info(account, 1);
  out(
    ctx,
    {
      label: account.label,
      address: account.address,
      balance: info.balance.toString(),
      pending: info.pending.toString(),
      immature: info.immature.toString(),
      nextNonce: info.nextNonce,
    },
    `${account.label} ${account.address}\nconfirmed ${formatCoins(info.balance)}\npending   ${info.pending > 0n ? '-' : ''}${formatCoins(info.pending)}\nimmature  ${formatCoins(info.immature)}`,
  );
}

/** How `send --wait` follows a transaction. */
export interface WaitOptions {
  /** Between two status requests. */
  readonly pollMs: number;
  /** Give up (exit 3, with the txid) once the node has been unreachable this long. */
  readonly nodeDownMs: number;
}

const UNKNOWN_ANSWERS_BEFORE_GIVING_UP = 3;

export const DEFAULT_WAIT: WaitOptions = { pollMs: 500, nodeDownMs: 30_000 };

export async function sendCommand(
  ctx: CommandContext,
  opts: {
    to: string;
    amount: string;
    fee?: string;
    maxFee?: string;
    account?: string;
    wait?: boolean;
    allowPending?: boolean;
  },
  waitOptions: WaitOptions = DEFAULT_WAIT,
): Promise<void> {
  let maxFee = DEFAULT_MAX_FEE;
  if (opts.maxFee !== undefined) {
    try {
      maxFee = parseCoins(opts.maxFee.trim());
    } catch (err) {
      throw new CommandError(EXIT.USAGE, `--max-fee: ${(err as Error).message}`);
    }
  }
  // what was typed is checked first: a typo is exit 2 even with the node down
  const fee = opts.fee ?? DEFAULT_FEE;
  parseSendInput(getParams(readWalletHeader(ctx.keystorePath).network), opts.to, opts.amount, fee, maxFee);
  const wallet = await openWallet(ctx.keystorePath, await ctx.passphrase());
  const service = new WalletService(
    ctx.node,
    wallet,
    new FilePendingRecord(pendingPathFor(ctx.keystorePath)),
  );
  await service.checkNetwork();
  const account = pickAccount(wallet, opts.account);
  const prepared = await service.prepareSend(
    account,
    opts.to,
    opts.amount,
    opts.fee ?? DEFAULT_FEE,
    maxFee,
    opts.allowPending ?? false,
  );
  const id = prepared.txid;
  const report = (status: string, text: string, extra: Record<string, unknown> = {}) =>
    out(
      ctx,
      {
        txid: id,
        from: account.address,
        to: prepared.to,
        amount: prepared.amount.toString(),
        fee: prepared.fee.toString(),
        status,
        ...extra,
      },
      text,
    );
  const sentText = `${formatCoins(prepared.amount)} to ${prepared.to} (fee ${formatCoins(prepared.fee)})`;
  // the txid is printed as soon as the transaction has left, whatever happens next
  let accepted: boolean;
  try {
    await service.send(prepared);
    accepted = true;
    report('pending', `sent ${sentText}\ntxid ${id} (pending)`);
  } catch (err) {
    if (!(err instanceof WalletError && err.code === 'SUBMIT_UNKNOWN')) throw err;
    accepted = false;
    report('unknown', `submitted ${sentText}, outcome unknown\ntxid ${id} (unknown)`);
    if (!opts.wait) throw toCommandError(err);
  }
  if (opts.wait) await waitForConfirmation(ctx, id, accepted, waitOptions, report);
}

/**
 * Follows a sent transaction until a block holds it. The node unreachable for too long ends the
 * wait (exit 3); the node not knowing it ends it too (exit 5): dropped from the mempool if it was
 * seen there, not accepted if the submission's outcome was unknown. Nothing is ever sent again.
 */
async function waitForConfirmation(
  ctx: CommandContext,
  id: string,
  accepted: boolean,
  options: WaitOptions,
  report: (status: string, text: string, extra?: Record<string, unknown>) => void,
): Promise<void> {
  let seen = accepted;
  let unknownAnswers = 0;
  let downSince: number | undefined;
  for (;;) {
    await new Promise((r) => setTimeout(r, options.pollMs));
    let s: Awaited<ReturnType<NodeApi['txStatus']>>;
    try {
      s = await ctx.node.txStatus(id);
      downSince = undefined;
    } catch {
      downSince ??= Date.now();
      if (Date.now() - downSince >= options.nodeDownMs) {
        throw new CommandError(
          EXIT.NODE_DOWN,
          `cannot reach the node at ${ctx.node.baseUrl} for ${Math.round(options.nodeDownMs / 1000)} s while waiting for transaction ${id}: it may still confirm (see \`wallet history\`)`,
          { txid: id, status: seen ? 'pending' : 'unknown' },
        );
      }
      continue;
    }
    if (s.status === 'confirmed') {
      report('confirmed', `txid ${id} confirmed in block ${s.height ?? '?'}`, {
        ...(s.height !== undefined ? { height: s.height } : {}),
        ...(s.confirmations !== undefined ? { confirmations: s.confirmations } : {}),
      });
      return;
    }
    if (s.status === 'pending') {
      if (!seen) report('pending', `txid ${id} is in the node's mempool (pending)`);
      seen = true;
      continue;
    }
    // after a submission without an answer the node may still be busy with it: ask a few times
    if (!seen && ++unknownAnswers < UNKNOWN_ANSWERS_BEFORE_GIVING_UP) continue;
    throw new CommandError(
      EXIT.REJECTED,
      seen
        ? `transaction ${id} was dropped from the node's mempool before a block took it; its nonce is free again: send again if you still want to`
        : `the node does not have transaction ${id}: it was not accepted (or was dropped at once)`,
      { txid: id, status: seen ? 'dropped' : 'unknown' },
    );
  }
}

export async function historyCommand(
  ctx: CommandContext,
  opts: { account?: string; limit: number; offset: number },
): Promise<void> {
  const wallet = await openWallet(ctx.keystorePath, await ctx.passphrase());
  const service = new WalletService(ctx.node, wallet);
  await service.checkNetwork();
  const account = pickAccount(wallet, opts.account);
  const info = await service.info(account, opts.limit, opts.offset);
  for (const entry of info.history) {
    const row = describeHistoryEntry(account.address, entry);
    out(
      ctx,
      {
        txid: row.txid,
        direction: row.direction,
        ...(row.counterparty !== undefined ? { counterparty: row.counterparty } : {}),
        amount: row.amount.toString(),
        // the transaction's fee, whoever paid it (as before)
        ...(entry.tx.kind === 'transfer' ? { fee: entry.tx.fee } : {}),
        confirmations: row.confirmations,
        height: row.height,
      },
      [
        row.direction.padEnd(5),
        row.amountText,
        ...(row.counterparty !== undefined ? [row.counterparty] : []),
        ...(row.fee !== undefined ? [`fee ${formatCoins(row.fee)}`] : []),
        `${row.confirmations} conf`,
        row.txid,
      ].join('  '),
    );
  }
}
