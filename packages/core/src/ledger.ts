import { addressFromHash, addressFromPublicKey } from './address.js';
import { formatCoins, MAX_MONEY } from './amount.js';
import { ConsensusError } from './errors.js';
import { verifySignature } from './keys.js';
import type { ChainParams } from './params.js';
import { type CoinbaseTx, type TransferTx, transferSigningHash } from './transaction.js';

/** One address's state: spendable balance, coinbase credits not yet mature, next nonce. */
export interface Account {
  readonly balance: bigint;
  readonly immature: bigint;
  readonly nonce: number;
}

export const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0n, immature: 0n, nonce: 0 });

/** Read access to a ledger: an in-memory map in tests, the node's store in production. */
export interface LedgerView {
  /** The account at an address; `EMPTY_ACCOUNT` for one never seen. */
  getAccount(address: string): Account;
}

/** One account's value before and after a change. */
export interface AccountChange {
  readonly address: string;
  readonly before: Account;
  readonly after: Account;
}

export function accountsEqual(a: Account, b: Account): boolean {
  return a.balance === b.balance && a.immature === b.immature && a.nonce === b.nonce;
}

export function isEmptyAccount(a: Account): boolean {
  return accountsEqual(a, EMPTY_ACCOUNT);
}

/**
 * A scratch layer over a ledger view: reads fall through, writes stay here, and the first value
 * seen of each account is remembered so the layer can be turned into `AccountChange`s.
 */
export class LedgerOverlay implements LedgerView {
  private readonly touched = new Map<string, { before: Account; after: Account }>();

  constructor(private readonly base: LedgerView) {}

  getAccount(address: string): Account {
    return this.touched.get(address)?.after ?? this.base.getAccount(address);
  }

  setAccount(address: string, account: Account): void {
    const entry = this.touched.get(address);
    if (entry) entry.after = account;
    else this.touched.set(address, { before: this.base.getAccount(address), after: account });
  }

  /** Changes in the order accounts were first touched; accounts that ended unchanged are left out. */
  changes(): AccountChange[] {
    const out: AccountChange[] = [];
    for (const [address, { before, after }] of this.touched) {
      if (!accountsEqual(before, after)) out.push({ address, before, after });
    }
    return out;
  }
}

export interface TransferCheckOptions {
  /** Already-verified signatures (e.g. checked on mempool entry), so they are not checked twice. */
  readonly isSignatureVerified?: (tx: TransferTx) => boolean;
}

/**
 * Applies one transfer to an overlay after checking it: amount, no overflow, signature (low-S,
 * over this network), nonce, and funds (telling an immature coinbase spend from plain poverty).
 * Returns the fee.
 */
export function applyTransfer(
  params: ChainParams,
  overlay: LedgerOverlay,
  tx: TransferTx,
  options: TransferCheckOptions = {},
): bigint {
  if (tx.amount === 0n) throw new ConsensusError('TX_ZERO_AMOUNT', 'a transfer must move at least 1 unit');
  const total = tx.amount + tx.fee;
  if (tx.amount > MAX_MONEY || tx.fee > MAX_MONEY || total > MAX_MONEY) {
    throw new ConsensusError(
      'TX_AMOUNT_OVERFLOW',
      `amount plus fee ${total} exceeds the maximum of ${MAX_MONEY} units`,
    );
  }
  if (!options.isSignatureVerified?.(tx)) {
    verifySignature(tx.senderPublicKey, transferSigningHash(params, tx), tx.signature);
  }
  const senderAddress = addressFromPublicKey(params, tx.senderPublicKey);
  const sender = overlay.getAccount(senderAddress);
  if (tx.nonce !== sender.nonce) {
    throw new ConsensusError('TX_BAD_NONCE', `nonce ${sender.nonce} expected, got ${tx.nonce}`, {
      address: senderAddress,
    });
  }
  if (sender.balance < total) {
    const code = sender.balance + sender.immature >= total ? 'TX_IMMATURE_SPEND' : 'TX_INSUFFICIENT_FUNDS';
    const why = code === 'TX_IMMATURE_SPEND' ? ' (the rest is immature coinbase)' : '';
    throw new ConsensusError(
      code,
      `spending ${formatCoins(total)} needs a spendable balance of that much, ${senderAddress} has ${formatCoins(sender.balance)}${why}`,
      { address: senderAddress },
    );
  }
  overlay.setAccount(senderAddress, { ...sender, balance: sender.balance - total, nonce: sender.nonce + 1 });
  const recipientAddress = addressFromHash(params, tx.recipient);
  const recipient = overlay.getAccount(recipientAddress);
  const credited = recipient.balance + tx.amount;
  if (credited + recipient.immature > MAX_MONEY) {
    throw new ConsensusError(
      'TX_AMOUNT_OVERFLOW',
      `crediting ${recipientAddress} would exceed ${MAX_MONEY} units`,
    );
  }
  overlay.setAccount(recipientAddress, { ...recipient, balance: credited });
  return tx.fee;
}

/** Moves a matured coinbase's outputs from immature to spendable. */
export function matureCoinbase(params: ChainParams, overlay: LedgerOverlay, coinbase: CoinbaseTx): void {
  for (const out of coinbase.outputs) {
    const address = addressFromHash(params, out.recipient);
    const account = overlay.getAccount(address);
    if (account.immature < out.amount) {
      throw new ConsensusError(
        'LEDGER_INCONSISTENT',
        `coinbase of height ${coinbase.height} matures ${out.amount} to ${address}, which holds only ${account.immature} immature`,
      );
    }
    overlay.setAccount(address, {
      ...account,
      immature: account.immature - out.amount,
      balance: account.balance + out.amount,
    });
  }
}

/** Credits a new coinbase's outputs as immature. */
export function creditCoinbase(params: ChainParams, overlay: LedgerOverlay, coinbase: CoinbaseTx): bigint {
  let total = 0n;
  for (const out of coinbase.outputs) {
    if (out.amount === 0n)
      throw new ConsensusError('TX_ZERO_AMOUNT', 'a coinbase output must pay at least 1 unit');
    total += out.amount;
    const address = addressFromHash(params, out.recipient);
    const account = overlay.getAccount(address);
    if (total > MAX_MONEY || account.balance + account.immature + out.amount > MAX_MONEY) {
      throw new ConsensusError(
        'TX_AMOUNT_OVERFLOW',
        `coinbase output to ${address} exceeds ${MAX_MONEY} units`,
      );
    }
    overlay.setAccount(address, { ...account, immature: account.immature + out.amount });
  }
  return total;
}

/**
 * An in-memory ledger, immutable: every change returns a new one. The reference model for tests
 * and for tools; the node keeps the same accounts in its store.
 */
export class MemoryLedger implements LedgerView {
  private constructor(private readonly accounts: ReadonlyMap<string, Account>) {}

  static empty(): MemoryLedger {
    return new MemoryLedger(new Map());
  }

  getAccount(address: string): Account {
    return this.accounts.get(address) ?? EMPTY_ACCOUNT;
  }

  /** A new ledger with each change's `after` (forward) or `before` (backward) written. */
  withChanges(changes: readonly AccountChange[], direction: 'forward' | 'backward'): MemoryLedger {
    const next = new Map(this.accounts);
    for (const change of changes) {
      const value = direction === 'forward' ? change.after : change.before;
      if (isEmptyAccount(value)) next.delete(change.address);
      else next.set(change.address, value);
    }
    return new MemoryLedger(next);
  }

  /** Non-empty accounts, sorted by address so two ledgers compare and print the same way. */
  entries(): Array<[string, Account]> {
    return [...this.accounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Sum of every balance and immature credit. */
  totalSupply(): bigint {
    let sum = 0n;
    for (const a of this.accounts.values()) sum += a.balance + a.immature;
    return sum;
  }

  equals(other: MemoryLedger): boolean {
    if (this.accounts.size !== other.accounts.size) return false;
    for (const [address, account] of this.accounts) {
      if (!accountsEqual(account, other.getAccount(address))) return false;
    }
    return true;
  }
}

/** Checks that a ledger holds exactly what `changes` left there, then returns them inverted. */
export function invertChanges(view: LedgerView, changes: readonly AccountChange[]): AccountChange[] {
  for (const change of changes) {
    if (!accountsEqual(view.getAccount(change.address), change.after)) {
      throw new ConsensusError(
        'LEDGER_INCONSISTENT',
        `account ${change.address} does not hold what the undo record expects`,
      );
    }
  }
  return [...changes].reverse().map((c) => ({ address: c.address, before: c.after, after: c.before }));
}
