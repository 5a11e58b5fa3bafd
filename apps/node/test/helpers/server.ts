import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressFromHash,
  bytesToHex,
  type ChainParams,
  checkProofOfWork,
  decodeTx,
  encodeBlock,
  headerHash,
  hexToBytes,
  hexToHash,
  joinCoinbase,
  merkleRootFromBranch,
  sha256d,
  type Transaction,
} from '@powcoin/core';
import { createApiApp } from '../../src/api/app.js';
import { NodeService } from '../../src/nodeService.js';
import { attachPushServer } from '../../src/ws/pushServer.js';
import { testKey } from './blocks.js';

export interface TestNode {
  readonly service: NodeService;
  readonly base: string;
  readonly wsUrl: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<{ status: number; body: Record<string, any> }>;
  /** Mines a block from the node's own template (as a solo miner would) and submits it. */
  mine(address?: string): Promise<{ status: number; body: Record<string, any> }>;
  stop(): Promise<void>;
}

/** A node with its HTTP API and WebSocket on an ephemeral loopback port, in a temporary data dir. */
export async function startTestNode(params: ChainParams): Promise<TestNode> {
  const dir = mkdtempSync(join(tmpdir(), 'powcoin-node-'));
  const service = new NodeService(params, dir);
  const server: Server = createApiApp(service).listen(0, '127.0.0.1');
  const push = attachPushServer(server, service);
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  const call: TestNode['call'] = async (method, path, body, raw) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  const mine: TestNode['mine'] = async (address = addressFromHash(params, testKey(0).hash)) => {
    const { body: t } = await call('GET', `/template?address=${address}`);
    const { bytes: coinbase } = joinCoinbase(
      { coinb1: hexToBytes(t.coinb1), coinb2: hexToBytes(t.coinb2) },
      new Uint8Array(t.extranonceBytes),
      new Uint8Array(0),
    );
    const branch = t.merkleBranch.map((h: string) => hexToBytes(h, 32));
    const header = {
      version: t.version,
      prevHash: hexToHash(t.prevHash),
      merkleRoot: merkleRootFromBranch(sha256d(coinbase), branch, 0),
      time: t.time,
      bits: Number.parseInt(t.bits, 16),
      nonce: 0,
    };
    while (!checkProofOfWork(headerHash(header), header.bits, params.powLimit)) header.nonce++;
    const txs: Transaction[] = [
      decodeTx(coinbase),
      ...t.txs.map((x: { hex: string }) => decodeTx(hexToBytes(x.hex))),
    ];
    return call('POST', '/blocks', { hex: bytesToHex(encodeBlock({ header, txs })) });
  };

  return {
    service,
    base,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    call,
    mine,
    async stop() {
      push.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
