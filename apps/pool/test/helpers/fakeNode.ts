import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Template } from '@powcoin/node-client';

/**
 * A stand-in for the node that serves one fixed template and records the blocks it is sent, so a
 * Stratum session can be replayed byte for byte. It speaks only the routes the pool uses.
 */
export async function startFakeNode(
  template: Template,
  options: { refuseBlocks?: number; refuseCode?: string } = {},
): Promise<{ url: string; blocks: string[]; refused: string[]; stop(): Promise<void> }> {
  const blocks: string[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/status') {
      return send(200, {
        network: 'regtest',
        height: template.height - 1,
        tipHash: template.prevHash,
        difficulty: 0,
        hashrate: 0,
      });
    }
    if (req.method === 'GET' && url.pathname === '/template') return send(200, template);
    if (req.method === 'GET' && url.pathname === '/blocks') return send(200, { blocks: [] });
    if (req.method === 'POST' && url.pathname === '/blocks') {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        const hex = (JSON.parse(body) as { hex: string }).hex;
        if (refused.length < (options.refuseBlocks ?? 0)) {
          refused.push(hex);
          send(422, {
            error: {
              code: options.refuseCode ?? 'BLOCK_BAD_MERKLE_ROOT',
              message: 'refused by the fake node',
            },
          });
          return;
        }
        blocks.push(hex);
        const header = Buffer.from(hex.slice(0, 160), 'hex');
        const hash = createHash('sha256')
          .update(createHash('sha256').update(header).digest())
          .digest()
          .reverse()
          .toString('hex');
        send(201, { hash, height: template.height, status: 'tip' });
      });
      return;
    }
    send(404, { error: { code: 'NOT_FOUND', message: 'not served by the fake node' } });
  });
  server.on('upgrade', (_req, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    blocks,
    refused,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * A fake node serving the recorded session's template at network difficulty 1 (bits 1d00ffff) and
 * the current time: share difficulties far above regtest's can be tested, no share is a block, and
 * the job stays current.
 */
export function startHardFakeNode(): ReturnType<typeof startFakeNode> {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/stratum-session.json', import.meta.url), 'utf8'),
  ) as { template: Template };
  const now = Math.floor(Date.now() / 1000);
  return startFakeNode({
    ...fixture.template,
    bits: '1d00ffff',
    time: now,
    minTime: now - 3600,
    curTime: now,
    maxTime: now + 7200,
  });
}
