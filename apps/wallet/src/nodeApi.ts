import type { NodeClient } from '@powcoin/node-client';

/** The part of the node client the wallet uses (a fake in component tests). */
export type NodeApi = Pick<
  NodeClient,
  | 'baseUrl'
  | 'status'
  | 'addressInfo'
  | 'submitTx'
  | 'txStatus'
  | 'subscribe'
  | 'unsubscribe'
  | 'close'
  | 'on'
  | 'off'
>;
