import { addressFromHash, DEVNET, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess, startPoolProcess, waitFor } from '@powcoin/testkit';
import { keyOf } from './helpers/poolHarness.js';
import { StratumClient } from './helpers/stratumClient.js';

// What one address may cost the built pool: connections, time without authorizing, worker names,
// shares that need no hashing; and what it may never learn (other miners' addresses).
const regtestAddress = (i: number) => addressFromHash(REGTEST, hash160(publicKeyFromPrivate(keyOf(i))));

async function stats(pool: Service): Promise<any> {
  return (await fetch(`${pool.url}/api/stats`)).json();
}

describe('the built pool against hostile miners (regtest)', () => {
  let node: Service;
  let pool: Service & { stratumPort: number };
  const clients: StratumClient[] = [];

  beforeAll(async () => {
    node = await startNodeProcess();
    pool = await startPoolProcess(node.url, {
      flags: ['--max-connections-per-ip', '8', '--auth-timeout', '1', '--max-workers-per-connection', '5'],
    });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await pool.stop();
    await node.stop();
  });

  it('caps connections per address, counts the refused, and lets other addresses in', async () => {
    const before = (await stats(pool)).refusedConnections['per-ip'];
    for (let i = 0; i < 12; i++) clients.push(await StratumClient.connect(pool.stratumPort, '127.0.0.2'));
    await waitFor('4 of 12 to be closed', () => clients.filter((c) => c.closed).length === 4, 5000);
    const honest = await StratumClient.connect(pool.stratumPort, '127.0.0.3');
    clients.push(honest);
    expect((await honest.subscribe()).error).toBeNull();
    expect((await stats(pool)).refusedConnections['per-ip']).toBe(before + 4);
  });

  it('closes a connection that talks but never authorizes, after --auth-timeout', async () => {
    const talker = await StratumClient.connect(pool.stratumPort, '127.0.0.4');
    const miner = await StratumClient.connect(pool.stratumPort, '127.0.0.4');
    clients.push(talker, miner);
    await miner.subscribe();
    expect((await miner.call('mining.authorize', [`${regtestAddress(1)}.rig`, 'x'])).result).toBe(true);
    const started = Date.now();
    while (!talker.closed && Date.now() - started < 8000) {
      talker.sendRaw('{"id":1,"method":"mining.extranonce.subscribe","params":[]}\n');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(talker.closed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(miner.closed).toBe(false);
  });

  it('caps worker names per connection; /api/miners is paged and names no IP address', async () => {
    const rig = await StratumClient.connect(pool.stratumPort, '127.0.0.5');
    clients.push(rig);
    await rig.subscribe();
    const answers = [];
    for (let i = 0; i < 8; i++)
      answers.push(await rig.call('mining.authorize', [`${regtestAddress(2)}.w${i}`, 'x']));
    expect(answers.filter((a) => a.result === true)).toHaveLength(5);
    expect(answers.slice(5).map((a) => a.error[0])).toEqual([24, 24, 24]);
    // re-authorizing a name it already has is not a new worker
    expect((await rig.call('mining.authorize', [`${regtestAddress(2)}.w0`, 'x'])).result).toBe(true);
    const text = await (await fetch(`${pool.url}/api/miners?limit=2`)).text();
    expect(text).not.toMatch(/127\.0\.0\.|"ip"/);
    const page = JSON.parse(text);
    expect(page.limit).toBe(2);
    expect(page.sessions.length).toBeLessThanOrEqual(2);
    expect((await fetch(`${pool.url}/api/miners?limit=0`)).status).toBe(400);
  });
});

describe('free shares on devnet (the built pool with its default floor)', () => {
  const devnetAddress = addressFromHash(DEVNET, hash160(publicKeyFromPrivate(keyOf(3))));
  let node: Service;
  let pool: Service & { stratumPort: number };

  beforeAll(async () => {
    node = await startNodeProcess({ args: ['--network', 'devnet'] });
    pool = await startPoolProcess(node.url, { flags: ['--network', 'devnet'] });
  });
  afterAll(async () => {
    await pool.stop();
    await node.stop();
  });

  it('a tiny suggest_difficulty before subscribe cannot make unhashed nonces into shares', async () => {
    const cheat = await StratumClient.connect(pool.stratumPort);
    try {
      expect((await cheat.call('mining.suggest_difficulty', [1e-12])).result).toBe(true);
      await cheat.subscribe();
      const worker = `${devnetAddress}.cheat`;
      expect((await cheat.call('mining.authorize', [worker, 'x'])).result).toBe(true);
      await cheat.waitFor((m) => m.method === 'mining.notify');
      // the floor (0.001) is above devnet's genesis difficulty, so a share must be a block's work
      expect(cheat.difficulty).toBeGreaterThan(1e-6);
      const job = cheat.job as NonNullable<typeof cheat.job>;
      let accepted = 0;
      let answered = 0;
      for (let i = 0; i < 19 && !cheat.closed; i++) {
        const en2 = i.toString(16).padStart(8, '0');
        const reply = await cheat.call('mining.submit', [worker, job.jobId, en2, job.ntime, '00000000']);
        answered++;
        if (reply.result === true) accepted++;
      }
      console.log(
        `nonce-zero submits: ${accepted} of ${answered} accepted at difficulty ${cheat.difficulty}`,
      );
      expect(answered).toBe(19);
      expect(accepted).toBeLessThanOrEqual(1); // 2^-16 a try at devnet's genesis difficulty
    } finally {
      cheat.close();
    }
  });
});
