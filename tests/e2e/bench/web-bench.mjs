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
//   *_cpu4x                 with the CPU slowed 4 times (DevTools protocol's
//                           Emulation.setCPUThrottlingRate, as Lighthouse's mobile
//                           profile): first_sync_cpu4x, a worker's first sign-in on a
//                           fresh profile, from the form's submit to the first sync
//                           done (its micro-grid pulled and applied in wasm on OPFS),
//                           with first_sync_cursor the change-log position it reached;
//                           then warm_ and cold_to_worker_list_cpu4x as above
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, launchPersistent, signIn, view, waitSynced, webDir } from '../support/harness.js';

const runs = Number(process.env.WEIGE_BENCH_RUNS || 5);
const cpuRate = 4;  // a mid-range phone, as Lighthouse's mobile profile
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

/** Slows the page's renderer (its Worker included) by cpuRate. */
async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  return cdp;
}

/** Reloads of a running page, each to the worker's list rendered. */
async function warmStarts(page) {
  const out = [];
  for (let i = 0; i < runs; ++i) {
    await page.reload();
    out.push(await listTime(page));
  }
  return out;
}

/** Fresh browsers on the profile `dir`, each to the worker's list rendered. */
async function coldStarts(dir, slow) {
  const out = [];
  for (let i = 0; i < runs; ++i) {
    const context = await launchPersistent(dir);
    const page = context.pages()[0] || await context.newPage();
    if (slow) await throttle(context, page);
    await page.goto(server.base);
    out.push(await listTime(page));
    await context.close();
  }
  return out;
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

  const warm = await warmStarts(page);
  await context.close();
  const cold = await coldStarts(profile, false);
  emit('cold_to_worker_list', Math.round(median(cold)), 'ms');
  emit('warm_to_worker_list', Math.round(median(warm)), 'ms');

  // A phone-class CPU, on a profile of its own: the first sync, then the
  // warm and cold starts on it.
  const phone = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-bench-cpu-'));
  try {
    context = await launchPersistent(phone);
    page = context.pages()[0] || await context.newPage();
    await throttle(context, page);
    await page.goto(server.base);
    await page.waitForSelector('[data-view=login]', { timeout: 60000 });
    await page.fill('#login-person', server.logins.worker.person_id);
    await page.fill('#login-password', server.logins.worker.password);
    const t0 = Date.now();
    await page.click('#login-submit');
    await waitSynced(page, 300000);
    const firstSync = Date.now() - t0;
    const cursor = await page.evaluate(() => window.weige.sync.state.cursor);
    emit('first_sync_cpu4x', firstSync, 'ms');
    emit('first_sync_cursor', cursor, 'seq');  // a position in the district's log, not a count
    await view(page, 'worker');
    const warm4 = await warmStarts(page);
    await context.close();
    const cold4 = await coldStarts(phone, true);
    emit('cold_to_worker_list_cpu4x', Math.round(median(cold4)), 'ms');
    emit('warm_to_worker_list_cpu4x', Math.round(median(warm4)), 'ms');
  } finally {
    fs.rmSync(phone, { recursive: true, force: true });
  }
} finally {
  await server.stop();
  fs.rmSync(profile, { recursive: true, force: true });
}
