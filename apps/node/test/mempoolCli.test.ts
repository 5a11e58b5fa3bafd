import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromPublicKey,
  bytesToHex,
  COIN,
  createTransfer,
  encodeTx,
  publicKeyFromPrivate,
  REGTEST,
  type TransferTx,
} from '@powcoin/core';
import { freePort, mineBlocks, runCli, startNodeProcess } from '@powcoin/testkit';

const params = REGTEST;
const key = new Uint8Array(32).fill(7);
const address = addressFromPublicKey(params, publicKeyFromPrivate(key));
const recipient = new Uint8Array(20).fill(3);

async function submit(url: string, tx: TransferTx): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${url}/tx`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hex: bytesToHex(encodeTx(tx)) }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, ...(body.error ? { code: body.error.code } : {}) };
}

describe('the built node refuses free and excessive transactions', () => {
  it('refuses a fee below --min-relay-fee, junk from an empty account, and past --max-pending-per-sender', async () => {
    const node = await startNodeProcess({
      args: ['--min-relay-fee', '1000', '--max-pending-per-sender', '3'],
    });
    try {
      await mineBlocks(node.url, address, params.coinbaseMaturity + 1);
      const pay = (fee: bigint, nonce: number) =>
        createTransfer(params, key, { to: recipient, amount: COIN, fee, nonce });
      expect(await submit(node.url, pay(0n, 0))).toEqual({ status: 409, code: 'TX_FEE_TOO_LOW' });
      expect(await submit(node.url, pay(999n, 0))).toEqual({ status: 409, code: 'TX_FEE_TOO_LOW' });
      const empty = createTransfer(params, new Uint8Array(32).fill(9), {
        to: recipient,
        amount: COIN,
        fee: 1000n,
        nonce: 0,
      });
      const junk = { ...empty, signature: new Uint8Array(64).fill(1) };
      expect(await submit(node.url, junk)).toEqual({ status: 422, code: 'TX_INSUFFICIENT_FUNDS' });
      for (let n = 0; n < 3; n++) expect((await submit(node.url, pay(1000n, n))).status).toBe(201);
      expect(await submit(node.url, pay(1000n, 3))).toEqual({ status: 429, code: 'TOO_MANY_PENDING' });
      const get = async (query: string) => {
        const res = await fetch(`${node.url}/mempool${query}`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const first = await get('?limit=2');
      expect(first.body).toMatchObject({ size: 3, offset: 0, limit: 2, next: 2 });
      expect(first.body.txs).toHaveLength(2);
      const rest = await get('?offset=2&txids=1');
      expect(rest.body).toMatchObject({ size: 3, offset: 2, next: null });
      expect(rest.body.txids).toHaveLength(1);
      expect((await get('')).body.txs).toHaveLength(3);
      for (const bad of ['?limit=0', '?limit=1001', '?offset=-1', '?txids=maybe', '?page=2'])
        expect(await get(bad)).toMatchObject({ status: 400 });
    } finally {
      await node.stop();
    }
  });

  it('bad mempool flags: exit 2 with words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'powcoin-node-flags-'));
    try {
      const base = ['--network', 'regtest', '--data-dir', dir, '--port', String(await freePort())];
      for (const [flag, value, words] of [
        ['--min-relay-fee', '1.5', /--min-relay-fee must be a whole number/],
        ['--max-pending-per-sender', '0', /--max-pending-per-sender must be a whole number 1\.\./],
        ['--max-mempool-txs', 'lots', /--max-mempool-txs must be a whole number/],
      ] as const) {
        const result = await runCli('node', [...base, flag, value]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(words);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
