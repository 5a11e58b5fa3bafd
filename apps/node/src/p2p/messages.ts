import { z } from 'zod';

/** Most headers one `headers` message carries. */
export const MAX_HEADERS_PER_MESSAGE = 2000;
const hash = z.string().regex(/^[0-9a-f]{64}$/);
const hex = (maxBytes: number) =>
  z
    .string()
    .max(maxBytes * 2)
    .regex(/^(?:[0-9a-f]{2})+$/);
const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The peer-to-peer protocol: JSON messages over a WebSocket at `/p2p`, checked by these schemas
 * before anything else looks at them.
 */
export function peerMessageSchema(maxBlockBytes: number) {
  return z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('hello'),
      network: z.string().max(32),
      genesis: hash,
      height: z.number().int().min(0),
      chainWork: z.string().regex(/^[0-9]{1,80}$/),
      listen: z.string().max(256).optional(),
    }),
    z.strictObject({ type: z.literal('getheaders'), id, locator: z.array(hash).min(1).max(64) }),
    z.strictObject({
      type: z.literal('headers'),
      id,
      headers: z.array(hex(80)).max(MAX_HEADERS_PER_MESSAGE),
    }),
    z.strictObject({ type: z.literal('getblock'), id, hash }),
    z.strictObject({ type: z.literal('block'), id: id.optional(), hex: hex(maxBlockBytes) }),
    z.strictObject({ type: z.literal('notfound'), id }),
    z.strictObject({ type: z.literal('tx'), hex: hex(4096) }),
  ]);
}

export type PeerMessage = z.infer<ReturnType<typeof peerMessageSchema>>;
export type HelloMessage = Extract<PeerMessage, { type: 'hello' }>;
