import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NodeAnswerError, NodeClient, SMALL_ANSWER_BYTES } from '../src/index.js';

/** A hostile node on loopback: answers each endpoint with what the test scripts. */
let server: Server;
let url: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;

beforeEach(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** 8 MB of nested brackets: under the client's 8 MiB overall cap, slow to JSON.parse. */
const NESTED = Buffer.from(`${'['.repeat(4_000_000)}${']'.repeat(4_000_000)}`);

describe('per-endpoint answer caps', () => {
  it('refuses 8 MB of nested brackets to GET /status quickly, before parsing it', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(NESTED);
    const started = performance.now();
    const err = await new NodeClient(url).status().catch((e: unknown) => e);
    const ms = performance.now() - started;
    process.stdout.write(`8 MB nested answer to GET /status refused in ${ms.toFixed(1)} ms\n`);
    expect(err).toBeInstanceOf(NodeAnswerError);
    expect((err as Error).message).toBe(
      `the node's answer to GET /status is larger than ${SMALL_ANSWER_BYTES} bytes`,
    );
    expect(ms).toBeLessThan(500);
  });

  it('refuses 8 MB of nested brackets to GET /tx/:txid and to an address page', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(NESTED);
    const client = new NodeClient(url);
    const txErr = await client.txStatus('ab'.repeat(32)).catch((e: unknown) => e);
    expect(txErr).toBeInstanceOf(NodeAnswerError);
    expect((txErr as Error).message).toMatch(/GET \/tx is larger than 65536 bytes/);
    const addrErr = await client
      .addressInfo('mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r', 20)
      .catch((e: unknown) => e);
    expect(addrErr).toBeInstanceOf(NodeAnswerError);
    expect((addrErr as Error).message).toMatch(/GET \/address is larger than \d+ bytes/);
  });

  it('still parses honest answers', async () => {
    const tipHash = 'cd'.repeat(32);
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/status')
        res.end(
          JSON.stringify({ network: 'regtest', height: 7, tipHash, difficulty: 1, hashrate: 3, peers: 2 }),
        );
      else res.end(JSON.stringify({ status: 'confirmed', height: 7, blockHash: tipHash, confirmations: 1 }));
    };
    const client = new NodeClient(url);
    await expect(client.status()).resolves.toMatchObject({ height: 7, tipHash, network: 'regtest' });
    await expect(client.txStatus('ab'.repeat(32))).resolves.toMatchObject({ status: 'confirmed', height: 7 });
  });
});
