/**
 * apps/node: the full node (HTTP API, WebSocket push and peers, block store, mempool, explorer).
 * A shell until its issue lands; it already builds against the consensus library.
 */
import { NETWORKS } from '@powcoin/core';

/** Port of the node's HTTP API and WebSocket, as PRODUCT.md fixes it. */
export const DEFAULT_NODE_PORT = 5000;

/** Networks the node can run. */
export const SUPPORTED_NETWORKS = Object.keys(NETWORKS);
