import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { waitFor } from '@powcoin/testkit';
import type { MineOptions } from '../src/cli.js';
import { type RunningMiner, startMiner } from '../src/mine.js';

/** A hostile "pool": valid handshake, then garbage of every kind, then one valid job. */
async function hostilePool(): Promise<{
  server: Server;
  port: number;
  submits: unknown[][];
  connections: () => number;
}> {
  const submits: unknown[][] = [];
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    let buffer = '';
    const send = (line: string) => socket.write(`${line}\n`);
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffer += d.toString();
      let i = buffer.indexOf('\n');
      while (i >= 0) {
        const m = JSON.parse(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        i = buffer.indexOf('\n');
        if (m.method === 'mining.subscribe')
          send(JSON.stringify({ id: m.id, result: [[], 'deadbeef', 4], error: null }));
        if (m.method === 'mining.submit') {
          submits.push(m.params);
          send(JSON.stringify({ id: m.id, result: true, error: null }));
        }
        if (m.method === 'mining.authorize') {
          send(JSON.stringify({ id: m.id, result: true, error: null }));
          const garbage = [
            'not json at all',
            '[]',
            '42',
            '{"method":"mining.notify","params":"nope"}',
            '{"method":"mining.notify","params":["1","zz","","",[],"1","2","3",true]}',
            '{"method":"mining.set_difficulty","params":["high"]}',
            '{"method":"mining.set_difficulty","params":[-5]}',
            '{"id":999,"result":true,"error":null}',
            '{"method":"mining.unknown","params":[1,2,3]}',
            `{"method":"mining.notify","params":["x","${'0'.repeat(64)}","${'ab'.repeat(3000)}"`, // truncated JSON
            '\u0000\u0001\u0002',
          ];
          for (const g of garbage) send(g);
          send(JSON.stringify({ id: null, method: 'mining.set_difficulty', params: [1e-9] }));
          send(
            JSON.stringify({
              id: null,
              method: 'mining.notify',
              params: [
                'job1',
                '0'.repeat(64),
                '00010000000c',
                '0100000000000000000000000000000000000000000100000000000000',
                [],
                '00000001',
                '207fffff',
                '6b011027',
                true,
              ],
            }),
          );
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as { port: number }).port,
    submits,
    connections: () => connections,
  };
}

/** A one-thread pool-mode miner (portable engine) against a local scripted server. */
function poolMinerOptions(port: number, output: 'json' | 'quiet', connectTimeoutMs: number): MineOptions {
  return {
    mode: 'pool',
    host: '127.0.0.1',
    port,
    address: 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r',
    network: 'regtest',
    worker: undefined,
    threads: 1,
    engine: 'js',
    output,
    connectTimeoutMs,
  };
}

describe('a hostile Stratum server', () => {
  let miner: RunningMiner | undefined;
  afterEach(async () => {
    await miner?.stop();
  });

  it('cannot crash the miner: garbage is ignored, a valid job is still mined', async () => {
    const pool = await hostilePool();
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    miner = await startMiner(poolMinerOptions(pool.port, 'json', 5000), out);
    await waitFor('a share on the valid job', () => pool.submits.length > 0, 15_000);
    const [worker, jobId, extranonce2, ntime, nonce] = pool.submits[0] as string[];
    expect(worker).toBe('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r');
    expect(jobId).toBe('job1');
    expect(extranonce2).toMatch(/^[0-9a-f]{8}$/);
    expect(ntime).toBe('6b011027');
    expect(nonce).toMatch(/^[0-9a-f]{8}$/);
    const warnings = lines.map((l) => JSON.parse(l)).filter((e) => e.type === 'warning');
    expect(warnings.length).toBeGreaterThanOrEqual(8);

    // a line longer than 64 KiB makes the miner drop the connection and dial again, not die
    const before = pool.connections();
    for (const socket of await new Promise<Socket[]>((r) => pool.server.getConnections(() => r([]))))
      socket.destroy();
    pool.server.emit('noop');
    await miner.stop();
    miner = undefined;
    expect(pool.connections()).toBeGreaterThanOrEqual(before);
    await new Promise((r) => pool.server.close(r));
  }, 30_000);

  it('reconnects after the server sends a line over 64 KiB', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.on('error', () => undefined);
      socket.on('data', () => {
        if (connections === 1) socket.write('x'.repeat(70_000));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const { StratumClient } = await import('../src/stratum/stratumClient.js');
    const client = new StratumClient('127.0.0.1', port, 'worker');
    const ignored: string[] = [];
    client.on('ignored', (why) => ignored.push(why));
    client.start();
    await waitFor('a second connection', () => connections >= 2, 10_000);
    expect(ignored.some((w) => w.includes('too long'))).toBe(true);
    client.close();
    await new Promise((r) => server.close(r));
  });
});

/** A scripted pool: answers subscribe and authorize, then lets the test drive the connection. */
async function scriptedPool(
  onAuthorized: (socket: Socket, send: (m: object) => void) => void,
  authorizeError: unknown[] | null = null,
) {
  const submits: string[][] = [];
  const connectedAt: number[] = [];
  const server = createServer((socket: Socket) => {
    connectedAt.push(Date.now());
    let buffer = '';
    const send = (m: object) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(m)}\n`);
    };
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffer += d.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const m = JSON.parse(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        if (m.method === 'mining.subscribe') send({ id: m.id, result: [[], 'deadbeef', 4], error: null });
        if (m.method === 'mining.submit') {
          submits.push(m.params);
          send({ id: m.id, result: true, error: null });
        }
        if (m.method === 'mining.authorize') {
          if (authorizeError) send({ id: m.id, result: null, error: authorizeError });
          else {
            send({ id: m.id, result: true, error: null });
            onAuthorized(socket, send);
          }
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, submits, connectedAt };
}

const jobParams = (id: string, clean: boolean) => [
  id,
  '0'.repeat(64),
  '00010000000c',
  '0100000000000000000000000000000000000000000100000000000000',
  [],
  '00000001',
  '207fffff',
  '6b011027',
  clean,
];

describe('pool quirks', () => {
  it('backs off more and more from a pool that hangs up right after the handshake', async () => {
    const pool = await scriptedPool((socket, send) => {
      send({ id: null, method: 'client.reconnect', params: [] });
      socket.end();
    });
    const { StratumClient } = await import('../src/stratum/stratumClient.js');
    const client = new StratumClient('127.0.0.1', pool.port, 'worker');
    client.start();
    await waitFor('five connections', () => pool.connectedAt.length >= 5, 15_000);
    client.close();
    await new Promise((r) => pool.server.close(r));
    const gaps = pool.connectedAt.slice(1).map((t, i) => t - (pool.connectedAt[i] as number));
    // 250, 500, 1000, 2000 ms (plus the handshake): each wait longer than the one before
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan((gaps[i - 1] as number) * 1.5);
    expect(gaps[3]).toBeGreaterThanOrEqual(2000);
  }, 20_000);

  it('comes back at once to a pool that gave work before it went away (a restart)', async () => {
    const pool = await scriptedPool((socket, send) => {
      send({ id: null, method: 'mining.notify', params: jobParams('w1', true) });
      setTimeout(() => socket.destroy(), 50);
    });
    const { StratumClient } = await import('../src/stratum/stratumClient.js');
    const client = new StratumClient('127.0.0.1', pool.port, 'worker');
    client.start();
    await waitFor('five connections', () => pool.connectedAt.length >= 5, 15_000);
    client.close();
    await new Promise((r) => pool.server.close(r));
    const gaps = pool.connectedAt.slice(1).map((t, i) => t - (pool.connectedAt[i] as number));
    // each connection brought work, so the backoff starts over: about 50 + 250 ms every time
    for (const gap of gaps) expect(gap).toBeLessThan(1000);
  }, 20_000);

  it('does not search the same ground again when a pool re-sends a job unchanged', async () => {
    let sendJob: ((m: object) => void) | undefined;
    const pool = await scriptedPool((_socket, send) => {
      sendJob = send;
      // one share per 2^20 hashes: a few a second, under the miner's cap on submissions
      send({ id: null, method: 'mining.set_difficulty', params: [2 ** -12] });
      send({ id: null, method: 'mining.notify', params: jobParams('j1', true) });
    });
    const miner = await startMiner(poolMinerOptions(pool.port, 'quiet', 5000), new PassThrough());
    try {
      await waitFor('shares on j1', () => pool.submits.length >= 3, 15_000);
      sendJob?.({ id: null, method: 'mining.notify', params: jobParams('j2', false) });
      await waitFor('shares on j2', () => pool.submits.filter((s) => s[1] === 'j2').length >= 3, 15_000);
      const work = (job: string) =>
        new Set(pool.submits.filter((s) => s[1] === job).map((s) => `${s[2]}:${s[4]}`));
      const first = work('j1');
      for (const w of work('j2')) expect(first.has(w)).toBe(false);
    } finally {
      await miner.stop();
      await new Promise((r) => pool.server.close(r));
    }
  }, 30_000);

  it('stops at once, exit 2, when the pool refuses the worker (error 24), instead of retrying forever', async () => {
    const pool = await scriptedPool(() => undefined, [24, 'bad payout address: wrong network', null]);
    const { server, port } = pool;
    try {
      const started = startMiner(poolMinerOptions(port, 'quiet', 10_000), new PassThrough());
      await expect(started).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining('wrong network'),
      });
      await new Promise((r) => setTimeout(r, 600));
      expect(pool.connectedAt).toHaveLength(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
