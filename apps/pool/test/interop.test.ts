import { addressFromHash, hash160, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { type Service, startNodeProcess } from '@powcoin/testkit';
import stratumClient from 'stratum-client';
import { keyOf, startPool } from './helpers/poolHarness.js';
import { type FoundShare, StratumClient } from './helpers/stratumClient.js';

/*
 * The pool against a Stratum client it did not write: the npm package `stratum-client` 1.1.0,
 * unchanged. It speaks the protocol its own way (string ids such as "mining.subscribe", a
 * subscribe with no params, authorize sent as soon as the subscribe answer arrives, submit as a
 * template string). It does no hashing, so the shares are found with the test helper, which
 * follows shared/STRATUM.md on its own, from the work the third-party client parsed.
 */

const params = REGTEST;
const A = addressFromHash(params, hash160(publicKeyFromPrivate(keyOf(1))));

type Event =
  | { kind: 'subscribed'; extraNonce1: string; extraNonce2Size: number }
  | { kind: 'authorized'; ok: boolean }
  | { kind: 'work'; work: import('stratum-client').Work }
  | { kind: 'submitted'; ok: boolean; error: unknown };

describe('a third-party Stratum client (npm stratum-client, unchanged)', () => {
  let node: Service;
  beforeAll(async () => {
    node = await startNodeProcess();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('subscribes, authorizes, takes work, and has a share and a block accepted', async () => {
    const harness = await startPool(node.url);
    const events: Event[] = [];
    const next = async <K extends Event['kind']>(
      kind: K,
      from: number,
    ): Promise<Extract<Event, { kind: K }>> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = events.slice(from).find((e) => e.kind === kind);
        if (found) return found as Extract<Event, { kind: K }>;
        if (Date.now() > deadline) throw new Error(`no ${kind} event from the client`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const client = stratumClient({
      server: '127.0.0.1',
      port: harness.pool.port,
      worker: `${A}.interop`,
      password: 'x',
      autoReconnectOnError: false,
      onSubscribe: (s) => events.push({ kind: 'subscribed', ...s }),
      onAuthorizeSuccess: () => events.push({ kind: 'authorized', ok: true }),
      onAuthorizeFail: () => events.push({ kind: 'authorized', ok: false }),
      onNewMiningWork: (work) => events.push({ kind: 'work', work }),
      onSubmitWorkSuccess: (error) => events.push({ kind: 'submitted', ok: true, error }),
      onSubmitWorkFail: (error) => events.push({ kind: 'submitted', ok: false, error }),
    });
    try {
      const subscribed = await next('subscribed', 0);
      expect(subscribed.extraNonce1).toMatch(/^[0-9a-f]{8}$/);
      expect(subscribed.extraNonce2Size).toBe(4);
      expect((await next('authorized', 0)).ok).toBe(true);
      const { work } = await next('work', 0);
      expect(work.miningDiff).toBeGreaterThan(0);
      expect(work.clean_jobs).toBe(true);

      // hash the work exactly as the third-party client parsed it
      const hasher = new StratumClient();
      hasher.extranonce1 = work.extraNonce1;
      hasher.extranonce2Size = work.extraNonce2Size;
      hasher.job = {
        jobId: work.jobId,
        prevhash: work.prevhash,
        coinb1: work.coinb1,
        coinb2: work.coinb2,
        branch: work.merkle_branch,
        version: work.version,
        nbits: work.nbits,
        ntime: work.ntime,
        clean: work.clean_jobs,
        difficulty: work.miningDiff,
      };
      const submit = async (s: FoundShare) => {
        const from = events.length;
        client.submit({
          worker_name: `${A}.interop`,
          job_id: s.jobId,
          extranonce2: s.extranonce2,
          ntime: s.ntime,
          nonce: s.nonce,
        });
        return next('submitted', from);
      };

      const share = hasher.findShare(false);
      expect(await submit(share)).toMatchObject({ ok: true, error: null });
      const again = await submit(share);
      expect(again.ok).toBe(false);
      expect((again.error as unknown[])[0]).toBe(22);

      const block = hasher.findShare(true);
      expect(await submit(block)).toMatchObject({ ok: true, error: null });
      const deadline = Date.now() + 5000;
      while (harness.pool.store.getBlock(block.hash)?.status !== 'pending' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const status = (await (await fetch(`${node.url}/status`)).json()) as { tipHash: string };
      expect(status.tipHash).toBe(block.hash);
      expect(harness.pool.store.creditsOf(block.hash)).toEqual([{ address: A, amount: expect.any(BigInt) }]);
    } finally {
      client.shutdown();
      await harness.stop();
    }
  });
});
