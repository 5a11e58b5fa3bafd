import { z } from 'zod';

/** A JSON-RPC request line from a miner, before method-specific checks. */
export const requestId = z.union([z.number(), z.string().max(64), z.null()]);

export const requestSchema = z.object({
  id: requestId,
  method: z.string().max(64),
  // a missing or null params is taken as no params, as miners in the wild send both
  params: z
    .array(z.unknown())
    .max(16)
    .nullish()
    .transform((p) => p ?? []),
});

export const subscribeParams = z.array(z.unknown()).max(4);
export const authorizeParams = z.tuple([z.string().min(1).max(128)]).rest(z.unknown());
/** `[worker, job_id, extranonce2, ntime, nonce]`, and BIP310's version bits as a sixth when rolling. */
export const submitParams = z.union([
  z.tuple([
    z.string().min(1).max(128),
    z.string().min(1).max(32),
    z.string().max(64),
    z.string().max(16),
    z.string().max(16),
  ]),
  z.tuple([
    z.string().min(1).max(128),
    z.string().min(1).max(32),
    z.string().max(64),
    z.string().max(16),
    z.string().max(16),
    z.string().max(16),
  ]),
]);

/** BIP310: `[[extension, ...], {"version-rolling.mask": "1fffe000", ...}]`. */
export const configureParams = z.tuple([
  z.array(z.string().max(64)).max(16),
  z.record(z.string().max(64), z.unknown()).optional(),
]);
export const suggestDifficultyParams = z.tuple([z.number().positive().finite()]);
