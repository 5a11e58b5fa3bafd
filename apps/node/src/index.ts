/**
 * apps/node: the full node. Library entry for tests and tools; the CLI is `main.ts`.
 */
export { createApiApp } from './api/app.js';
export { Chain } from './chain/chain.js';
export { createConfig, DEFAULT_NODE_PORT, type NodeConfig } from './config.js';
export { Mempool } from './mempool/mempool.js';
export { NodeService } from './nodeService.js';
export { ChainStore } from './store/chainStore.js';
