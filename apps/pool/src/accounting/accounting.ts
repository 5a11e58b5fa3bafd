import { bitsToDifficulty, type ChainParams } from '@powcoin/core';
import type { NodeClient } from '@powcoin/node-client';
import type { PoolStore } from '../store/poolStore.js';
import { pplnsWeights, splitReward } from './split.js';

export type PayoutScheme = 'prop' | 'pplns';

export interface AccountingOptions {
  readonly scheme: PayoutScheme;
  readonly feeBasisPoints: number;
  /** PPLNS window, in multiples of the network difficulty's expected work. */
  readonly pplnsWindowFactor: number;
}

export interface AccountingLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Rounds, found blocks and miners' credits. A block's credits are fixed (from the round's shares,
 * or the PPLNS window) only after the node accepted it; they reach balances when its coinbase
 * matures, and are reversed if a reorg takes the block away.
 */
export class Accounting {
  constructor(
    private readonly store: PoolStore,
    private readonly node: NodeClient,
    private readonly params: ChainParams,
    private readonly options: AccountingOptions,
    private readonly logger: AccountingLogger,
  ) {}

  /**
   * Records a block candidate before it goes to the node, and closes its round: the split is fixed
   * now, from the shares up to and including the block's own (its round for prop, the window for
   * pplns), so shares found later belong to the next block whatever the node's answer's timing.
   * The caller runs this in the transaction that stores the block's share. The credits reach
   * balances only once the block is accepted and mature; if the node refuses it for good, `reject`
   * opens the round again (its shares join the next round), so a round stays closed only on a
   * block the node took.
   */
  recordCandidate(
    hash: string,
    height: number,
    reward: bigint,
    bits: number,
    finder: string,
    nowMs: number,
  ): void {
    const round = this.store.currentRound();
    const weights =
      this.options.scheme === 'prop'
        ? this.store.roundWeights(round)
        : pplnsWeights(
            this.store.recentShares(),
            BigInt(Math.ceil(bitsToDifficulty(bits) * this.options.pplnsWindowFactor * 2 ** 32)),
          );
    const { credits } = splitReward(reward, this.options.feeBasisPoints, weights);
    this.store.putBlock({ hash, height, round, reward, bits, status: 'submitted', finder, createdMs: nowMs });
    for (const [address, amount] of credits) this.store.putCredit(hash, address, amount);
    this.store.setRound(round + 1);
  }

  /** The node accepted the block (or a reorg brought a rejected one onto the chain): it now matures. */
  finalize(hash: string): void {
    this.store.transaction(() => {
      const block = this.store.getBlock(hash);
      if (!block || (block.status !== 'submitted' && block.status !== 'rejected')) return;
      this.store.setBlockStatus(hash, 'pending');
      const credits = this.store.creditsOf(hash);
      const credited = credits.reduce((sum, c) => sum + c.amount, 0n);
      this.logger.info(
        {
          hash,
          height: block.height,
          miners: credits.length,
          poolKeeps: (block.reward - credited).toString(),
        },
        'block accepted: credits immature',
      );
    });
  }

  /**
   * The node refused the block for good, or it was not on the chain a minute later: it will never
   * pay, so its round is not closed after all. Its shares join the round after it (the open one,
   * or the next candidate's, whose prop split is fixed again with them): every share stays credited.
   */
  reject(hash: string, why: string): void {
    this.store.transaction(() => {
      const block = this.store.getBlock(hash);
      if (!block || block.status === 'rejected') return;
      this.store.setBlockStatus(hash, 'rejected');
      this.store.deleteCredits(hash);
      const next = block.round + 1;
      this.store.moveRound(block.round, next);
      if (this.options.scheme === 'prop') {
        const weights = this.store.roundWeights(next);
        for (const later of this.store.blocksInRound(next)) {
          if (later.status === 'matured' || later.status === 'rejected') continue;
          this.store.deleteCredits(later.hash);
          const { credits } = splitReward(later.reward, this.options.feeBasisPoints, weights);
          for (const [address, amount] of credits) this.store.putCredit(later.hash, address, amount);
        }
      }
    });
    this.logger.warn({ hash, why }, 'block rejected by the node: its shares stay in the open round');
  }

  /**
   * Follows the chain: finishes candidates whose fate was lost in a crash, matures credits of
   * blocks `coinbaseMaturity` deep, and handles orphans (credits voided, or reversed if matured).
   */
  async reconcile(tipHeight: number, nowMs: number): Promise<void> {
    const maturity = this.params.coinbaseMaturity;
    const horizon = tipHeight - 10 * maturity;
    // undecided blocks are followed whatever their depth (the pool may have been down for long);
    // decided ones only while a reorg could still change them
    const watched = [
      ...this.store.blocksByStatus('submitted'),
      ...this.store.blocksByStatus('pending'),
      ...[
        ...this.store.blocksByStatus('orphaned'),
        ...this.store.blocksByStatus('matured'),
        ...this.store.blocksByStatus('rejected'),
      ].filter((b) => b.height >= horizon),
    ];
    if (watched.length === 0) return;
    // one ranged read of the active chain instead of a request per block
    const low = Math.min(...watched.map((b) => b.height));
    const main = await this.node.mainChainHashes(low, tipHeight - low + 1);
    const confirmationsOf = (hash: string, height: number) =>
      main.get(height) === hash ? tipHeight - height + 1 : 0;

    for (const block of watched) {
      const confirmations = confirmationsOf(block.hash, block.height);
      this.store.transaction(() => {
        const current = this.store.getBlock(block.hash);
        if (!current) return;
        switch (current.status) {
          case 'submitted':
            if (confirmations > 0) this.finalize(block.hash);
            else if (nowMs - block.createdMs > 60_000)
              this.reject(block.hash, 'not on the chain a minute later');
            return;
          case 'rejected':
            // a block that lost a race can still win after a reorg
            if (confirmations > 0) this.finalize(block.hash);
            return;
          case 'pending':
          case 'orphaned':
            if (confirmations >= maturity + 1) {
              for (const c of this.store.creditsOf(block.hash)) this.store.addBalance(c.address, c.amount);
              this.store.setBlockStatus(block.hash, 'matured');
              this.logger.info(
                { hash: block.hash, height: block.height },
                'block matured: credits added to balances',
              );
            } else if (confirmations === 0 && current.status === 'pending' && tipHeight > block.height) {
              this.store.setBlockStatus(block.hash, 'orphaned');
              this.logger.warn(
                { hash: block.hash, height: block.height },
                'block orphaned before maturity: credits void',
              );
            } else if (confirmations > 0 && current.status === 'orphaned') {
              this.store.setBlockStatus(block.hash, 'pending');
            }
            return;
          case 'matured':
            if (confirmations === 0) {
              for (const c of this.store.creditsOf(block.hash)) this.store.addBalance(c.address, -c.amount);
              this.store.setBlockStatus(block.hash, 'orphaned');
              this.logger.warn(
                { hash: block.hash, height: block.height },
                'matured block orphaned by a reorg: credits reversed',
              );
            }
            return;
          default:
            return;
        }
      });
    }
  }
}
