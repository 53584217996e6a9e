// A static file server for the browser runs: the repository root on
// 127.0.0.1 (a random port), GET only, no directory listings.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const kTypes = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json' };

export function serveRepo() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': kTypes[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ base: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => server.close(r)) });
    });
  });
}

const kChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's chromium through playwright-core (npx playwright install fails
 * here). Its pages open in a non-persistent (incognito) context, where
 * Chromium keeps OPFS in memory: never use it to measure storage.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: kChromiumArgs,
  });
}

/**
 * Debian's chromium on a persistent profile in `userDataDir` (a fresh folder
 * per run): OPFS and IndexedDB live on disk there, as on a phone. Resolves a
 * BrowserContext; close() ends the browser.
 */
export async function launchPersistent(userDataDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: kChromiumArgs,
  });
}

/**
 * Debian's chromium as a process of our own on an on-disk profile
 * (`userDataDir`; OPFS is on disk there, unlike an incognito context),
 * driven over CDP: resolves {browser, context, kill()}. kill() SIGKILLs the
 * browser's whole process group, as a phone killing the app does.
 */
export async function spawnChromium(userDataDir) {
  const { chromium } = await import('playwright-core');
  const child = spawn(process.env.WEIGE_CHROMIUM || '/usr/bin/chromium',
    [...kChromiumArgs, `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const ws = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err.slice(-2000)}`)), 60000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`chromium exited ${code}: ${err.slice(-2000)}`)));
  });
  const browser = await chromium.connectOverCDP(ws);
  return {
    browser,
    context: browser.contexts()[0],
    async kill() {
      const gone = new Promise((r) => child.on('exit', r));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (e) {
        if (e.code !== 'ESRCH') throw e;
      }
      await gone;
    },
  };
}
