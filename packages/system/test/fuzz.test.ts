import { connect } from 'node:net';
import { startNodeProcess, startPoolProcess } from '@powcoin/testkit';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { record } from './helpers.js';

const HTTP_CASES = 1500;
const WS_CASES = 400;
const STRATUM_CASES = 800;
const json = async (url: string) => (await fetch(url)).json() as Promise<any>;

const hostileString = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e309',
    'NaN',
    '../../etc/passwd',
    '%00',
    '\u0000',
    'ﬀ',
    '😀'.repeat(40),
    'a'.repeat(5000),
    '{"a":',
    '[]',
    'null',
  ),
  fc.uint8Array({ maxLength: 150 }).map((b) => Buffer.from(b).toString('hex')),
);
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ hex: hostileString }),
  fc.record({ url: hostileString }),
  fc.record({ nodes: fc.array(hostileString, { maxLength: 5 }) }),
);
const path = fc.oneof(
  fc.constantFrom(
    '/status',
    '/blocks',
    '/chain',
    '/mempool',
    '/peers',
    '/template',
    '/tx',
    '/blocks',
    '/transactions/new',
    '/nodes/register',
    '/nodes/resolve',
    '/ws',
    '/nope',
  ),
  hostileString.map((s) => `/blocks/${encodeURIComponent(s)}`),
  hostileString.map((s) => `/tx/${encodeURIComponent(s)}`),
  hostileString.map((s) => `/address/${encodeURIComponent(s)}?limit=${encodeURIComponent(s)}`),
  hostileString.map(
    (s) => `/template?address=${encodeURIComponent(s)}&extranonceBytes=${encodeURIComponent(s)}`,
  ),
  hostileString.map((s) => `/blocks?from=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}`),
  hostileString.map(
    (s) =>
      `/mempool?offset=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}&txids=${encodeURIComponent(s)}`,
  ),
);

describe('hostile input against the running servers', () => {
  it('answers every malformed request, message and line cleanly; nothing dies, nothing changes', async () => {
    const node = await startNodeProcess();
    const pool = await startPoolProcess(node.url);
    let cases = 0;
    try {
      const before = await json(`${node.url}/status`);
      const poolBefore = await json(`${pool.url}/api/stats`);

      // HTTP: every answer is JSON; errors are {"error": {"code", "message"}} with a 4xx
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          path,
          fc.option(
            fc.oneof(
              hostileJson.map((v) => JSON.stringify(v)),
              hostileString,
            ),
          ),
          async (method, p, body) => {
            cases++;
            const res = await fetch(`${node.url}${p}`, {
              method,
              headers: body === null ? {} : { 'content-type': 'application/json' },
              body: body === null || method === 'GET' ? undefined : body,
            });
            expect(res.status).toBeLessThan(500);
            const text = await res.text();
            if (res.status >= 400) {
              const parsed = JSON.parse(text);
              expect(typeof parsed.error.code).toBe('string');
              expect(typeof parsed.error.message).toBe('string');
            }
          },
        ),
        { numRuns: HTTP_CASES },
      );

      // WebSocket push and peers: garbage in, at most an error message or a close; never a crash
      for (const endpoint of ['/ws', '/p2p']) {
        const socket = new WebSocket(`${node.url.replace('http', 'ws')}${endpoint}`);
        await new Promise((r, j) => (socket.once('open', r), socket.once('error', j)));
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              hostileJson.map((v) => JSON.stringify(v)),
              hostileString,
            ),
            async (message) => {
              cases++;
              if (socket.readyState === WebSocket.OPEN) socket.send(message);
            },
          ),
          { numRuns: WS_CASES / 2 },
        );
        socket.terminate();
      }

      // Stratum: random lines; every answer is a JSON line; the pool may drop the connection
      let socket = connect(pool.stratumPort, '127.0.0.1');
      let answers = '';
      const attach = () => {
        socket.on('data', (d) => {
          answers += d.toString();
        });
        socket.on('error', () => undefined);
      };
      attach();
      const line = fc.oneof(
        hostileString,
        fc
          .record({
            id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)),
            method: fc.constantFrom(
              'mining.subscribe',
              'mining.authorize',
              'mining.submit',
              'mining.suggest_difficulty',
              'mining.configure',
              'x',
            ),
            params: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 7 }),
          })
          .map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(line, async (l) => {
          cases++;
          if (socket.destroyed) {
            socket = connect(pool.stratumPort, '127.0.0.1');
            attach();
            await new Promise((r) => setTimeout(r, 20));
          }
          socket.write(`${l.replace(/\n/g, ' ')}\n`);
          await new Promise((r) => setTimeout(r, 1));
        }),
        { numRuns: STRATUM_CASES },
      );
      await new Promise((r) => setTimeout(r, 300));
      socket.destroy();
      for (const l of answers.split('\n').filter(Boolean)) {
        const m = JSON.parse(l);
        expect(m.error === null || Array.isArray(m.error) || m.method !== undefined).toBe(true);
      }

      // alive, and unchanged
      expect(node.child.exitCode).toBeNull();
      expect(pool.child.exitCode).toBeNull();
      const after = await json(`${node.url}/status`);
      expect(after.tipHash).toBe(before.tipHash);
      expect(after.mempoolSize).toBe(0);
      const poolAfter = await json(`${pool.url}/api/stats`);
      expect(poolAfter.round).toBe(poolBefore.round);
      expect(poolAfter.blocksFound).toBe(poolBefore.blocksFound);
      expect((await json(`${pool.url}/api/miners`)).miners).toEqual([]);
      record({ fuzz: cases });
      console.log(
        `fuzz: ${cases} hostile cases (HTTP ${HTTP_CASES}, WebSocket ${WS_CASES}, Stratum ${STRATUM_CASES}); servers alive, state unchanged`,
      );
    } finally {
      await pool.stop();
      await node.stop();
    }
  }, 300_000);
});
