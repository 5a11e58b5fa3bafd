import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** What one address, and all clients together, may hold of the node's sockets. */
export interface ConnectionLimits {
  /** Sockets at most, API, /ws and /p2p together. */
  readonly maxConnections: number;
  /** Sockets at most from one address (the pool, miners and wallets of one machine share one). */
  readonly maxConnectionsPerIp: number;
  /**
   * Of `maxConnections`, this many are never given to /ws subscribers: short API requests and
   * peers always find a slot however many push clients idle.
   */
  readonly reservedSlots: number;
  /** WebSocket upgrades one address may make per minute (the HTTP rate limiter never sees them). */
  readonly upgradesPerMinute: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 512,
  maxConnectionsPerIp: 64,
  reservedSlots: 64,
  upgradesPerMinute: 120,
};

export type Refusal = 'full' | 'per-ip' | 'ws-slots' | 'upgrade-rate';

export interface ConnectionGuard {
  /** Whether a socket asking to upgrade to `path` may; the caller closes it when not. */
  allowUpgrade(socket: Socket, path: string): boolean;
  readonly refused: Readonly<Record<Refusal, number>>;
  readonly open: number;
}

interface Logger {
  warn(fields: object, message: string): void;
}

/**
 * Counts the HTTP server's sockets per remote address and in all, and refuses (closes at once,
 * counting it, logging at most once per 10 s per reason) a socket over either cap, a /ws upgrade
 * that would eat into the reserved slots, and upgrades past their rate. Replaces
 * `server.maxConnections`, which cannot tell an idle subscriber from the pool asking for work.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, logger?: Logger): ConnectionGuard {
  const perIp = new Map<string, number>();
  const upgrades = new Map<string, { windowStart: number; count: number }>();
  const refused: Record<Refusal, number> = { full: 0, 'per-ip': 0, 'ws-slots': 0, 'upgrade-rate': 0 };
  const lastLog = new Map<Refusal, number>();
  let open = 0;
  let pushClients = 0;

  const refuse = (reason: Refusal, ip: string) => {
    refused[reason]++;
    const now = Date.now();
    if (now - (lastLog.get(reason) ?? 0) >= 10_000) {
      lastLog.set(reason, now);
      logger?.warn({ ip, reason, refused: refused[reason] }, 'connection refused');
    }
  };

  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const mine = perIp.get(ip) ?? 0;
    const reason: Refusal | undefined =
      open >= limits.maxConnections ? 'full' : mine >= limits.maxConnectionsPerIp ? 'per-ip' : undefined;
    if (reason) {
      refuse(reason, ip);
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    open++;
    perIp.set(ip, mine + 1);
    socket.once('close', () => {
      open--;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    });
  });

  return {
    get refused() {
      return refused;
    },
    get open() {
      return open;
    },
    allowUpgrade(socket, path) {
      const ip = socket.remoteAddress ?? 'unknown';
      const now = Date.now();
      const entry = upgrades.get(ip);
      if (!entry || now - entry.windowStart >= 60_000) {
        upgrades.delete(ip);
        upgrades.set(ip, { windowStart: now, count: 1 });
        // bounded: the oldest address's window goes first
        while (upgrades.size > 10_000) upgrades.delete(upgrades.keys().next().value as string);
      } else if (++entry.count > limits.upgradesPerMinute) {
        refuse('upgrade-rate', ip);
        return false;
      }
      if (path === '/ws') {
        if (pushClients >= limits.maxConnections - limits.reservedSlots) {
          refuse('ws-slots', ip);
          return false;
        }
        pushClients++;
        socket.once('close', () => {
          pushClients--;
        });
      }
      return true;
    },
  };
}
