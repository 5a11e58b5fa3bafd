import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocketServer } from 'ws';

/**
 * Routes WebSocket upgrades of one HTTP server to the server for their path (`/ws`, `/p2p`).
 * Several `WebSocketServer`s bound to one HTTP server with `path` fight over every upgrade, so each
 * is created with `noServer` and fed from here. Unknown paths are closed.
 */
export function routeUpgrades(
  server: Server,
  routes: Readonly<Record<string, WebSocketServer>>,
  /** Connection policy (caps, reserved slots, upgrade rate); a refused upgrade is closed at once. */
  allow: (socket: Socket, path: string) => boolean = () => true,
): void {
  server.on('upgrade', (req, socket, head) => {
    let path = '';
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      path = '';
    }
    const wss = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!wss || !allow(socket as Socket, path)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
}
