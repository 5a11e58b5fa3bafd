import { decodeBlock, hexToBytes } from '@powcoin/core';
import express from 'express';
import type { NodeService } from '../nodeService.js';
import { parse } from './parse.js';
import { submitBlockBody, templateQuery } from './schemas.js';
import { createTemplate } from './template.js';

/** Mining: GET /template, POST /blocks. */
export function miningRoutes(service: NodeService): express.Router {
  const { params } = service;
  const router = express.Router();

  router.get('/template', (req, res) => {
    const { address, extranonceBytes } = parse(templateQuery, req.query, 'query');
    res.json(createTemplate(service, address, extranonceBytes));
  });

  router.post('/blocks', (req, res) => {
    const { hex } = parse(submitBlockBody(params.maxBlockBytes), req.body, 'body');
    const result = service.submitBlock(decodeBlock(hexToBytes(hex), params.maxBlockBytes));
    res.status(result.status === 'tip' ? 201 : 202).json({
      hash: result.hash,
      height: result.height,
      status: result.status,
      reorg:
        result.disconnected.length > 0
          ? { disconnected: result.disconnected.length, connected: result.connected.length }
          : undefined,
    });
  });

  return router;
}
