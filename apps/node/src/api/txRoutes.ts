import { decodeTx, hexToBytes } from '@powcoin/core';
import express, { type Request, type Response } from 'express';
import type { NodeService } from '../nodeService.js';
import { mempoolHandler } from './mempoolRoute.js';
import { parse } from './parse.js';
import { submitTxBody } from './schemas.js';

/** Transaction admission and the mempool: POST /tx, POST /transactions/new, GET /mempool. */
export function txRoutes(service: NodeService): express.Router {
  const { params } = service;
  const router = express.Router();

  router.get('/mempool', mempoolHandler(service, params, parse));

  const submitTx = (req: Request, res: Response) => {
    const { hex } = parse(submitTxBody, req.body, 'body');
    const id = service.submitTransaction(decodeTx(hexToBytes(hex)));
    res.status(201).json({ txid: id, status: 'pending' });
  };
  router.post('/tx', submitTx);
  router.post('/transactions/new', submitTx); // classic route

  return router;
}
