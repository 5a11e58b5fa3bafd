import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromPublicKey,
  COIN,
  decodeTx,
  hexToBytes,
  publicKeyFromPrivate,
  REGTEST,
} from '@powcoin/core';
import { NodeClient } from '@powcoin/node-client';
import { waitFor } from '@powcoin/testkit';
import { render } from 'ink-testing-library';
import { addAccount, createWallet, readWalletHeader } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { pendingPathFor } from '../src/pendingSends.js';
import { App } from '../src/ui/App.js';
import { DEFAULT_FEE } from '../src/walletService.js';
import { FakeNode } from './fakeNode.js';
import { HttpNode } from './httpNode.js';
import { testKeys } from './keys.js';

const PASS = 'correct horse battery';
const { key, addressOf } = testKeys(2000);
const ME = addressOf(1);
const OTHER = addressOf(2);

let dir: string;
let file: string;
let node: FakeNode;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-app-'));
  file = join(dir, 'wallet.json');
  node = new FakeNode();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\u001b';
const ENTER = '\r';
const BACKSPACE = '\u007f';
const PAGE_ROWS = 8; // history rows per page

async function until(
  frame: () => string | undefined,
  text: string | RegExp,
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = frame() ?? '';
    if (typeof text === 'string' ? f.includes(text) : text.test(f)) {
      // let React run the effects of the frame just drawn (Ink moves key handlers in effects)
      await new Promise((r) => setTimeout(r, 30));
      return f;
    }
    if (Date.now() > deadline) throw new Error(`screen never showed ${String(text)}; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Types one key at a time and waits for the screen to show it (•s for a masked field). The test
 * stdin holds one chunk until Ink reads it, and a key that arrives before a freshly shown field has
 * subscribed is dropped (as in a real terminal, a key pressed mid-redraw): a key that does not
 * appear is pressed again.
 */
async function type(
  stdin: { write: (s: string) => void },
  text: string,
  frame?: () => string | undefined,
  masked = false,
  already = 0,
): Promise<void> {
  if (!frame) {
    for (const c of text) await press(stdin, c);
    return;
  }
  const shown = (n: number) => (masked ? '•'.repeat(already + n) : text.slice(0, n));
  for (let i = 1; i <= text.length; i++) {
    for (let attempt = 0; ; attempt++) {
      const before = frame() ?? '';
      stdin.write(text[i - 1] as string);
      // long enough that a key which did land, on a slow machine, is never typed a second time
      const deadline = Date.now() + 2500;
      let seen = false;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        const now = frame() ?? '';
        // the key landed when the screen changed and shows the text so far
        if (now !== before && now.includes(shown(i))) {
          seen = true;
          break;
        }
      }
      if (seen) break;
      if (attempt >= 4) throw new Error(`the screen never showed "${shown(i)}"`);
    }
  }
}

async function press(stdin: { write: (s: string) => void }, k: string): Promise<void> {
  stdin.write(k);
  // a key that moves the focus needs the next render's effects before the following key
  await new Promise((r) => setTimeout(r, k.length === 1 && k >= ' ' ? 8 : 120));
}

type Ui = Awaited<ReturnType<typeof unlocked>>;

/** On the send screen: recipient OTHER and `amount`, leaving the focus on the fee. */
async function fillSend(ui: Ui, amount: string): Promise<void> {
  await press(ui.stdin, 's');
  await type(ui.stdin, OTHER, ui.lastFrame);
  await press(ui.stdin, ENTER);
  await type(ui.stdin, amount, ui.lastFrame);
  await press(ui.stdin, ENTER);
}

/** Fills the send screen with the default fee, up to the confirmation. */
async function toConfirmation(ui: Ui, amount: string): Promise<void> {
  await fillSend(ui, amount);
  await press(ui.stdin, ENTER);
  await until(ui.lastFrame, 'Press y');
}

async function unlocked() {
  await createWallet(file, PASS, 'regtest', 'main', key(1));
  node.infos.set(ME, {
    address: ME,
    balance: 100n * COIN,
    immature: 50n * COIN,
    pending: 0n,
    nonce: 0,
    nextNonce: 0,
    history: [],
  });
  const ui = render(
    <App keystorePath={file} node={node as unknown as NodeApi} network="regtest" newKey={() => key(9)} />,
  );
  await until(ui.lastFrame, 'Passphrase');
  await type(ui.stdin, PASS, ui.lastFrame, true);
  await press(ui.stdin, ENTER);
  await until(ui.lastFrame, 'Confirmed');
  return ui;
}

describe('first run', () => {
  it('creates a wallet: label, passphrase twice (a mismatch is caught)', async () => {
    const ui = render(
      <App keystorePath={file} node={node as unknown as NodeApi} network="regtest" newKey={() => key(1)} />,
    );
    await until(ui.lastFrame, 'first run');
    await press(ui.stdin, 'c');
    await until(ui.lastFrame, 'Account label');
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'New passphrase');
    await type(ui.stdin, 'short', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'At least 8 characters');
    await type(ui.stdin, ' and longer', ui.lastFrame, true, 5);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Repeat passphrase');
    await type(ui.stdin, 'different!!', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'The passphrases differ');
    await type(ui.stdin, 'short and longer', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await type(ui.stdin, 'short and longer', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    const frame = await until(ui.lastFrame, ME);
    expect(frame).toContain('Account main');
    ui.unmount();
  });

  it('imports a key, refusing one that is not a key', async () => {
    const ui = render(<App keystorePath={file} node={node as unknown as NodeApi} network="regtest" />);
    await until(ui.lastFrame, 'first run');
    await press(ui.stdin, 'i');
    await until(ui.lastFrame, 'Private key');
    await type(ui.stdin, 'abc', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'That is not a private key');
    for (let i = 0; i < 3; i++) await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, Buffer.from(key(2)).toString('hex'), ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Account label');
    for (let i = 0; i < 4; i++) await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, 'cold', ui.lastFrame);
    await press(ui.stdin, ENTER);
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    expect(await until(ui.lastFrame, OTHER)).toContain('Account cold');
    ui.unmount();
  });
});

describe('first run with the network unknown', () => {
  it('asks for the network rather than assume devnet, then creates the wallet on the one chosen', async () => {
    node.up = false;
    const ui = render(
      <App keystorePath={file} node={node as unknown as NodeApi} network={undefined} newKey={() => key(1)} />,
    );
    const ask = await until(ui.lastFrame, 'cannot be reached to learn its network');
    expect(ask).toContain('first run (network unknown)');
    await press(ui.stdin, 'c'); // not an answer: nothing happens
    await new Promise((r) => setTimeout(r, 100));
    expect(ui.lastFrame()).not.toContain('Account label');
    await press(ui.stdin, 'r');
    await until(ui.lastFrame, 'first run (regtest)');
    await press(ui.stdin, 'c');
    await until(ui.lastFrame, 'Account label');
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'New passphrase');
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Repeat passphrase');
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'powcoin wallet · regtest');
    expect(readWalletHeader(file).network).toBe('regtest');
    ui.unmount();
  });
});

describe('unlock', () => {
  it('says so on a wrong passphrase, then opens with the right one', async () => {
    await createWallet(file, PASS, 'regtest', 'main', key(1));
    const ui = render(<App keystorePath={file} node={node as unknown as NodeApi} network="regtest" />);
    await until(ui.lastFrame, 'Passphrase');
    await type(ui.stdin, 'not it at all', ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Wrong passphrase');
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Confirmed');
    ui.unmount();
  });
});

describe('screens', () => {
  it('overview: confirmed, pending and immature balances and the node height; node down is a banner and a retry', async () => {
    const ui = await unlocked();
    let frame = await until(ui.lastFrame, 'node height 20');
    expect(frame).toMatch(/Confirmed\s+100/);
    expect(frame).toMatch(/Immature\s+50/);
    node.up = false;
    frame = await until(ui.lastFrame, 'retrying', 5000);
    expect(frame).toContain('node down');
    expect(frame).toContain('cannot reach the node');
    node.up = true;
    node.height = 21;
    await until(ui.lastFrame, 'node height 21', 5000);
    expect(ui.lastFrame()).not.toContain('retrying');
    ui.unmount();
  });

  it('send: checksum as typed, insufficient funds in words, confirmation with the total, then live status', async () => {
    const ui = await unlocked();
    await press(ui.stdin, 's');
    await until(ui.lastFrame, 'Send from main');
    await type(ui.stdin, `${OTHER.slice(0, -1)}x`, ui.lastFrame);
    await until(ui.lastFrame, /checksum|base58|bytes/);
    await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, OTHER.slice(-1), ui.lastFrame);
    await press(ui.stdin, ENTER);
    await type(ui.stdin, '150', ui.lastFrame);
    await press(ui.stdin, ENTER);
    await press(ui.stdin, ENTER); // default fee
    await until(ui.lastFrame, 'needed with the fee');
    expect(ui.lastFrame()).toContain('50 more is still immature');
    for (let i = 0; i < 3; i++) await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, '12.5', ui.lastFrame);
    await press(ui.stdin, ENTER);
    await press(ui.stdin, ENTER);
    const confirm = await until(ui.lastFrame, 'Press y to send');
    expect(confirm).toContain('Total 12.5001');
    await press(ui.stdin, 'y');
    const sent = await until(ui.lastFrame, 'Sent. txid');
    expect(node.submitted).toHaveLength(1);
    const txid = /txid ([0-9a-f]{64})/.exec(sent)?.[1] as string;
    await until(ui.lastFrame, 'pending');
    node.confirmed.add(txid);
    node.emit('tip', 21, 'ab'.repeat(32));
    await until(ui.lastFrame, 'confirmed (1 confirmation');
    ui.unmount();
  });

  it('send: y pressed twice before the screen changes submits once and shows it sent', async () => {
    const ui = await unlocked();
    await toConfirmation(ui, '1');
    node.submitDelayMs = 200; // the first submission is still on its way when the second y comes
    ui.stdin.write('y');
    await new Promise((r) => setTimeout(r, 2));
    ui.stdin.write('y');
    const sent = await until(ui.lastFrame, 'Sent. txid');
    await new Promise((r) => setTimeout(r, 300));
    expect(node.submitCalls).toBe(1);
    expect(node.submitted).toHaveLength(1);
    expect(ui.lastFrame()).toContain('Sent. txid');
    expect(ui.lastFrame()).not.toMatch(/already known|cannot reach/);
    expect(sent).not.toContain('Press y');
    ui.unmount();
  });

  it('send: an answer lost after the node took it shows "outcome unknown" with the txid, sent once', async () => {
    const ui = await unlocked();
    await toConfirmation(ui, '1');
    node.loseNextReply = true;
    await press(ui.stdin, 'y');
    const frame = await until(ui.lastFrame, 'outcome unknown');
    expect(frame).toMatch(/txid [0-9a-f]{64}/);
    expect(frame).not.toContain('cannot reach the node');
    const txid = /txid ([0-9a-f]{64})/.exec(frame)?.[1] as string;
    await until(ui.lastFrame, 'pending: waiting for a block'); // the node has it after all
    node.confirmed.add(txid);
    node.emit('tip', 21, 'ab'.repeat(32));
    await until(ui.lastFrame, 'confirmed (1 confirmation');
    expect(node.submitCalls).toBe(1);
    ui.unmount();
  });

  it('send: a second payment while an earlier one may be pending is warned of and needs y', async () => {
    // an earlier send at nonce 0, recorded beside the keystore and not confirmed yet
    const earlier = 'ee'.repeat(32);
    writeFileSync(
      pendingPathFor(file),
      JSON.stringify({ version: 1, sends: [{ txid: earlier, from: ME, nonce: 0, hex: '01' }] }),
    );
    const ui = await unlocked();
    await fillSend(ui, '1');
    await press(ui.stdin, ENTER);
    const warned = await until(ui.lastFrame, 'paying again may pay twice');
    expect(warned).not.toContain('Press y to send');
    await press(ui.stdin, 'y');
    await until(ui.lastFrame, 'Press y to send');
    await press(ui.stdin, 'y');
    await until(ui.lastFrame, 'Sent. txid');
    expect(node.submitCalls).toBe(1);
    // signed after the earlier one (nonce 1), never over it nor at the node's word alone
    const tx = decodeTx(hexToBytes(node.submitted[0] as string));
    expect(tx.kind === 'transfer' && tx.nonce).toBe(1);
    ui.unmount();
  });

  it('send: a fee above 1 coin is pointed out and needs a capital Y', async () => {
    const ui = await unlocked();
    await fillSend(ui, '1');
    for (let i = 0; i < DEFAULT_FEE.length; i++) await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, '5', ui.lastFrame);
    await press(ui.stdin, ENTER);
    const confirm = await until(ui.lastFrame, 'Press Y (capital)');
    expect(confirm).toContain('The fee is more than 1 coin');
    await press(ui.stdin, 'y');
    await press(ui.stdin, ENTER);
    await new Promise((r) => setTimeout(r, 200));
    expect(node.submitCalls).toBe(0);
    await press(ui.stdin, 'Y');
    await until(ui.lastFrame, 'Sent. txid');
    expect(node.submitCalls).toBe(1);
    ui.unmount();
  });

  it('send: the node refusing is shown in words, and bad amounts are caught before signing', async () => {
    const ui = await unlocked();
    await fillSend(ui, '1.123456789');
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'at most 8 decimals');
    for (let i = 0; i < 11; i++) await press(ui.stdin, BACKSPACE);
    await type(ui.stdin, '1', ui.lastFrame);
    await press(ui.stdin, ENTER);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Press y');
    const { NodeRefusal } = await import('@powcoin/node-client');
    node.refuseNext = new NodeRefusal(422, 'TX_BAD_NONCE', 'nonce 1 expected, got 0');
    await press(ui.stdin, 'y');
    await until(ui.lastFrame, 'nonce 1 expected, got 0');
    await press(ui.stdin, ESC);
    await until(ui.lastFrame, 'Confirmed');
    ui.unmount();
  });

  it('receive shows the address; history pages newest first with direction, counterparty, fee, confirmations', async () => {
    const ui = await unlocked();
    await press(ui.stdin, 'r');
    await until(ui.lastFrame, 'Your address');
    expect(ui.lastFrame()).toContain(ME);
    const history = Array.from({ length: 11 }, (_, n) =>
      n % 2 === 0
        ? FakeNode.transfer(ME, OTHER, COIN * BigInt(n + 1), 1000n, n + 1, n)
        : FakeNode.transfer(OTHER, ME, 7n * COIN, 500n, n + 1, n),
    );
    node.infos.set(ME, {
      address: ME,
      balance: 100n * COIN,
      immature: 0n,
      pending: 0n,
      nonce: 6,
      nextNonce: 6,
      history,
    });
    await press(ui.stdin, 'h');
    let frame = await until(ui.lastFrame, /out\s+m/);
    expect(frame).toMatch(/out\s+\S+\s+-1\s+0\.00001\s+1/);
    expect(frame).toMatch(/in\s+\S+\s+\+7\s+2/);
    expect(frame).toContain('page 1');
    await press(ui.stdin, 'n');
    frame = await until(ui.lastFrame, /-11\s/); // the second page's rows arrive from the node
    expect(frame).toContain('page 2');
    await press(ui.stdin, 'p');
    await until(ui.lastFrame, 'page 1');
    ui.unmount();
  });

  it('history: a self-send shows no sign and its fee, as the CLI does', async () => {
    const ui = await unlocked();
    node.infos.set(ME, {
      address: ME,
      balance: 100n * COIN,
      immature: 0n,
      pending: 0n,
      nonce: 1,
      nextNonce: 1,
      history: [FakeNode.transfer(ME, ME, 1250000000n, 10000n, 1, 1)],
    });
    await press(ui.stdin, 'h');
    const frame = await until(ui.lastFrame, /self\s+m/);
    expect(frame).toMatch(/self\s+\S+\s+12\.5\s+0\.0001\s+1/);
    expect(frame).not.toMatch(/[+-]12\.5/);
    ui.unmount();
  });

  it('history: rows with the largest amounts and fees stay on one line of 80 columns', async () => {
    const ui = await unlocked();
    node.infos.set(ME, {
      address: ME,
      balance: 100n * COIN,
      immature: 0n,
      pending: 0n,
      nonce: 2,
      nextNonce: 2,
      history: [
        FakeNode.transfer(ME, OTHER, 21_000_000n * COIN - 1n, 1_234_567_890_123n, 1234567, 1),
        FakeNode.transfer(OTHER, ME, 1_234_567n * COIN + 12_345_678n, 12_345_678n, 3, 2),
      ],
    });
    await press(ui.stdin, 'h');
    const frame = await until(ui.lastFrame, /out\s+m/);
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    // each row whole on its own line: direction, counterparty, amount, fee and confirmations
    expect(frame).toMatch(/out\s+\S+…\S+\s+-20999999\.99999999\s+12345\.67890123\s+1234567\n/);
    expect(frame).toMatch(new RegExp(`in\\s+${OTHER}\\s+\\+1234567\\.12345678\\s+3\\n`));
    ui.unmount();
  });

  it('accounts: add one and switch to it', async () => {
    const ui = await unlocked();
    await press(ui.stdin, 'a');
    await until(ui.lastFrame, 'Accounts');
    await press(ui.stdin, 'n');
    await until(ui.lastFrame, 'New account label');
    await type(ui.stdin, 'second', ui.lastFrame);
    await press(ui.stdin, ENTER);
    const nine = addressFromPublicKey(REGTEST, publicKeyFromPrivate(key(9)));
    await until(ui.lastFrame, nine);
    await press(ui.stdin, '\u001b[B'); // down
    await new Promise((r) => setTimeout(r, 50));
    await press(ui.stdin, ENTER);
    await press(ui.stdin, 'o');
    await until(ui.lastFrame, `Account second`);
    ui.unmount();
  });

  it('accounts: a long list is shown a window at a time and fits 80×24', async () => {
    await createWallet(file, PASS, 'regtest', 'main', key(1));
    for (let i = 2; i <= 14; i++) await addAccount(file, PASS, `account ${i}`, key(100 + i));
    const ui = render(<App keystorePath={file} node={node as unknown as NodeApi} network="regtest" />);
    await until(ui.lastFrame, 'Passphrase');
    await type(ui.stdin, PASS, ui.lastFrame, true);
    await press(ui.stdin, ENTER);
    await until(ui.lastFrame, 'Confirmed');
    await press(ui.stdin, 'a');
    let frame = await until(ui.lastFrame, 'Accounts (14)');
    const fits = (f: string) => {
      expect(f.split('\n').length).toBeLessThanOrEqual(24);
      for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    };
    fits(frame);
    expect(frame).toContain('↓ 4 more');
    expect(frame).not.toContain('account 11');
    for (let i = 0; i < 12; i++) await press(ui.stdin, '\u001b[B'); // down to account 13
    frame = await until(ui.lastFrame, 'account 14');
    fits(frame);
    expect(frame).toContain('↑ 4 more');
    expect(frame).not.toContain('account 2 ');
    await press(ui.stdin, ENTER);
    await press(ui.stdin, 'o');
    await until(ui.lastFrame, 'Account account 13');
    ui.unmount();
  }, 60_000);

  it('fits an 80-column terminal', async () => {
    const ui = await unlocked();
    for (const k of ['o', 's', 'r', 'h', 'a']) {
      if (k !== 's') ui.stdin.write(k);
      else {
        await press(ui.stdin, 's');
        await until(ui.lastFrame, 'Send');
        await press(ui.stdin, ESC);
      }
      await new Promise((r) => setTimeout(r, 60));
      for (const line of (ui.lastFrame() ?? '').split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    }
    ui.unmount();
  });
});

describe('the node subscription', () => {
  it('is one WebSocket for the whole session: flipping pages and accounts opens no more, quitting closes it', async () => {
    const http = await new HttpNode()
      .status()
      .address(
        100n * COIN,
        Array.from({ length: PAGE_ROWS }, (_, n) => FakeNode.transfer(OTHER, ME, COIN, 100n, n + 1, n)),
      )
      .start();
    const client = new NodeClient(http.url);
    try {
      await createWallet(file, PASS, 'regtest', 'main', key(1));
      await addAccount(file, PASS, 'second', key(3));
      const ui = render(<App keystorePath={file} node={client} network="regtest" />);
      await until(ui.lastFrame, 'Passphrase');
      await type(ui.stdin, PASS, ui.lastFrame, true);
      await press(ui.stdin, ENTER);
      await until(ui.lastFrame, 'node height 20');
      await waitFor('the subscription', () => http.openSockets.size === 1, 5000);
      await press(ui.stdin, 'h');
      await until(ui.lastFrame, /page 1[\s\S]*\+1/);
      for (const page of [2, 3, 4, 5]) {
        await press(ui.stdin, 'n');
        await until(ui.lastFrame, `page ${page}`);
      }
      await press(ui.stdin, 'p');
      await until(ui.lastFrame, 'page 4');
      await press(ui.stdin, 'a');
      await until(ui.lastFrame, 'Accounts');
      await press(ui.stdin, '\u001b[B'); // down
      await press(ui.stdin, ENTER);
      await press(ui.stdin, 'h');
      await until(ui.lastFrame, /page 1[\s\S]*\+1/);
      await press(ui.stdin, 'n');
      await until(ui.lastFrame, 'page 2');
      await new Promise((r) => setTimeout(r, 300)); // time for any extra socket to show up
      expect(http.socketsOpened).toBe(1);
      expect(http.openSockets.size).toBe(1);
      ui.unmount();
      await waitFor('the socket to close', () => http.openSockets.size === 0, 5000);
    } finally {
      client.close();
      await http.stop();
    }
  });
});

describe('a misbehaving node', () => {
  it('is a banner, not a crash: a balance above 21 million coins is refused at the client', async () => {
    const http = await new HttpNode()
      .status()
      .address(10n ** 20n)
      .start();
    const client = new NodeClient(http.url);
    try {
      await createWallet(file, PASS, 'regtest', 'main', key(1));
      const ui = render(<App keystorePath={file} node={client} network="regtest" />);
      await until(ui.lastFrame, 'Passphrase');
      await type(ui.stdin, PASS, ui.lastFrame, true);
      await press(ui.stdin, ENTER);
      // (on a starved machine a slow first answer may show 'node down' first: wait for the verdict)
      const frame = await until(ui.lastFrame, /misbehaves/);
      expect(frame).toContain('retrying');
      expect(frame).toContain('Confirmed …');
      http.address(100n * COIN); // the node comes to its senses
      await until(ui.lastFrame, /Confirmed\s+100/, 5000);
      expect(ui.lastFrame()).not.toContain('retrying');
      ui.unmount();
    } finally {
      client.close();
      await http.stop();
    }
  });
});
