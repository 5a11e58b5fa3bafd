import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { waitFor } from '@powcoin/testkit';
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
    miner = await startMiner(
      {
        mode: 'pool',
        host: '127.0.0.1',
        port: pool.port,
        address: 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r',
        network: 'regtest',
        worker: undefined,
        threads: 1,
        engine: 'js',
        output: 'json',
        connectTimeoutMs: 5000,
      },
      out,
    );
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
