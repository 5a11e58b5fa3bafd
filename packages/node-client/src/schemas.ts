import { z } from 'zod';

/** No amount, balance or sum may exceed this (21 million coins of 10^8 units; core's MAX_MONEY). */
export const MAX_MONEY = 21_000_000n * 100_000_000n;

/** Base units as a decimal string, within 0..MAX_MONEY (a node saying more is misbehaving). */
export const units = z
  .string()
  .regex(/^[0-9]{1,16}$/)
  .refine((s) => BigInt(s) <= MAX_MONEY, 'an amount above the 21 million coin maximum');

/** Addresses and txids are shown to people: nothing but base58 and hex gets through. */
export const addressText = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{20,64}$/);
export const txidText = z.string().regex(/^[0-9a-f]{64}$/);

/** The node's answer to `GET /template`, checked at the edge. */
export const templateSchema = z.object({
  height: z.number().int().min(1),
  version: z.number().int().min(0).max(0xffffffff),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  prevHashInternal: z.string().regex(/^[0-9a-f]{64}$/),
  bits: z.string().regex(/^[0-9a-f]{8}$/),
  target: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.number().int().min(0),
  minTime: z.number().int().min(0),
  /** The node's clock, and the latest block time it accepts now (clock + its future limit). */
  curTime: z.number().int().min(0),
  maxTime: z.number().int().min(0),
  coinbaseValue: units,
  coinb1: z.string().regex(/^[0-9a-f]*$/),
  coinb2: z.string().regex(/^[0-9a-f]*$/),
  extranonceBytes: z.number().int(),
  txs: z.array(z.object({ txid: z.string(), hex: z.string().regex(/^[0-9a-f]+$/), fee: units })),
  merkleBranch: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Template = z.infer<typeof templateSchema>;

export const txJsonSchema = z.union([
  z.object({
    kind: z.literal('transfer'),
    txid: txidText,
    from: addressText,
    to: addressText,
    amount: units,
    fee: units,
    nonce: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal('coinbase'),
    txid: txidText,
    height: z.number().int(),
    outputs: z
      .array(z.object({ address: addressText, amount: units }))
      .refine(
        (outputs) => outputs.reduce((sum, o) => sum + BigInt(o.amount), 0n) <= MAX_MONEY,
        'coinbase outputs above the 21 million coin maximum',
      ),
  }),
]);
export type TxJson = z.infer<typeof txJsonSchema>;

export const addressInfoSchema = z.object({
  address: addressText,
  balance: units,
  immature: units,
  pending: units,
  nonce: z.number().int().min(0),
  nextNonce: z.number().int().min(0),
  history: z.array(z.object({ height: z.number().int(), confirmations: z.number().int(), tx: txJsonSchema })),
});

export interface AddressInfo {
  readonly address: string;
  readonly balance: bigint;
  readonly immature: bigint;
  readonly pending: bigint;
  readonly nonce: number;
  readonly nextNonce: number;
  readonly history: ReadonlyArray<{ height: number; confirmations: number; tx: TxJson }>;
}
