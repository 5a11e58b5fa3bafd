import { addressToHash, formatCoins } from '@powcoin/core';
import express from 'express';
import type { NodeService } from '../nodeService.js';
import { HttpError } from './httpError.js';
import { txToJson } from './json.js';
import { parse } from './parse.js';
import { hashParam, pageQuery } from './schemas.js';

/** Read routes of accounts and confirmed transactions: GET /tx/:txid, GET /address/:address. */
export function addressRoutes(service: NodeService): express.Router {
  const { params, chain, store, mempool } = service;
  const router = express.Router();

  router.get('/tx/:txid', (req, res) => {
    const id = parse(hashParam, req.params.txid, 'txid').toLowerCase();
    const pending = mempool.get(id);
    if (pending) {
      res.json({ status: 'pending', confirmations: 0, tx: txToJson(params, pending) });
      return;
    }
    const location = store.getTxLocation(id);
    const block = location && chain.getBlock(location.blockHash);
    const tx = block?.txs[location?.position ?? -1];
    if (!location || !tx) throw new HttpError(404, 'NOT_FOUND', `no transaction ${id}`);
    res.json({
      status: 'confirmed',
      blockHash: location.blockHash,
      height: location.height,
      confirmations: chain.tip().height - location.height + 1,
      tx: txToJson(params, tx),
    });
  });

  router.get('/address/:address', (req, res) => {
    const address = req.params.address;
    addressToHash(params, address); // ADDRESS_* codes for a bad address
    const { limit, offset } = parse(pageQuery, req.query, 'query');
    const account = store.getAccount(address);
    const pendingOut = mempool.pendingOf(address);
    const pending = pendingOut.reduce((sum, tx) => sum + tx.amount + tx.fee, 0n);
    const tipHeight = chain.tip().height;
    const history = store.addressHistory(address, limit, offset).map((entry) => {
      const block = chain.getBlock(store.mainHashAt(entry.height) as string);
      const tx = block?.txs[entry.position];
      return {
        height: entry.height,
        confirmations: tipHeight - entry.height + 1,
        tx: tx && txToJson(params, tx),
      };
    });
    res.json({
      address,
      balance: account.balance.toString(),
      balanceCoins: formatCoins(account.balance),
      immature: account.immature.toString(),
      immatureCoins: formatCoins(account.immature),
      pending: pending.toString(),
      pendingCoins: formatCoins(pending),
      nonce: account.nonce,
      nextNonce: account.nonce + pendingOut.length,
      history,
    });
  });

  return router;
}
