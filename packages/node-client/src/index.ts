export * from './nodeClient.js';
