import { isIP } from 'node:net';

/**
 * Peers banned until a time, by key: the URL the node dialled (outbound) or the remote IP address
 * (inbound). Holds at most `maxEntries`: when full, the oldest ban is dropped, so a stream of
 * misbehaving addresses cannot grow it without bound.
 */
export class BanList {
  /** key → end of the ban (ms), oldest ban first. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  ban(key: string, seconds: number): void {
    this.until.delete(key);
    this.prune();
    for (const oldest of this.until.keys()) {
      if (this.until.size < this.maxEntries) break;
      this.until.delete(oldest);
    }
    if (this.maxEntries > 0) this.until.set(key, this.clock() + seconds * 1000);
  }

  isBanned(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.clock() < until) return true;
    this.until.delete(key);
    return false;
  }

  /** Bans in force, oldest first. */
  list(): Array<{ peer: string; until: number }> {
    this.prune();
    return [...this.until.entries()].map(([peer, until]) => ({ peer, until }));
  }

  get size(): number {
    return this.until.size;
  }

  private prune(): void {
    const now = this.clock();
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}

/**
 * What an inbound peer is banned by: its IPv4 address (an IPv4-mapped IPv6 address as plain IPv4)
 * or its IPv6 /64 (one host is routinely given a whole /64, so a ban by /128 is escaped by picking
 * the next address, as Bitcoin Core bans subnets), never a port (a new connection gets a new one) nor a URL it claims. `undefined` for loopback
 * and unknown addresses: every local process shares them, so such a peer is only disconnected,
 * as Bitcoin Core does for local peers.
 */
export function inboundBanKey(remoteAddress: string | undefined): string | undefined {
  if (remoteAddress === undefined) return undefined;
  const address = remoteAddress.toLowerCase().replace(/^::ffff:(?=[0-9.]+$)/, '');
  const family = isIP(address);
  if (family === 0) return undefined;
  if (family === 4 ? address.startsWith('127.') : address === '::1') return undefined;
  return family === 4 ? address : ipv6Prefix64(address);
}

/** The first four groups of a valid IPv6 address, as `a:b:c:d::/64` (zeros unpadded). */
function ipv6Prefix64(address: string): string {
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const missing = 8 - front.length - back.length - (back.at(-1)?.includes('.') ? 1 : 0);
  const all = [...front, ...Array<string>(Math.max(missing, 0)).fill('0'), ...back];
  return `${all
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
