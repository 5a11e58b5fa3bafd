/**
 * @powcoin/core: the consensus rules as pure functions. Layer order:
 * params → encoding and types → hashing and signatures → validation and state transition → fork choice.
 */
export * from './address.js';
export * from './amount.js';
export * from './block.js';
export * from './blockValidation.js';
export * from './bytes.js';
export * from './coinbase.js';
export * from './encoding.js';
export * from './errors.js';
export * from './forkChoice.js';
export * from './genesis.js';
export * from './hash.js';
export * from './header.js';
export * from './headerValidation.js';
export * from './keys.js';
export * from './ledger.js';
export * from './merkle.js';
export * from './params.js';
export * from './pow.js';
export * from './retarget.js';
export * from './stratum.js';
export * from './transaction.js';
