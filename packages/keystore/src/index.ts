/** @powcoin/keystore: secrets at rest for the pool and the wallet. */
export * from './atomicFile.js';
export * from './envelope.js';
export * from './fileLock.js';
