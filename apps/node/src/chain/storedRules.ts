import type { ChainParams } from '@powcoin/core';
import type { ChainStore } from '../store/chainStore.js';

/**
 * Refuses a stored chain that breaks a rule added since it was made: on a retargeting network
 * block times may not go back (the time-warp defence), so a chain with a block stamped before its
 * parent would not sync to an up-to-date node. Throws an Error in words; the CLI exits 2 with it.
 */
export function validateStoredBlockTimes(store: ChainStore, params: ChainParams): void {
  const backwards = params.retarget ? store.firstBackwardsTime() : undefined;
  if (!backwards) return;
  throw new Error(
    `data dir holds a chain made under older ${params.network} rules: block ${backwards.height} is stamped ` +
      `${backwards.time}, before its parent's ${backwards.parentTime}, which block times may no longer do; ` +
      'move the data dir away (or delete it) to start the chain afresh',
  );
}
