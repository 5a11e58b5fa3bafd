import {
  addressFromHash,
  blockSubsidy,
  bytesToHex,
  COIN,
  concatBytes,
  createTransfer,
  encodeHeader,
  encodeTx,
  hexToBytes,
  hexToHash,
  REGTEST,
} from '@powcoin/core';
import { testKey } from './helpers/blocks.js';
import { startTestNode, type TestNode } from './helpers/server.js';

const params = REGTEST;
let node: TestNode;

beforeEach(async () => {
  node = await startTestNode(params);
});

afterEach(async () => {
  await node.stop();
});

const call = (method: string, path: string, body?: unknown, raw?: string) =>
  node.call(method, path, body, raw);
const miner = addressFromHash(params, testKey(0).hash);
const mineFromTemplate = () => node.mine();

describe('HTTP API', () => {
  it('reports status at genesis', async () => {
    const { status, body } = await call('GET', '/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      network: 'regtest',
      height: 0,
      tipHash: params.genesis.hash,
      mempoolSize: 0,
    });
  });

  it('mines through /template and /blocks, then serves blocks, txs, addresses and the chain', async () => {
    for (let i = 0; i < 12; i++) expect((await mineFromTemplate()).status).toBe(201);
    const spend = createTransfer(params, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: 12n * COIN + 5n,
      fee: 1000n,
      nonce: 0,
    });
    const submitted = await call('POST', '/tx', { hex: bytesToHex(encodeTx(spend)) });
    expect(submitted).toMatchObject({ status: 201, body: { status: 'pending' } });
    const id = submitted.body.txid as string;
    expect((await call('GET', `/tx/${id}`)).body).toMatchObject({
      status: 'pending',
      tx: { amount: '1200000005' },
    });
    expect((await call('GET', '/mempool')).body.size).toBe(1);
    expect((await call('GET', `/address/${miner}`)).body).toMatchObject({
      nonce: 0,
      nextNonce: 1,
      pending: '1200001005',
    });

    const mined = await mineFromTemplate();
    expect(mined.body).toMatchObject({ height: 13, status: 'tip' });
    expect((await call('GET', `/tx/${id}`)).body).toMatchObject({
      status: 'confirmed',
      height: 13,
      confirmations: 1,
    });
    expect((await call('GET', '/mempool')).body.size).toBe(0);
    const recipient = await call('GET', `/address/${addressFromHash(params, testKey(1).hash)}`);
    expect(recipient.body).toMatchObject({
      balance: '1200000005',
      balanceCoins: '12.00000005',
      immature: '0',
    });
    expect(recipient.body.history).toHaveLength(1);
    const minerInfo = (await call('GET', `/address/${miner}?limit=5`)).body;
    expect(minerInfo.history).toHaveLength(5);
    expect(minerInfo.history[0].height).toBe(13);

    expect((await call('GET', '/blocks/13')).body).toMatchObject({ height: 13, confirmations: 1 });
    const byHash = await call('GET', `/blocks/${mined.body.hash}`);
    expect(byHash.body.txs).toHaveLength(2);
    expect(
      (await call('GET', '/blocks?from=2&limit=3')).body.blocks.map((b: { height: number }) => b.height),
    ).toEqual([2, 3, 4]);
    expect((await call('GET', '/chain?limit=2')).body).toMatchObject({ length: 14, from: 0 });
  });

  it('answers bad input with a clean 4xx error and changes nothing', async () => {
    await mineFromTemplate();
    const before = (await call('GET', '/status')).body;
    const cases: Array<[string, string, unknown, string | undefined, number, string]> = [
      ['POST', '/tx', undefined, '{"hex": ', 400, 'BAD_JSON'],
      ['POST', '/tx', { hex: 'zz' }, undefined, 400, 'BAD_REQUEST'],
      ['POST', '/tx', { hex: '00', extra: 1 }, undefined, 400, 'BAD_REQUEST'],
      ['POST', '/tx', { hex: '0001' }, undefined, 400, 'DECODE_TRUNCATED'],
      ['POST', '/tx', [1, 2, 3], undefined, 400, 'BAD_REQUEST'],
      ['POST', '/blocks', { hex: 'ab'.repeat(100) }, undefined, 400, 'DECODE_UNKNOWN_TYPE'],
      ['POST', '/blocks', { hex: 'ab'.repeat(params.maxBlockBytes + 1) }, undefined, 400, 'BAD_REQUEST'],
      [
        'POST',
        '/tx',
        undefined,
        JSON.stringify({ hex: 'a'.repeat(3 * params.maxBlockBytes) }),
        413,
        'BODY_TOO_LARGE',
      ],
      ['GET', '/address/notanaddress0', undefined, undefined, 422, 'ADDRESS_MALFORMED'],
      ['GET', `/address/${miner.slice(0, -1)}x`, undefined, undefined, 422, 'ADDRESS_BAD_CHECKSUM'],
      ['GET', `/address/${miner}?limit=100000`, undefined, undefined, 400, 'BAD_REQUEST'],
      ['GET', '/blocks/99', undefined, undefined, 404, 'NOT_FOUND'],
      ['GET', '/blocks/xyz', undefined, undefined, 400, 'BAD_REQUEST'],
      ['GET', `/tx/${'0'.repeat(64)}`, undefined, undefined, 404, 'NOT_FOUND'],
      ['GET', '/template?address=foo', undefined, undefined, 422, 'ADDRESS_MALFORMED'],
      ['GET', '/nope', undefined, undefined, 404, 'NOT_FOUND'],
      // bad percent-encoding in the path: the router cannot decode the parameter
      ['GET', '/blocks/%E0%A4%A', undefined, undefined, 400, 'BAD_REQUEST'],
      ['GET', '/address/%zz', undefined, undefined, 400, 'BAD_REQUEST'],
      ['GET', '/tx/%', undefined, undefined, 400, 'BAD_REQUEST'],
    ];
    for (const [method, path, body, raw, status, code] of cases) {
      const res = await call(method, path, body, raw);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status, code });
      expect(typeof res.body.error.message).toBe('string');
    }
    // a valid-looking transfer that breaks a rule: bad nonce
    const bad = createTransfer(params, testKey(0).privateKey, {
      to: testKey(1).hash,
      amount: 1n,
      fee: 0n,
      nonce: 3,
    });
    const res = await call('POST', '/tx', { hex: bytesToHex(encodeTx(bad)) });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'TX_BAD_NONCE' } } });
    expect((await call('GET', '/status')).body).toEqual(before);
  });

  it('refuses an invalid block with its consensus code', async () => {
    const { body: t } = await call('GET', `/template?address=${miner}`);
    // the node's clock and its future limit, so a pool bounds ntime by the node's clock, not its own
    const before = Math.floor(Date.now() / 1000);
    expect(Math.abs(t.curTime - before)).toBeLessThanOrEqual(5);
    expect(t.maxTime).toBe(t.curTime + REGTEST.maxFutureBlockSeconds);
    expect(t.minTime).toBeLessThanOrEqual(t.time);
    const header = encodeHeader({
      version: 1,
      prevHash: hexToHash(t.prevHash),
      merkleRoot: new Uint8Array(32),
      time: t.time,
      bits: Number.parseInt(t.bits, 16),
      nonce: 0,
    });
    const coinbase = concatBytes(
      hexToBytes(t.coinb1),
      new Uint8Array(t.extranonceBytes),
      hexToBytes(t.coinb2),
    );
    const hex = bytesToHex(concatBytes(header, Uint8Array.of(1), coinbase));
    const res = await call('POST', '/blocks', { hex });
    expect(res.status).toBe(422);
    expect(['BLOCK_BAD_MERKLE_ROOT', 'BLOCK_BAD_POW']).toContain(res.body.error.code);
  });

  it('keeps mining once the subsidy is 0: the template then pays nothing', async () => {
    // subsidy 50 coins halved every block: 0 from height 33 (5e9 < 2^33)
    const halving = { ...params, halvingInterval: 1 };
    expect(blockSubsidy(halving, 33)).toBe(0n);
    const short = await startTestNode(halving);
    try {
      for (let height = 1; height <= 35; height++) {
        expect((await short.mine()).body).toMatchObject({ height, status: 'tip' });
      }
      const { body: block } = await short.call('GET', '/blocks/35');
      expect(block.txs[0].outputs).toEqual([]);
    } finally {
      await short.stop();
    }
  });

  it('never makes a 64-byte coinbase, which no block may hold', async () => {
    // 29 bytes of extranonce space and one output would make exactly 64 bytes
    const { body: t } = await call('GET', `/template?address=${miner}&extranonceBytes=29`);
    expect(t.coinb1.length / 2 + 29 + t.coinb2.length / 2).toBe(65);
    expect((await node.mine(miner, 29)).body).toMatchObject({ height: 1, status: 'tip' });
  });

  it('answers a client over its request rate with 429 RATE_LIMITED', async () => {
    const limited = await startTestNode(params, { requestsPerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await limited.call('GET', '/status')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const last = await limited.call('GET', '/status');
      expect(last).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    } finally {
      await limited.stop();
    }
    // clients on the node's own machine (a pool, a wallet) are not limited by default
    const local = await startTestNode(params, { requestsPerMinute: 5, limitLoopback: false });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await local.call('GET', '/status')).status);
      expect(statuses).toEqual(Array(8).fill(200));
    } finally {
      await local.stop();
    }
  });

  it('refuses a 1.8 MB body of nested brackets on POST /tx and POST /blocks fast, and /status stays quick', async () => {
    const nested = `${'['.repeat(900_000)}${']'.repeat(900_000)}`;
    const timed = async (f: () => Promise<unknown>) => {
      const t0 = performance.now();
      const out = await f();
      return { out, ms: performance.now() - t0 };
    };
    const tx = await timed(() => call('POST', '/tx', undefined, nested));
    expect(tx.out).toMatchObject({ status: 413, body: { error: { code: 'BODY_TOO_LARGE' } } });
    const block = await timed(() => call('POST', '/blocks', undefined, nested));
    expect(block.out).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    const burst = Array.from({ length: 8 }, () => call('POST', '/blocks', undefined, nested));
    const status = await timed(() => call('GET', '/status'));
    await Promise.all(burst);
    expect(status.out).toMatchObject({ status: 200 });
    console.log(
      `nested 1.8 MB body: POST /tx ${tx.ms.toFixed(1)} ms, POST /blocks ${block.ms.toFixed(1)} ms, ` +
        `/status during a burst of 8 ${status.ms.toFixed(1)} ms`,
    );
    expect(status.ms).toBeLessThan(1000);
    // a small body of the wrong shape on POST /tx is still a clean 400
    expect((await call('POST', '/tx', undefined, '[[[1]]]')).status).toBe(400);
  });

  it('serves main-chain hashes by height on GET /hashes, bounded per call', async () => {
    for (let i = 0; i < 3; i++) expect((await mineFromTemplate()).status).toBe(201);
    const { status, body } = await call('GET', '/hashes?from=1&limit=2');
    expect(status).toBe(200);
    expect(body).toMatchObject({ height: 3, from: 1 });
    expect(body.hashes).toEqual([
      (await call('GET', '/blocks/1')).body.hash,
      (await call('GET', '/blocks/2')).body.hash,
    ]);
    expect((await call('GET', '/hashes')).body.hashes[0]).toBe(params.genesis.hash);
    expect((await call('GET', '/hashes?limit=5001')).status).toBe(400);
  });
});
