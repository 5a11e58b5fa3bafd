import express, { type RequestHandler } from 'express';
import type { NodeService } from '../nodeService.js';
import type { P2PNetwork } from '../p2p/network.js';
import { parse } from './parse.js';
import { addPeerBody, registerNodesBody } from './schemas.js';

/**
 * Peers: GET /peers (open), and behind the operator's cookie (`auth`): POST and DELETE /peers,
 * POST /nodes/register, GET /nodes/resolve.
 */
export function adminRoutes(service: NodeService, p2p: P2PNetwork, auth: RequestHandler): express.Router {
  const { chain } = service;
  const router = express.Router();

  router.get('/peers', (_req, res) => {
    res.json(p2p.list());
  });

  router.post('/peers', auth, (req, res) => {
    const { url } = parse(addPeerBody, req.body, 'body');
    res.status(201).json({ url: p2p.addPeer(url) });
  });

  // Classic routes: register nodes; resolve conflicts by syncing with every peer (most work wins).
  router.delete('/peers', auth, (req, res) => {
    const { url } = parse(addPeerBody, req.body, 'body');
    res.json({ url: p2p.removePeer(url) });
  });

  router.post('/nodes/register', auth, (req, res) => {
    const { nodes } = parse(registerNodesBody, req.body, 'body');
    const added = p2p.addPeers(nodes);
    res.status(201).json({ message: 'New nodes have been added', total_nodes: added });
  });

  router.get('/nodes/resolve', auth, async (_req, res) => {
    const before = chain.tip();
    await p2p.syncAll();
    const after = chain.tip();
    res.json({
      message: after.hash === before.hash ? 'Our chain is authoritative' : 'Our chain was replaced',
      replaced: after.hash !== before.hash,
      height: after.height,
      tipHash: after.hash,
    });
  });

  return router;
}
