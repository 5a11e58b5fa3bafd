import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromPublicKey, hexToBytes, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { mineBlocks, type Service, startNodeProcess, waitFor } from '@powcoin/testkit';

/**
 * The built `wallet` in a real pseudo-terminal (tmux, 80×24) against a real regtest node: unlock,
 * type through the send flow, see the transaction confirmed on the node and in the history screen.
 */
const main = new URL('../dist/main.js', import.meta.url).pathname;
const KEY = '0000000000000000000000000000000000000000000000000000000000b0b0b0';
const PASS = 'terminal passphrase';
const RECIPIENT = 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r';
const socketName = `powcoin-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socketName, ...args], { encoding: 'utf8' });
}
const screen = (session = 'wallet') => tmux('capture-pane', '-p', '-t', session);
const keys = (...k: string[]) => tmux('send-keys', '-t', 'wallet', ...k);
async function see(text: string | RegExp, timeoutMs = 15_000, session = 'wallet'): Promise<string> {
  let last = '';
  await waitFor(
    `the terminal to show ${String(text)}`,
    () => {
      last = screen(session);
      return typeof text === 'string' ? last.includes(text) : text.test(last);
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- screen ---\n${last}`);
  });
  await new Promise((r) => setTimeout(r, 150));
  return last;
}

describe('the wallet in a real terminal', () => {
  let node: Service;
  let dir: string;
  beforeAll(async () => {
    node = await startNodeProcess();
    dir = mkdtempSync(join(tmpdir(), 'powcoin-tmux-'));
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', socketName, 'kill-server']);
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends coins through the UI and sees them confirmed', async () => {
    const keystore = join(dir, 'wallet.json');
    const created = spawnSync(
      process.execPath,
      [main, '--node', node.url, '--keystore', keystore, 'create', '--import', '--json'],
      {
        input: KEY,
        encoding: 'utf8',
        env: { ...process.env, WALLET_PASSPHRASE: PASS },
      },
    );
    expect(created.status).toBe(0);
    const { address } = JSON.parse(created.stdout);
    await mineBlocks(node.url, address, 12); // two coinbases matured: 100 coins spendable

    tmux(
      'new-session',
      '-d',
      '-s',
      'wallet',
      '-x',
      '80',
      '-y',
      '24',
      // a person's terminal: CI=false, or Ink (is-in-ci) would draw only the last frame
      `env CI=false ${process.execPath} ${main} --node ${node.url} --keystore ${keystore}`,
    );
    await see('Passphrase');
    keys(PASS);
    keys('Enter');
    await see(/Confirmed\s+100/);
    keys('s');
    await see('Send from main');
    keys('-l', RECIPIENT);
    keys('Enter');
    await see('› Amount:');
    keys('-l', '7.25');
    keys('Enter');
    await see(/Amount: 7\.25/);
    await new Promise((r) => setTimeout(r, 400)); // the fee field takes the focus
    keys('Enter'); // keep the default fee
    const confirm = await see('Press y to send');
    expect(confirm).toContain('Total 7.2501');
    keys('y');
    const sent = await see(/Sent\. txid [0-9a-f]{64}/);
    const txid = /txid ([0-9a-f]{64})/.exec(sent)?.[1] as string;
    await see('pending');
    await mineBlocks(node.url, address, 1);
    await see('confirmed (1 confirmation');
    const onNode = (await (await fetch(`${node.url}/tx/${txid}`)).json()) as {
      status: string;
      confirmations: number;
    };
    expect(onNode).toMatchObject({ status: 'confirmed', confirmations: 1 });
    keys('Escape');
    keys('h');
    const history = await see(/out\s+mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r\s+-7\.25\s+0\.0001\s+1/);
    for (const line of history.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    keys('q');
    await waitFor('the wallet to quit', () => !tmux('list-sessions').includes('wallet'), 10_000).catch(
      () => undefined,
    );
  }, 60_000);

  /** Runs a `wallet` subcommand in its own 80×24 terminal, without WALLET_PASSPHRASE; shows its exit code. */
  function shell(session: string, args: string): void {
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '80',
      '-y',
      '24',
      `sh -c 'env -u WALLET_PASSPHRASE ${process.execPath} ${main} ${args}; echo EXIT=$?; sleep 600'`,
    );
  }

  it('create --import on a terminal: the key at a hidden prompt, then the passphrase twice, nothing echoed', async () => {
    const keystore = join(dir, 'typed.json');
    shell('create', `--keystore ${keystore} --network regtest create --import`);
    const type = (text: string) => tmux('send-keys', '-t', 'create', '-l', text);
    const enter = () => tmux('send-keys', '-t', 'create', 'Enter');
    await see('Private key (64 hex digits):', 15_000, 'create');
    type(KEY);
    enter();
    await see('New passphrase (8+ characters):', 15_000, 'create');
    type(PASS);
    enter();
    await see('Repeat passphrase:', 15_000, 'create');
    type(PASS);
    enter();
    const done = await see(/EXIT=\d+/, 15_000, 'create');
    expect(done).toContain('EXIT=0');
    const address = addressFromPublicKey(REGTEST, publicKeyFromPrivate(hexToBytes(KEY, 32)));
    expect(done).toContain(`main: ${address} (regtest)`);
    expect(done).not.toContain(KEY);
    expect(done).not.toContain(PASS);
    tmux('kill-session', '-t', 'create');
  }, 60_000);

  it('create on a terminal: two passphrases that differ write nothing (exit 2)', async () => {
    const keystore = join(dir, 'typo.json');
    shell('typo', `--keystore ${keystore} --network regtest create`);
    const type = (text: string) => tmux('send-keys', '-t', 'typo', '-l', text);
    const enter = () => tmux('send-keys', '-t', 'typo', 'Enter');
    await see('New passphrase (8+ characters):', 15_000, 'typo');
    type(PASS);
    enter();
    await see('Repeat passphrase:', 15_000, 'typo');
    type(`${PASS}x`);
    enter();
    const done = await see(/EXIT=\d+/, 15_000, 'typo');
    expect(done).toContain('EXIT=2');
    expect(done).toContain('the two passphrases differ; nothing was written');
    expect(existsSync(keystore)).toBe(false);
    tmux('kill-session', '-t', 'typo');
  }, 60_000);
});
