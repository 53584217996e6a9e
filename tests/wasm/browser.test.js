// The conformance suite (support/scenario.js) in real headless Chromium —
// Debian's /usr/bin/chromium driven by playwright-core, pages served from
// 127.0.0.1 — on the opfs host (in a dedicated Worker) and the idb host.
// Then the page is closed mid-stream and reopened, and the browser process
// itself is SIGKILLed mid-stream on an on-disk profile and started again:
// everything acknowledged is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launchChromium, serveRepo, spawnChromium } from './support/serve.js';
import { steps } from './support/scenario.js';

let server;
let browser;

beforeAll(async () => {
  server = await serveRepo();
  browser = await launchChromium();
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function openPage(adapter, name) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[page ${adapter}]`, e));
  await page.goto(`${server.base}/tests/wasm/browser/page.html?adapter=${adapter}&name=${name}`);
  await page.waitForFunction(() => window.weigeReady === true);
  return page;
}

describe.each(['opfs', 'idb'])('chromium %s', (adapter) => {
  let page;
  beforeAll(async () => {
    page = await openPage(adapter, `conformance-${adapter}-${Date.now()}`);
  });
  afterAll(async () => {
    if (page) await page.close();
  });
  steps.forEach(([title], i) => {
    test(title, async () => {
      await page.evaluate((index) => window.weigeRunStep(index), i);
    });
  });
});

describe.each(['opfs', 'idb'])('chromium %s: page closed mid-stream', (adapter) => {
  test('everything acknowledged before the close is there after reopening', async () => {
    const context = await browser.newContext();
    const name = `midstream-${adapter}-${Date.now()}`;
    const url = `${server.base}/tests/wasm/browser/page.html?adapter=${adapter}&name=${name}`;
    const acked = [];
    let page = await context.newPage();
    await page.exposeFunction('weigeAcked', (id) => {
      acked.push(id);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.weigeReady === true);
    page.evaluate(() => window.weigeStream('m', 100000, true)).catch(() => {});
    const t0 = Date.now();
    while (acked.length < 20 && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    await page.close();
    const snapshot = [...acked];
    expect(snapshot.length).toBeGreaterThanOrEqual(20);

    // The same origin, a new page: the OPFS handles and the lock of the closed
    // page's worker are released when it goes.
    page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.weigeReady === true);
    let result = null;
    for (let attempt = 0; attempt < 50 && !result; ++attempt) {
      try {
        result = await page.evaluate((ids) => window.weigeCheckAcked(ids), snapshot);
      } catch (e) {
        if (!/another tab|NoModificationAllowed|InvalidState/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(result).toEqual({ integrity: 'ok', missing: [] });
    await context.close();
  });
});

describe('chromium opfs: browser process killed mid-stream (on-disk profile)', () => {
  test('everything acknowledged before the SIGKILL is there after a restart', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-chromium-'));
    const name = `killed-${Date.now()}`;
    const url = `${server.base}/tests/wasm/browser/page.html?adapter=opfs&name=${name}`;
    const acked = [];
    let chrome = await spawnChromium(profile);
    try {
      let page = await chrome.context.newPage();
      await page.exposeFunction('weigeAcked', (id) => {
        acked.push(id);
      });
      await page.goto(url);
      await page.waitForFunction(() => window.weigeReady === true);
      page.evaluate(() => window.weigeStream('k', 100000, true)).catch(() => {});
      const t0 = Date.now();
      while (acked.length < 20 && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      await chrome.kill();
      const snapshot = [...acked];
      expect(snapshot.length).toBeGreaterThanOrEqual(20);

      chrome = await spawnChromium(profile);
      page = await chrome.context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.weigeReady === true);
      const result = await page.evaluate((ids) => window.weigeCheckAcked(ids), snapshot);
      expect(result).toEqual({ integrity: 'ok', missing: [] });
    } finally {
      await chrome.kill();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
