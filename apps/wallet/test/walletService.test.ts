import { addressFromPublicKey, COIN, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import { NodeClient } from '@powcoin/node-client';
import type { Account } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { WalletError } from '../src/walletError.js';
import { WalletService } from '../src/walletService.js';
import { FakeNode } from './fakeNode.js';
import { HttpNode } from './httpNode.js';
import { testKeys } from './keys.js';

const { key } = testKeys(3000);
const accountOf = (i: number): Account => ({
  label: `a${i}`,
  privateKey: key(i),
  address: addressFromPublicKey(REGTEST, publicKeyFromPrivate(key(i))),
});
const ME = accountOf(1);
const OTHER = accountOf(2);

let node: FakeNode;
let service: WalletService;
beforeEach(() => {
  node = new FakeNode();
  node.infos.set(ME.address, {
    address: ME.address,
    balance: 100n * COIN,
    immature: 0n,
    pending: 0n,
    nonce: 0,
    nextNonce: 0,
    history: [],
  });
  service = new WalletService(node as unknown as NodeApi, { network: 'regtest', accounts: [ME] });
});

describe('WalletService.send', () => {
  it('takes "already known" for the very transaction it sent as accepted', async () => {
    const prepared = await service.prepareSend(ME, OTHER.address, '1', '0.0001');
    expect(await service.send(prepared)).toBe(prepared.txid);
    expect(await service.send(prepared)).toBe(prepared.txid);
    expect(node.submitted).toHaveLength(1);
  });
});

describe('WalletService.send against a node on a real socket', () => {
  let http: HttpNode;
  beforeEach(async () => {
    http = await new HttpNode()
      .status()
      .address(100n * COIN)
      .start();
  });
  afterEach(() => http.stop());

  it('reports a reply lost after the node took the transaction as outcome unknown, with its txid', async () => {
    http.routes.set('POST /tx', () => undefined); // takes it, never answers
    const client = new NodeClient(http.url, 300);
    const real = new WalletService(client, { network: 'regtest', accounts: [ME] });
    const prepared = await real.prepareSend(ME, OTHER.address, '1', '0.0001');
    const err = await real.send(prepared).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalletError);
    expect(err).toMatchObject({ code: 'SUBMIT_UNKNOWN', txid: prepared.txid });
    expect((err as Error).message).toMatch(/outcome unknown/);
    expect((err as Error).message).toContain(prepared.txid);
    expect(http.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    client.close();
  });

  it('reports a node that refuses the connection as down: nothing was sent', async () => {
    const client = new NodeClient(http.url, 300);
    const real = new WalletService(client, { network: 'regtest', accounts: [ME] });
    const prepared = await real.prepareSend(ME, OTHER.address, '1', '0.0001');
    await http.stop();
    await expect(real.send(prepared)).rejects.toMatchObject({ code: 'NODE_DOWN' });
    http = await new HttpNode().start(); // for afterEach
  });
});
