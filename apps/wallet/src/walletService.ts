import {
  addressToHash,
  bytesToHex,
  type ChainParams,
  COIN,
  createTransfer,
  encodeTx,
  formatCoins,
  getParams,
  hashToHex,
  isConsensusError,
  MAX_MONEY,
  parseCoins,
  type TransferTx,
  txid,
} from '@powcoin/core';
import { type AddressInfo, NodeAnswerError, NodeRefusal } from '@powcoin/node-client';
import type { Account, Wallet } from './keystore/walletFile.js';
import type { NodeApi } from './nodeApi.js';
import { MemoryPendingRecord, type PendingRecord, type PendingSend } from './pendingSends.js';
import { WalletError } from './walletError.js';

/** The fee a send uses unless the user changes it. */
export const DEFAULT_FEE = '0.0001';

/**
 * A fee above this (1 coin, 10,000 times the default) is taken for a typo: the CLI refuses it
 * unless --max-fee allows it, the UI asks for a capital Y.
 */
export const DEFAULT_MAX_FEE = COIN;

export interface PreparedSend {
  readonly tx: TransferTx;
  /** The signing account's address. */
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly total: bigint;
  readonly txid: string;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a request failed before any of it reached the node (nothing can have been accepted):
 * the connection was refused, the host not found, or fetch refused the URL itself ("bad port").
 * Errors of fetch come from Node's own realm, so they are read by shape, not with instanceof.
 */
function neverReachedNode(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    if (typeof e.code === 'string' && CONNECT_ERRORS.has(e.code)) return true;
    if (typeof e.message === 'string' && /\bconnect ECONNREFUSED\b|^bad port$/.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Checks a recipient as typed: base58, checksum, this network. */
export function checkRecipient(params: ChainParams, to: string): string | undefined {
  if (to.length === 0) return undefined;
  try {
    addressToHash(params, to.trim());
    return undefined;
  } catch (err) {
    return isConsensusError(err) ? err.message : 'not an address';
  }
}

/** A send as typed, checked: what can be known without the node. */
export interface SendInput {
  readonly to: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly total: bigint;
}

/**
 * Checks a send as typed (recipient on this network, amount, fee, the fee limit) without the
 * node, so that a typo is reported as such even when the node cannot be reached.
 */
export function parseSendInput(
  params: ChainParams,
  to: string,
  amountText: string,
  feeText: string,
  /** Refuse a fee above this (`HIGH_FEE`); undefined: no limit (the caller asks the user). */
  maxFee?: bigint,
): SendInput {
  const recipientError = checkRecipient(params, to);
  if (recipientError || to.trim() === '')
    throw new WalletError('BAD_ADDRESS', recipientError ?? 'enter the recipient address');
  let amount: bigint;
  let fee: bigint;
  try {
    amount = parseCoins(amountText.trim());
  } catch (err) {
    throw new WalletError('BAD_AMOUNT', `amount: ${(err as Error).message}`);
  }
  if (amount === 0n) throw new WalletError('BAD_AMOUNT', 'amount must be more than 0');
  try {
    fee = parseCoins(feeText.trim());
  } catch (err) {
    throw new WalletError('BAD_FEE', `fee: ${(err as Error).message}`);
  }
  if (maxFee !== undefined && fee > maxFee)
    throw new WalletError(
      'HIGH_FEE',
      `a fee of ${formatCoins(fee)} is more than the limit of ${formatCoins(maxFee)}: check it, or allow it with --max-fee ${formatCoins(fee)}`,
    );
  const total = amount + fee;
  if (total > MAX_MONEY)
    throw new WalletError('BAD_AMOUNT', `amount and fee together exceed ${formatCoins(MAX_MONEY)} coins`);
  return { to: to.trim(), amount, fee, total };
}

/**
 * The wallet's use of the node: balances and history of an account, and sending. Sends are
 * checked here first (address, amounts, funds including pending spends) so errors come in words
 * before anything is signed; the node's verdict is checked again on submission.
 */
export class WalletService {
  readonly params: ChainParams;

  constructor(
    readonly node: NodeApi,
    readonly wallet: Wallet,
    /** What this wallet signed and sent, not yet confirmed (a file beside the keystore in the CLI). */
    readonly pending: PendingRecord = new MemoryPendingRecord(),
  ) {
    this.params = getParams(wallet.network);
  }

  async info(account: Account, limit = 20, offset = 0): Promise<AddressInfo> {
    try {
      return await this.node.addressInfo(account.address, limit, offset);
    } catch (err) {
      throw this.nodeError(err);
    }
  }

  /** Whether the node runs the wallet's network. */
  async checkNetwork(): Promise<{ height: number }> {
    let status: Awaited<ReturnType<NodeApi['status']>>;
    try {
      status = await this.node.status();
    } catch (err) {
      throw this.nodeError(err);
    }
    if (status.network !== this.wallet.network) {
      throw new WalletError(
        'WRONG_NETWORK',
        `the node runs ${status.network}, this wallet is for ${this.wallet.network}`,
      );
    }
    return { height: status.height };
  }

  private nodeError(err: unknown): WalletError {
    if (err instanceof WalletError) return err;
    if (err instanceof NodeRefusal) return new WalletError('NODE_REJECTED', `${err.message} (${err.code})`);
    if (err instanceof NodeAnswerError)
      return new WalletError(
        'NODE_BAD_ANSWER',
        `the node at ${this.node.baseUrl} misbehaves: ${err.message}`,
      );
    return new WalletError('NODE_DOWN', `cannot reach the node at ${this.node.baseUrl}`);
  }

  /** Validates a send and signs it (nothing is sent yet). */
  async prepareSend(
    account: Account,
    to: string,
    amountText: string,
    feeText: string,
    /** Refuse a fee above this (`HIGH_FEE`); undefined: no limit (the caller asks the user). */
    maxFee?: bigint,
    /** Sign even though an earlier send of this account may still be pending (`PENDING_SEND`). */
    allowPending = false,
  ): Promise<PreparedSend> {
    const { amount, fee, total } = parseSendInput(this.params, to, amountText, feeText, maxFee);
    const info = await this.info(account, 1);
    const own = await this.ownPending(account, info.nonce);
    if (own.length > 0 && !allowPending) {
      const list = own.map((p) => `${p.txid} (nonce ${p.nonce})`).join(', ');
      throw new WalletError(
        'PENDING_SEND',
        `an earlier send is not confirmed yet and may still go out: ${list}. Check it with \`wallet status <txid>\` before paying again, or send anyway with --allow-pending`,
        own[0]?.txid,
      );
    }
    const spendable = info.balance - info.pending;
    if (total > spendable) {
      const immature = info.immature > 0n ? ` (${formatCoins(info.immature)} more is still immature)` : '';
      throw new WalletError(
        'INSUFFICIENT_FUNDS',
        `${formatCoins(total)} needed with the fee, ${formatCoins(spendable < 0n ? 0n : spendable)} spendable${immature}`,
      );
    }
    const tx = createTransfer(this.params, account.privateKey, {
      to: to.trim(),
      amount,
      fee,
      // never the node's nextNonce as it stands: a node answering one ahead of the real one would
      // get a transfer it could hold and broadcast after the user pays again elsewhere. The nonce
      // is the confirmed one plus this wallet's own pending sends, so a second signing after a
      // failure reuses the nonce and at most one of the two can confirm.
      nonce: info.nonce + own.length,
    });
    return { tx, from: account.address, to: to.trim(), amount, fee, total, txid: hashToHex(txid(tx)) };
  }

  /**
   * Sends a prepared transaction; returns its txid. The node already knowing this very
   * transaction (sent twice, or relayed back) means it was accepted: that is success.
   */
  async send(prepared: PreparedSend): Promise<string> {
    const hex = bytesToHex(encodeTx(prepared.tx));
    const entry: PendingSend = {
      txid: prepared.txid,
      from: prepared.from,
      nonce: prepared.tx.nonce,
      hex,
    };
    // recorded before it leaves: from then on the node may hold it whatever it answers
    await this.pending.update((sends) => ({
      sends: [...sends.filter((s) => s.txid !== entry.txid), entry],
      result: undefined,
    }));
    try {
      return await this.node.submitTx(hex);
    } catch (err) {
      if (err instanceof NodeRefusal && err.code === 'TX_ALREADY_KNOWN') return prepared.txid;
      if (err instanceof NodeRefusal || neverReachedNode(err)) {
        // refused or never sent: the nonce stays the confirmed one, so a second signing conflicts
        // with this one even if the node lied and keeps it
        await this.forget(prepared.txid);
        throw this.nodeError(err);
      }
      // the request left: the node may have taken it before the reply was lost (a time-out, a
      // connection cut). Say so with the txid; sending again is the user's choice, never ours.
      throw new WalletError(
        'SUBMIT_UNKNOWN',
        `submitted, outcome unknown: the node at ${this.node.baseUrl} did not answer; transaction ${prepared.txid} may have been accepted. Check its status before sending again.`,
        prepared.txid,
      );
    }
  }

  /**
   * This account's sends not yet confirmed, as recorded; an entry leaves when the chain has used
   * its nonce (it confirmed, or another transaction took the nonce and it was dropped).
   */
  async ownPending(account: Account, confirmedNonce: number): Promise<PendingSend[]> {
    return this.pending.update((sends) => {
      const kept = sends.filter((s) => s.from !== account.address || s.nonce >= confirmedNonce);
      const own = kept.filter((s) => s.from === account.address).sort((a, b) => a.nonce - b.nonce);
      return { sends: kept, result: own };
    });
  }

  private async forget(id: string): Promise<void> {
    await this.pending.update((sends) => ({ sends: sends.filter((s) => s.txid !== id), result: undefined }));
  }
}
