import { addressFromPublicKey, COIN, publicKeyFromPrivate, REGTEST } from '@powcoin/core';
import type { Account } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { WalletService } from '../src/walletService.js';
import { FakeNode } from './fakeNode.js';

const key = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, i + 3000);
  return k;
};
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
