/** The node's default port (see apps/node). */
export const DEFAULT_NETWORK_NODE_PORT = 5000;
