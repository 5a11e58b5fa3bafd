import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromPublicKey,
  COIN,
  decodeTx,
  hexToBytes,
  publicKeyFromPrivate,
  REGTEST,
} from '@powcoin/core';
import { NodeRefusal } from '@powcoin/node-client';
import type { Account } from '../src/keystore/walletFile.js';
import type { NodeApi } from '../src/nodeApi.js';
import { FilePendingRecord, pendingPathFor } from '../src/pendingSends.js';
import { WalletError } from '../src/walletError.js';
import { WalletService } from '../src/walletService.js';
import { FakeNode } from './fakeNode.js';
import { testKeys } from './keys.js';

const { key } = testKeys(4100);
const accountOf = (i: number): Account => ({
  label: `a${i}`,
  privateKey: key(i),
  address: addressFromPublicKey(REGTEST, publicKeyFromPrivate(key(i))),
});
const ME = accountOf(1);
const OTHER = accountOf(2);

/** A node whose answers for ME say: `nonce` confirmed, `nextNonce` next (a liar may say more). */
function nodeSaying(nonce: number, nextNonce: number): FakeNode {
  const node = new FakeNode();
  node.infos.set(ME.address, {
    address: ME.address,
    balance: 100n * COIN,
    immature: 0n,
    pending: 0n,
    nonce,
    nextNonce,
    history: [],
  });
  return node;
}

let dir: string;
let recordPath: string;
/** A wallet process using `node`, sharing the record beside the keystore with every other. */
const walletOn = (node: FakeNode) =>
  new WalletService(
    node as unknown as NodeApi,
    { network: 'regtest', accounts: [ME] },
    new FilePendingRecord(recordPath),
  );
const nonceOf = (hex: string) => {
  const tx = decodeTx(hexToBytes(hex));
  if (tx.kind !== 'transfer') throw new Error('not a transfer');
  return tx.nonce;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wallet-pending-'));
  recordPath = pendingPathFor(join(dir, 'wallet.json'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a hostile node and the record of pending sends', () => {
  it('a node answering a nonce ahead and a false refusal cannot get two payments out', async () => {
    // the hostile node says the next nonce is 5 (the chain has 3), keeps what it is sent and
    // reports failure
    const hostile = nodeSaying(3, 5);
    const held: string[] = [];
    const submit = hostile.submitTx.bind(hostile);
    hostile.submitTx = async (hex: string) => {
      held.push(hex);
      hostile.refuseNext = new NodeRefusal(400, 'TX_INVALID', 'transaction refused');
      return submit(hex);
    };
    const first = await walletOn(hostile).prepareSend(ME, OTHER.address, '10', '0.0001');
    await expect(walletOn(hostile).send(first)).rejects.toMatchObject({ code: 'NODE_REJECTED' });
    expect(held).toHaveLength(1);

    // the user sends again through an honest node
    const honest = nodeSaying(3, 3);
    const second = await walletOn(honest).prepareSend(ME, OTHER.address, '10', '0.0001');
    await walletOn(honest).send(second);
    expect(honest.submitted).toHaveLength(1);

    // what the hostile node holds and what the honest one took spend the same nonce: whichever
    // it broadcasts, the chain takes one of the two, never both (here, signatures being
    // deterministic, they are even the very same transaction)
    expect(nonceOf(held[0] as string)).toBe(3);
    expect(nonceOf(honest.submitted[0] as string)).toBe(3);
  });

  it('warns before signing a second transfer while one may still be pending, and lets it go when confirmed', async () => {
    const node = nodeSaying(3, 9);
    node.loseNextReply = true;
    const first = await walletOn(node).prepareSend(ME, OTHER.address, '1', '0.0001');
    expect(first.tx.nonce).toBe(3);
    await expect(walletOn(node).send(first)).rejects.toMatchObject({ code: 'SUBMIT_UNKNOWN' });

    // another wallet process reads the same record
    const refused = await walletOn(nodeSaying(3, 3))
      .prepareSend(ME, OTHER.address, '1', '0.0001')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WalletError);
    expect(refused).toMatchObject({ code: 'PENDING_SEND', txid: first.txid });
    expect((refused as Error).message).toContain(`${first.txid} (nonce 3)`);
    expect((refused as Error).message).toContain('--allow-pending');

    // allowed: signed after its own pending one, never at the node's nextNonce of 9
    const allowed = await walletOn(node).prepareSend(ME, OTHER.address, '1', '0.0001', undefined, true);
    expect(allowed.tx.nonce).toBe(4);

    // the chain confirms the first: it leaves the record, the next send needs no flag
    const later = await walletOn(nodeSaying(4, 4)).prepareSend(ME, OTHER.address, '1', '0.0001');
    expect(later.tx.nonce).toBe(4);
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { sends: unknown[] };
    expect(record.sends).toEqual([]);
    expect(statSync(recordPath).mode & 0o777).toBe(0o600);
  });

  it('refuses to go on with a damaged record rather than forget what it signed', async () => {
    const node = nodeSaying(0, 0);
    const prepared = await walletOn(node).prepareSend(ME, OTHER.address, '1', '0.0001');
    await walletOn(node).send(prepared);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(recordPath, '{"version":1,"sends":[{"txid":"zz"}]}');
    await expect(walletOn(node).prepareSend(ME, OTHER.address, '1', '0.0001')).rejects.toThrow(/damaged/);
  });
});
