// The real weige-server for the JS sync suites: started on a free loopback
// port over a fresh demo database, its logins read from what it prints, and
// read-only looks into database files with the sqlite3 shell.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

import { startFleet } from '../../../build-scripts/fleet.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function serverBinary() {
  const bin = process.env.WEIGE_SERVER_BIN || path.join(root, 'build/native/server/weige-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} is missing: run build-scripts/test-sync-js.sh (it builds it)`);
  }
  return bin;
}

// Spawns weige-server with `args`; resolves {child, url, out} once it listens.
function spawnServer(args) {
  const child = spawn(serverBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weige-server did not start: ${err}`)), 120000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], out });
      }
    });
    child.on('exit', (code) => reject(new Error(`weige-server exited ${code}: ${err}`)));
  });
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.on('exit', r));
}

/**
 * Starts weige-server --demo; resolves {url, logins: [{role, person, password,
 * scope}], dbPath, dir, engine, query(sql), kill(), stop()}. kill() SIGKILLs
 * the server wherever it is and starts it again on the same address and
 * database (as a crashed server comes back), resolving once it listens.
 * query(sql): rows of a read-only query over the live server database, in
 * sqlite3's quote mode (see unquote), on either engine.
 *
 * WEIGE_SYNC_FLEET=1 (build-scripts/test-fleet.sh): a fleet instead, two
 * servers on PostgreSQL behind HAProxy (build-scripts/fleet.mjs; the cluster
 * is WEIGE_FLEET_PG_URL, the schema WEIGE_FLEET_SCHEMA with its demo logins
 * in WEIGE_FLEET_LOGINS); url is the balancer's, and kill() SIGKILLs one
 * server (each in turn) and starts it again.
 */
export async function startServer() {
  if (process.env.WEIGE_SYNC_FLEET === '1') return startFleetServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-sync-js-'));
  const dbPath = path.join(dir, 'server.db');
  let { child, url, out } = await spawnServer(['--db', dbPath, '--listen', '127.0.0.1:0', '--demo']);
  // "  role  person  password  name  (scope)"
  const logins = [];
  for (const line of out.split('\n')) {
    const m = /^\s+(\w+)\s+(\S+)\s+(demo-\S+).*\((\S+)\)\s*$/.exec(line);
    if (m) logins.push({ role: m[1], person: m[2], password: m[3], scope: m[4] });
  }
  const server = {
    url, logins, dbPath, dir, kills: 0, engine: 'sqlite',
    query: (text) => sql(dbPath, text, { live: true }),
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
      ({ child } = await spawnServer(['--db', dbPath, '--listen', new URL(url).host]));
      server.kills += 1;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function startFleetServer() {
  const fleet = await startFleet({ pgUrl: process.env.WEIGE_FLEET_PG_URL,
    schema: process.env.WEIGE_FLEET_SCHEMA, loginsFile: process.env.WEIGE_FLEET_LOGINS,
    log: process.env.WEIGE_FLEET_LOG ? fs.createWriteStream(process.env.WEIGE_FLEET_LOG) : undefined });
  const quote = (v) => {
    if (v === null) return 'NULL';
    if (/^-?\d+(\.\d+)?$/.test(v)) return v;
    return `'${v.replace(/'/g, "''")}'`;
  };
  return {
    url: fleet.url, logins: fleet.logins, dir: fleet.dir, engine: 'pg', fleet,
    get kills() { return fleet.kills; },
    query: (text) => fleet.sql(text).map((row) => row.map(quote).join(',')),
    kill: () => fleet.killOne(fleet.kills),
    stop: () => fleet.stop(),
  };
}

/** POST /api/v1/auth/login directly (not through the proxy): the token. */
export async function login(url, person, password) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ person_id: person, password }) });
  const body = await res.json();
  if (!res.ok) throw new Error(`login ${person}: ${res.status} ${body.reason}`);
  return body.token;
}

/** Pushes commands directly as the token's person; the answers. */
export async function push(url, token, commands) {
  const res = await fetch(`${url}/api/v1/sync/push`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ commands }) });
  const body = await res.json();
  if (!res.ok) throw new Error(`push: ${res.status} ${body.reason}`);
  return body.results;
}

/**
 * Rows of a read-only SQL query over a database file (sqlite3 shell, quote
 * mode). `live`: the file is open in a running server (WAL); else it is a
 * closed device database.
 */
export function sql(file, query, { live = false } = {}) {
  const uri = `file:${file}?${live ? 'mode=ro' : 'immutable=1'}`;
  const text = execFileSync('sqlite3', ['-readonly', '-cmd', '.mode quote', uri, query],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  return text.split('\n').filter((l) => l.length > 0);
}

/** A value of the quote mode's output: 'text' -> text, numbers, NULL -> null. */
export function unquote(v) {
  if (v === 'NULL') return null;
  if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return Number(v);
}

export const kSyncedTables = ['regions', 'departments', 'buildings', 'households', 'people',
  'roles', 'templates', 'visits', 'coverage', 'patrols', 'items', 'reports', 'events'];

/** Every synced table of a closed device database, each sorted: {table: [row text]}. */
export function deviceTables(file) {
  const out = {};
  let table = null;
  const query = kSyncedTables.map((t) => `SELECT 'table:${t}'; SELECT * FROM ${t};`).join(' ');
  for (const line of sql(file, query)) {
    const m = /^'table:(\w+)'$/.exec(line);
    if (m) {
      table = m[1];
      out[table] = [];
    } else {
      out[table].push(line);
    }
  }
  for (const t of Object.keys(out)) out[t].sort();
  return out;
}
