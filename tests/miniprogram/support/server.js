// A real weige-server (build/server/server/weige-server, or $WEIGE_SERVER)
// on a free loopback port over a fresh demo district, and a small HTTP
// client for the test's own look at what the server holds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const serverBin = process.env.WEIGE_SERVER || path.join(repo, 'build/server/server/weige-server');

/** Starts `weige-server --demo`; resolves {base, who(role), stop()}. */
export async function startServer() {
  if (!fs.existsSync(serverBin)) throw new Error(`${serverBin} is missing (build-scripts/test-miniprogram.sh builds it)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-mp-server-'));
  const child = spawn(serverBin, ['--db', path.join(dir, 'demo.db'), '--listen', '127.0.0.1:0',
    '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logins = [];
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weige-server did not start: ${out}${err}`)), 120000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`weige-server exited ${code}: ${out}${err}`));
    });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  // "  worker  p-w-s1c1g1m1  demo-worker-2026  name  (scope)"
  for (const line of out.split('\n')) {
    const m = /^\s+(\w+)\s+(\S+)\s+(demo-\S+).*\((\S+)\)\s*$/.exec(line);
    if (m) logins.push({ role: m[1], person_id: m[2], password: m[3], scope: m[4] });
  }
  return {
    base,
    logins,
    who: (role) => logins.find((l) => l.role === role),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One HTTP request; resolves {status, body (Buffer), json()}. */
export function httpRequest(method, url, { body, token, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    const req = http.request(url, { method, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode, body: all, json: () => JSON.parse(all.toString('utf8')) });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

/** Signs in; resolves the token. */
export async function login(base, { person_id, password }) {
  const r = await httpRequest('POST', `${base}/api/v1/auth/login`,
    { body: { person_id, password }, headers: { 'content-type': 'application/json' } });
  if (r.status !== 200) throw new Error(`login ${person_id}: ${r.status} ${r.body}`);
  return r.json().token;
}

/** A query run by the server as the token's person. */
export async function serverQuery(base, token, name, params = {}) {
  const r = await httpRequest('POST', `${base}/api/v1/query`,
    { token, body: { name, params }, headers: { 'content-type': 'application/json' } });
  if (r.status !== 200) throw new Error(`query ${name}: ${r.status} ${r.body}`);
  return r.json().value;
}
