import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, mineBlocks, type Service, startNodeProcess } from '@powcoin/testkit';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const KEY = '00000000000000000000000000000000000000000000000000000000000a11ce';
const PASS = 'script passphrase';

let node: Service;
let dir: string;
beforeAll(async () => {
  node = await startNodeProcess();
});
afterAll(async () => {
  await node.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-wallet-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function wallet(args: string[], opts: { input?: string; passphrase?: string | null } = {}) {
  const env = { ...process.env };
  if (opts.passphrase === null) delete env.WALLET_PASSPHRASE;
  else env.WALLET_PASSPHRASE = opts.passphrase ?? PASS;
  const r = spawnSync(
    process.execPath,
    [main, '--node', node.url, '--keystore', join(dir, 'w.json'), ...args],
    {
      encoding: 'utf8',
      env,
      input: opts.input ?? '',
      timeout: 30_000,
    },
  );
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr,
    json: () =>
      r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('wallet subcommands', () => {
  it('create (import), address, balance, send --wait, history, with --json', async () => {
    const created = wallet(['create', '--import', '--label', 'main', '--json'], { input: KEY });
    expect(created.code).toBe(0);
    const { address } = created.json()[0];
    expect(created.json()[0]).toMatchObject({ network: 'regtest', label: 'main' });
    const second = wallet(['create', '--label', 'savings', '--json']);
    expect(second.code).toBe(0);
    const savings = second.json()[0].address as string;
    expect(
      wallet(['address', '--json'])
        .json()
        .map((a: { label: string }) => a.label),
    ).toEqual(['main', 'savings']);

    await mineBlocks(node.url, address, 12);
    const balance = wallet(['balance', '--json']).json()[0];
    expect(balance).toMatchObject({ address, balance: '10000000000', immature: '50000000000', pending: '0' });

    // a send waits for a block: mine one in the background while it waits
    const miningDone = (async () => {
      for (let i = 0; i < 40; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const mempool = (await (await fetch(`${node.url}/mempool`)).json()) as { size: number };
        if (mempool.size > 0) {
          await mineBlocks(node.url, savings, 1);
          return;
        }
      }
    })();
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [
        main,
        '--node',
        node.url,
        '--keystore',
        join(dir, 'w.json'),
        'send',
        '--to',
        savings,
        '--amount',
        '12.5',
        '--fee',
        '0.001',
        '--wait',
        '--json',
      ],
      {
        env: { ...process.env, WALLET_PASSPHRASE: PASS },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    await miningDone;
    expect(code).toBe(0);
    // one line as soon as the node accepted it, one when a block holds it
    const [accepted, sent] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(accepted).toMatchObject({ to: savings, amount: '1250000000', fee: '100000', status: 'pending' });
    expect(sent).toMatchObject({ txid: accepted.txid, status: 'confirmed', confirmations: 1 });
    const savingsBalance = wallet(['balance', '--account', 'savings', '--json']).json()[0];
    expect(savingsBalance.balance).toBe('1250000000');
    const history = wallet(['history', '--json', '--limit', '3']).json();
    expect(history[0]).toMatchObject({
      txid: sent.txid,
      direction: 'out',
      counterparty: savings,
      amount: '1250000000',
      fee: '100000',
      confirmations: 1,
    });
  }, 60_000);

  it('creates the wallet at the default path on a fresh machine (~/.powcoin missing)', () => {
    const home = join(dir, 'home');
    const r = spawnSync(process.execPath, [main, '--network', 'regtest', 'create', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, WALLET_PASSPHRASE: PASS },
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ keystore: join(home, '.powcoin', 'wallet.json') });
    expect(statSync(join(home, '.powcoin')).mode & 0o777).toBe(0o700);
  });

  it('create: input errors exit 2 in their own words, not as a wrong passphrase', () => {
    const short = wallet(['create', '--json'], { passphrase: 'short' });
    expect(short.code).toBe(2);
    expect(short.err).toMatch(/at least 8 characters/);
    expect(short.json()[0]).toMatchObject({ error: { exitCode: 2 } });
    const badLabel = wallet(['create', '--label', 'no/slashes']);
    expect(badLabel.code).toBe(2);
    expect(badLabel.err).toMatch(/"no\/slashes" is not a label/);
    expect(wallet(['create', '--import', '--label', 'main'], { input: KEY }).code).toBe(0);
    const sameLabel = wallet(['create', '--label', 'main']);
    expect(sameLabel.code).toBe(2);
    expect(sameLabel.err).toMatch(/already labelled "main"/);
    const sameKey = wallet(['create', '--import', '--label', 'again'], { input: KEY });
    expect(sameKey.code).toBe(2);
    expect(sameKey.err).toMatch(/already in the wallet \(account main\)/);
    for (const r of [short, badLabel, sameLabel, sameKey]) expect(r.err).not.toMatch(/wrong passphrase/);
  });

  it('send: what was typed is checked before the node, so a typo is exit 2 even with the node down', async () => {
    expect(wallet(['create', '--json']).code).toBe(0);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const send = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [main, '--node', closed, '--keystore', join(dir, 'w.json'), 'send', ...args],
        {
          encoding: 'utf8',
          env: { ...process.env, WALLET_PASSPHRASE: PASS },
          timeout: 30_000,
        },
      );
    const badAddress = send('--to', 'x', '--amount', '1');
    expect(badAddress.status).toBe(2);
    expect(badAddress.stderr).not.toMatch(/cannot reach/);
    expect(send('--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '--amount', 'lots').status).toBe(2);
    expect(send('--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '--amount', '1', '--fee', '5').status).toBe(2);
    const fine = send('--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '--amount', '1');
    expect(fine.status).toBe(3); // well typed: now the node is what is missing
    expect(fine.stderr).toMatch(/cannot reach the node/);
  });

  it('the UI refuses an unknown --network instead of taking devnet', () => {
    const r = spawnSync(process.execPath, [main, '--keystore', join(dir, 'w.json'), '--network', 'mainnet'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--network must be regtest or devnet, got "mainnet"/);
    // and so does every subcommand
    for (const command of ['balance', 'address', 'history']) {
      const sub = wallet(['--network', 'mainnet', command]);
      expect(sub.code).toBe(2);
    }
  });

  it('exits with codes that say what went wrong', async () => {
    expect(wallet(['balance']).code).toBe(4); // no wallet file yet
    expect(wallet(['create', '--import', '--json'], { input: 'not a key' }).code).toBe(2);
    expect(wallet(['create', '--json']).code).toBe(0);
    const wrong = wallet(['balance'], { passphrase: 'not the passphrase' });
    expect(wrong.code).toBe(4);
    expect(wrong.err).toMatch(/wrong passphrase/);
    const bad = wallet(['send', '--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8s', '--amount', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/checksum/);
    const poor = wallet(['send', '--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '--amount', '1']);
    expect(poor.code).toBe(5);
    expect(poor.err).toMatch(/needed with the fee/);
    expect(
      wallet(['send', '--to', 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', '--amount', '1.000000001']).code,
    ).toBe(2);
    const down = spawnSync(
      process.execPath,
      [main, '--node', 'http://127.0.0.1:9', '--keystore', join(dir, 'w.json'), 'balance'],
      {
        encoding: 'utf8',
        env: { ...process.env, WALLET_PASSPHRASE: PASS },
      },
    );
    expect(down.status).toBe(3);
    expect(down.stderr).toMatch(/cannot reach the node/);
    expect(down.stderr).not.toMatch(/\n\s+at /);
    const noTty = wallet(['balance'], { passphrase: null });
    expect(noTty.code).not.toBe(0);
    expect(noTty.err).toMatch(/WALLET_PASSPHRASE/);
  }, 60_000);
});
