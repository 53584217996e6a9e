#!/usr/bin/env node
// Weige against PouchDB, side by side in one run (build-scripts/bench-pouchdb.sh):
// the same offline-made visit records pushed from the same devices, then pulled
// back out by micro-grid.
//
//   node bench.js --db DISTRICT.db --weige-server BIN --work DIR
//                 [--devices 100] [--records 10000] [--concurrency 100]
//                 [--push-batch 100] [--pull-limit 500] [--timeout 900]
//
// DISTRICT.db holds a district (weige demo); it is changed (tokens, visits):
// pass a fresh copy. Devices are spread round-robin over its micro-grids; each
// is its micro-grid's worker and holds records/devices visit.record commands
// for that micro-grid's households, made before anything is timed ("offline").
//
// Weige: weige-server on 127.0.0.1, each device holding a token from an
// earlier sign-in (written into auth_tokens before the server starts, as
// build-scripts/bench-server.sh's storm does), on a keep-alive connection of
// its own, exactly as the sync client talks: push = POST /api/v1/sync/push in
// batches of --push-batch; pull = GET /api/v1/sync/pull from the cursor it held
// before going offline, pages of --pull-limit, until has_more is false. The
// server scopes each pull to the device's micro-grid.
//
// PouchDB: pouchdb-server (leveldb store) on 127.0.0.1, and a pouchdb-node
// database (leveldb) per device holding the same records as documents (the
// command's JSON plus microgrid_id for the filter); push = PouchDB.replicate
// (local -> server, batch_size --push-batch); pull = PouchDB.replicate(server
// -> local) filtered by the design-doc filter bench/by_microgrid (batch_size
// --pull-limit). pouchdb-server 4.2.0 crashes on Mango selectors, hence the
// design-doc filter.
//
// Both sides: the same devices, at most --concurrency of them syncing at once,
// push phase then pull phase, each timed on the wall clock, and every device's
// pull checked afterwards (it holds exactly its micro-grid's records). Output:
// one JSON line per metric on stdout {"bench":"sync.vs_pouchdb","metric",
// "value","unit"}; progress on stderr. Both servers are killed on exit, on a
// failure and at --timeout.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const BENCH = 'sync.vs_pouchdb';

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const a = {
    db: '', weigeServer: '', work: '', devices: 100, records: 10000, concurrency: 100,
    pushBatch: 100, pullLimit: 500, timeout: 900, only: '',
  };
  const names = {
    '--db': 'db', '--weige-server': 'weigeServer', '--work': 'work', '--devices': 'devices',
    '--records': 'records', '--concurrency': 'concurrency', '--push-batch': 'pushBatch',
    '--pull-limit': 'pullLimit', '--timeout': 'timeout', '--only': 'only',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    a[key] = typeof a[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
    if (typeof a[key] === 'number' && !(a[key] > 0)) throw new Error(`${argv[i]} must be > 0`);
  }
  if (!a.db || !a.weigeServer || !a.work) {
    throw new Error('usage: bench.js --db FILE --weige-server BIN --work DIR [--devices N] ...');
  }
  return a;
}

// ---------------------------------------------------------------- helpers

function log(...args) {
  process.stderr.write(`bench-pouchdb: ${args.join(' ')}\n`);
}

function emit(metric, value, unit) {
  const v = Number.isInteger(value) ? value : Number(value.toPrecision(6));
  process.stdout.write(`${JSON.stringify({ bench: BENCH, metric, value: v, unit })}\n`);
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

function percentile(values, p) {
  if (values.length === 0) return 0;
  const v = [...values].sort((x, y) => x - y);
  return v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
}

// Runs fn(item, index) over items with at most n at once; rejects on the first failure.
async function pool(n, items, fn) {
  let next = 0;
  const workers = [];
  for (let w = 0; w < Math.min(n, items.length); ++w) {
    workers.push((async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i], i);
    })());
  }
  await Promise.all(workers);
}

function sqlite(db, sql) {
  return execFileSync('sqlite3', ['-bail', '-json', db, sql], { encoding: 'utf8' });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// CPU seconds (user + system) a process has used so far.
function cpuOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;  // utime, stime in USER_HZ (100 on Linux)
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// Children (the two servers): killed on exit, whatever the cause; their pids
// also go to --work/pids for the calling script to kill should this process be.
const children = new Set();
let pidFile = '';
function killChildren(signal = 'SIGKILL') {
  for (const c of children) {
    try { process.kill(c.pid, signal); } catch { /* gone */ }
  }
}
process.on('exit', () => killChildren());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping the servers`);
    killChildren();
    process.exit(1);
  });
}

function startChild(cmd, args, opts, logFile) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', out] });
  fs.closeSync(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (pidFile) fs.appendFileSync(pidFile, `${child.pid}\n`);
  return child;
}

// Resolves with the first stdout match of re (the child's stdout goes on to logFile).
function waitForLine(child, re, logFile, seconds) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no "${re}" within ${seconds} s`)), seconds * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(child.spawnfile)} exited (${code}) before it listened; see ${logFile}`));
    });
    child.stdout.on('data', (d) => {
      fs.appendFileSync(logFile, d);
      text += d;
      const m = re.exec(text);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.on('exit', () => children.delete(child));
        resolve(m);
      }
    });
  });
}

function stopChild(child, seconds = 30) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

// One HTTP request on `agent`; resolves {status, body}.
function request(agent, port, method, pathname, body, token) {
  return new Promise((resolve, reject) => {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload = null;
    if (body !== undefined) {
      payload = Buffer.from(body);
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
    req.setTimeout(120000, () => req.destroy(new Error(`${method} ${pathname}: timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------- the records

const NOTES = [
  'door knocked; meter reading checked, breaker panel dry',
  'nobody home; note left under the door with the hotline',
  'household met; asked about the battery swap schedule',
  'stairwell light out again; told the building captain',
];

// The devices and their offline-made records, the same for both sides.
function makeWorld(a) {
  const workers = JSON.parse(sqlite(a.db,
    "SELECT MIN(person_id) AS person, scope_id AS microgrid FROM roles WHERE role = 'worker'" +
    ' GROUP BY scope_id ORDER BY scope_id'));
  if (workers.length === 0) throw new Error(`${a.db}: no micro-grid has a worker`);
  const households = new Map();
  for (const r of JSON.parse(sqlite(a.db, 'SELECT id, microgrid_id FROM households ORDER BY id'))) {
    if (!households.has(r.microgrid_id)) households.set(r.microgrid_id, []);
    households.get(r.microgrid_id).push(r.id);
  }
  const nonce = crypto.randomBytes(4).toString('hex');
  const at0 = 1795000000000;  // the demo's "now"
  const devices = [];
  let made = 0;
  for (let d = 0; d < a.devices; ++d) {
    const w = workers[d % workers.length];
    const hh = households.get(w.microgrid) || [];
    if (hh.length === 0) throw new Error(`micro-grid ${w.microgrid} has no households`);
    const count = Math.floor(a.records / a.devices) + (d < a.records % a.devices ? 1 : 0);
    const slot = Math.floor(d / workers.length);  // which of the micro-grid's devices
    const commands = [];
    for (let k = 0; k < count; ++k, ++made) {
      const id = `pv-${nonce}-${String(d).padStart(3, '0')}-${String(k).padStart(4, '0')}`;
      commands.push({
        id,
        type: 'visit.record',
        at: at0 + d * 10000 + k,
        payload: {
          visit_id: id,
          household_id: hh[(slot * count + k) % hh.length],
          cycle: '2026-12',
          outcome: k % 3 === 1 ? 'not_home' : 'met',
          notes: NOTES[k % NOTES.length],
        },
      });
    }
    devices.push({
      index: d, person: w.person, microgrid: w.microgrid,
      token: crypto.randomBytes(32).toString('hex'), commands,
    });
  }
  // Which records each micro-grid's pull must bring back.
  const byMicrogrid = new Map();
  for (const dev of devices) {
    if (!byMicrogrid.has(dev.microgrid)) byMicrogrid.set(dev.microgrid, new Set());
    for (const c of dev.commands) byMicrogrid.get(dev.microgrid).add(c.id);
  }
  return { devices, byMicrogrid, microgrids: new Set(devices.map((x) => x.microgrid)).size, made };
}

// The same record as a PouchDB document: the command plus the micro-grid the
// filter selects on (Weige's server derives it from the household).
function toDoc(dev, cmd) {
  return { _id: cmd.id, type: cmd.type, at: cmd.at, microgrid_id: dev.microgrid, payload: cmd.payload };
}

function checkPulled(what, dev, got, expected) {
  const missing = [...expected].filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !expected.has(id));
  if (missing.length || extra.length) {
    throw new Error(`${what}: device ${dev.index} (${dev.microgrid}) pulled ${got.size} records, ` +
      `${missing.length} missing (${missing.slice(0, 3)}), ${extra.length} not of its micro-grid ` +
      `(${extra.slice(0, 3)})`);
  }
}

// ---------------------------------------------------------------- Weige

async function runWeige(a, world) {
  const { devices } = world;
  // Tokens from "an earlier sign-in": written before the server starts.
  const expires = Date.now() + 86400e3 * 365;
  const rows = devices.map((d) => {
    const hash = crypto.createHash('sha256').update(d.token).digest('hex');
    return `('${hash}','${d.person.replace(/'/g, "''")}',${Date.now()},${expires},NULL)`;
  });
  sqlite(a.db, `BEGIN; INSERT INTO auth_tokens(token_hash, person_id, created_at, expires_at,` +
    ` revoked_at) VALUES ${rows.join(',')}; COMMIT;`);

  const logFile = path.join(a.work, 'weige-server.log');
  log('starting weige-server (the first start over a district records its change log)');
  const child = startChild(a.weigeServer, ['--db', a.db, '--listen', '127.0.0.1:0',
    '--threads', String(Math.max(8, a.concurrency))], {}, logFile);
  const m = await waitForLine(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, logFile, 300);
  const port = Number(m[1]);
  const agent0 = new http.Agent({ keepAlive: false });
  const health = await request(agent0, port, 'GET', '/healthz');
  const cursor = JSON.parse(health.body).head;  // every device synced up to here before going offline

  let requests = 0;
  let rejected = 0;
  let changes = 0;
  let bytesPushed = 0;
  const pushMs = [];
  const pullMs = [];
  // A device's one keep-alive connection while it syncs, closed when it is done
  // (weige-server gives an open connection a thread of its own while it lives).
  const connect = () => new http.Agent({ keepAlive: true, maxSockets: 1 });

  log(`weige: ${devices.length} devices push ${world.made} records`);
  const c0 = [cpuOf(child.pid), selfCpu()];
  const p0 = now();
  await pool(a.concurrency, devices, async (dev, i) => {
    const agent = connect();
    for (let k = 0; k < dev.commands.length; k += a.pushBatch) {
      const body = JSON.stringify({ commands: dev.commands.slice(k, k + a.pushBatch) });
      bytesPushed += body.length;
      const t = now();
      const r = await request(agent, port, 'POST', '/api/v1/sync/push', body, dev.token);
      pushMs.push((now() - t) * 1000);
      ++requests;
      if (r.status !== 200) throw new Error(`weige push of device ${i}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      for (const x of JSON.parse(r.body).results) {
        if (x.status !== 'accepted') {
          ++rejected;
          if (rejected <= 3) log(`weige: rejected ${JSON.stringify(x).slice(0, 300)}`);
        }
      }
    }
    agent.destroy();
  });
  const p1 = now();
  const c1 = [cpuOf(child.pid), selfCpu()];
  // Each device's pulled visit ids (records of other micro-grids would show here too).
  const pulled = devices.map(() => new Set());
  log(`weige: ${devices.length} devices pull their micro-grid`);
  const q0 = now();
  await pool(a.concurrency, devices, async (dev, i) => {
    const agent = connect();
    let from = cursor;
    for (let page = 0; page < 100000; ++page) {
      const t = now();
      const r = await request(agent, port, 'GET',
        `/api/v1/sync/pull?cursor=${from}&limit=${a.pullLimit}`, undefined, dev.token);
      pullMs.push((now() - t) * 1000);
      ++requests;
      if (r.status !== 200) throw new Error(`weige pull of device ${i}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      const p = JSON.parse(r.body);
      changes += p.changes.length;
      for (const c of p.changes) {
        if (c.table === 'visits' && c.op === 'upsert') pulled[i].add(c.row.id);
      }
      from = p.next_cursor;
      if (!p.has_more) break;
    }
    agent.destroy();
  });
  const q1 = now();
  const c2 = [cpuOf(child.pid), selfCpu()];
  const code = await stopChild(child);
  if (code !== 0) throw new Error(`weige-server exited ${code}; see ${logFile}`);
  if (rejected > 0) throw new Error(`weige: ${rejected} commands rejected`);
  devices.forEach((dev, i) => checkPulled('weige', dev, pulled[i], world.byMicrogrid.get(dev.microgrid)));
  return {
    push: p1 - p0, pull: q1 - q0, requests, changes, bytesPushed, pushMs, pullMs,
    serverCpu: [c1[0] - c0[0], c2[0] - c1[0]], clientCpu: [c1[1] - c0[1], c2[1] - c1[1]],
  };
}

// ---------------------------------------------------------------- PouchDB

const FILTER = {
  _id: '_design/bench',
  filters: {
    by_microgrid: 'function (doc, req) { return doc.microgrid_id === req.query.microgrid; }',
  },
};

async function runPouch(a, world) {
  const PouchDB = require('pouchdb-node');
  const { devices } = world;
  const dir = path.join(a.work, 'pouchdb');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'devices'), { recursive: true });
  // No request log (weige-server has none either by default).
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    log: { level: 'error', file: path.join(dir, 'pouchdb-server.log') },
  }));
  const port = await freePort();
  const logFile = path.join(a.work, 'pouchdb-server.out');
  const bin = require.resolve('pouchdb-server/bin/pouchdb-server');
  log(`starting pouchdb-server on 127.0.0.1:${port}`);
  const child = startChild(process.execPath, [bin, '--port', String(port), '--host', '127.0.0.1',
    '--dir', path.join(dir, 'server') + path.sep, '--config', path.join(dir, 'config.json')],
  { cwd: dir }, logFile);
  child.stdout.on('data', (d) => fs.appendFileSync(logFile, d));
  const url = `http://127.0.0.1:${port}/visits`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited ${child.exitCode}; see ${logFile}`);
    try {
      const r = await request(undefined, port, 'GET', '/');
      if (r.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`pouchdb-server did not answer; see ${logFile}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const created = await request(undefined, port, 'PUT', '/visits');
  if (created.status !== 201) throw new Error(`PUT /visits: ${created.status} ${created.body}`);
  const ddoc = await request(undefined, port, 'PUT', '/visits/_design/bench', JSON.stringify(FILTER));
  if (ddoc.status !== 201) throw new Error(`design doc: ${ddoc.status} ${ddoc.body}`);

  // The devices' own databases, holding their records ("made offline", not timed).
  log(`pouchdb: ${devices.length} device databases (leveldb) get their records`);
  const locals = devices.map((d) => new PouchDB(path.join(dir, 'devices', `d${d.index}`)));
  let docBytes = 0;
  await pool(a.concurrency, devices, async (dev, i) => {
    const docs = dev.commands.map((c) => toDoc(dev, c));
    for (const doc of docs) docBytes += JSON.stringify(doc).length;
    const res = await locals[i].bulkDocs(docs);
    const bad = res.filter((r) => !r.ok);
    if (bad.length) throw new Error(`device ${i}: ${JSON.stringify(bad[0])}`);
  });

  log(`pouchdb: ${devices.length} devices push ${world.made} records`);
  let written = 0;
  const c0 = [cpuOf(child.pid), selfCpu()];
  const p0 = now();
  await pool(a.concurrency, devices, async (dev, i) => {
    const remote = new PouchDB(url, { skip_setup: true });
    const r = await PouchDB.replicate(locals[i], remote, { batch_size: a.pushBatch });
    if (!r.ok || r.doc_write_failures) throw new Error(`pouchdb push of device ${i}: ${JSON.stringify(r).slice(0, 300)}`);
    written += r.docs_written;
  });
  const p1 = now();
  const c1 = [cpuOf(child.pid), selfCpu()];
  if (written !== world.made) throw new Error(`pouchdb: ${written} documents pushed, ${world.made} expected`);

  log(`pouchdb: ${devices.length} devices pull their micro-grid (filtered replication)`);
  let pulledDocs = 0;
  const q0 = now();
  await pool(a.concurrency, devices, async (dev, i) => {
    const remote = new PouchDB(url, { skip_setup: true });
    const r = await PouchDB.replicate(remote, locals[i], {
      batch_size: a.pullLimit,
      filter: 'bench/by_microgrid',
      query_params: { microgrid: dev.microgrid },
    });
    if (!r.ok || r.doc_write_failures) throw new Error(`pouchdb pull of device ${i}: ${JSON.stringify(r).slice(0, 300)}`);
    pulledDocs += r.docs_written;
  });
  const q1 = now();
  const c2 = [cpuOf(child.pid), selfCpu()];
  // Every device now holds exactly its micro-grid's records.
  await pool(a.concurrency, devices, async (dev, i) => {
    const all = await locals[i].allDocs({ include_docs: true });
    const got = new Set();
    for (const row of all.rows) {
      if (row.id.startsWith('_design/')) continue;
      if (row.doc.microgrid_id !== dev.microgrid) got.add(`${row.id} (of ${row.doc.microgrid_id})`);
      else got.add(row.id);
    }
    checkPulled('pouchdb', dev, got, world.byMicrogrid.get(dev.microgrid));
  });
  await Promise.all(locals.map((l) => l.close()));
  await stopChild(child);
  return {
    push: p1 - p0, pull: q1 - q0, pulledDocs, docBytes,
    serverCpu: [c1[0] - c0[0], c2[0] - c1[0]], clientCpu: [c1[1] - c0[1], c2[1] - c1[1]],
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const a = parseArgs(process.argv.slice(2));
  fs.mkdirSync(a.work, { recursive: true });
  pidFile = path.join(a.work, 'pids');
  const timer = setTimeout(() => {
    log(`timed out after ${a.timeout} s`);
    killChildren();
    process.exit(1);
  }, a.timeout * 1000);
  timer.unref();

  const world = makeWorld(a);
  const cmdBytes = world.devices.reduce(
    (s, d) => s + d.commands.reduce((t, c) => t + JSON.stringify(c).length, 0), 0);
  log(`${world.made} records on ${world.devices.length} devices over ${world.microgrids} micro-grids`);

  const w = a.only === 'pouchdb' ? null : await runWeige(a, world);
  if (w) {
    log(`weige: push ${w.push.toFixed(2)} s, pull ${w.pull.toFixed(2)} s; request p50/p99/max: push ` +
      `${[0.5, 0.99, 1].map((q) => percentile(w.pushMs, q).toFixed(0)).join('/')} ms, pull ` +
      `${[0.5, 0.99, 1].map((q) => percentile(w.pullMs, q).toFixed(0)).join('/')} ms`);
  }
  const p = a.only === 'weige' ? null : await runPouch(a, world);
  if (p) log(`pouchdb: push ${p.push.toFixed(2)} s, pull ${p.pull.toFixed(2)} s`);

  emit('devices', world.devices.length, 'devices');
  emit('microgrids', world.microgrids, 'micro-grids');
  emit('records', world.made, 'records');
  emit('concurrency', Math.min(a.concurrency, world.devices.length), 'devices');
  if (w) {
    emit('weige_record_bytes', cmdBytes / world.made, 'bytes');
    emit('weige_push_s', w.push, 's');
    emit('weige_pull_s', w.pull, 's');
    emit('weige_total_s', w.push + w.pull, 's');
    emit('weige_push_p99', percentile(w.pushMs, 0.99), 'ms');
    emit('weige_pull_p99', percentile(w.pullMs, 0.99), 'ms');
    emit('weige_changes_pulled', w.changes, 'changes');
    emit('weige_server_cpu_push_s', w.serverCpu[0], 's');
    emit('weige_server_cpu_pull_s', w.serverCpu[1], 's');
    emit('weige_client_cpu_s', w.clientCpu[0] + w.clientCpu[1], 's');
  }
  if (p) {
    emit('pouchdb_record_bytes', p.docBytes / world.made, 'bytes');
    emit('pouchdb_push_s', p.push, 's');
    emit('pouchdb_pull_s', p.pull, 's');
    emit('pouchdb_total_s', p.push + p.pull, 's');
    emit('pouchdb_docs_pulled', p.pulledDocs, 'docs');
    emit('pouchdb_server_cpu_push_s', p.serverCpu[0], 's');
    emit('pouchdb_server_cpu_pull_s', p.serverCpu[1], 's');
    emit('pouchdb_client_cpu_s', p.clientCpu[0] + p.clientCpu[1], 's');
  }
  if (w && p) emit('ratio_total', (p.push + p.pull) / (w.push + w.pull), 'x');
}

main().then(() => process.exit(0), (e) => {
  log(`failed: ${e && e.stack ? e.stack : e}`);
  killChildren();
  process.exit(1);
});
