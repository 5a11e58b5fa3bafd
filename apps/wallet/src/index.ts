/**
 * apps/wallet: the Ink terminal wallet. A shell until its issue lands; it already builds against
 * the consensus library.
 */
import { DEFAULT_NETWORK_NODE_PORT } from './defaults.js';

/** The node a wallet talks to unless told otherwise. */
export const DEFAULT_NODE_URL = `http://127.0.0.1:${DEFAULT_NETWORK_NODE_PORT}`;
