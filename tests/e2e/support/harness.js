// The e2e harness: a real weige-server on a free loopback port serving the
// built web app (build/web) over a fresh demo district, Debian's chromium
// through playwright-core, and helpers that drive the app as a person would.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../support/weige-server.js';

export const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const webDir = process.env.WEIGE_WEB_DIR || path.join(repo, 'build/web');
export const serverBin = process.env.WEIGE_SERVER || path.join(repo, 'build/native/server/weige-server');
export const outDir = path.join(repo, 'test-out');
export const shotDir = path.join(outDir, 'screenshots');

export const kChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts weige-server --demo on 127.0.0.1:0 with --static build/web.
 * Resolves {base, logins: {role: {person_id, password}}, dir, stop()}.
 */
export async function startServer() {
  if (!fs.existsSync(path.join(webDir, 'index.html'))) {
    throw new Error(`${webDir} has no index.html: run build-scripts/build-web.sh`);
  }
  const { base, logins: all, dir, stop } = await startDemoServer(serverBin,
    { args: ['--static', webDir], tmpPrefix: 'weige-e2e-' });
  const logins = {};  // the first login of each role
  for (const l of all) if (!logins[l.role]) logins[l.role] = l;
  return {
    base,
    logins,
    all,
    /** The login of `role` whose scope starts with `prefix`. */
    who: (role, prefix = '') => all.find((l) => l.role === role && l.scope.startsWith(prefix)),
    dir,
    stop,
  };
}

/**
 * The suite's server (startServer) and browser (launchChromium), started
 * before its tests and closed after them: {server, browser} once started.
 */
export function useServerAndBrowser() {
  const env = { server: null, browser: null };
  beforeAll(async () => {
    env.server = await startServer();
    env.browser = await launchChromium();
  });
  afterAll(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) await env.server.stop();
  });
  return env;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    headless: true, args: kChromiumArgs });
}

/** A persistent context (a browser with a profile folder that outlives it). */
export async function launchPersistent(userDataDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    headless: true, args: kChromiumArgs, viewport: { width: 390, height: 844 },
  });
}

export const kPhone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1,
  isMobile: false, hasTouch: true, locale: 'zh-CN' };

export function watch(page, label) {
  const errors = [];
  page.on('pageerror', (e) => {
    errors.push(String(e));
    console.error(`[${label}] pageerror`, e);
  });
  return errors;
}

/** Signs in through the login form and waits for the first sync to finish. */
export async function signIn(page, base, who) {
  await page.goto(base);
  await page.waitForSelector('[data-view=login]');
  await page.fill('#login-person', who.person_id);
  await page.fill('#login-password', who.password);
  await page.click('#login-submit');
  await waitSynced(page);
}

/** Waits until the app is seeded, nothing is pending and sync is idle. */
export async function waitSynced(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const s = window.weige && window.weige.sync && window.weige.sync.state;
    return s && s.seeded && s.pending === 0 && s.phase === 'idle' && s.online && !s.error;
  }, null, { timeout, polling: 100 });
}

/** The core's rejections list on this device. */
export async function rejections(page) {
  return page.evaluate(() => window.weige.rt.rejections());
}

/** Waits for sync, then fails with the core's reasons if anything was rejected. */
export async function expectAccepted(page) {
  await waitSynced(page);
  const list = await rejections(page);
  if (list.length) {
    throw new Error(`rejected: ${list.map((r) => `${r.type} ${r.reason} ${r.message}`).join('; ')}`);
  }
}

/** Asks the app to sync now and waits for it to be done. */
export async function syncNow(page) {
  await page.evaluate(() => window.weige.sync.run());
  await waitSynced(page);
}

export async function view(page, name, timeout = 30000) {
  return page.waitForSelector(`[data-view="${name}"]`, { timeout });
}

export async function go(page, hash, name) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  if (name) await view(page, name);
}

export async function pending(page) {
  return page.evaluate(() => window.weige.sync.state.pending);
}

/** A real decodable image: rendered by the browser itself (canvas -> PNG). */
export async function canvasPhoto(page, label, size = 2400) {
  const b64 = await page.evaluate(async ([text, side]) => {
    const c = new OffscreenCanvas(side, Math.round(side * 0.75));
    const g = c.getContext('2d');
    g.fillStyle = `hsl(${(text.length * 47) % 360} 60% 60%)`;
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#000';
    g.font = '120px sans-serif';
    g.fillText(text, 80, 300);
    const blob = await c.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, [label, size]);
  return { name: `${label}.png`, mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') };
}

/** Chooses a photo in the n-th file input inside `scope` and waits for processing. */
export async function addPhoto(page, scope, file) {
  const input = page.locator(`${scope} input[type=file]`).first();
  const before = await page.locator(`${scope} .app-thumb`).count();
  await input.setInputFiles(file);
  await page.waitForFunction(([s, n]) => document.querySelectorAll(`${s} .app-thumb`).length > n,
    [scope, before]);
}

/** The server's answer to a query as `token`'s person. */
export async function serverQuery(base, token, name, params = {}) {
  const res = await fetch(`${base}/api/v1/query`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, params }) });
  const body = await res.json();
  if (!body.ok) throw new Error(`${name}: ${body.reason} ${body.message}`);
  return body.value;
}

export async function serverLogin(base, who) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ person_id: who.person_id, password: who.password }) });
  const body = await res.json();
  if (!body.ok) throw new Error(`login ${who.person_id}: ${body.reason}`);
  return body.token;
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The pixel size of a photo as the server stores it (decoded in the page). */
export async function photoSize(page, base, token, sha) {
  return page.evaluate(async ([b, tk, s]) => {
    const res = await fetch(`${b}/api/v1/blobs/${s}`, { headers: { Authorization: `Bearer ${tk}` } });
    const bmp = await createImageBitmap(await res.blob());
    return { width: bmp.width, height: bmp.height };
  }, [base, token, sha]);
}
