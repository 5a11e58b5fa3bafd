/**
 * @powcoin/testkit: loopback-only helpers for integration tests. The node and pool are started
 * as the real built CLIs (`apps/node/dist/main.js`, `apps/pool/dist/main.js`), in temporary folders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port (the OS picks one; it is closed again at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls `check` every 25 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Service {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  child: ChildProcess;
  /** SIGTERM and wait; the data dir is removed unless `keepData`. */
  stop(keepData?: boolean): Promise<void>;
  /** SIGKILL and wait (data dir kept). */
  kill(): Promise<void>;
}

const appMain = (app: string) => new URL(`../../../apps/${app}/dist/main.js`, import.meta.url).pathname;

async function startService(
  app: string,
  args: string[],
  dir: string,
  port: number,
  ready: () => Promise<boolean>,
  env: NodeJS.ProcessEnv = {},
): Promise<Service> {
  const child = spawn(process.execPath, [appMain(app), ...args], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  const service: Service = {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    async stop(keepData = false) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await waitFor(`${app} to start`, ready, 20_000);
  return service;
}

/**
 * Runs a built app's CLI (`apps/<app>/dist/main.js`) to its exit, for runs that must fail fast (it
 * is killed after 15 s); returns its exit code and what it wrote to stderr.
 */
export function runCli(
  app: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [appMain(app), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** The node CLI on regtest, on a free loopback port. */
export async function startNodeProcess(
  options: { dir?: string; port?: number; peers?: string[]; args?: string[] } = {},
): Promise<Service> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'powcoin-node-'));
  const port = options.port ?? (await freePort());
  const peers = (options.peers ?? []).flatMap((p) => ['--peer', p]);
  return startService(
    'node',
    ['--network', 'regtest', '--data-dir', dir, '--port', String(port), ...peers, ...(options.args ?? [])],
    dir,
    port,
    () =>
      fetch(`http://127.0.0.1:${port}/status`).then(
        (r) => r.ok,
        () => false,
      ),
  );
}

/** The pool CLI on regtest against `nodeUrl`; `url` is its dashboard, `stratumPort` its Stratum port. */
export async function startPoolProcess(
  nodeUrl: string,
  options: { dir?: string; port?: number; flags?: string[] } = {},
): Promise<Service & { stratumPort: number }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'powcoin-pool-'));
  const stratumPort = options.port ?? (await freePort());
  const httpPort = await freePort();
  const args = [
    '--network',
    'regtest',
    '--node',
    nodeUrl,
    '--data-dir',
    dir,
    '--port',
    String(stratumPort),
    '--http-port',
    String(httpPort),
    ...(options.flags ?? []),
  ];
  const service = await startService(
    'pool',
    args,
    dir,
    httpPort,
    () =>
      fetch(`http://127.0.0.1:${httpPort}/api/stats`).then(
        (r) => r.ok,
        () => false,
      ),
    { POOL_KEY_PASSPHRASE: 'testkit-passphrase' },
  );
  return { ...service, stratumPort };
}

/**
 * Mines `count` blocks on a regtest node through its own template route (as a solo miner would),
 * paying `address`. Returns the block hashes.
 */
export async function mineBlocks(nodeUrl: string, address: string, count: number): Promise<string[]> {
  const core = await import('@powcoin/core');
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = (await (await fetch(`${nodeUrl}/template?address=${address}`)).json()) as {
      coinb1: string;
      coinb2: string;
      extranonceBytes: number;
      merkleBranch: string[];
      version: number;
      prevHashInternal: string;
      time: number;
      bits: string;
      txs: Array<{ hex: string }>;
    };
    const coinbase = core.concatBytes(
      core.hexToBytes(t.coinb1),
      new Uint8Array(t.extranonceBytes),
      core.hexToBytes(t.coinb2),
    );
    const header = {
      version: t.version,
      prevHash: core.hexToBytes(t.prevHashInternal, 32),
      merkleRoot: core.merkleRootFromBranch(
        core.sha256d(coinbase),
        t.merkleBranch.map((h) => core.hexToBytes(h, 32)),
        0,
      ),
      time: t.time,
      bits: Number.parseInt(t.bits, 16),
      nonce: 0,
    };
    const params = core.REGTEST;
    while (!core.checkProofOfWork(core.headerHash(header), header.bits, params.powLimit)) header.nonce++;
    const txs = [core.decodeTx(coinbase), ...t.txs.map((x) => core.decodeTx(core.hexToBytes(x.hex)))];
    const res = await fetch(`${nodeUrl}/blocks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hex: core.bytesToHex(core.encodeBlock({ header, txs })) }),
    });
    const body = (await res.json()) as { hash?: string; error?: { message: string } };
    if (!res.ok || !body.hash) throw new Error(`block refused: ${body.error?.message ?? res.status}`);
    hashes.push(body.hash);
  }
  return hashes;
}

/** A miner CLI process (built), mining through a pool or against a node. */
export function startMinerProcess(options: {
  mode: 'pool' | 'solo';
  hostPort: string;
  address: string;
  worker?: string;
  threads?: number;
  engine?: string;
}): { child: ChildProcess; stop(): Promise<void>; kill(): Promise<void> } {
  const args = [
    appMain('miner'),
    '--mode',
    options.mode,
    '--host',
    options.hostPort,
    '--address',
    options.address,
    '--threads',
    String(options.threads ?? 1),
    '--quiet',
  ];
  if (options.worker) args.push('--worker', options.worker);
  if (options.engine) args.push('--engine', options.engine);
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return { child, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

interface BlockJson {
  hash: string;
  height: number;
  version: number;
  prevHash: string;
  merkleRoot: string;
  time: number;
  bits: string;
  nonce: number;
  txs: Array<{ hex: string }>;
}

/** The active chain of a node, every block, oldest first (fetched in pages of 100). */
export async function fetchChain(nodeUrl: string): Promise<BlockJson[]> {
  const out: BlockJson[] = [];
  for (let from = 0; ; from += 100) {
    const page = (await (await fetch(`${nodeUrl}/blocks?from=${from}&limit=100`)).json()) as {
      blocks: BlockJson[];
      height: number;
    };
    out.push(...page.blocks);
    if (from + 100 > page.height) break;
  }
  return out;
}

export interface LedgerAudit {
  readonly height: number;
  readonly tip: string;
  /** Every account the blocks imply, by address (base units as strings). */
  readonly accounts: Map<string, { balance: bigint; immature: bigint; nonce: number }>;
  readonly supply: bigint;
  readonly subsidies: bigint;
  /** Amounts paid by `from` to each address in transfers on the chain. */
  transfersFrom(from: string): Map<string, bigint>;
  /** txids (display hex) of every transaction on the chain. */
  readonly txids: Set<string>;
  /** Hashes of the chain's blocks. */
  readonly blockHashes: Set<string>;
}

/**
 * Replays a node's whole active chain with the consensus library (every block validated again) and
 * returns the ledger the blocks imply, the total supply and the sum of the subsidies.
 */
export async function auditChain(
  nodeUrl: string,
  network: 'regtest' | 'devnet' = 'regtest',
): Promise<LedgerAudit> {
  const core = await import('@powcoin/core');
  const params = core.getParams(network);
  const chain = await fetchChain(nodeUrl);
  let ledger = core.MemoryLedger.empty();
  const blocks: Array<ReturnType<typeof core.decodeBlock>> = [];
  let subsidies = 0n;
  const transfers: Array<{ from: string; to: string; amount: bigint }> = [];
  const txids = new Set<string>();
  for (const b of chain) {
    const header = {
      version: b.version,
      prevHash: core.hexToHash(b.prevHash),
      merkleRoot: core.hexToHash(b.merkleRoot),
      time: b.time,
      bits: Number.parseInt(b.bits, 16),
      nonce: b.nonce,
    };
    const block = { header, txs: b.txs.map((t) => core.decodeTx(core.hexToBytes(t.hex))) };
    const height = blocks.length;
    const ancestors = blocks.slice(-32).map((x, i, arr) => ({
      hash: core.headerHash(x.header),
      height: height - arr.length + i,
      time: x.header.time,
      bits: x.header.bits,
    }));
    const maturing = height - params.coinbaseMaturity;
    ledger = core.applyBlock(ledger, block, {
      params,
      height,
      header: height === 0 ? null : core.headerContextFromAncestors(params, ancestors, 2 ** 32 - 1),
      maturingCoinbase: maturing >= 0 ? ((blocks[maturing]?.txs[0] as never) ?? null) : null,
    }).state;
    blocks.push(block);
    subsidies += core.blockSubsidy(params, height);
    for (const tx of block.txs) {
      txids.add(core.hashToHex(core.txid(tx)));
      if (tx.kind === 'transfer') {
        transfers.push({
          from: core.addressFromPublicKey(params, tx.senderPublicKey),
          to: core.addressFromHash(params, tx.recipient),
          amount: tx.amount,
        });
      }
    }
  }
  return {
    height: chain.length - 1,
    tip: chain[chain.length - 1]?.hash ?? '',
    accounts: new Map(ledger.entries()),
    supply: ledger.totalSupply(),
    subsidies,
    txids,
    blockHashes: new Set(chain.map((b) => b.hash)),
    transfersFrom(from: string) {
      const out = new Map<string, bigint>();
      for (const t of transfers) if (t.from === from) out.set(t.to, (out.get(t.to) ?? 0n) + t.amount);
      return out;
    },
  };
}

/**
 * Checks that a node's stored balances equal what its blocks imply; returns the audit. While blocks
 * keep arriving, a comparison is only trusted if the tip did not move during it (up to 50 tries).
 */
export async function checkNodeLedger(
  nodeUrl: string,
  network: 'regtest' | 'devnet' = 'regtest',
): Promise<LedgerAudit> {
  const tip = async () => ((await (await fetch(`${nodeUrl}/status`)).json()) as { tipHash: string }).tipHash;
  for (let attempt = 0; ; attempt++) {
    const before = await tip();
    const audit = await auditChain(nodeUrl, network);
    if (audit.supply !== audit.subsidies)
      throw new Error(`supply ${audit.supply} is not the sum of subsidies ${audit.subsidies}`);
    let mismatch: string | undefined;
    for (const [address, expected] of audit.accounts) {
      const got = (await (await fetch(`${nodeUrl}/address/${address}?limit=1`)).json()) as {
        balance: string;
        immature: string;
        nonce: number;
      };
      if (
        BigInt(got.balance) !== expected.balance ||
        BigInt(got.immature) !== expected.immature ||
        got.nonce !== expected.nonce
      ) {
        mismatch = `node balance of ${address} is ${got.balance}/${got.immature}/${got.nonce}, the blocks imply ${expected.balance}/${expected.immature}/${expected.nonce}`;
        break;
      }
    }
    const after = await tip();
    if (after !== before || audit.tip !== before) {
      if (attempt < 50) continue; // the chain moved while we looked: look again
      throw new Error('the chain never stood still long enough to audit');
    }
    if (mismatch) throw new Error(mismatch);
    return audit;
  }
}
