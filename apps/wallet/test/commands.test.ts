import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COIN } from '@powcoin/core';
import { NodeClient } from '@powcoin/node-client';
import {
  type CommandContext,
  CommandError,
  createCommand,
  historyCommand,
  sendCommand,
  toCommandError,
  type WaitOptions,
} from '../src/commands.js';
import { createWallet } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { FakeNode } from './fakeNode.js';
import { HttpNode } from './httpNode.js';
import { testKeys } from './keys.js';

/** The subcommands in-process, against a scripted node: what they print, when, and how they end. */
const PASS = 'commands passphrase';
const { key, addressOf } = testKeys(4000);
const ME = addressOf(1);
const OTHER = addressOf(2);
const FAST: WaitOptions = { pollMs: 20, nodeDownMs: 300 };

let dir: string;
let file: string;
let lines: string[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-commands-'));
  file = join(dir, 'w.json');
  lines = [];
  await createWallet(file, PASS, 'regtest', 'main', key(1));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function context(node: NodeApi, json = true): CommandContext {
  return {
    keystorePath: file,
    node,
    passphrase: async () => PASS,
    newPassphrase: async () => PASS,
    print: (line) => lines.push(line),
    json,
  };
}

function fakeNode(): FakeNode {
  const node = new FakeNode();
  node.infos.set(ME, {
    address: ME,
    balance: 100n * COIN,
    immature: 0n,
    pending: 0n,
    nonce: 0,
    nextNonce: 0,
    history: [],
  });
  return node;
}

/** Resolves once `n` lines have been printed. */
async function printedLines(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (lines.length < n) {
    if (Date.now() > deadline) throw new Error(`only ${lines.length} lines printed: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** How a command that must fail ends, as `wallet` reports it (exit code, message, JSON details). */
async function failure(run: Promise<void>): Promise<CommandError> {
  try {
    await run;
  } catch (err) {
    return toCommandError(err);
  }
  throw new Error('the command succeeded');
}

const printed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('send: a submission whose answer never comes', () => {
  let http: HttpNode;
  beforeEach(async () => {
    http = await new HttpNode()
      .status()
      .address(100n * COIN)
      .start();
    http.routes.set('POST /tx', () => undefined); // the node takes it and never answers
  });
  afterEach(() => http.stop());

  it('exits 6 with the txid, in words and in JSON, and never sends it again', async () => {
    const client = new NodeClient(http.url, 300);
    const err = await sendCommand(context(client), { to: OTHER, amount: '1' }).catch((e: unknown) => e);
    client.close();
    expect(err).toBeInstanceOf(CommandError);
    const { exitCode, details, message } = err as CommandError;
    const [line] = printed();
    expect(line).toMatchObject({ to: OTHER, amount: String(COIN), status: 'unknown' });
    expect(line?.txid).toMatch(/^[0-9a-f]{64}$/);
    expect(exitCode).toBe(6);
    expect(details).toEqual({ txid: line?.txid });
    expect(message).toMatch(/outcome unknown/);
    expect(message).not.toMatch(/cannot reach/);
    expect(http.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('says "outcome unknown" with the txid in the text output too', async () => {
    const client = new NodeClient(http.url, 300);
    const err = await sendCommand(context(client, false), { to: OTHER, amount: '1' }).catch(
      (e: unknown) => e,
    );
    client.close();
    expect((err as CommandError).exitCode).toBe(6);
    expect(lines.join('\n')).toMatch(/outcome unknown\ntxid [0-9a-f]{64} \(unknown\)/);
  });
});

describe('send --wait', () => {
  it('prints the txid as soon as the node accepts it, then the confirmation', async () => {
    const node = fakeNode();
    const done = sendCommand(
      context(node as unknown as NodeApi),
      { to: OTHER, amount: '1', wait: true },
      FAST,
    );
    await printedLines(1);
    const first = printed()[0];
    expect(first).toMatchObject({ status: 'pending', to: OTHER });
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toHaveLength(1); // still waiting for a block
    node.confirmed.add(first?.txid as string);
    await done;
    expect(printed()[1]).toMatchObject({
      txid: first?.txid,
      status: 'confirmed',
      height: 20,
      confirmations: 1,
    });
  });

  it('gives up with exit 3 and the txid once the node has been down for a while', async () => {
    const node = fakeNode();
    const done = sendCommand(
      context(node as unknown as NodeApi),
      { to: OTHER, amount: '1', wait: true },
      FAST,
    ).catch((e: unknown) => e);
    await printedLines(1);
    node.up = false;
    const started = Date.now();
    const err = (await done) as CommandError;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.exitCode).toBe(3);
    expect(err.details).toMatchObject({ txid: printed()[0]?.txid, status: 'pending' });
    expect(err.message).toContain(printed()[0]?.txid as string);
  });

  it('says so when the transaction is dropped from the mempool', async () => {
    const node = fakeNode();
    const done = sendCommand(
      context(node as unknown as NodeApi),
      { to: OTHER, amount: '1', wait: true },
      FAST,
    ).catch((e: unknown) => e);
    await printedLines(1);
    node.submitted.length = 0; // the node forgets it (evicted for better fees, say)
    const err = (await done) as CommandError;
    expect(err.exitCode).toBe(5);
    expect(err.message).toMatch(/dropped from the node's mempool/);
    expect(err.details).toMatchObject({ txid: printed()[0]?.txid, status: 'dropped' });
  });

  it('after an unknown outcome, follows the transaction the node did take (sent once)', async () => {
    const node = fakeNode();
    node.loseNextReply = true;
    const done = sendCommand(
      context(node as unknown as NodeApi),
      { to: OTHER, amount: '1', wait: true },
      FAST,
    );
    await printedLines(2);
    expect(printed().map((l) => l.status)).toEqual(['unknown', 'pending']);
    node.confirmed.add(printed()[0]?.txid as string);
    await done;
    expect(printed()[2]).toMatchObject({ status: 'confirmed' });
    expect(node.submitCalls).toBe(1);
  });
});

describe('create', () => {
  it('asks for the passphrase twice only when it creates the file', async () => {
    const asked: string[] = [];
    const ctx: CommandContext = {
      ...context(fakeNode() as unknown as NodeApi),
      keystorePath: join(dir, 'new.json'),
      passphrase: async () => {
        asked.push('passphrase');
        return PASS;
      },
      newPassphrase: async () => {
        asked.push('new passphrase, confirmed');
        return PASS;
      },
    };
    await createCommand(ctx, { label: 'first', network: 'regtest' });
    await createCommand(ctx, { label: 'second', network: 'regtest' });
    expect(asked).toEqual(['new passphrase, confirmed', 'passphrase']);
  });
});

describe('send: the fee guard', () => {
  it('refuses a fee above 1 coin (exit 2, nothing sent) unless --max-fee allows it', async () => {
    const node = fakeNode();
    const ctx = context(node as unknown as NodeApi);
    const high = await failure(sendCommand(ctx, { to: OTHER, amount: '1', fee: '2' }));
    expect(high.exitCode).toBe(2);
    expect(high.message).toMatch(/fee of 2 is more than the limit of 1.*--max-fee 2/);
    expect(node.submitCalls).toBe(0);
    const bad = await failure(sendCommand(ctx, { to: OTHER, amount: '1', maxFee: 'lots' }));
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toMatch(/--max-fee/);
    await sendCommand(ctx, { to: OTHER, amount: '1', fee: '2', maxFee: '2' });
    expect(printed()[0]).toMatchObject({ fee: String(2n * COIN), status: 'pending' });
    expect(node.submitCalls).toBe(1);
  });
});

describe('history', () => {
  it('shows a self-send as the UI does: no sign, the fee paid', async () => {
    const node = fakeNode();
    node.infos.set(ME, {
      address: ME,
      balance: 100n * COIN,
      immature: 0n,
      pending: 0n,
      nonce: 2,
      nextNonce: 2,
      history: [
        FakeNode.transfer(ME, ME, 1250000000n, 10000n, 1, 1),
        FakeNode.transfer(ME, OTHER, COIN, 10000n, 2, 2),
        FakeNode.transfer(OTHER, ME, 3n * COIN, 500n, 3, 3),
      ],
    });
    await historyCommand(context(node as unknown as NodeApi, false), { limit: 20, offset: 0 });
    expect(lines[0]).toMatch(new RegExp(`^self   12\\.5  ${ME}  fee 0\\.0001  1 conf  [0-9a-f]{64}$`));
    expect(lines[1]).toMatch(new RegExp(`^out    -1  ${OTHER}  fee 0\\.0001  2 conf`));
    expect(lines[2]).toMatch(new RegExp(`^in     \\+3  ${OTHER}  3 conf`));
    lines = [];
    await historyCommand(context(node as unknown as NodeApi), { limit: 20, offset: 0 });
    expect(printed()[0]).toMatchObject({
      direction: 'self',
      counterparty: ME,
      amount: '1250000000',
      fee: '10000',
    });
    expect(printed()[2]).toMatchObject({ direction: 'in', fee: '500' });
  });
});
