// Lighthouse (npm lighthouse, pinned) on the signed-in app, mobile profile,
// against a real weige-server --demo on loopback, in Debian's chromium:
//   worker_list, visit_form, item_page   signed in as the demo worker
//   grid_dashboard                       signed in as the demo grid head
// For each page and category (performance, accessibility, best-practices,
// seo) one JSON line {"bench":"lighthouse","metric":"<page>.<category>",
// "value":N,"unit":"score"} (N = 0-100). Sign-in goes through the login form
// with playwright-core in a persistent profile whose browser also listens on
// a remote-debugging port; Lighthouse drives that same browser through the
// port with storage kept (disableStorageReset), so it audits what a
// signed-in, synced person loads. WEIGE_LIGHTHOUSE_OUT=<dir> keeps each
// report's JSON there; failed audits of a category below 95 go to stderr.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import { startServer, signIn, view, kChromiumArgs } from '../support/harness.js';

const kCategories = ['performance', 'accessibility', 'best-practices', 'seo'];
const outDir = process.env.WEIGE_LIGHTHOUSE_OUT || '';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function signedInBrowser(server, who) {
  const { chromium } = await import('playwright-core');
  const port = await freePort();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-lighthouse-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    headless: true, args: [...kChromiumArgs, `--remote-debugging-port=${port}`],
    viewport: { width: 390, height: 844 },
  });
  const page = context.pages()[0] || await context.newPage();
  await signIn(page, server.base, who);
  await page.evaluate(() => navigator.serviceWorker.ready);
  return { context, page, port, profile };
}

async function audit(port, name, url) {
  const result = await lighthouse(url, {
    port, output: 'json', logLevel: 'error', onlyCategories: kCategories,
    disableStorageReset: true,  // keep the session, the database and the service worker
  }, {
    extends: 'lighthouse:default',
    settings: { formFactor: 'mobile', screenEmulation: { mobile: true, width: 412, height: 823,
      deviceScaleFactor: 1.75, disabled: false } },
  });
  const { lhr } = result;
  if (outDir) {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${name}.json`), result.report);
  }
  for (const c of kCategories) {
    const cat = lhr.categories[c];
    const score = cat && cat.score !== null ? Math.round(cat.score * 100) : null;
    console.log(JSON.stringify({ bench: 'lighthouse', metric: `${name}.${c}`, value: score,
      unit: 'score' }));
    if (score !== null && score < 95) {
      const failed = cat.auditRefs.filter((r) => r.weight > 0)
        .map((r) => lhr.audits[r.id]).filter((a) => a.score !== null && a.score < 0.9)
        .map((a) => `${a.id} (${a.displayValue || a.score})`);
      console.error(`lighthouse: ${name}.${c} ${score}: ${failed.join(', ')}`);
    }
  }
  if (lhr.runtimeError) console.error(`lighthouse: ${name}: ${lhr.runtimeError.message}`);
}

const server = await startServer();
try {
  // The worker: their list, a household's visit form, an item of theirs.
  let b = await signedInBrowser(server, server.logins.worker);
  await view(b.page, 'worker');
  const household = await b.page.getAttribute('[data-household]', 'data-household');
  await b.page.evaluate(() => { location.hash = '#/worker/items'; });
  await view(b.page, 'worker-items');
  const item = await b.page.getAttribute('[data-item]', 'data-item');
  // Lighthouse opens its own tab in the same profile; this one lets go of the
  // database (one tab owns it) but stays, so the browser keeps a window.
  await b.page.goto('about:blank');
  await audit(b.port, 'worker_list', `${server.base}/#/worker`);
  await audit(b.port, 'visit_form', `${server.base}/#/visit/${encodeURIComponent(household)}`);
  await audit(b.port, 'item_page', `${server.base}/#/item/${encodeURIComponent(item)}`);
  await b.context.close();
  fs.rmSync(b.profile, { recursive: true, force: true });

  // The grid head's dashboard.
  b = await signedInBrowser(server, server.logins.grid_head);
  await view(b.page, 'grid');
  await b.page.goto('about:blank');
  await audit(b.port, 'grid_dashboard', `${server.base}/#/grid`);
  await b.context.close();
  fs.rmSync(b.profile, { recursive: true, force: true });
} finally {
  await server.stop();
}
