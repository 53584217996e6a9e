// The shell's runtime pieces against a wx STAND-IN in Node
// (support/wx_client.js), not the WeChat client: the packaged wasm
// (vendor/weige.wasm.br) through WXWebAssembly with the glue evaluated
// without eval/new Function, SQLite on the file-system manager and its
// quota, wx.request with its 60 s timeout and with no network, and the
// network-status events.
import { jest } from '@jest/globals';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { packageRoot, tempDir } from './support/app.js';
import { createWxClient, kQuotaErrMsg, kTimeoutErrMsg } from './support/wx_client.js';
import { openDevice, seedDevice } from './support/device.js';
import { cmd, kCycle } from '../wasm/support/world.js';

jest.setTimeout(120000);

// The shell's own modules, as the mini-program loads them (CommonJS).
const require = createRequire(import.meta.url);
const net = require(path.join(packageRoot, 'lib/net.js'));
const files = require(path.join(packageRoot, 'lib/files.js'));

function client(options = {}) {
  return createWxClient({ dir: tempDir('rt'), packageRoot, ...options });
}

describe('the package', () => {
  test('no eval, new Function, crypto.getRandomValues or IndexedDB in its code', () => {
    const bad = [/\beval\s*\(/, /\bnew\s+Function\b/, /crypto\.getRandomValues/, /\bindexedDB\b/,
      /\bIDBFactory\b/, /\blocalStorage\b/, /\bwx\.setStorage/];
    const offenders = [];
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.js')) {
          // Comments may name what is avoided; code may not use it.
          const code = fs.readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
          for (const re of bad) if (re.test(code)) offenders.push(`${path.relative(packageRoot, p)}: ${re}`);
        }
      }
    };
    walk(packageRoot);
    expect(offenders).toEqual([]);
  });

  test('the main package and each sub-package are at most 2 MB; the wasm ships brotli-compressed', () => {
    // The main package is everything outside the sub-packages' roots.
    const appJson = JSON.parse(fs.readFileSync(path.join(packageRoot, 'app.json'), 'utf8'));
    const roots = (appJson.subPackages || []).map((p) => path.join(packageRoot, p.root));
    expect(roots.length).toBeGreaterThan(0);
    const size = (dir, skip = []) => {
      let total = 0;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (skip.includes(p)) continue;
        if (e.isDirectory()) total += size(p, skip);
        else total += fs.statSync(p).size;
      }
      return total;
    };
    expect(size(packageRoot, roots)).toBeLessThanOrEqual(2 * 1024 * 1024);
    for (const r of roots) {
      expect(fs.existsSync(r)).toBe(true);
      expect(size(r)).toBeLessThanOrEqual(2 * 1024 * 1024);
      // Each sub-package page is there, as app.json names it.
      const pkg = appJson.subPackages.find((p) => path.join(packageRoot, p.root) === r);
      for (const page of pkg.pages) expect(fs.existsSync(path.join(r, `${page}.js`))).toBe(true);
    }
    expect(fs.existsSync(path.join(packageRoot, 'vendor/weige.wasm.br'))).toBe(true);
    expect(fs.existsSync(path.join(packageRoot, 'vendor/weige.wasm'))).toBe(false);
  });

  test('the glue runs with code generation from strings off and no WebAssembly global', async () => {
    const c = client();
    // openDevice evaluates vendor/weige.js in a vm context without eval and
    // without WebAssembly (wx_standin.loadWechatGlue), loads the .wasm.br.
    const rt = await openDevice(c);
    await rt.bootstrap('admin', 'Admin', 1);
    expect(await rt.integrityCheck()).toEqual({ integrity: 'ok' });
    await rt.close();
    expect(fs.existsSync(path.join(c.userDataPath, 'weige', 'weige.db'))).toBe(true);
  });
});

describe('storage through the file-system manager', () => {
  test('quota exceeded: the documented errMsg, nothing half-written, the last commit survives', async () => {
    const c = client();
    await seedDevice(c);
    let rt = await openDevice(c);
    const used = c.usedBytes();
    c.setQuota(used + 2048);
    // Visits until the user-data folder is full.
    let failure = null;
    let n = 0;
    for (; n < 200 && !failure; ++n) {
      try {
        await rt.dispatch(cmd(`q-${n}`, 'visit.record', 'worker1', Date.now() + n, {
          visit_id: `qv-${n}`, household_id: n % 2 ? 'h1' : 'h2', cycle: kCycle, outcome: 'not_home',
          notes: 'x'.repeat(3000) }));
      } catch (e) {
        failure = e;
      }
    }
    expect(failure).not.toBeNull();
    // SQLite's write failed inside the command's transaction: the command
    // is refused with the client's errMsg and rolled back, nothing else lost.
    expect(failure.name).toBe('WeigeError');
    expect(failure.message).toContain(kQuotaErrMsg);
    const written = n - 1;
    const count = async () => (await rt.query('visits.list',
      { actor: 'worker1', microgrid_id: 'mg1', limit: 500 })).visits.length;
    expect(await count()).toBe(written);
    expect(await rt.integrityCheck()).toEqual({ integrity: 'ok' });
    // With room again, work goes on; a restart finds every acknowledged visit.
    c.setQuota(used + 64 * 1024 * 1024);
    await rt.dispatch(cmd('q-after', 'visit.record', 'worker1', Date.now() + 1000, {
      visit_id: 'qv-after', household_id: 'h1', cycle: kCycle, outcome: 'not_home' }));
    await rt.close();
    rt = await openDevice(c);
    expect(await rt.integrityCheck()).toEqual({ integrity: 'ok' });
    expect(await count()).toBe(written + 1);
    await rt.close();
  });

  test('a JSON file write past the quota throws StorageFullError and keeps the old file', () => {
    const c = client();
    const f = files.createFiles(c.wx, 'weige');
    f.writeJson('session.json', { a: 1 });
    c.setQuota(c.usedBytes() + 10);
    let err = null;
    try {
      f.writeJson('session.json', { a: 'x'.repeat(5000) });
    } catch (e) {
      err = e;
    }
    expect(err && err.name).toBe('StorageFullError');
    expect(err.errMsg).toBe(`writeFileSync:fail ${kQuotaErrMsg}`);
    expect(files.isQuotaError({ errMsg: err.errMsg })).toBe(true);
    expect(f.readJson('session.json')).toEqual({ a: 1 });
  });
});

describe('the network through wx.request', () => {
  let server;
  let base;
  const hanging = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hang') {
        hanging.push(res);
        return;
      }
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/echo') {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-method': req.method });
          res.end(body);
        } else if (req.url === '/json') {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, text: '微格', auth: req.headers.authorization }));
        } else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end('{"ok":false,"reason":"http.not_found"}');
        }
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('answers of any status resolve; bodies as text, JSON and bytes', async () => {
    const c = client();
    const fetch = net.createWxFetch(c.wx);
    const r = await fetch(`${base}/json`, { method: 'POST', headers: { Authorization: 'Bearer t' },
      body: '{}' });
    expect(r.status).toBe(201);
    expect(r.ok).toBe(true);
    expect(await r.json()).toEqual({ ok: true, text: '微格', auth: 'Bearer t' });
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const e = await fetch(`${base}/echo`, { method: 'PUT', body: bytes.subarray(1, 4) });
    expect(new Uint8Array(await e.arrayBuffer())).toEqual(new Uint8Array([1, 2, 250]));
    expect(e.headers.get('X-Method')).toBe('PUT');
    const nf = await fetch(`${base}/nothing`);
    expect(nf.status).toBe(404);
    expect((await nf.json()).reason).toBe('http.not_found');
    expect(c.callsOf('request').every((x) => x.timeout === 60000)).toBe(true);
  });

  test('a server that does not answer: "request:fail timeout" after 60 s, not before', async () => {
    const c = client();
    const fetch = net.createWxFetch(c.wx);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let settled = null;
      const p = fetch(`${base}/hang`).then(() => { settled = 'resolved'; },
        (e) => { settled = e; });
      // Let the request reach the server.
      for (let i = 0; i < 50 && hanging.length === 0; ++i) {
        await new Promise((r) => setImmediate(r));
      }
      expect(hanging.length).toBeGreaterThan(0);
      jest.advanceTimersByTime(59999);
      await Promise.resolve();
      expect(settled).toBeNull();
      jest.advanceTimersByTime(1);
      await p;
      expect(settled).toBeInstanceOf(TypeError);
      expect(settled.errMsg).toBe(kTimeoutErrMsg);
      expect(settled.errno).toBe(5);
    } finally {
      jest.useRealTimers();
    }
  });

  test('no network: the request fails at once, as fetch fails (TypeError)', async () => {
    const c = client();
    c.setOnline(false);
    const fetch = net.createWxFetch(c.wx);
    const t0 = Date.now();
    await expect(fetch(`${base}/json`)).rejects.toBeInstanceOf(TypeError);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test('network status: wx.onNetworkStatusChange and the probe tell when to sync', async () => {
    const c = client();
    const fetch = net.createWxFetch(c.wx);
    c.setOnline(false);
    const network = net.createWxNetwork(c.wx, { fetch, probeUrl: `${base}/json`, probeMs: 3600e3 });
    await new Promise((r) => setTimeout(r, 10));
    expect(network.online).toBe(false);
    const seen = [];
    network.subscribe((s) => seen.push([s.cause, s.online, s.reachable]));
    c.setOnline(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen[0]).toEqual(['network', true, false]);
    // The probe that follows the event found the server.
    expect(seen[seen.length - 1]).toEqual(['probe', true, true]);
    expect(network.reachable).toBe(true);
    c.setOnline(false);
    expect(network.online).toBe(false);
    expect(seen[seen.length - 1]).toEqual(['network', false, false]);
    network.stop();
  });
});
