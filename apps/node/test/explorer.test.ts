import { existsSync } from 'node:fs';
import { addressFromHash, REGTEST } from '@powcoin/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { testKey } from './helpers/blocks.js';
import { startTestNode, type TestNode } from './helpers/server.js';

/** Debian's chromium (installed by .ci/run); browser downloads do not work on these machines. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let node: TestNode;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  node = await startTestNode(REGTEST);
  page = await browser.newPage();
});

afterEach(async () => {
  await page.close();
  await node.stop();
});

describe('block explorer in a real browser', () => {
  it('shows the latest blocks and a newly mined block appears live', async () => {
    await node.mine();
    await page.goto(node.base);
    await page.waitForSelector('#latest tr[data-height="1"]');
    await page.waitForFunction(() => document.getElementById('live')?.classList.contains('on'));
    const mined = await node.mine();
    expect(mined.status).toBe(201);
    // no reload: the page hears the tip over the WebSocket and redraws
    await page.waitForSelector('#latest tr[data-height="2"]', { timeout: 10_000 });
    expect(await page.textContent('#latest')).toContain(mined.body.hash);
    expect(await page.textContent('#tipinfo')).toContain('height 2');
  });

  it('searches by height, hash, txid and address', async () => {
    const miner = addressFromHash(REGTEST, testKey(0).hash);
    const mined = await node.mine(miner);
    await page.goto(node.base);
    await page.waitForSelector('#latest');

    await page.fill('#q', '1');
    await page.press('#q', 'Enter');
    await page.waitForSelector('h2:has-text("Block 1")');
    expect(await page.textContent('main')).toContain(mined.body.hash);

    const { body: block } = await node.call('GET', '/blocks/1');
    await page.fill('#q', block.txs[0].txid);
    await page.press('#q', 'Enter');
    await page.waitForSelector('h2:has-text("Coinbase transaction")');

    await page.fill('#q', miner);
    await page.press('#q', 'Enter');
    await page.waitForSelector('h2:has-text("Address")');
    expect(await page.textContent('main')).toContain('50');

    await page.fill('#q', 'not-an-address');
    await page.press('#q', 'Enter');
    await page.waitForSelector('.error');
    expect(await page.textContent('.error')).toContain('ADDRESS_');
  });
});
