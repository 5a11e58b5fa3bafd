import { formatCoins, MAX_MONEY } from '@powcoin/core';
import type { AddressInfo } from '@powcoin/node-client';

export type Direction = 'mined' | 'in' | 'out' | 'self';

/** One history entry as the account sees it: the CLI and the UI both show this. */
export interface HistoryRow {
  readonly txid: string;
  readonly direction: Direction;
  /** The other side: the recipient of an outgoing payment, the sender of an incoming one, this account for a self-send. */
  readonly counterparty: string | undefined;
  readonly amount: bigint;
  /** The fee this account paid (out and self), undefined otherwise. */
  readonly fee: bigint | undefined;
  /** The amount as shown: + received or mined, - paid away, no sign for a self-send (only the fee leaves). */
  readonly amountText: string;
  readonly confirmations: number;
  readonly height: number;
}

/** Describes a history entry of `address`: direction, counterparty, amount with its sign, fee. */
export function describeHistoryEntry(address: string, entry: AddressInfo['history'][number]): HistoryRow {
  const tx = entry.tx;
  const common = { txid: tx.txid, confirmations: entry.confirmations, height: entry.height };
  if (tx.kind === 'coinbase') {
    let amount = tx.outputs.filter((o) => o.address === address).reduce((s, o) => s + BigInt(o.amount), 0n);
    if (amount > MAX_MONEY) amount = MAX_MONEY; // the client checks the sum; never throw while showing
    return {
      ...common,
      direction: 'mined',
      counterparty: undefined,
      amount,
      fee: undefined,
      amountText: `+${formatCoins(amount)}`,
    };
  }
  const amount = BigInt(tx.amount);
  const outgoing = tx.from === address;
  const direction: Direction = outgoing && tx.to === address ? 'self' : outgoing ? 'out' : 'in';
  const sign = direction === 'self' ? '' : outgoing ? '-' : '+';
  return {
    ...common,
    direction,
    counterparty: outgoing ? tx.to : tx.from,
    amount,
    fee: outgoing ? BigInt(tx.fee) : undefined,
    amountText: `${sign}${formatCoins(amount)}`,
  };
}
