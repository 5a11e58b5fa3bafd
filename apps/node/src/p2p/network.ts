import {
  bytesToHex,
  ConsensusError,
  decodeBlock,
  decodeHeader,
  decodeTx,
  encodeBlock,
  encodeHeader,
  encodeTx,
  hashToHex,
  headerHash,
  hexToBytes,
} from '@powcoin/core';
import { WebSocket, WebSocketServer } from 'ws';
import { ChainError } from '../chain/chainError.js';
import { MempoolError } from '../mempool/mempool.js';
import type { NodeService } from '../nodeService.js';
import { BanList, inboundBanKey } from './banList.js';
import { checkBlockHeader } from './blockHeaderCheck.js';
import { HeaderCache } from './headerServing.js';
import { MAX_HEADERS_PER_MESSAGE, type PeerMessage, peerMessageSchema } from './messages.js';
import { Peer, PeerDropped } from './peer.js';
import { PeerError } from './peerError.js';
import { normalizePeerUrl } from './peerUrl.js';

export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface P2POptions {
  /** Our own `/p2p` URL, told to peers in our hello (they show it; nothing is keyed by it). */
  readonly selfUrl?: string;
  readonly requestTimeoutMs: number;
  readonly banSeconds: number;
  /** Most bans kept at once (the oldest goes first). */
  readonly maxBans: number;
  readonly maxPeers: number;
  /**
   * Most peers the node dials (command line, stored and registered over HTTP together): each is
   * stored and redialled forever, so HTTP clients must not add them without bound.
   */
  readonly maxOutbound: number;
  readonly maxMessagesPerSecond: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  /** Blocks requested from a peer at once during sync. */
  readonly blocksInFlight: number;
  /**
   * A peer's requests answered but not yet written to its socket; one more request drops it.
   * An honest peer has at most its blocks in flight plus one getheaders outstanding.
   */
  readonly maxRequestsInFlight: number;
  /**
   * Bytes queued for a peer (ws's `bufferedAmount`) past which its next request drops it instead
   * of being answered: a peer that never reads cannot make the node buffer without bound.
   * 32 MiB holds 16 blocks of the largest size in flight (2 MB of hex each).
   */
  readonly maxSendBufferBytes: number;
  /**
   * Blocks with an unknown parent a peer may send in a row before it is dropped as misbehaving
   * (Bitcoin Core's rule for headers that do not connect); each costs only an 80-byte header check.
   */
  readonly maxUnconnectedBlocks: number;
  /**
   * Header batches that add nothing (all known), or claimed work that yields no headers, before a
   * peer is dropped; each one also ends the sync round.
   */
  readonly maxUselessHeaderBatches: number;
  /** Failed dials in a row (with backoff, ~90 s in all) after which a peer not given on the command line is evicted. */
  readonly maxDialFailures: number;
}

export const DEFAULT_P2P_OPTIONS: P2POptions = {
  requestTimeoutMs: 10_000,
  banSeconds: 600,
  maxBans: 1000,
  maxPeers: 32,
  maxOutbound: 16,
  maxMessagesPerSecond: 2000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  blocksInFlight: 16,
  maxRequestsInFlight: 32,
  maxSendBufferBytes: 32 * 1024 * 1024,
  maxUnconnectedBlocks: 8,
  maxUselessHeaderBatches: 3,
  maxDialFailures: 8,
};

/**
 * A block or header dated too far ahead of this node's clock: not proof that the peer is
 * dishonest (either clock may be off), so it is ignored, not punished, and not marked invalid,
 * as in Bitcoin Core. It is taken later, once the clock has caught up.
 */
function isAheadOfClock(err: unknown): err is ConsensusError {
  return err instanceof ConsensusError && err.code === 'BLOCK_TIME_TOO_NEW';
}

interface Outbound {
  readonly url: string;
  /** Given on the command line: never displaced, never evicted, not counted in `maxOutbound`. */
  readonly pinned: boolean;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  peer: Peer | undefined;
  socket: WebSocket | undefined;
}

/** What `GET /peers` shows of a peer. */
export interface PeerInfo {
  readonly url: string;
  readonly direction: 'inbound' | 'outbound';
  readonly connected: boolean;
  readonly height: number | undefined;
  readonly listen: string | undefined;
}

/**
 * The node's peers: dials `--peer` and registered URLs (with backoff, again after a restart),
 * accepts inbound peers at `/p2p`, gossips new blocks and transactions once each, and syncs
 * headers-first from any peer with more work. A peer that sends invalid data is dropped and banned
 * for `banSeconds`: by the URL the node dialled, or an inbound peer by its IP address (from
 * loopback only dropped); a peer that does not answer in time is dropped, so sync goes on with
 * the others.
 */
export class P2PNetwork {
  private readonly peers = new Set<Peer>();
  private readonly outbound = new Map<string, Outbound>();
  private readonly bans: BanList;
  private readonly syncing = new Map<Peer, Promise<void>>();
  private readonly schema;
  private wss: WebSocketServer | undefined;
  private closed = false;
  private selfUrl: string | undefined;
  private readonly onTip;
  private readonly headerCache = new HeaderCache();
  private readonly onTx;

  constructor(
    private readonly service: NodeService,
    private readonly logger: Logger,
    private readonly options: P2POptions = DEFAULT_P2P_OPTIONS,
  ) {
    this.schema = peerMessageSchema(service.params.maxBlockBytes);
    this.bans = new BanList(options.maxBans);
    this.selfUrl = options.selfUrl;
    // Relay only what this node newly accepted: a block or tx already known is never re-sent,
    // so gossip stops after one round instead of echoing between peers.
    this.onTip = (result: { hash: string }) => {
      const block = service.chain.getBlock(result.hash);
      if (block) this.broadcast({ type: 'block', hex: bytesToHex(encodeBlock(block)) });
    };
    this.onTx = (_txid: string, tx: Parameters<typeof encodeTx>[0]) =>
      this.broadcast({ type: 'tx', hex: bytesToHex(encodeTx(tx)) });
    service.on('tip', this.onTip);
    service.on('tx', this.onTx);
  }

  private get maxPayload(): number {
    return this.service.params.maxBlockBytes * 2 + 4096;
  }

  /**
   * The server for inbound peers (route `/p2p` upgrades to it); `selfUrl` is the URL peers are
   * told we listen on.
   */
  createServer(selfUrl?: string): WebSocketServer {
    if (selfUrl) this.selfUrl = normalizePeerUrl(selfUrl);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.maxPayload });
    this.wss.on('connection', (socket, req) => {
      // First, before anything can fail: ws reports a bad frame as 'error' and then closes.
      socket.on('error', () => {});
      const address = `${req.socket.remoteAddress ?? 'unknown'}:${req.socket.remotePort ?? 0}`;
      const banKey = inboundBanKey(req.socket.remoteAddress);
      if (banKey !== undefined && this.bans.isBanned(banKey)) {
        socket.close(1008, 'banned');
        return;
      }
      if (this.peers.size >= this.options.maxPeers) {
        socket.close(1013, 'too many peers');
        return;
      }
      this.adopt(socket, 'inbound', address, banKey);
    });
    return this.wss;
  }

  /** Starts dialling a peer URL (http(s) node base URLs are mapped to their `/p2p` endpoint). */
  addPeer(rawUrl: string, persist = true, pinned = false): string {
    return this.addPeers([rawUrl], persist, pinned)[0] as string;
  }

  /** Stops dialling a peer and forgets it (the admin route DELETE /peers). Returns its URL. */
  removePeer(rawUrl: string): string {
    let url: string;
    try {
      url = normalizePeerUrl(rawUrl);
    } catch (err) {
      throw new PeerError('BAD_PEER', (err as Error).message);
    }
    const entry = this.outbound.get(url);
    if (!entry) throw new PeerError('UNKNOWN_PEER', `${url} is not a peer of this node`);
    this.forget(entry);
    return url;
  }

  private forget(entry: Outbound): void {
    this.outbound.delete(entry.url);
    clearTimeout(entry.timer);
    this.service.store.removePeer(entry.url);
    entry.peer?.close(1000, 'removed');
    entry.socket?.terminate();
  }

  /**
   * Starts dialling peer URLs, all or none: every URL is checked (a node URL, not ourselves, not
   * banned) and the room under `maxOutbound` counted before any is stored or dialled. URLs already
   * dialled are accepted again without counting twice. Returns the normalised URLs; throws a
   * `PeerError`.
   */
  addPeers(rawUrls: readonly string[], persist = true, pinned = false): string[] {
    const urls = rawUrls.map((raw) => {
      let url: string;
      try {
        url = normalizePeerUrl(raw);
      } catch (err) {
        throw new PeerError('BAD_PEER', (err as Error).message);
      }
      if (url === this.selfUrl) throw new PeerError('BAD_PEER', 'a node cannot peer with itself');
      if (this.bans.isBanned(url)) throw new PeerError('BAD_PEER', `peer ${url} is banned`);
      return url;
    });
    const fresh = [...new Set(urls)].filter((url) => !this.outbound.has(url));
    const counted = [...this.outbound.values()].filter((e) => !e.pinned).length;
    if (!pinned && counted + fresh.length > this.options.maxOutbound) {
      throw new PeerError(
        'PEER_LIMIT',
        `at most ${this.options.maxOutbound} outgoing peers: ${counted} already, ${fresh.length} more asked`,
      );
    }
    for (const url of fresh) {
      if (persist) this.service.store.putPeer(url);
      const entry: Outbound = {
        url,
        pinned,
        attempts: 0,
        timer: undefined,
        peer: undefined,
        socket: undefined,
      };
      this.outbound.set(url, entry);
      this.dial(entry);
    }
    return urls;
  }

  /** Dials the peers stored in the data dir (at most `maxOutbound`; the rest are logged and skipped). */
  restorePeers(): void {
    for (const url of this.service.store.allPeers()) {
      try {
        this.addPeer(url, false);
      } catch (err) {
        this.logger.warn({ url, err: (err as Error).message }, 'stored peer skipped');
      }
    }
  }

  private dial(entry: Outbound): void {
    if (this.closed || !this.outbound.has(entry.url)) return;
    if (this.bans.isBanned(entry.url)) {
      this.scheduleRedial(entry);
      return;
    }
    const socket = new WebSocket(entry.url, {
      maxPayload: this.maxPayload,
      handshakeTimeout: this.options.requestTimeoutMs,
    });
    entry.socket = socket;
    socket.on('open', () => {
      entry.attempts = 0;
      entry.peer = this.adopt(socket, 'outbound', entry.url, entry.url);
    });
    socket.on('error', () => {
      // 'close' follows and schedules the next attempt
    });
    socket.on('close', () => {
      entry.peer = undefined;
      entry.socket = undefined;
      this.scheduleRedial(entry);
    });
  }

  private scheduleRedial(entry: Outbound): void {
    if (this.closed || !this.outbound.has(entry.url)) return;
    if (!entry.pinned && entry.attempts >= this.options.maxDialFailures) {
      // a dead peer (or one added to fill the slots) gives its slot back after its backoff
      this.logger.warn({ url: entry.url, attempts: entry.attempts }, 'peer unreachable: evicted');
      this.forget(entry);
      return;
    }
    const delay = Math.min(
      this.options.reconnectMaxMs,
      this.options.reconnectMinMs * 2 ** Math.min(entry.attempts, 16),
    );
    entry.attempts++;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.dial(entry), delay);
  }

  private adopt(
    socket: WebSocket,
    direction: 'inbound' | 'outbound',
    address: string,
    banKey: string | undefined,
  ): Peer {
    const peer = new Peer(
      socket,
      direction,
      address,
      banKey,
      this.schema,
      {
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxMessagesPerSecond: this.options.maxMessagesPerSecond,
        maxBlockChars: this.maxPayload,
      },
      (p, m) => this.handle(p, m),
      (p, why) => this.punish(p, why),
    );
    this.peers.add(peer);
    socket.on('close', () => this.peers.delete(peer));
    const tip = this.service.chain.tip();
    peer.send({
      type: 'hello',
      network: this.service.params.network,
      genesis: this.service.params.genesis.hash,
      height: tip.height,
      chainWork: tip.chainWork.toString(),
      ...(this.selfUrl ? { listen: this.selfUrl } : {}),
    });
    return peer;
  }

  /**
   * Drops a peer that sent invalid data and bans it for a while. `why` goes to the log only:
   * it may quote the peer, and a close reason must stay a short fixed text (ws throws on more
   * than 123 bytes).
   */
  private punish(peer: Peer, why: string): void {
    if (peer.banKey === undefined) {
      this.logger.warn({ peer: peer.address, why }, 'local peer dropped');
    } else {
      this.bans.ban(peer.banKey, this.options.banSeconds);
      this.logger.warn({ peer: peer.address, ban: peer.banKey, why }, 'peer banned');
    }
    peer.close(1008, 'misbehaving');
  }

  /**
   * Checked before answering a request: a peer that leaves too much unread is dropped (not banned:
   * it may only be slow), so what the node buffers for it stays bounded.
   */
  private isReading(peer: Peer): boolean {
    const reading = peer.isReading({
      maxInFlight: this.options.maxRequestsInFlight,
      maxBufferedBytes: this.options.maxSendBufferBytes,
    });
    if (!reading) {
      this.logger.warn(
        { peer: peer.address, buffered: peer.socket.bufferedAmount },
        'peer does not read its replies: dropped',
      );
      peer.terminate('not reading');
    }
    return reading;
  }

  private broadcast(message: PeerMessage): void {
    for (const peer of this.peers) if (peer.hello && this.isReading(peer)) peer.send(message);
  }

  private handle(peer: Peer, message: PeerMessage): void {
    const { service } = this;
    switch (message.type) {
      case 'hello': {
        if (message.network !== service.params.network || message.genesis !== service.params.genesis.hash) {
          this.punish(peer, `peer is on ${message.network} with another genesis`);
          return;
        }
        peer.hello = message;
        if (BigInt(message.chainWork) > service.chain.tip().chainWork) void this.sync(peer);
        return;
      }
      case 'getheaders': {
        if (!this.isReading(peer)) return;
        const headers = this.headerCache.get(service.chain.tip().hash, message.locator, () =>
          service.chain
            .headersAfter(message.locator, MAX_HEADERS_PER_MESSAGE)
            .map((h) => bytesToHex(encodeHeader(h))),
        );
        if (!peer.headerBudget.charge(headers.length, Date.now())) {
          this.punish(peer, 'getheaders past its budget');
          return;
        }
        peer.reply({ type: 'headers', id: message.id, headers });
        return;
      }
      case 'getblock': {
        if (!this.isReading(peer)) return;
        const block = service.chain.getBlock(message.hash);
        peer.reply(
          block
            ? { type: 'block', id: message.id, hex: bytesToHex(encodeBlock(block)) }
            : { type: 'notfound', id: message.id },
        );
        return;
      }
      case 'block':
        this.receiveBlock(peer, message.hex);
        return;
      case 'tx':
        this.receiveTx(peer, message.hex);
        return;
      default:
        this.punish(peer, `unexpected ${message.type}`);
    }
  }

  private receiveBlock(peer: Peer, hex: string): void {
    if (!peer.hello) {
      this.punish(peer, 'block before hello');
      return;
    }
    // the 80-byte header first: its own proof of work, and whether it connects, before any body
    const verdict = checkBlockHeader(hex, this.service.params, (prev) => this.service.chain.canConnect(prev));
    if (verdict === 'bad-pow') {
      this.punish(peer, 'block without the proof of work its bits claim');
      return;
    }
    if (verdict === 'unconnected') {
      // while a sync with this peer runs, its gossip of newer blocks is expected not to connect yet
      if (this.syncing.has(peer)) return;
      if (++peer.unconnectedBlocks > this.options.maxUnconnectedBlocks) {
        this.punish(peer, `${peer.unconnectedBlocks} blocks in a row that do not connect`);
        return;
      }
      // each may mean the node is behind: ask for headers again (a sync that brings headers
      // starts the count over), until the peer has sent too many that lead nowhere
      void this.sync(peer);
      return;
    }
    peer.unconnectedBlocks = 0;
    try {
      this.service.submitBlock(decodeBlock(hexToBytes(hex), this.service.params.maxBlockBytes));
    } catch (err) {
      if (err instanceof ChainError && err.code === 'BLOCK_PARENT_UNKNOWN') void this.sync(peer);
      else if (err instanceof ChainError && (err.code === 'BLOCK_DUPLICATE' || err.code === 'BLOCK_LOW_WORK'))
        return;
      else if (isAheadOfClock(err))
        this.logger.info({ peer: peer.address, why: err.message }, 'block ignored');
      else if (err instanceof ConsensusError || err instanceof ChainError)
        this.punish(peer, `invalid block: ${err.message}`);
      else throw err;
    }
  }

  private receiveTx(peer: Peer, hex: string): void {
    if (!peer.hello) {
      this.punish(peer, 'tx before hello');
      return;
    }
    let tx: ReturnType<typeof decodeTx>;
    try {
      tx = decodeTx(hexToBytes(hex));
    } catch (err) {
      this.punish(peer, `undecodable tx: ${(err as Error).message}`);
      return;
    }
    try {
      this.service.submitTransaction(tx);
    } catch (err) {
      // A tx that breaks a signature rule is misbehaviour; one that is merely stale (nonce, funds,
      // already known, pool full) may be honest and is ignored.
      if (
        err instanceof ConsensusError &&
        /^TX_(BAD_SIGNATURE|HIGH_S|BAD_PUBKEY|UNEXPECTED_COINBASE)$/.test(err.code)
      ) {
        this.punish(peer, `invalid tx: ${err.message}`);
      } else if (!(err instanceof ConsensusError || err instanceof MempoolError)) throw err;
    }
  }

  /** Headers-first sync from one peer; concurrent calls for the same peer share one run. */
  sync(peer: Peer): Promise<void> {
    const running = this.syncing.get(peer);
    if (running) return running;
    const run = this.runSync(peer).finally(() => this.syncing.delete(peer));
    this.syncing.set(peer, run);
    return run;
  }

  private async runSync(peer: Peer): Promise<void> {
    const { chain } = this.service;
    try {
      let locator = chain.locator();
      let totalAdded = 0;
      for (;;) {
        const reply = await peer.request({ type: 'getheaders', id: peer.newId(), locator });
        if (reply.type !== 'headers') {
          this.punish(peer, `headers expected, got ${reply.type}`);
          return;
        }
        const headers = reply.headers.map((h) => decodeHeader(hexToBytes(h)));
        const first = headers[0];
        if (first && !locator.includes(hashToHex(first.prevHash))) {
          this.punish(peer, 'headers that do not continue from the locator');
          return;
        }
        const added = headers.filter((h) => !chain.knowsHeader(hashToHex(headerHash(h)))).length;
        try {
          chain.acceptHeaders(headers, this.service.now());
        } catch (err) {
          if (isAheadOfClock(err) || (err instanceof ChainError && err.code === 'BLOCK_LOW_WORK')) {
            this.logger.info({ peer: peer.address, why: err.message }, 'sync paused');
            return;
          }
          if (err instanceof ConsensusError || err instanceof ChainError) {
            this.punish(peer, `bad headers: ${err.message}`);
            return;
          }
          throw err;
        }
        if (added === 0 && headers.length > 0) {
          // a batch of headers the node has: the sync ends; it counts against the peer, which is
          // dropped once it keeps doing so (another peer may honestly have sent them first)
          if (++peer.uselessBatches >= this.options.maxUselessHeaderBatches) {
            this.punish(peer, `${peer.uselessBatches} header batches that added nothing`);
            return;
          }
          break;
        }
        totalAdded += added;
        if (added > 0) {
          peer.uselessBatches = 0;
          peer.unconnectedBlocks = 0;
        }
        if (headers.length < MAX_HEADERS_PER_MESSAGE) break;
        const last = hashToHex(headerHash(headers[headers.length - 1] as (typeof headers)[number]));
        locator = [last, ...chain.locator()].slice(0, 64);
      }
      const claimed = BigInt(peer.hello?.chainWork ?? '0');
      if (totalAdded === 0 && claimed > chain.tip().chainWork && chain.missingBlocks(1).length === 0) {
        // it claimed more work than the node has and gave no header toward it
        if (++peer.uselessBatches >= this.options.maxUselessHeaderBatches) {
          this.punish(peer, 'claimed chain work it never sent headers for');
          return;
        }
      }
      for (;;) {
        const missing = chain.missingBlocks(this.options.blocksInFlight);
        if (missing.length === 0) return;
        const replies = await Promise.all(
          missing.map((hash) => peer.request({ type: 'getblock', id: peer.newId(), hash })),
        );
        for (const [i, reply] of replies.entries()) {
          if (reply.type === 'notfound') return;
          if (reply.type !== 'block') {
            this.punish(peer, `block expected, got ${reply.type}`);
            return;
          }
          const block = decodeBlock(hexToBytes(reply.hex), this.service.params.maxBlockBytes);
          if (hashToHex(headerHash(block.header)) !== missing[i]) {
            this.punish(peer, 'sent a block that was not asked for');
            return;
          }
          try {
            this.service.submitBlock(block);
          } catch (err) {
            if (
              err instanceof ChainError &&
              (err.code === 'BLOCK_DUPLICATE' || err.code === 'BLOCK_LOW_WORK')
            )
              continue;
            if (isAheadOfClock(err)) {
              this.logger.info({ peer: peer.address, why: err.message }, 'sync paused');
              return;
            }
            if (err instanceof ConsensusError || err instanceof ChainError) {
              this.punish(peer, `invalid block: ${err.message}`);
              return;
            }
            throw err;
          }
        }
      }
    } catch (err) {
      if (err instanceof PeerDropped) {
        if (err.reason === 'slow') {
          this.logger.warn({ peer: peer.address, why: err.message }, 'slow peer dropped');
          peer.close(1001, 'too slow');
        }
        return;
      }
      if (err instanceof ConsensusError) {
        this.punish(peer, err.message);
        return;
      }
      throw err;
    }
  }

  /** Syncs with every connected peer (the classic `GET /nodes/resolve`). */
  async syncAll(): Promise<void> {
    await Promise.allSettled([...this.peers].filter((p) => p.hello).map((p) => this.sync(p)));
  }

  list(): { peers: PeerInfo[]; banned: Array<{ peer: string; until: number }> } {
    const connected: PeerInfo[] = [...this.peers].map((p) => ({
      url: p.address,
      direction: p.direction,
      connected: true,
      height: p.hello?.height,
      listen: p.hello?.listen,
    }));
    const dialling: PeerInfo[] = [...this.outbound.values()]
      .filter((o) => !o.peer)
      .map((o) => ({
        url: o.url,
        direction: 'outbound',
        connected: false,
        height: undefined,
        listen: undefined,
      }));
    return { peers: [...connected, ...dialling], banned: this.bans.list() };
  }

  get connectedCount(): number {
    return [...this.peers].filter((p) => p.hello).length;
  }

  close(): void {
    this.closed = true;
    this.service.off('tip', this.onTip);
    this.service.off('tx', this.onTx);
    for (const entry of this.outbound.values()) {
      clearTimeout(entry.timer);
      entry.socket?.terminate();
    }
    this.outbound.clear();
    for (const peer of this.peers) peer.socket.terminate();
    this.wss?.close();
  }
}
