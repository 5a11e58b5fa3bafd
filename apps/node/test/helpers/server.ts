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
import type { WebSocketServer } from 'ws';
import { createApiApp } from '../../src/api/app.js';
import { cookieAuthorization } from '../../src/api/auth.js';
import { NodeService } from '../../src/nodeService.js';
import { DEFAULT_P2P_OPTIONS, P2PNetwork, type P2POptions } from '../../src/p2p/network.js';
import { createPushServer, DEFAULT_PUSH_LIMITS, type PushLimits } from '../../src/ws/pushServer.js';
import { routeUpgrades } from '../../src/ws/upgrade.js';
import { testKey } from './blocks.js';

export interface TestNode {
  readonly service: NodeService;
  readonly p2p: P2PNetwork;
  /** The node's `/p2p` WebSocket server (tests may hand it connections directly). */
  readonly p2pServer: WebSocketServer;
  readonly dir: string;
  readonly port: number;
  readonly base: string;
  readonly wsUrl: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<{ status: number; body: Record<string, any> }>;
  /** Mines a block from the node's own template (as a solo miner would) and submits it. */
  mine(address?: string, extranonceBytes?: number): Promise<{ status: number; body: Record<string, any> }>;
  /** Stops the node; `keepData` leaves its data dir for a restart. */
  stop(keepData?: boolean): Promise<void>;
}

/** A node with its HTTP API and WebSocket on an ephemeral loopback port, in a temporary data dir. */
export async function startTestNode(
  params: ChainParams,
  options: {
    dir?: string;
    p2p?: Partial<P2POptions>;
    push?: Partial<PushLimits>;
    /** The node's clock in seconds (default: the wall clock). */
    clock?: () => number;
    port?: number;
    requestsPerMinute?: number;
    /** Limit loopback clients too (the default when `requestsPerMinute` is given). */
    limitLoopback?: boolean;
  } = {},
): Promise<TestNode> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'powcoin-node-'));
  const service = new NodeService(params, dir, options.clock);
  const silent = { info: () => {}, warn: () => {} };
  const p2p = new P2PNetwork(service, silent, {
    ...DEFAULT_P2P_OPTIONS,
    reconnectMinMs: 100,
    reconnectMaxMs: 1000,
    ...options.p2p,
  });
  // the operator's credential, as the CLI writes it; `call` sends it (the admin routes need it)
  const cookie = 'test-cookie';
  const app = createApiApp(
    service,
    p2p,
    {
      requestsPerMinute: options.requestsPerMinute ?? 100_000,
      limitLoopback: options.limitLoopback ?? options.requestsPerMinute !== undefined,
    },
    cookie,
  );
  const server: Server = app.listen(options.port ?? 0, '127.0.0.1');
  const push = createPushServer(service, { ...DEFAULT_PUSH_LIMITS, ...options.push });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const p2pServer = p2p.createServer(`ws://127.0.0.1:${port}/p2p`);
  routeUpgrades(server, { '/ws': push.wss, '/p2p': p2pServer });
  p2p.restorePeers();
  const base = `http://127.0.0.1:${port}`;

  const call: TestNode['call'] = async (method, path, body, raw) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: cookieAuthorization(cookie),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  const mine: TestNode['mine'] = async (
    address = addressFromHash(params, testKey(0).hash),
    extranonceBytes = 8,
  ) => {
    const { body: t } = await call('GET', `/template?address=${address}&extranonceBytes=${extranonceBytes}`);
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
    p2p,
    p2pServer,
    dir,
    port,
    base,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    call,
    mine,
    async stop(keepData = false) {
      p2p.close();
      push.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      service.close();
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}
