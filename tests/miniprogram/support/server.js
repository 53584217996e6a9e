// A real weige-server (build/native/server/weige-server, or $WEIGE_SERVER)
// on a free loopback port over a fresh demo district, and a small HTTP
// client for the test's own look at what the server holds.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../support/weige-server.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
export const serverBin = process.env.WEIGE_SERVER || path.join(repo, 'build/native/server/weige-server');

/** Starts `weige-server --demo`; resolves {base, logins, who(role), stop()}. */
export async function startServer() {
  if (!fs.existsSync(serverBin)) throw new Error(`${serverBin} is missing (build-scripts/test-miniprogram.sh builds it)`);
  const server = await startDemoServer(serverBin, { tmpPrefix: 'weige-mp-server-' });
  const { base, logins, stop } = server;
  return { base, logins, who: (role) => logins.find((l) => l.role === role), stop };
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

/** Polls fn (every 100 ms) until it returns something truthy, which it
 * returns; throws after `ms`. */
export async function until(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
