import { addressFromHash, bitsToDifficulty, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, waitFor } from '@powcoin/testkit';
import { startHardFakeNode } from './helpers/fakeNode.js';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

const params = REGTEST;
const addressOf = (i: number) => addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(i))));
let node: Service;
let harness: Awaited<ReturnType<typeof startPool>>;
let miner: StratumClient;

beforeAll(async () => {
  node = await startNodeProcess();
});
afterAll(async () => {
  await node.stop();
});
beforeEach(async () => {
  harness = await startPool(node.url);
  miner = await StratumClient.connect(harness.pool.port);
});
afterEach(async () => {
  miner.close();
  await harness.stop();
});

async function ready(worker = `${addressOf(1)}.rig1`): Promise<string> {
  await miner.subscribe();
  expect((await miner.call('mining.authorize', [worker, 'x'])).result).toBe(true);
  await miner.waitFor((m) => m.method === 'mining.notify');
  return worker;
}

describe('Stratum v1 session', () => {
  it('subscribes with a unique extranonce1 and sends set_difficulty before the first notify', async () => {
    const res = await miner.subscribe();
    expect(res.error).toBeNull();
    expect(res.result[1]).toMatch(/^[0-9a-f]{8}$/);
    expect(res.result[2]).toBe(4);
    const other = await StratumClient.connect(harness.pool.port);
    const res2 = await other.subscribe();
    expect(res2.result[1]).not.toBe(res.result[1]);
    other.close();
    await miner.waitFor((m) => m.method === 'mining.notify');
    const first = miner.lines.findIndex((m) => m.method === 'mining.set_difficulty');
    const notify = miner.lines.findIndex((m) => m.method === 'mining.notify');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(notify);
    const params = miner.lines[notify].params;
    expect(params).toHaveLength(9);
    expect(params[1]).toMatch(/^[0-9a-f]{64}$/);
    expect(params[5]).toBe('00000001');
    expect(params[6]).toBe('207fffff');
    expect(params[8]).toBe(true);
  });

  it('accepts a valid share and a block, which the node takes at once', async () => {
    const worker = await ready();
    const share = miner.findShare(false);
    expect(await miner.submit(worker, share)).toMatchObject({ result: true, error: null });
    const before = (await (await fetch(`${node.url}/status`)).json()) as { height: number };
    const workPrev = miner.job?.prevhash;
    const block = miner.findShare(true);
    expect(await miner.submit(worker, block)).toMatchObject({ result: true, error: null });
    const deadline = Date.now() + 5000;
    let height = before.height;
    while (height === before.height && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      height = ((await (await fetch(`${node.url}/status`)).json()) as { height: number }).height;
    }
    expect(height).toBe(before.height + 1);
    const tip = (await (await fetch(`${node.url}/blocks/${height}`)).json()) as { hash: string };
    expect(tip.hash).toBe(block.hash);
    // the new tip arrives as a clean job on top of the block
    const onBlock = await miner.waitFor((m) => m.method === 'mining.notify' && m.params[1] !== workPrev);
    expect(onBlock.params[8]).toBe(true);
    const words = Buffer.from(onBlock.params[1], 'hex');
    for (let i = 0; i < 32; i += 4) words.writeUInt32LE(words.readUInt32BE(i), i);
    expect(Buffer.from(words).reverse().toString('hex')).toBe(block.hash);
  });

  it('rejects with Stratum error codes and credits nothing', async () => {
    const unsubscribed = await miner.call('mining.submit', [
      `${addressOf(1)}`,
      '1',
      '00000000',
      '00000000',
      '00000000',
    ]);
    expect(unsubscribed.error[0]).toBe(25);
    const worker = await ready();
    const bad = await miner.call('mining.authorize', ['mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8s', 'x']);
    expect(bad.error[0]).toBe(24);
    // a share whose hex has letters, so that upper case is really a different string
    let s = miner.findShare(false);
    while (!/[a-f]/.test(s.extranonce2 + s.nonce)) s = miner.findShare(false);
    const cases: Array<[unknown[], number]> = [
      [['someone.else', s.jobId, s.extranonce2, s.ntime, s.nonce], 24],
      [[worker, 'ffffffff', s.extranonce2, s.ntime, s.nonce], 21],
      [[worker, s.jobId, 'zz'.repeat(4), s.ntime, s.nonce], 20],
      [[worker, s.jobId, `${s.extranonce2}00`, s.ntime, s.nonce], 20],
      [[worker, s.jobId, s.extranonce2, 'ffffffff', s.nonce], 20],
      [[worker, s.jobId, s.extranonce2, '00000001', s.nonce], 20],
      [[worker, s.jobId, s.extranonce2, s.ntime, 'xyz'], 20],
    ];
    for (const [params, code] of cases) {
      const res = await miner.call('mining.submit', params);
      expect({ params, code: res.error?.[0] }).toEqual({ params, code });
    }
    expect(await miner.submit(worker, s)).toMatchObject({ result: true });
    // the same share again, and again with the hex in upper case: duplicates
    expect((await miner.submit(worker, s)).error[0]).toBe(22);
    const upper = { ...s, extranonce2: s.extranonce2.toUpperCase(), nonce: s.nonce.toUpperCase() };
    expect((await miner.submit(worker, upper)).error[0]).toBe(22);
    expect(harness.pool.store.roundWeights(harness.pool.store.currentRound()).get(addressOf(1))).toBe(1n);
  });

  it('refuses a low-difficulty share (and credits it nothing)', async () => {
    const fake = await startHardFakeNode(); // network difficulty 1: room above 0.000001
    const hard = await startPool(fake.url, { startDifficulty: '0.000001' });
    const client = await StratumClient.connect(hard.pool.port);
    try {
      await client.subscribe();
      const worker = addressOf(2);
      await client.call('mining.authorize', [worker, 'x']);
      await client.waitFor((m) => m.method === 'mining.notify');
      expect(client.difficulty).toBe(0.000001);
      const issuedTarget = (0xffffn << 208n) * 1_000_000n;
      // mine as if the difficulty were 2^-32, and keep a hash above the issued share target
      const job = client.job as NonNullable<typeof client.job>;
      client.job = { ...job, difficulty: 2 ** -32 };
      let share = client.findShare(false);
      while (share.hashValue <= issuedTarget) share = client.findShare(false);
      const res = await client.submit(worker, share);
      expect(res.error[0]).toBe(23);
      expect(hard.pool.store.roundWeights(hard.pool.store.currentRound()).size).toBe(0);
    } finally {
      client.close();
      await hard.stop();
      await fake.stop();
    }
  });

  it('survives malformed lines and drops a client whose line is too long', async () => {
    miner.sendRaw('this is not json\n');
    expect((await miner.waitFor((m) => m.error)).error[0]).toBe(20);
    miner.sendRaw('{"id": 5, "method": "mining.nothing", "params": []}\n');
    expect((await miner.waitFor((m) => m.id === 5)).error[0]).toBe(20);
    miner.sendRaw(`${JSON.stringify({ id: 6, method: 'mining.subscribe', params: 'nope' })}\n`);
    expect((await miner.waitFor((m) => m.id === 6)).error[0]).toBe(20); // answered under its own id
    await miner.subscribe();
    miner.sendRaw('x'.repeat(20_000));
    await waitFor('the pool to close the connection', () => miner.closed, 5000);
    const again = await StratumClient.connect(harness.pool.port);
    expect((await again.subscribe()).error).toBeNull();
    again.close();
  });

  it('drops a flooding client; invalid shares drop the connection and ban its worker, not the address', async () => {
    const worker = await ready();
    const neighbour = await StratumClient.connect(harness.pool.port); // same address, as behind a NAT
    await neighbour.subscribe();
    expect((await neighbour.call('mining.authorize', [`${addressOf(2)}.rig2`, 'x'])).result).toBe(true);
    const s = miner.findShare(false);
    for (let i = 0; i < 25; i++)
      miner.sendRaw(
        `${JSON.stringify({ id: 100 + i, method: 'mining.submit', params: [worker, s.jobId, 'zz', s.ntime, s.nonce] })}\n`,
      );
    await waitFor('the pool to close the connection', () => miner.closed, 5000);
    // the other miner on the address is untouched, and the address still gets in
    expect(neighbour.closed).toBe(false);
    const again = await StratumClient.connect(harness.pool.port);
    await again.subscribe();
    // the offending worker is banned on this address for a while; another worker name is not
    expect((await again.call('mining.authorize', [worker, 'x'])).error[0]).toBe(24);
    expect((await again.call('mining.authorize', [`${addressOf(1)}.rig9`, 'x'])).result).toBe(true);
    again.close();
    neighbour.close();

    const flood = await startPool(node.url);
    const fast = await StratumClient.connect(flood.pool.port);
    try {
      for (let i = 0; i < 150; i++) fast.sendRaw('{"id":1,"method":"mining.nothing","params":[]}\n');
      await waitFor('the flooding client to be cut off', () => fast.closed, 5000);
    } finally {
      fast.close();
      await flood.stop();
    }
  });

  it('closes a silent connection after --idle-seconds and keeps one that talks', async () => {
    const idle = await startPool(node.url, { idleSeconds: '1' });
    const silent = await StratumClient.connect(idle.pool.port);
    const talker = await StratumClient.connect(idle.pool.port);
    try {
      await silent.subscribe();
      await talker.subscribe();
      const started = Date.now();
      // the talker speaks every 200 ms while the silent one waits to be dropped
      while (!silent.closed && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 200));
        expect((await talker.call('mining.suggest_difficulty', [0.5])).error).toBeNull();
      }
      expect(silent.closed).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(talker.closed).toBe(false);
      expect(idle.pool.stratum.connections).toBe(1);
    } finally {
      silent.close();
      talker.close();
      await idle.stop();
    }
  });

  it('refuses connections beyond --max-connections and takes new ones once a slot frees', async () => {
    const capped = await startPool(node.url, { maxConnections: '2' });
    const clients = [
      await StratumClient.connect(capped.pool.port),
      await StratumClient.connect(capped.pool.port),
    ];
    try {
      for (const c of clients) expect((await c.subscribe()).error).toBeNull();
      const third = await StratumClient.connect(capped.pool.port);
      clients.push(third);
      await waitFor('the connection over the cap to be closed', () => third.closed, 5000);
      clients[0]?.close();
      await waitFor('a slot to free', () => capped.pool.stratum.connections === 1, 5000);
      const fourth = await StratumClient.connect(capped.pool.port);
      clients.push(fourth);
      expect((await fourth.subscribe()).error).toBeNull();
      expect(fourth.closed).toBe(false);
    } finally {
      for (const c of clients) c.close();
      await capped.stop();
    }
  });

  it('rolls version bits with a miner that asked for them (BIP310), and only within the mask', async () => {
    const worker = await ready();
    // before any configure, a sixth parameter of zero bits (as some firmware always sends) is fine
    const plain = miner.findShare(false);
    const zeroBits = [worker, plain.jobId, plain.extranonce2, plain.ntime, plain.nonce, '00000000'];
    expect(await miner.call('mining.submit', zeroBits)).toMatchObject({ result: true });

    const configured = await miner.call('mining.configure', [
      ['version-rolling', 'minimum-difficulty'],
      { 'version-rolling.mask': 'ffffffff', 'version-rolling.min-bit-count': 2 },
    ]);
    expect(configured.result).toEqual({
      'version-rolling': true,
      'version-rolling.mask': '1fffe000',
      'minimum-difficulty': false,
    });
    const job = miner.job as NonNullable<typeof miner.job>;
    const bits = 0x0badc000 & 0x1fffe000;
    miner.rolledVersion = (Number.parseInt(job.version, 16) | bits) >>> 0;
    const before = (await (await fetch(`${node.url}/status`)).json()) as { height: number };
    const block = miner.findShare(true);
    const rolled = [
      worker,
      block.jobId,
      block.extranonce2,
      block.ntime,
      block.nonce,
      bits.toString(16).padStart(8, '0'),
    ];
    expect(await miner.call('mining.submit', rolled)).toMatchObject({ result: true, error: null });
    // the node took the block with its rolled version
    let onNode: { version?: number } = {};
    const deadline = Date.now() + 5000;
    while (onNode.version === undefined && Date.now() < deadline) {
      onNode = (await (await fetch(`${node.url}/blocks/${before.height + 1}`)).json()) as {
        version?: number;
      };
      if (onNode.version === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(onNode).toMatchObject({ hash: block.hash, version: miner.rolledVersion });

    // the next block's work
    await miner.waitFor((m) => m.method === 'mining.notify' && m.params[1] !== job.prevhash);
    const next = miner.findShare(false);
    const outside = [worker, next.jobId, next.extranonce2, next.ntime, next.nonce, '40000000'];
    expect((await miner.call('mining.submit', outside)).error).toEqual([
      20,
      'version bits outside the mask agreed with mining.configure',
      null,
    ]);
  });

  it('caps a start difficulty above the network difficulty, so no block is ever thrown away', async () => {
    const high = await startPool(node.url, { startDifficulty: '0.001' }); // regtest is ~4.7e-10
    const client = await StratumClient.connect(high.pool.port);
    try {
      await client.subscribe();
      await client.call('mining.authorize', [`${addressOf(3)}.rig`, 'x']);
      const notify = await client.waitFor((m) => m.method === 'mining.notify');
      const announced = client.lines
        .slice(0, client.lines.indexOf(notify))
        .filter((m) => m.method === 'mining.set_difficulty')
        .map((m) => m.params[0]);
      expect(announced.at(-1)).toBeLessThan(bitsToDifficulty(REGTEST.powLimitBits));
      expect((await client.submit(`${addressOf(3)}.rig`, client.findShare(true))).result).toBe(true);
    } finally {
      client.close();
      await high.stop();
    }
  });

  it('applies a suggested difficulty at once, never above the network difficulty', async () => {
    await ready();
    const networkDifficulty = bitsToDifficulty(REGTEST.powLimitBits);
    const seen = miner.lines.length;
    expect((await miner.call('mining.suggest_difficulty', [0.5])).result).toBe(true);
    const announced = await miner.waitFor(
      (m) => m.method === 'mining.set_difficulty' && miner.lines.indexOf(m) >= seen,
    );
    // capped a hair under the network's: above it the miner would throw away hashes good for a block
    expect(announced.params[0]).toBeLessThan(networkDifficulty);
    expect(announced.params[0]).toBeGreaterThan(networkDifficulty * 0.9999);
    const resent = await miner.waitFor(
      (m) => m.method === 'mining.notify' && miner.lines.indexOf(m) > miner.lines.indexOf(announced),
    );
    expect(resent.params[8]).toBe(false); // not clean: earlier jobs keep their difficulty
    // a block found at the capped difficulty is taken like any share
    const block = miner.findShare(true);
    expect(await miner.submit(`${addressOf(1)}.rig1`, block)).toMatchObject({ result: true });
  });

  it('answers a malformed request under its own id, and takes a null params as none', async () => {
    miner.sendRaw('{"id":41,"method":"mining.subscribe","params":"nope"}\n');
    expect((await miner.waitFor((m) => m.id === 41)).error[0]).toBe(20);
    miner.sendRaw('{"id":"sub","method":"mining.subscribe","params":null}\n');
    const answer = await miner.waitFor((m) => m.id === 'sub');
    expect(answer.error).toBeNull();
    expect(answer.result[2]).toBe(4);
  });

  it('tells miners to reconnect when it shuts down', async () => {
    await ready();
    const stopping = harness.stop();
    const reconnect = await miner.waitFor((m) => m.method === 'client.reconnect');
    expect(reconnect).toMatchObject({ id: null, params: [] });
    await stopping;
    harness = await startPool(node.url); // afterEach stops it again
  });
});
