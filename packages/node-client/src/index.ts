export * from './nodeClient.js';
export type { AddressInfo, Template, TxJson } from './schemas.js';
export { type NodeClientEvents, NodeSubscription } from './subscription.js';
export { DEFAULT_MAX_RESPONSE_BYTES, NodeAnswerError, NodeRefusal } from './transport.js';
