import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { NodeService } from '../nodeService.js';

/** What a client may send: which topics it wants. */
const clientMessage = z.strictObject({
  type: z.enum(['subscribe', 'unsubscribe']),
  topics: z
    .array(z.enum(['tips', 'txs']))
    .min(1)
    .max(2),
});

type Topic = 'tips' | 'txs';

export interface PushLimits {
  readonly maxClients: number;
  readonly maxMessageBytes: number;
  /** Messages a client may send per second before it is dropped. */
  readonly maxMessagesPerSecond: number;
  /** Bytes of pushes a subscriber may leave unread (`bufferedAmount`) before it is disconnected. */
  readonly maxBufferBytes: number;
  /** A client subscribed to nothing for this long is closed (1008 "idle"). */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_PUSH_LIMITS: PushLimits = {
  maxClients: 256,
  maxMessageBytes: 4096,
  maxMessagesPerSecond: 20,
  maxBufferBytes: 1024 * 1024,
  idleTimeoutMs: 30_000,
};

/**
 * WebSocket push (served at `/ws`): clients subscribe to new tips and new transactions and hear of them at
 * once. Bad messages get an `error` message; a client that floods is disconnected.
 */
export function createPushServer(service: NodeService, limits: PushLimits = DEFAULT_PUSH_LIMITS) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const topics = new Map<WebSocket, Set<Topic>>();

  const broadcast = (topic: Topic, message: object) => {
    const data = JSON.stringify(message);
    for (const [client, wanted] of topics) {
      if (!wanted.has(topic) || client.readyState !== WebSocket.OPEN) continue;
      // a subscriber that stops reading is cut off, never buffered without bound
      if (client.bufferedAmount > limits.maxBufferBytes) {
        topics.delete(client);
        client.terminate();
        continue;
      }
      client.send(data);
    }
  };

  const onTip = (result: { height: number; hash: string; disconnected: readonly unknown[] }) =>
    broadcast('tips', {
      type: 'tip',
      height: result.height,
      hash: result.hash,
      reorg: result.disconnected.length,
    });
  const onTx = (txid: string) => broadcast('txs', { type: 'tx', txid });
  service.on('tip', onTip);
  service.on('tx', onTx);

  wss.on('connection', (socket) => {
    // First, before anything can fail: ws reports a bad frame as 'error' and then closes.
    socket.on('error', () => topics.delete(socket));
    if (topics.size >= limits.maxClients) {
      socket.close(1013, 'too many clients');
      return;
    }
    const wanted = new Set<Topic>();
    topics.set(socket, wanted);
    // a client that subscribes to nothing only holds a slot: it gets a deadline
    let idle: NodeJS.Timeout | undefined;
    const watchIdle = () => {
      clearTimeout(idle);
      idle = undefined;
      if (wanted.size > 0) return;
      idle = setTimeout(() => socket.close(1008, 'idle: subscribed to nothing'), limits.idleTimeoutMs);
      idle.unref();
    };
    watchIdle();
    let windowStart = Date.now();
    let count = 0;
    const tip = service.chain.tip();
    socket.send(
      JSON.stringify({ type: 'hello', network: service.params.network, height: tip.height, hash: tip.hash }),
    );

    socket.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        count = 0;
      }
      if (++count > limits.maxMessagesPerSecond) {
        socket.close(1008, 'too many messages');
        return;
      }
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const result = clientMessage.safeParse(parsed);
      if (!result.success) {
        socket.send(
          JSON.stringify({
            type: 'error',
            error: { code: 'BAD_MESSAGE', message: 'expected {"type":"subscribe","topics":["tips","txs"]}' },
          }),
        );
        return;
      }
      for (const topic of result.data.topics) {
        if (result.data.type === 'subscribe') wanted.add(topic);
        else wanted.delete(topic);
      }
      watchIdle();
      socket.send(JSON.stringify({ type: 'subscribed', topics: [...wanted] }));
    });
    socket.on('close', () => {
      clearTimeout(idle);
      topics.delete(socket);
    });
  });

  return {
    wss,
    close(): void {
      service.off('tip', onTip);
      service.off('tx', onTx);
      for (const client of topics.keys()) client.terminate();
      wss.close();
    },
  };
}
