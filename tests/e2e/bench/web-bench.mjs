// The web app's bench: prints JSON lines {"bench","metric","value","unit"}.
//   first_load_transferred  bytes over the wire on a first visit (sign-in to
//                           the worker's list, service worker precache included),
//                           as weige-server sends them
//   first_load_gzip         the same resources counted at gzip -9 size (what any
//                           gzip-serving host would send)
//   cold_to_worker_list     navigation start to the worker's list rendered, in a
//                           freshly started browser on a profile that is signed in
//                           and synced (median of N)
//   warm_to_worker_list     the same on a reload of a running browser (median of N)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchPersistent, signIn, view, webDir } from '../support/harness.js';

const runs = Number(process.env.WEIGE_BENCH_RUNS || 5);
const bench = 'web';

function emit(metric, value, unit) {
  console.log(JSON.stringify({ bench, metric, value, unit }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function gzipSize(urlPath) {
  const rel = urlPath === '/' ? 'index.html' : urlPath.replace(/^\//, '');
  const file = path.join(webDir, rel);
  if (!fs.existsSync(file)) return 0;
  const bytes = fs.readFileSync(file);
  return rel.endsWith('.gz') ? bytes.length : zlib.gzipSync(bytes, { level: 9 }).length;
}

async function listTime(page) {
  await page.waitForSelector('[data-view=worker] .household-list', { timeout: 60000 });
  return page.evaluate(() => {
    const m = performance.getEntriesByName('weige:view:worker');
    return m.length ? m[m.length - 1].startTime : performance.now();
  });
}

const server = await startServer();
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-bench-'));
try {
  // First visit: count every response of the page, its Worker and the
  // service worker's precache.
  let context = await launchPersistent(profile);
  const seen = new Map();
  context.on('requestfinished', async (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/api/')) return;
    try {
      const res = await req.response();
      if (!res || res.fromServiceWorker()) return;  // served from the precache
      const sizes = await req.sizes();
      const key = `${url.pathname}#${seen.size}`;
      seen.set(key, { path: url.pathname, transferred: sizes.responseBodySize + sizes.responseHeadersSize });
    } catch (e) { /* the page went away */ }
  });
  let page = context.pages()[0] || await context.newPage();
  await signIn(page, server.base, server.logins.worker);
  await view(page, 'worker');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller);
  await page.waitForTimeout(500);
  let transferred = 0;
  let gz = 0;
  for (const r of seen.values()) {
    transferred += r.transferred;
    gz += gzipSize(r.path);
  }
  emit('first_load_transferred', transferred, 'bytes');
  emit('first_load_gzip', gz, 'bytes');
  emit('first_load_requests', seen.size, 'count');
  if (process.env.WEIGE_BENCH_VERBOSE) {
    for (const r of seen.values()) console.error(r.path, r.transferred, gzipSize(r.path));
  }

  const warm = [];
  for (let i = 0; i < runs; ++i) {
    await page.reload();
    warm.push(await listTime(page));
  }
  await context.close();

  const cold = [];
  for (let i = 0; i < runs; ++i) {
    context = await launchPersistent(profile);
    page = context.pages()[0] || await context.newPage();
    await page.goto(server.base);
    cold.push(await listTime(page));
    await context.close();
  }
  emit('cold_to_worker_list', Math.round(median(cold)), 'ms');
  emit('warm_to_worker_list', Math.round(median(warm)), 'ms');
} finally {
  await server.stop();
  fs.rmSync(profile, { recursive: true, force: true });
}
