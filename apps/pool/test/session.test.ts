import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Template } from '@powcoin/node-client';
import { startSessionPool } from './helpers/sessionSetup.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/stratum-session.json', import.meta.url), 'utf8'),
) as {
  template: Template;
  transcript: Array<{ in?: string; out?: string }>;
  blocks: string[];
};

describe('a recorded Stratum session, replayed', () => {
  it('gets the same answers, byte for byte, and submits the same block', async () => {
    const { pool, fake, stop } = await startSessionPool(fixture.template);
    const socket = connect(pool.port, '127.0.0.1');
    const received: string[] = [];
    let buffer = '';
    let wake: (() => void) | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buffer += d;
      let i = buffer.indexOf('\n');
      while (i >= 0) {
        received.push(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
        i = buffer.indexOf('\n');
      }
      wake?.();
    });
    await new Promise((r) => socket.once('connect', r));
    try {
      const expected: string[] = [];
      for (const entry of fixture.transcript) {
        if (entry.in !== undefined) socket.write(`${entry.in}\n`);
        if (entry.out !== undefined) {
          expected.push(entry.out);
          const deadline = Date.now() + 5000;
          while (received.length < expected.length && Date.now() < deadline) {
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 100);
            });
          }
        }
      }
      expect(received).toEqual(expected);
      const deadline = Date.now() + 5000;
      while (fake.blocks.length < fixture.blocks.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(fake.blocks).toEqual(fixture.blocks);
    } finally {
      socket.destroy();
      await stop();
    }
  });
});
