import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromPublicKey, COIN, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { NodeClient } from '@powcoin/node-client';
import { type CommandContext, CommandError, sendCommand } from '../src/commands.js';
import { createWallet } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { HttpNode } from './httpNode.js';

/** The subcommands in-process, against a scripted node: what they print, when, and how they end. */
const PASS = 'commands passphrase';
const key = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, i + 4000);
  return k;
};
const addressOf = (i: number) => addressFromPublicKey(REGTEST, publicKeyFromPrivate(key(i)));
const OTHER = addressOf(2);

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
    print: (line) => lines.push(line),
    json,
  };
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
