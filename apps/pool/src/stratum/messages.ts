import { z } from 'zod';

/** A JSON-RPC request line from a miner, before method-specific checks. */
export const requestSchema = z.object({
  id: z.union([z.number(), z.string().max(64), z.null()]),
  method: z.string().max(64),
  params: z.array(z.unknown()).max(16).default([]),
});

export const subscribeParams = z.array(z.unknown()).max(4);
export const authorizeParams = z.tuple([z.string().min(1).max(128)]).rest(z.unknown());
export const submitParams = z.tuple([
  z.string().min(1).max(128),
  z.string().min(1).max(32),
  z.string().max(64),
  z.string().max(16),
  z.string().max(16),
]);
export const suggestDifficultyParams = z.tuple([z.number().positive().finite()]);
