// A hostile client against the real weige-server on 127.0.0.1 (issue 11,
// section 3): each attack that once starved or leaked, the server's peak
// memory (VmHWM) staying bounded, and /healthz answering throughout.
// Run: WEIGE_SERVER=build/native/server/weige-server node --test tests/server/hostile.test.js
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const bin = process.env.WEIGE_SERVER || path.resolve('build/native/server/weige-server');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-hostile-'));
const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

// Starts weige-server; resolves {base, port, child, logins, stop()} once it listens.
function start(args, { db = path.join(tmp, `db-${crypto.randomUUID()}.db`) } = {}) {
  const child = spawn(bin, ['--db', db, '--listen', '127.0.0.1:0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`weige-server exited ${code}: ${out}${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      const logins = {};
      for (const l of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(demo-\S+)/gm)) logins[l[1]] ||= { id: l[2], pw: l[3] };
      resolve({ base: `http://127.0.0.1:${m[1]}`, port: Number(m[1]), child, logins, db,
        stop: () => new Promise((r) => { if (child.exitCode !== null) r(); else { child.once('exit', r); child.kill('SIGTERM'); } }) });
    });
  });
}

// One raw request on a fresh socket; resolves the bytes answered (until close).
function raw(port, bytes, { maxBytes = 256 << 20 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let n = 0;
    let head = '';
    s.on('data', (d) => { if (head.length < 4096) head += d.toString('latin1'); n += d.length; if (n > maxBytes) s.destroy(); });
    s.on('error', () => {});
    s.on('close', () => resolve({ bytes: n, head }));
    s.write(bytes);  // not end(): a half-closed socket is not what an attacker sends
  });
}

const vmHWM = (pid) => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

async function login(base, id, pw) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ person_id: id, password: pw }) });
  return { status: res.status, headers: res.headers, json: await res.json().catch(() => null) };
}

let srv;
const web = path.join(tmp, 'web');
before(async () => {
  // The demo district is built once, then served from a copy, so VmHWM
  // measures serving, not building.
  const built = await start(['--demo'], { db: path.join(tmp, 'built.db') });
  await built.stop();
  fs.copyFileSync(path.join(tmp, 'built.db'), path.join(tmp, 'serve.db'));
  fs.copyFileSync(path.join(tmp, 'built.db.demo-logins.json'), path.join(tmp, 'serve.db.demo-logins.json'));
  fs.mkdirSync(web);
  fs.writeFileSync(path.join(web, 'index.html'), '<h1>Weige</h1>');
  fs.writeFileSync(path.join(web, 'big.bin'), crypto.randomBytes(1 << 20));
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the root');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(web, 'leak.txt'));
  fs.symlinkSync(tmp, path.join(web, 'up'));
  srv = await start(['--demo', '--static', web], { db: path.join(tmp, 'serve.db') });
});
after(async () => {
  if (srv) await srv.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('gzip bomb: a compressed body is refused (415), never inflated', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(200 << 20));  // ~200 KiB -> 200 MiB
  const res = await fetch(`${srv.base}/api/v1/auth/login`, { method: 'POST', body: bomb,
    headers: { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' } });
  assert.equal(res.status, 415);
  assert.equal((await res.json()).reason, 'request.encoding');
});

test('range amplification: 100 ranges of a static file, 200 of a blob, answer one copy at most', async () => {
  const ranges = `bytes=${Array(100).fill('0-').join(',')}`;
  const r = await raw(srv.port, `GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: ${ranges}\r\nConnection: close\r\n\r\n`);
  assert.ok(r.bytes < (1 << 20) + 4096, `static answered ${r.bytes} bytes`);
  const w = srv.logins.worker;
  const { json } = await login(srv.base, w.id, w.pw);
  const photo = crypto.randomBytes(512 << 10);
  const h = sha(photo);
  const put = await fetch(`${srv.base}/api/v1/blobs/${h}`, { method: 'PUT', body: photo, headers: { Authorization: `Bearer ${json.token}` } });
  assert.ok(put.status === 201 || put.status === 200);
  const b = await raw(srv.port, `GET /api/v1/blobs/${h} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${json.token}\r\n`
    + `Range: bytes=${Array(200).fill('0-').join(',')}\r\nConnection: close\r\n\r\n`);
  assert.match(b.head, /^HTTP\/1\.1 (200|206|416)/);
  assert.ok(b.bytes < (512 << 10) + 4096, `blob answered ${b.bytes} bytes`);
});

test('slowloris: 50 connections trickling headers are cut off; /healthz answers throughout', async () => {
  const closed = [];
  const socks = [];
  for (let i = 0; i < 50; ++i) {
    const s = net.connect(srv.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => closed.push(i));
    s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    socks.push(s);
  }
  const drip = setInterval(() => { for (const s of socks) if (!s.destroyed) s.write('a'); }, 1000);
  let answered = 0;
  try {
    // Bounded: the whole-request deadline (10 s) closes them well before 15 s.
    for (let t = 0; t < 30 && closed.length < 50; ++t) {
      const res = await fetch(`${srv.base}/healthz`, { signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200);
      await res.json();
      answered++;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    clearInterval(drip);
    for (const s of socks) s.destroy();
  }
  assert.equal(closed.length, 50, 'the server closed every slow connection');
  assert.ok(answered >= 5);
});

test('header flood: 200,000 headers are refused by the connection memory limit', async () => {
  const before = vmHWM(srv.child.pid);
  const flood = Array.from({ length: 200000 }, (_, i) => `X-A${i}: b\r\n`).join('');
  const r = await raw(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${flood}Connection: close\r\n\r\n`);
  assert.ok(r.head === '' || /^HTTP\/1\.1 (4\d\d)/.test(r.head), r.head.slice(0, 80));
  assert.ok(!/^HTTP\/1\.1 200/.test(r.head));
  assert.ok(vmHWM(srv.child.pid) - before < (8 << 20), 'no memory growth to speak of');
});

test('login race: 30 parallel wrong passwords against a limit of 5 are checked at most 5 times', async () => {
  const d = srv.logins.department;
  const answers = await Promise.all(Array.from({ length: 30 }, () => login(srv.base, d.id, 'wrong-password')));
  const checked = answers.filter((a) => a.status === 401).length;
  assert.ok(checked <= 5, `${checked} passwords were checked`);
  assert.equal(answers.filter((a) => a.status === 429).length, 30 - checked);
});

test('NAT: one bad device failing 25 times for many people does not lock out the others behind the address', async () => {
  for (let p = 0; p < 5; ++p) {
    await Promise.all(Array.from({ length: 5 }, () => login(srv.base, `ghost-${p}`, 'wrong-password')));
  }
  const g = srv.logins.grid_head;
  const ok = await login(srv.base, g.id, g.pw);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});

test('security headers on the web app; no symlink out of the static root', async () => {
  const res = await fetch(`${srv.base}/index.html`);
  assert.equal(res.status, 200);
  const csp = res.headers.get('content-security-policy') || '';
  const script = /script-src ([^;]*)/.exec(csp);
  assert.ok(script, csp);
  assert.match(script[1], /^'self' .*'wasm-unsafe-eval'/);
  assert.doesNotMatch(script[1], /unsafe-inline/, 'no inline script');
  assert.doesNotMatch(script[1], /'unsafe-eval'/, 'no eval');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  for (const p of ['/leak.txt', '/up/secret.txt', '/up/serve.db', '/%2e%2e/secret.txt']) {
    const r = await fetch(`${srv.base}${p}`);
    const body = await r.text();
    assert.equal(r.status, 404, p);
    assert.ok(!body.includes('outside the root'), p);
  }
});

test('blobs: "not yours" answers exactly as "missing" (404), no 403 oracle', async () => {
  const w = srv.logins.worker;
  const r = srv.logins.resident;
  const wt = (await login(srv.base, w.id, w.pw)).json.token;
  const rt = (await login(srv.base, r.id, r.pw)).json.token;
  const photo = crypto.randomBytes(4096);
  await fetch(`${srv.base}/api/v1/blobs/${sha(photo)}`, { method: 'PUT', body: photo, headers: { Authorization: `Bearer ${wt}` } });
  const mine = await fetch(`${srv.base}/api/v1/blobs/${sha(photo)}`, { headers: { Authorization: `Bearer ${wt}` } });
  assert.equal(mine.status, 200);
  const theirs = await fetch(`${srv.base}/api/v1/blobs/${sha(photo)}`, { headers: { Authorization: `Bearer ${rt}` } });
  const missing = await fetch(`${srv.base}/api/v1/blobs/${sha('nothing')}`, { headers: { Authorization: `Bearer ${rt}` } });
  assert.equal(theirs.status, 404);
  assert.equal(await theirs.text(), await missing.text());
});

test('peak memory stays bounded after every attack', () => {
  const peak = vmHWM(srv.child.pid);
  console.log(`weige-server VmHWM ${(peak / 1048576).toFixed(1)} MiB`);
  assert.ok(peak < 192 << 20, `VmHWM ${peak}`);
});

test('SIGTERM at start-up: 40 immediate stops all stop the server', async () => {
  const db = path.join(tmp, 'sigterm.db');
  for (let i = 0; i < 40; ++i) {
    const s = await start([], { db });
    const exited = new Promise((r) => s.child.once('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 10000))]);
    if (code === 'hung') s.child.kill('SIGKILL');
    assert.equal(code, 0, `stop ${i}`);
  }
});

test('disk full: login answers 503 with Retry-After, not 500', async () => {
  const db = path.join(tmp, 'full.db');
  const boot = spawnSync(bin, ['--db', db, '--bootstrap', 'root'], { input: 'long-enough-pw\n' });
  assert.equal(boot.status, 0, String(boot.stderr));
  const s = await start(['--max-db-mib', '1', '--login-limit', '1000'], { db });
  try {
    const token = (await login(s.base, 'root', 'long-enough-pw')).json.token;
    // Fill the database with photos, big then small, until it refuses.
    let full = null;
    for (let size = 256 << 10; size >= 256 && !full; size >>= 2) {
      for (let i = 0; i < 64; ++i) {
        const b = crypto.randomBytes(size);
        const r = await fetch(`${s.base}/api/v1/blobs/${sha(b)}`, { method: 'PUT', body: b, headers: { Authorization: `Bearer ${token}` } });
        if (r.status === 201) continue;
        assert.equal(r.status, 503, await r.text());
        break;
      }
    }
    let answer = null;
    for (let i = 0; i < 80; ++i) {
      answer = await login(s.base, 'root', 'long-enough-pw');
      if (answer.status !== 200) break;
    }
    assert.equal(answer.status, 503, JSON.stringify(answer.json));
    assert.equal(answer.json.reason, 'store.full');
    assert.ok(Number(answer.headers.get('retry-after')) > 0);
  } finally {
    await s.stop();
  }
});
