import { spawnSync } from 'node:child_process';
import { freePort } from '@powcoin/testkit';
import { parseMineFlags, UsageError } from '../src/cli.js';

const main = new URL('../dist/main.js', import.meta.url).pathname;
const ADDRESS = 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('miner flags', () => {
  it('parses pool and solo hosts with default ports', () => {
    expect(parseMineFlags({ mode: 'pool', host: '192.168.0.20', address: ADDRESS })).toMatchObject({
      host: '192.168.0.20',
      port: 6000,
      network: 'regtest',
    });
    expect(parseMineFlags({ mode: 'solo', host: 'http://localhost:5001', address: ADDRESS })).toMatchObject({
      host: 'localhost',
      port: 5001,
    });
    expect(
      parseMineFlags({
        mode: 'pool',
        host: 'stratum+tcp://pool.example:3333',
        address: ADDRESS,
        worker: 'rig-1',
        threads: '4',
        json: true,
      }),
    ).toMatchObject({
      port: 3333,
      worker: 'rig-1',
      threads: 4,
      output: 'json',
    });
  });

  it.each([
    [{ host: '127.0.0.1', address: ADDRESS }, /--mode/],
    [{ mode: 'pool', address: ADDRESS }, /--host is required/],
    [{ mode: 'pool', host: '127.0.0.1:99999', address: ADDRESS }, /port must be/],
    [{ mode: 'pool', host: 'bad host', address: ADDRESS }, /host:port/],
    [{ mode: 'pool', host: '127.0.0.1' }, /--address is required/],
    [{ mode: 'pool', host: '127.0.0.1', address: `${ADDRESS.slice(0, -1)}s` }, /not a valid address/],
    [{ mode: 'pool', host: '127.0.0.1', address: ADDRESS, threads: '0' }, /--threads/],
    [{ mode: 'pool', host: '127.0.0.1', address: ADDRESS, threads: 'lots' }, /--threads/],
    [{ mode: 'pool', host: '127.0.0.1', address: ADDRESS, worker: 'bad worker!' }, /--worker/],
    [{ mode: 'pool', host: '127.0.0.1', address: ADDRESS, json: true, quiet: true }, /do not go together/],
  ])('refuses %j', (flags, message) => {
    expect(() => parseMineFlags(flags)).toThrow(UsageError);
    expect(() => parseMineFlags(flags)).toThrow(message);
  });
});

describe('miner CLI exit codes', () => {
  it('exits 2 with a message and no stack trace for a bad address or flag', () => {
    for (const args of [
      ['--mode', 'pool', '--host', '127.0.0.1:6000', '--address', 'nonsense'],
      ['--mode', 'sideways', '--host', '127.0.0.1', '--address', ADDRESS],
      ['--threads'],
      ['bench', '--seconds', 'forever'],
    ]) {
      const r = run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/error/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 3 when the host cannot be reached at start', async () => {
    const port = await freePort();
    for (const mode of ['pool', 'solo']) {
      const r = run([
        '--mode',
        mode,
        '--host',
        `127.0.0.1:${port}`,
        '--address',
        ADDRESS,
        '--connect-timeout',
        '1',
        '--threads',
        '1',
      ]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/cannot reach/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('bench --json prints one object per line with engine, threads and hashesPerSecond', () => {
    const r = run(['bench', '--seconds', '0.3', '--threads', '1', '--engine', 'js', '--json']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.engine).sort()).toEqual(['crypto', 'js']);
    for (const row of rows) {
      expect(row.threads).toBe(1);
      expect(row.hashesPerSecond).toBeGreaterThan(0);
      expect(typeof row.ratioToCrypto).toBe('number');
    }
  });
});
