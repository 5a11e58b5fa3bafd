import { z } from 'zod';

/** Request shapes, checked at the edge; handlers see only parsed values. */
const hex = (maxChars: number) =>
  z
    .string()
    .max(maxChars, `at most ${maxChars / 2} bytes`)
    .regex(/^(?:[0-9a-fA-F]{2})+$/, 'an even number of hex digits');

export const submitTxBody = z.strictObject({ hex: hex(4096) });
export const submitBlockBody = (maxBlockBytes: number) => z.strictObject({ hex: hex(maxBlockBytes * 2) });

const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

export const pageQuery = z.object({ limit: count(100, 20), offset });
export const rangeQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  limit: count(100, 20),
});
export const templateQuery = z.object({
  address: z.string().min(1).max(64),
  extranonceBytes: z.coerce.number().int().min(2).max(32).default(8),
});
export const hashParam = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a 64-digit hex hash');
export const heightParam = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 32);

export const addPeerBody = z.strictObject({ url: z.string().min(1).max(256) });
export const registerNodesBody = z.strictObject({
  nodes: z.array(z.string().min(1).max(256)).min(1).max(32),
});

/** GET /hashes: main-chain hashes by height, a few thousand per call. */
export const hashesQuery = z.object({
  from: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32)
    .default(0),
  limit: count(5000, 1000),
});
