// A fleet: N weige-server processes on one PostgreSQL database (a schema of
// its own), HAProxy in front on 127.0.0.1. The one implementation behind
// build-scripts/run-fleet.sh (run as a program) and the fleet suites
// (tests/fleet, tests/sync/convergence.test.js with WEIGE_SYNC_FLEET=1),
// which import startFleet.
//
// The PostgreSQL cluster is build-scripts/pg.sh's (started by the caller);
// `pgUrl` is its URL. The first server loads the demo district (--demo) into
// a fresh schema; the others start on it as it is. HAProxy:
//   - health checks GET /healthz every 300 ms (down after 2 failures, up
//     after 2 passes), so a dead or stopping server is routed around;
//   - `retries 3` + `option redispatch 1` + `retry-on conn-failure
//     empty-response response-timeout`: a request whose server died before
//     answering is sent again to another server (only requests that fit in
//     HAProxy's buffer: pushes larger than that are retried by the client,
//     which is safe, as every push is idempotent by command id);
//   - `option forwardfor` with `--trusted-proxy 127.0.0.1` on the servers,
//     so login limits count the client, not the balancer;
//   - no server up (PostgreSQL restarting: every /healthz answers 503): the
//     balancer answers 503 {"code":"internal","reason":"fleet.unavailable"}
//     with Retry-After: 1, the same shape as the servers' own errors.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function serverBinary() {
  const bin = process.env.WEIGE_SERVER_BIN || process.env.WEIGE_SERVER ||
    path.join(root, 'build/native/server/weige-server');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build weige-server first`);
  return bin;
}

/** psql over `url`: rows as arrays of text (null for NULL). */
export function psql(url, query) {
  const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
    '-F', '\x1f', '-P', 'null=\x1e', '-d', url, '-c', query],
  { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  return out.split('\n').filter((l) => l.length > 0)
    .map((l) => l.split('\x1f').map((v) => (v === '\x1e' ? null : v)));
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', r));
}

// Spawns weige-server; resolves {child, port, out} once it listens.
function spawnServer(args, { log } = {}) {
  const child = spawn(serverBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
    if (err.length > 1 << 16) err = err.slice(-(1 << 15));
    if (log) log.write(d);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weige-server did not start: ${err}`)), 300000);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`weige-server exited ${code}: ${out}${err}`));
    };
    child.on('exit', onExit);
    child.stdout.on('data', (d) => {
      if (out.length < 1 << 20) out += d;
      const m = /listening on http:\/\/[0-9.]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, port: Number(m[1]), out });
      }
    });
  });
}

// "  role  person  password  name  (scope)"
export function parseLogins(out) {
  const logins = [];
  for (const line of out.split('\n')) {
    const m = /^\s+(\w+)\s+(\S+)\s+(demo-\S+).*\((\S+)\)\s*$/.exec(line);
    if (m && !logins.some((l) => l.person === m[2])) {
      logins.push({ role: m[1], person: m[2], password: m[3], scope: m[4] });
    }
  }
  return logins;
}

function haproxyConfig({ port, servers, dir }) {
  const errorfile = path.join(dir, '503.http');
  const body = JSON.stringify({ ok: false, code: 'internal', reason: 'fleet.unavailable',
    message: 'no server of the fleet can answer now; try again' });
  fs.writeFileSync(errorfile, ['HTTP/1.1 503 Service Unavailable', 'Content-Type: application/json',
    'Cache-Control: no-store', 'Retry-After: 1', `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close', '', body].join('\r\n'));
  return `# build-scripts/fleet.mjs: HAProxy in front of ${servers.length} weige-server processes.
global
  maxconn 4096
  # Read by waitHealthy: which servers the balancer itself counts as up.
  stats socket ${path.join(dir, 'haproxy.sock')} mode 600 level operator

defaults
  mode http
  timeout connect 1s
  timeout client 120s
  timeout server 120s
  timeout http-request 10s
  timeout queue 10s
  option forwardfor
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
  errorfile 502 ${errorfile}
  errorfile 503 ${errorfile}
  errorfile 504 ${errorfile}

frontend weige
  bind 127.0.0.1:${port}
  # A console import and the polls of its progress carry one job id: they
  # go to the server that runs it (its progress is in that server's memory).
  use_backend weige_imports if { path_beg /api/v1/console/import }
  default_backend weige_servers

backend weige_servers
  balance roundrobin
${backendServers(servers)}

backend weige_imports
  balance url_param job
  hash-type consistent
${backendServers(servers)}
`;
}

/** Every server line of the balancer's stats as "backend/server STATUS" (show stat). */
function balancerStates(socketPath) {
  return new Promise((resolve, reject) => {
    let text = '';
    const c = net.createConnection(socketPath, () => c.end('show stat\n'));
    c.setTimeout(2000, () => c.destroy(new Error('haproxy stats: timed out')));
    c.on('data', (d) => { text += d; });
    c.on('error', reject);
    c.on('close', () => resolve(text.split('\n')
      .map((line) => line.split(','))
      .filter((f) => f.length > 17 && !f[0].startsWith('#') && f[1] !== 'FRONTEND' && f[1] !== 'BACKEND')
      .map((f) => `${f[0]}/${f[1]} ${f[17]}`)));
  });
}

function backendServers(servers) {
  return `  option httpchk
  http-check send meth GET uri /healthz
  http-check expect status 200
  default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 2 maxconn 256
${servers.map((s, i) => `  server s${i + 1} 127.0.0.1:${s.port} check`).join('\n')}`;
}

/**
 * Starts a fleet. Options: pgUrl (the cluster's URL, required), servers (2),
 * schema (fresh: f_<pid>_<time>), staticDir, threads, dir (a temp folder),
 * args (more weige-server arguments), log (a stream for the servers' and
 * HAProxy's stderr), loginsFile (reuse the schema's demo: see below; the
 * schema is then kept), demo (true: the first server loads the demo; false:
 * the servers start on the schema as it is, e.g. a district `weige load`
 * put there, and the schema is kept). Resolves {url (the balancer), dbUrl, schema, logins,
 * servers: [{index, port, url, child, alive, kill(), start()}], kills, sql(q),
 * killOne(i), stop()}. kill() SIGKILLs a server; start() starts it again on
 * its port; killOne(i) does both (as a crashed server comes back).
 */
export async function startFleet({ pgUrl, servers: n = 2, schema, staticDir, threads = 8,
  dir, args = [], log, keepSchema = false, loginsFile, demo = true } = {}) {
  if (!pgUrl) throw new Error('startFleet: pgUrl is required (build-scripts/pg.sh start)');
  dir ||= fs.mkdtempSync(path.join(os.tmpdir(), 'weige-fleet-'));
  schema ||= `f_${process.pid}_${Date.now().toString(36)}`;
  psql(pgUrl, `CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const dbUrl = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  const base = ['--db', dbUrl, '--trusted-proxy', '127.0.0.1', '--threads', String(threads),
    ...(staticDir ? ['--static', staticDir] : []), ...args];
  const fleet = { dbUrl, schema, dir, kills: 0, servers: [], logins: [] };
  // loginsFile: the demo is built once per schema and its logins kept there,
  // so several suites share one load of the demo (~35 s on this machine).
  const reuse = loginsFile && fs.existsSync(loginsFile) &&
    psql(pgUrl, `SELECT 1 FROM pg_tables WHERE schemaname = '${schema}' AND tablename = 'events'`).length > 0;
  if (!demo) keepSchema = true;
  const first = await spawnServer([...base, '--listen', '127.0.0.1:0',
    ...(reuse || !demo ? [] : ['--demo'])], { log });
  fleet.logins = reuse ? JSON.parse(fs.readFileSync(loginsFile, 'utf8')) : parseLogins(first.out);
  if (loginsFile && !reuse) fs.writeFileSync(loginsFile, JSON.stringify(fleet.logins));
  const make = (index, { child, port }) => {
    const s = {
      index, port, child, url: `http://127.0.0.1:${port}`,
      get alive() { return s.child.exitCode === null && s.child.signalCode === null; },
      async kill() {
        s.child.kill('SIGKILL');
        await exited(s.child);
      },
      // The port is in the ephemeral range: while the server is down, an
      // outgoing connection can take it as its local port, and its TIME_WAIT
      // then refuses the bind for up to 60 s. A refused start is tried again.
      async start() {
        const deadline = Date.now() + 75000;
        for (;;) {
          try {
            ({ child: s.child } = await spawnServer([...base, '--listen', `127.0.0.1:${port}`], { log }));
            return;
          } catch (e) {
            if (Date.now() > deadline) throw e;
            await new Promise((r) => setTimeout(r, 1000));
          }
        }
      },
    };
    return s;
  };
  fleet.servers.push(make(0, first));
  for (let i = 1; i < n; ++i) {
    fleet.servers.push(make(i, await spawnServer([...base, '--listen', '127.0.0.1:0'], { log })));
  }
  const port = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, haproxyConfig({ port, servers: fleet.servers, dir }));
  fleet.haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let herr = '';
  fleet.haproxy.stderr.on('data', (d) => {
    herr += d;
    if (log) log.write(d);
  });
  fleet.url = `http://127.0.0.1:${port}`;
  // Ready once the balancer answers.
  const until = Date.now() + 20000;
  for (;;) {
    if (fleet.haproxy.exitCode !== null) throw new Error(`haproxy exited: ${herr}`);
    if (await fetch(`${fleet.url}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > until) throw new Error(`the balancer did not come up: ${herr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Waits until every server answers /healthz directly (after a restart)
  // and the balancer counts every server of both backends as up again: its
  // checks need two passes (rise 2), and until then the import backend's
  // hash sends a job to another server than it will once all are up.
  fleet.waitHealthy = async (ms = 20000) => {
    const end = Date.now() + ms;
    for (;;) {
      const said = await Promise.all(fleet.servers.map((s) => fetch(`${s.url}/healthz`,
        { signal: AbortSignal.timeout(5000) }).then(async (r) => `${r.status} ${await r.text()}`,
        (e) => String(e))));
      const states = await balancerStates(path.join(dir, 'haproxy.sock')).catch((e) => [String(e)]);
      said.push(...states.filter((x) => !x.endsWith(' UP')));
      if (states.length !== 2 * fleet.servers.length) said.push(`the balancer lists ${states.length} servers`);
      if (said.every((x) => x.startsWith('200 ') || x.endsWith(' UP'))) return;
      if (Date.now() > end) throw new Error(`the fleet did not become healthy: ${said.join('; ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await fleet.waitHealthy();
  // Rows of a query over the fleet's schema (see psql).
  fleet.sql = (query) => psql(dbUrl, query);
  fleet.killOne = async (i) => {
    const s = fleet.servers[i % fleet.servers.length];
    await s.kill();
    await s.start();
    fleet.kills += 1;
  };
  fleet.stop = async () => {
    for (const s of fleet.servers) {
      if (s.alive) {
        s.child.kill('SIGTERM');
        await exited(s.child);
      }
    }
    if (fleet.haproxy.exitCode === null) {
      fleet.haproxy.kill('SIGTERM');
      await exited(fleet.haproxy);
    }
    if (!keepSchema && !loginsFile) {
      try { psql(pgUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`); } catch { /* cluster gone */ }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return fleet;
}

// As a program (build-scripts/run-fleet.sh, bench-server.sh): starts a
// fleet, prints the balancer's address and the demo logins, and stops
// everything on Ctrl-C, SIGTERM or when a server or HAProxy dies.
// WEIGE_FLEET_DEMO=0 starts it on the schema as it is (kept at the end).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pgUrl = process.env.WEIGE_FLEET_PG_URL;
  const n = Number(process.env.WEIGE_FLEET_SERVERS || 2);
  const logFile = path.join(root, 'build/fleet/fleet.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const fleet = await startFleet({ pgUrl, servers: n, schema: process.env.WEIGE_FLEET_SCHEMA || 'fleet',
    staticDir: process.env.WEIGE_FLEET_STATIC || undefined, log,
    threads: Number(process.env.WEIGE_FLEET_THREADS || 16), keepSchema: false,
    demo: process.env.WEIGE_FLEET_DEMO !== '0' });
  console.log(`weige fleet: ${n} weige-server on PostgreSQL (schema ${fleet.schema}) behind HAProxy`);
  for (const s of fleet.servers) console.log(`  server s${s.index + 1}  ${s.url}`);
  console.log(`listening on ${fleet.url}   (open it in a browser; the mini-program syncs to it)`);
  console.log('demo logins (person_id / password):');
  for (const l of fleet.logins) console.log(`  ${l.role.padEnd(12)} ${l.person.padEnd(28)} ${l.password}  (${l.scope})`);
  console.log(`logs: ${logFile}; Ctrl-C stops the fleet`);
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`weige fleet: stopping (${why})`);
    await fleet.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  for (const s of fleet.servers) s.child.on('exit', (c, sig) => stop(`server s${s.index + 1} exited ${c ?? sig}`));
  fleet.haproxy.on('exit', (c) => stop(`haproxy exited ${c}`));
}
