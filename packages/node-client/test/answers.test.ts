import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DEFAULT_MAX_RESPONSE_BYTES, NodeAnswerError, NodeClient, NodeRefusal } from '../src/index.js';

/** A node on loopback answering whatever each test scripts: hostile, huge, or as big as real. */
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

const json = (res: ServerResponse, value: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
const hex = (bytes: number, seed: number) => (seed % 256).toString(16).padStart(2, '0').repeat(bytes);
const ADDRESS = 'mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r';

function addressAnswer(over: Record<string, unknown> = {}) {
  return {
    address: ADDRESS,
    balance: '100',
    immature: '0',
    pending: '0',
    nonce: 0,
    nextNonce: 0,
    history: [],
    ...over,
  };
}

describe('answers over the size cap', () => {
  it('refuses a body larger than the cap as it streams, without holding it all', async () => {
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once('drain', more);
        else res.end();
      };
      more();
    };
    const err = await new NodeClient(url).status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeAnswerError);
    expect(err).toMatchObject({ tooLarge: true });
    expect((err as Error).message).toMatch(/GET \/status is larger than 16384 bytes/);
    expect(sent).toBeLessThan(64); // the client stopped reading
  });

  it('refuses a declared Content-Length over the cap at once', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1 << 30) });
      res.write('{');
    };
    await expect(new NodeClient(url).status()).rejects.toMatchObject({ tooLarge: true });
  });

  it('takes a template and a block as large as the node makes them (a full 1 MB block)', async () => {
    // a 1,000,000-byte block holds about 7,000 transfers of 142 bytes
    const txs = Array.from({ length: 7000 }, (_, i) => ({
      txid: hex(32, i),
      hex: hex(142, i),
      fee: '10000',
    }));
    const template = {
      height: 5,
      version: 1,
      prevHash: hex(32, 1),
      prevHashInternal: hex(32, 2),
      bits: '207fffff',
      target: hex(32, 3),
      time: 1,
      minTime: 1,
      curTime: 1,
      maxTime: 7201,
      coinbaseValue: '5000000000',
      coinb1: 'ab',
      coinb2: 'cd',
      extranonceBytes: 8,
      txs,
      merkleBranch: [hex(32, 4)],
    };
    const block = {
      hash: hex(32, 5),
      confirmations: 3,
      txs: txs.map((t, i) => ({
        ...t,
        kind: 'transfer',
        from: ADDRESS,
        to: ADDRESS,
        amount: '2100000000000000',
        amountCoins: '21000000',
        feeCoins: '0.0001',
        nonce: i,
      })),
    };
    handler = (req, res) => json(res, req.url?.startsWith('/template') ? template : block);
    const client = new NodeClient(url);
    expect(JSON.stringify(block).length).toBeGreaterThan(3_000_000);
    expect(JSON.stringify(block).length).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES / 2);
    expect((await client.template(ADDRESS, 8)).txs).toHaveLength(7000);
    expect(await client.blockConfirmations(hex(32, 5))).toBe(3);
  });

  it('mainChainHashes halves a page of blocks that is over the cap', async () => {
    const limits: number[] = [];
    handler = (req, res) => {
      const q = new URL(req.url ?? '/', url).searchParams;
      const from = Number(q.get('from'));
      const limit = Number(q.get('limit'));
      limits.push(limit);
      // each block carries 100 kB of transactions
      const blocks = Array.from({ length: Math.min(limit, 120 - from) }, (_, i) => ({
        height: from + i,
        hash: hex(32, from + i),
        txs: [{ hex: 'ab'.repeat(50_000) }],
      }));
      json(res, { blocks });
    };
    const client = new NodeClient(url, 10_000, 1024 * 1024);
    const hashes = await client.mainChainHashes(0, 120);
    expect([...hashes.keys()]).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(limits.slice(0, 5)).toEqual([100, 50, 25, 13, 7]);
  });
});

describe('answers out of range', () => {
  it('refuses a balance above 21 million coins', async () => {
    handler = (_req, res) => json(res, addressAnswer({ balance: (10n ** 20n).toString() }));
    const err = await new NodeClient(url).addressInfo(ADDRESS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeAnswerError);
    expect((err as Error).message).toMatch(/GET \/address is invalid at balance/);
  });

  it('refuses history amounts out of range and coinbases paying more than 21 million coins', async () => {
    const max = '2100000000000000';
    const transfer = { kind: 'transfer', txid: hex(32, 1), from: ADDRESS, to: ADDRESS, fee: '0', nonce: 0 };
    const coinbase = (amounts: string[]) => ({
      height: 1,
      confirmations: 1,
      tx: {
        kind: 'coinbase',
        txid: hex(32, 2),
        height: 1,
        outputs: amounts.map((amount) => ({ address: ADDRESS, amount })),
      },
    });
    const client = new NodeClient(url);
    for (const history of [
      [{ height: 1, confirmations: 1, tx: { ...transfer, amount: '2100000000000001' } }],
      [{ height: 1, confirmations: 1, tx: { ...transfer, amount: '-1' } }],
      [coinbase([max, '1'])],
      [{ height: 1, confirmations: 1, tx: { ...transfer, amount: '1', to: '\u001b[2Jnot-an-address' } }],
    ]) {
      handler = (_req, res) => json(res, addressAnswer({ history }));
      await expect(client.addressInfo(ADDRESS)).rejects.toBeInstanceOf(NodeAnswerError);
    }
    handler = (_req, res) => json(res, addressAnswer({ balance: max, history: [coinbase([max])] }));
    expect((await client.addressInfo(ADDRESS)).balance).toBe(BigInt(max));
  });

  it('keeps terminal control characters out of a refusal', async () => {
    handler = (_req, res) =>
      json(res, { error: { code: 'TX_\u001b[31mBAD', message: 'no\u001b[2J\u0007 way' } }, 422);
    const err = (await new NodeClient(url).submitTx('00').catch((e: unknown) => e)) as NodeRefusal;
    expect(err).toBeInstanceOf(NodeRefusal);
    expect(err.status).toBe(422);
    expect(err.message).toBe('no [2J  way');
    expect(err.code).not.toContain('\u001b');
  });
});
