// Convergence: several wasm clients in Node (offline/ with the node host)
// against the real weige-server, through a fault-injecting proxy
// (support/fault-proxy.js), on random offline/online schedules with
// conflicting commands:
//   x1  two or three people verify one fixed item;
//   x2  a fix is marked (and verified) while another fix is marked offline;
//   x3  a resident's evaluation races a grid head's reopen of a closed item.
// Every third schedule also SIGKILLs weige-server now and then, pushes and
// pulls in flight, and restarts it on the same database.
// After each schedule the network heals and every client syncs until quiet;
// then every client holds exactly what a device of the same person that only
// pulls holds (row by row, sqlite3 over the closed files) and the server's
// scope digest; every command the server accepted is accepted on its device
// and applied once; every rejection is on its device's rejections list.
//
// WEIGE_SYNC_SCHEDULES=n sets the number of schedules (default 24, about
// 2 s each here); WEIGE_SOAK=1 runs 300 longer ones. WEIGE_SYNC_SEED=s starts from seed s.
// WEIGE_SYNC_FLEET=1 (build-scripts/test-fleet.sh) runs the schedules against
// a fleet instead: two weige-server processes on PostgreSQL behind HAProxy
// (support/server.js), a crash killing one of them (each in turn); the
// checks read the store with psql. The sync client's own tests run only
// against the single server.
import { jest } from '@jest/globals';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { open } from '../../offline/src/index.js';
import { createSyncClient, fetchTransport, NetworkError, wxTransport }
  from '../../offline/src/sync-client.js';
import { startFaultProxy, kFaults } from './support/fault-proxy.js';
import { deviceTables, login, push, sql, startServer, unquote } from './support/server.js';

const soak = process.env.WEIGE_SOAK === '1';
const kSchedules = Number(process.env.WEIGE_SYNC_SCHEDULES || (soak ? 300 : 24));
const kSteps = soak ? 160 : 80;
const kFirstSeed = Number(process.env.WEIGE_SYNC_SEED || 1);
const kNow = 1795000000000;  // the demo district's "now"
const onFleet = process.env.WEIGE_SYNC_FLEET === '1';

jest.setTimeout(soak ? 6 * 3600 * 1000 : 300000);

// mulberry32: a small seeded PRNG, so a failing schedule can be rerun.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, list) => list[Math.floor(r() * list.length)];
const sha = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let server;
let work;
let tokens;
let people;   // role -> login
let facts;    // places of the demo district the commands name
const seeds = {};  // role -> a device database pulled to the demo's head

// A client: a runtime on its own file, a SyncClient through the proxy that
// fails while the device is "offline".
async function openClient(role, dir, { base, seedFile } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  if (seedFile) fs.copyFileSync(seedFile, path.join(dir, 'device.db'));
  const rt = await open({ host: 'node', name: 'device.db', dir });
  const c = { role, person: people[role].person, rt, dir, online: true, n: 0, blobs: new Map(),
    file: path.join(dir, 'device.db') };
  const inner = fetchTransport();
  c.transport = async (req) => {
    if (!c.online) throw new NetworkError('offline');
    return inner(req);
  };
  c.client = createSyncClient({ rt, base: base || server.url, token: tokens[role],
    transport: c.transport, timeoutMs: 5000, batchSize: 7, pullLimit: 200,
    blobs: { get: (s) => c.blobs.get(s) || null } });
  return c;
}

async function pullDirect(rt, role) {
  const client = createSyncClient({ rt, base: server.url, token: tokens[role] });
  await client.sync();
}

beforeAll(async () => {
  server = await startServer();
  work = fs.mkdtempSync(path.join(server.dir, 'clients-'));
  people = {};
  for (const l of server.logins) {
    if (l.role === 'department' && !l.scope.startsWith('wy-')) continue;
    people[l.role] = l;
  }
  tokens = {};
  for (const [role, l] of Object.entries(people)) tokens[role] = await login(server.url, l.person, l.password);
  const building = people.captain.scope;
  const q = (text) => server.query(text).map(unquote);
  facts = {
    home: people.resident.scope,
    building,
    microgrid: people.worker.scope,
    dept: people.department.scope,
    inBuilding: q(`SELECT id FROM households WHERE building_id = '${building}' ORDER BY id`),
    inMicrogrid: q(`SELECT id FROM households WHERE microgrid_id = '${people.worker.scope}' ORDER BY id`),
  };
  for (const role of ['grid_head', 'worker', 'captain', 'resident', 'department']) {
    const dir = path.join(work, `seed-${role}`);
    const c = await openClient(role, dir);
    await pullDirect(c.rt, role);
    await c.rt.close();
    seeds[role] = c.file;
  }
}, 300000);

afterAll(async () => {
  if (server) await server.stop();
});

// The items a schedule fights over, made directly on the server.
async function setUpConflicts(s) {
  const at = kNow + s * 100000;
  const id = (k) => `s${s}-${k}`;
  const cmd = (k, type, payload, t = at) => ({ id: id(k), type, at: t, payload });
  const deadline = kNow + 30 * 86400000;
  const other = facts.inBuilding.find((h) => h !== facts.home) || facts.home;
  let a = await push(server.url, tokens.admin, [
    cmd('a1', 'item.open', { item_id: id('x1'), household_id: facts.home, category: 'fire_safety',
      title: 'Flying wire charging' }),
    cmd('a2', 'item.assign', { item_id: id('x1'), owner_dept: facts.dept, deadline }),
    cmd('a3', 'item.open', { item_id: id('x2'), household_id: other, category: 'sanitation',
      title: 'Stairwell clutter' }),
    cmd('a4', 'item.assign', { item_id: id('x2'), owner_dept: facts.dept, deadline }),
  ]);
  expect(a.map((x) => x.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
  a = await push(server.url, tokens.resident, [
    cmd('r1', 'report.submit', { report_id: id('r3'), category: 'sanitation',
      description: 'Rubbish by the bike shed', place: { building_id: facts.building } }),
  ]);
  expect(a[0].status).toBe('accepted');
  a = await push(server.url, tokens.admin, [
    cmd('a5', 'item.assign', { item_id: `${id('r3')}.item`, owner_dept: facts.dept, deadline }),
  ]);
  expect(a[0].status).toBe('accepted');
  a = await push(server.url, tokens.department, [
    cmd('d1', 'item.mark_fixed', { item_id: id('x1'), evidence: [sha(`x1-${s}`)] }),
    cmd('d2', 'item.mark_fixed', { item_id: `${id('r3')}.item`, evidence: [sha(`x3-${s}`)] }),
  ]);
  expect(a.map((x) => x.status)).toEqual(['accepted', 'accepted']);
  a = await push(server.url, tokens.admin, [
    cmd('a6', 'item.verify', { item_id: `${id('r3')}.item`, evidence: [sha(`x3v-${s}`)] }),
  ]);
  expect(a[0].status).toBe('accepted');
  return { x1: id('x1'), x2: id('x2'), x3: `${id('r3')}.item`, r3: id('r3') };
}

// A random command a client's person might make, on the contested items or
// new ones. Photos it cites are put in the client's blob store.
function randomCommand(r, c, s, items, step) {
  const id = `s${s}-${c.role}-${++c.n}`;
  const at = kNow + s * 100000 + step * 1000;
  const photo = () => {
    const bytes = crypto.randomBytes(64 + Math.floor(r() * 512));
    const h = sha(bytes);
    c.blobs.set(h, new Uint8Array(bytes));
    return h;
  };
  const comment = () => ({ type: 'item.comment',
    payload: { item_id: pick(r, [items.x1, items.x2, items.x3]), text: `note ${id}` } });
  const menus = {
    grid_head: [
      () => ({ type: 'item.verify', payload: { item_id: items.x1, evidence: [photo()] } }),
      () => ({ type: 'item.verify', payload: { item_id: items.x2, evidence: [photo()] } }),
      () => ({ type: 'item.reopen', payload: { item_id: items.x3, reason: 'not really fixed' } }),
      () => ({ type: 'item.assign', payload: { item_id: items.x2, owner_dept: facts.dept,
        deadline: at + 86400000 * (1 + Math.floor(r() * 9)) } }),
      () => ({ type: 'item.escalate', payload: { item_id: items.x2, department_id: facts.dept,
        deadline: at + 86400000, reason: 'beyond the grid' } }),
      comment,
    ],
    worker: [
      () => ({ type: 'item.verify', payload: { item_id: items.x1, evidence: [photo()] } }),
      () => ({ type: 'item.mark_fixed', payload: { item_id: items.x2, evidence: [photo()] } }),
      () => ({ type: 'visit.record', payload: { visit_id: `v-${id}`,
        household_id: pick(r, facts.inMicrogrid), cycle: '2026-11',
        outcome: pick(r, ['not_home', 'refused', 'vacant']), photos: [photo()] } }),
      () => ({ type: 'item.open', payload: { item_id: `i-${id}`,
        household_id: pick(r, facts.inMicrogrid), category: 'sanitation', title: 'Blocked drain' } }),
      comment,
    ],
    captain: [
      () => ({ type: 'item.verify', payload: { item_id: items.x1, evidence: [photo()] } }),
      () => ({ type: 'item.mark_fixed', payload: { item_id: items.x2, evidence: [photo()] } }),
      () => ({ type: 'item.verify', payload: { item_id: items.x2, evidence: [photo()] } }),
      () => ({ type: 'patrol.record', payload: { patrol_id: `p-${id}`, building_id: facts.building,
        notes: 'daily round', photos: [photo()] } }),
      comment,
    ],
    resident: [
      () => ({ type: 'report.evaluate', payload: { report_id: items.r3,
        rating: 1 + Math.floor(r() * 5), comment: 'well...' } }),
      () => ({ type: 'report.submit', payload: { report_id: `r-${id}`, category: 'noise',
        description: 'Drilling at night', place: r() < 0.5 ? { address: 'Unit 1, room 101' }
          : { building_id: facts.building } } }),
    ],
    department: [
      () => ({ type: 'item.mark_fixed', payload: { item_id: items.x2, evidence: [photo()] } }),
      () => ({ type: 'item.acknowledge', payload: { item_id: items.x2 } }),
      comment,
    ],
  };
  const made = pick(r, menus[c.role])();
  return { id, at, actor: c.person, ...made };
}

async function syncUntilQuiet(clients) {
  for (let pass = 0; pass < 8; ++pass) {
    let moved = 0;
    for (const c of clients) {
      for (let tries = 0; ; ++tries) {
        try {
          const counts = await c.client.sync();
          moved += counts.pushed + counts.rejected + counts.pulled;
          break;
        } catch (e) {
          if (tries > 5) throw e;
        }
      }
    }
    if (moved === 0 && pass > 0) return;
  }
  throw new Error('the clients did not settle');
}

async function runSchedule(s) {
  const r = rng(s);
  const items = await setUpConflicts(s);
  const faultRate = 0.2 + r() * 0.5;
  // Every third schedule also kills the server now and then.
  const crashes = s % 3 === 0;
  let healthy = true;
  const proxy = await startFaultProxy({
    target: { host: '127.0.0.1', port: Number(new URL(server.url).port) },
    random: r,
    choose: () => (healthy || r() > faultRate ? 'pass' : pick(r, kFaults.slice(1))),
  });
  const dir = path.join(work, `s${s}`);
  const roles = ['grid_head', 'worker', 'captain', 'resident', 'department'];
  const clients = [];
  for (const role of roles) {
    clients.push(await openClient(role, path.join(dir, role),
      { base: proxy.url, seedFile: seeds[role] }));
  }
  const log = [];
  try {
    await syncUntilQuiet(clients);
    healthy = false;
    for (const c of clients) c.online = r() < 0.5;
    const inflight = new Set();
    for (let step = 0; step < kSteps; ++step) {
      const c = pick(r, clients);
      const x = r();
      if (x < 0.45) {
        const cmd = randomCommand(r, c, s, items, step);
        try {
          await c.rt.dispatch(cmd);
          log.push(`${c.role} ${cmd.type} ${cmd.id} ok`);
        } catch (e) {
          log.push(`${c.role} ${cmd.type} ${cmd.id} ${e.reason}`);
        }
      } else if (x < 0.8) {
        const p = c.client.sync().catch(() => {});
        inflight.add(p);
        p.finally(() => inflight.delete(p));
      } else if (x < 0.95) {
        c.online = !c.online;
      } else if (crashes && x < 0.975) {
        // The server dies mid-schedule (SIGKILL, pushes and pulls in flight)
        // and comes back on the same database.
        await server.kill();
        log.push(`server killed and restarted (${server.kills})`);
      } else {
        await Promise.all([...inflight]);
      }
      if (r() < 0.3) await sleep(Math.floor(r() * 30));
    }
    await Promise.all([...inflight]);
    healthy = true;
    for (const c of clients) c.online = true;
    await syncUntilQuiet(clients);
    const outcome = await verify(s, clients, items);
    if (process.env.WEIGE_SYNC_VERBOSE) console.log(`schedule ${s}\n${log.join('\n')}`);
    return { counts: { ...proxy.counts }, outcome };
  } catch (e) {
    e.message = `schedule ${s}: ${e.message}\n${log.slice(-40).join('\n')}`;
    throw e;
  } finally {
    for (const c of clients) {
      if (c.rt) await c.rt.close().catch(() => {});
    }
    await proxy.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function verify(s, clients, items) {
  const live = (text) => server.query(text);
  // The JSON the store keeps as text, read in each engine's dialect.
  const field = (col, key) => (server.engine === 'pg' ? `(${col})::json ->> '${key}'`
    : `${col} ->> '$.${key}'`);
  const answers = new Map(live(
    `SELECT command_id, ${field('answer', 'status')}, ${field('answer', 'reason')} FROM sync_push_answers
     WHERE command_id LIKE 's${s}-%'`).map((line) => {
    const [id, status, reason] = line.split(',').map(unquote);
    return [id, { status, reason }];
  }));
  for (const c of clients) {
    const st = await c.rt.syncState();
    expect({ role: c.role, pending: st.pending, unapplied: st.unapplied, resync: st.resync })
      .toEqual({ role: c.role, pending: 0, unapplied: 0, resync: false });
    // The server's scope digest at its head is the one the device kept.
    const res = await fetch(`${server.url}/api/v1/sync/pull?cursor=${st.cursor}&limit=1&digest=1`,
      { headers: { Authorization: `Bearer ${tokens[c.role]}` } });
    const page = await res.json();
    expect(page.changes).toEqual([]);
    expect({ role: c.role, ...page.digest }).toEqual({ role: c.role, count: st.digest.count,
      hash: st.digest.hash, through: st.cursor });
    c.rejections = await c.rt.rejections();
    await c.rt.close();
    c.rt = null;
  }
  for (const c of clients) {
    // A device of the same person that only ever pulled.
    const refDir = path.join(c.dir, '..', `${c.role}-ref`);
    fs.mkdirSync(refDir, { recursive: true });
    fs.copyFileSync(seeds[c.role], path.join(refDir, 'device.db'));
    const ref = await open({ host: 'node', name: 'device.db', dir: refDir });
    await pullDirect(ref, c.role);
    await ref.close();
    const want = deviceTables(path.join(refDir, 'device.db'));
    const have = deviceTables(c.file);
    for (const t of Object.keys(want)) {
      expect({ role: c.role, table: t, rows: have[t] }).toEqual({ role: c.role, table: t, rows: want[t] });
    }
    // Every command of the device is settled as the server decided.
    const outbox = sql(c.file, `SELECT command_id, state FROM outbox WHERE command_id LIKE 's${s}-%'`)
      .map((line) => line.split(',').map(unquote));
    const rejected = new Map(c.rejections.map((x) => [x.id, x]));
    for (const [id, state] of outbox) {
      const answer = answers.get(id);
      if (state === 'accepted') {
        expect({ id, answer: answer && answer.status }).toEqual({ id, answer: 'accepted' });
      } else {
        expect({ id, state }).toEqual({ id, state: 'rejected' });
        expect({ id, answer: answer ? answer.status : 'never pushed' })
          .not.toEqual({ id, answer: 'accepted' });
        const listed = rejected.get(id);
        expect(listed && listed.code && listed.reason ? id : `${id} not listed`).toBe(id);
        if (answer) expect(listed.reason).toBe(answer.reason);
      }
    }
    const mine = new Set(outbox.map(([id]) => id));
    for (const [id, answer] of answers) {
      if (id.startsWith(`s${s}-${c.role}-`)) {
        expect({ id, known: mine.has(id) }).toEqual({ id, known: true });
        if (answer.status === 'accepted') {
          expect({ id, state: outbox.find(([x]) => x === id)[1] }).toEqual({ id, state: 'accepted' });
        }
      }
    }
  }
  // Applied exactly once on the server, and the contested items moved at
  // most once each way.
  expect(live(`SELECT command_id, type, entity_id, COUNT(*) FROM events
    WHERE command_id LIKE 's${s}-%' GROUP BY 1, 2, 3 HAVING COUNT(*) > 1`)).toEqual([]);
  const accepted = [...answers].filter(([, a]) => a.status === 'accepted').map(([id]) => id);
  const withEvents = new Set(live(`SELECT DISTINCT command_id FROM events WHERE command_id LIKE 's${s}-%'`)
    .map(unquote));
  for (const id of accepted) expect({ id, applied: withEvents.has(id) }).toEqual({ id, applied: true });
  const outcome = { accepted: accepted.filter((id) => !/-[ard]\d+$/.test(id)).length,
    rejected_by_server: 0, rejected_by_rebase: 0 };
  for (const c of clients) {
    for (const x of c.rejections) outcome[`rejected_by_${x.source}`]++;
  }
  const count = (item, type) => Number(live(
    `SELECT COUNT(*) FROM events WHERE entity_id = '${item}' AND type = '${type}'`)[0]);
  expect(count(items.x1, 'item.closed')).toBeLessThanOrEqual(1);
  expect(count(items.x3, 'item.reopened')).toBeLessThanOrEqual(1);
  // The photos that accepted commands cite are on the server (the client
  // uploads them before pushing the commands).
  const cited = new Set(live(server.engine === 'pg'
    ? `SELECT DISTINCT j FROM events, json_array_elements_text(events.evidence::json) j
       WHERE events.command_id LIKE 's${s}-%' AND events.evidence LIKE '[%'`
    : `SELECT DISTINCT j.value FROM events, json_each(events.evidence) j
       WHERE events.command_id LIKE 's${s}-%' AND json_valid(events.evidence)`).map(unquote));
  const stored = new Set(live('SELECT sha FROM blobs').map(unquote));
  for (const c of clients) {
    for (const h of c.blobs.keys()) {
      if (cited.has(h)) expect({ h, stored: stored.has(h) }).toEqual({ h, stored: true });
    }
  }
  return outcome;
}

describe(onFleet ? 'convergence through a faulty network to a fleet on PostgreSQL'
  : 'convergence through a faulty network', () => {
  test(`${kSchedules} seeded schedules from seed ${kFirstSeed}`, async () => {
    const totals = Object.fromEntries(kFaults.map((f) => [f, 0]));
    const outcomes = { accepted: 0, rejected_by_server: 0, rejected_by_rebase: 0 };
    const started = Date.now();
    for (let s = kFirstSeed; s < kFirstSeed + kSchedules; ++s) {
      const { counts, outcome } = await runSchedule(s);
      for (const [f, v] of Object.entries(counts)) totals[f] += v;
      for (const [k, v] of Object.entries(outcome)) outcomes[k] += v;
    }
    // One line for the record: what the schedules did.
    console.log(JSON.stringify({ suite: onFleet ? 'sync.convergence.fleet' : 'sync.convergence',
      schedules: kSchedules, ...outcomes,
      requests_by_fault: totals, server_kills: server.kills,
      seconds: Math.round((Date.now() - started) / 1000) }));
    expect(totals.drop_response).toBeGreaterThan(0);
    expect(server.kills).toBeGreaterThan(0);
  });
});

(onFleet ? describe.skip : describe)('the sync client', () => {
  let n = 0;
  const opened = [];
  const fresh = async (role, options = {}) => {
    const c = await openClient(role, path.join(work, `client-${++n}`), { seedFile: seeds[role],
      ...options });
    opened.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of opened) {
      c.client.stop();
      await c.rt.close().catch(() => {});
    }
  });
  const requests = (c) => {
    const log = [];
    const inner = c.transport;
    c.transport = async (req) => {
      const entry = { method: req.method, path: req.url.replace(/^https?:\/\/[^/]+/, ''),
        body: req.body };
      log.push(entry);
      const res = await inner(req);
      entry.status = res.status;
      return res;
    };
    return log;
  };
  const visit = (c, i, photos) => ({ id: `cl${n}-${c.role}-${i}`, type: 'visit.record', actor: c.person,
    at: kNow + i, payload: { visit_id: `cl${n}-v${i}`, household_id: facts.inMicrogrid[i % facts.inMicrogrid.length],
      cycle: '2026-12', outcome: 'not_home', photos } });

  test('pushes oldest first in batches, photos before the commands citing them, resuming after a drop', async () => {
    // The first upload is stored but its answer lost; the third never arrives.
    let puts = 0;
    const faults = { 1: 'drop_response', 3: 'drop_request' };
    const proxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: Number(new URL(server.url).port) },
      choose: (req) => (req.method === 'PUT' && faults[++puts]) || 'pass',
    });
    const c = await fresh('worker', { base: proxy.url });
    const log = requests(c);
    c.client = createSyncClient({ rt: c.rt, base: proxy.url, token: tokens.worker,
      transport: (req) => c.transport(req), batchSize: 4, blobs: { get: (h) => c.blobs.get(h) || null } });
    const ids = [];
    for (let i = 0; i < 10; ++i) {
      const bytes = crypto.randomBytes(300 + i);
      const h = sha(bytes);
      c.blobs.set(h, new Uint8Array(bytes));
      const cmd = visit(c, i, [h]);
      ids.push(cmd.id);
      await c.rt.dispatch(cmd);
    }
    await expect(c.client.sync()).rejects.toThrow(NetworkError);
    await expect(c.client.sync()).rejects.toThrow(NetworkError);
    expect((await c.rt.syncState()).pending).toBe(10);
    const done = await c.client.sync();
    expect(done.pushed).toBe(10);
    expect((await c.rt.syncState()).pending).toBe(0);
    const pushes = log.filter((r) => r.path === '/api/v1/sync/push' && r.status === 200);
    const order = pushes.flatMap((r) => JSON.parse(r.body).commands.map((x) => x.id));
    expect(order).toEqual(ids);
    for (const p of pushes) expect(JSON.parse(p.body).commands.length).toBeLessThanOrEqual(4);
    // Each photo was stored (201 or 200) before the first push citing it.
    for (const p of pushes) {
      const at = log.indexOf(p);
      for (const cmd of JSON.parse(p.body).commands) {
        for (const h of cmd.payload.photos) {
          expect(log.slice(0, at).some((r) => r.method === 'PUT' && r.path.endsWith(h)
            && r.status >= 200 && r.status < 300)).toBe(true);
        }
      }
    }
    for (const [h, bytes] of c.blobs) {
      const res = await fetch(`${server.url}/api/v1/blobs/${h}`,
        { headers: { Authorization: `Bearer ${tokens.worker}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
    await c.rt.close();
    await proxy.close();
  });

  test('notices the network coming back (online event, wx, probe) and backs off with jitter', async () => {
    const c = await fresh('captain');
    const log = requests(c);
    const target = new EventTarget();
    const saved = { add: globalThis.addEventListener, remove: globalThis.removeEventListener };
    globalThis.addEventListener = target.addEventListener.bind(target);
    globalThis.removeEventListener = target.removeEventListener.bind(target);
    const wx = { cb: null, onNetworkStatusChange(fn) { this.cb = fn; },
      offNetworkStatusChange(fn) { if (this.cb === fn) this.cb = null; } };
    const progress = [];
    const synced = [];
    try {
      c.online = false;
      c.client = createSyncClient({ rt: c.rt, token: tokens.captain, base: server.url,
        transport: (req) => c.transport(req), wx, random: () => 1, backoffMs: 40,
        maxBackoffMs: 160, probeMs: 60000 });
      c.client.on('progress', (p) => progress.push(p));
      c.client.on('synced', (x) => synced.push(x));
      await c.rt.dispatch({ id: `cl${n}-p1`, type: 'patrol.record', actor: c.person, at: kNow,
        payload: { patrol_id: `cl${n}-p1`, building_id: facts.building } });
      c.client.start();
      await sleep(600);
      // Offline: retries at 40, 80, 160, 160... ms (random() = 1: the full
      // delay; the jitter takes off up to half).
      const delays = progress.filter((p) => p.retryInMs).map((p) => p.retryInMs);
      expect(delays.slice(0, 4)).toEqual([40, 80, 160, 160]);
      expect(progress.at(-1).state).toBe('offline');
      expect(synced).toEqual([]);
      c.online = true;
      target.dispatchEvent(new Event('online'));
      await sleep(300);
      expect(synced.length).toBeGreaterThan(0);
      expect(progress.at(-1)).toMatchObject({ state: 'idle', pending: 0, online: true });
      expect(progress.some((p) => p.pushed === 1)).toBe(true);

      // WeChat's network events.
      c.online = false;
      await c.rt.dispatch({ id: `cl${n}-p2`, type: 'patrol.record', actor: c.person, at: kNow + 1,
        payload: { patrol_id: `cl${n}-p2`, building_id: facts.building } });
      c.client.kick(0);
      await sleep(100);
      expect((await c.rt.syncState()).pending).toBe(1);
      c.online = true;
      const before = synced.length;
      wx.cb({ isConnected: true, networkType: 'wifi' });
      await sleep(300);
      expect(synced.length).toBeGreaterThan(before);
      expect((await c.rt.syncState()).pending).toBe(0);
      c.client.stop();
      expect(wx.cb).toBe(null);
    } finally {
      globalThis.addEventListener = saved.add;
      globalThis.removeEventListener = saved.remove;
    }

    // The periodic probe, where no event comes: /healthz first, then a sync.
    c.online = false;
    const probing = createSyncClient({ rt: c.rt, token: tokens.captain, base: server.url,
      transport: (req) => c.transport(req), probeMs: 100, backoffMs: 60000, maxBackoffMs: 60000 });
    const ok = [];
    probing.on('synced', (x) => ok.push(x));
    await c.rt.dispatch({ id: `cl${n}-p3`, type: 'patrol.record', actor: c.person, at: kNow + 2,
      payload: { patrol_id: `cl${n}-p3`, building_id: facts.building } });
    opened.push({ client: probing, rt: c.rt });
    probing.start();
    await sleep(250);
    expect(ok).toEqual([]);
    const from = log.length;
    c.online = true;
    await sleep(400);
    probing.stop();
    expect(ok.length).toBeGreaterThan(0);
    const after = log.slice(from).map((r) => r.path.split('?')[0]);
    expect(after[0]).toBe('/healthz');
    expect(after).toContain('/api/v1/sync/push');
    expect((await c.rt.syncState()).pending).toBe(0);
    await c.rt.close();
  });

  test('a scope that grows or shrinks shows as a digest mismatch and resyncs fully', async () => {
    const c = await fresh('worker');
    const sync = async () => {
      const client = createSyncClient({ rt: c.rt, base: server.url, token: tokens.worker });
      const digests = [];
      const orig = c.rt.applyPage.bind(c.rt);
      c.rt.applyPage = async (page) => {
        const r = await orig(page);
        digests.push(r.digest);
        return r;
      };
      try {
        await client.sync();
      } finally {
        c.rt.applyPage = orig;
      }
      return digests;
    };
    const first = await sync();
    expect(first).not.toContain('mismatch');
    expect(first.at(-1)).toBe('match');
    const other = server.query(`SELECT id FROM regions WHERE level = 'microgrid'
      AND id <> '${facts.microgrid}' ORDER BY id LIMIT 1`).map(unquote)[0];
    const grant = async (type, k) => {
      const a = await push(server.url, tokens.admin, [{ id: `cl${n}-${k}`, type, at: kNow,
        payload: { person_id: people.worker.person, role: 'worker', scope_id: other } }]);
      expect(a[0].status).toBe('accepted');
    };
    const compare = async () => {
      await c.rt.close();
      const refDir = path.join(c.dir, '..', `client-${n}-ref-${Math.random().toString(36).slice(2)}`);
      const ref = await open({ host: 'node', name: 'device.db', dir: refDir });
      await pullDirect(ref, 'worker');
      await ref.close();
      expect(deviceTables(c.file)).toEqual(deviceTables(path.join(refDir, 'device.db')));
      c.rt = await open({ host: 'node', name: 'device.db', dir: c.dir });
    };
    await grant('role.grant', 'g');
    const grown = await sync();
    expect(grown).toContain('mismatch');
    expect(grown.at(-1)).toBe('match');
    const households = (await c.rt.query('worker.households_due',
      { actor: people.worker.person, microgrid_id: other, cycle: '2026-11' }));
    expect(households).toBeTruthy();
    await compare();
    await grant('role.revoke', 'r');
    const shrunk = await sync();
    expect(shrunk).toContain('mismatch');
    expect(shrunk.at(-1)).toBe('match');
    await compare();
  });

  test('wxTransport speaks wx.request (a stand-in over fetch)', async () => {
    const c = await fresh('captain');
    const calls = [];
    const wx = {
      request({ url, method, header, data, dataType, responseType, success, fail }) {
        calls.push({ method, dataType, responseType, binary: data instanceof ArrayBuffer });
        fetch(url, { method, headers: header, body: data instanceof ArrayBuffer ? new Uint8Array(data) : data })
          .then(async (res) => success({ statusCode: res.status, data: await res.text() }))
          .catch((e) => fail({ errMsg: `request:fail ${e.message}` }));
      },
    };
    c.client = createSyncClient({ rt: c.rt, base: server.url, token: tokens.captain,
      transport: wxTransport(wx), blobs: { get: (h) => c.blobs.get(h) || null } });
    const bytes = crypto.randomBytes(100);
    c.blobs.set(sha(bytes), new Uint8Array(bytes));
    await c.rt.dispatch({ id: `cl${n}-wx`, type: 'patrol.record', actor: c.person, at: kNow,
      payload: { patrol_id: `cl${n}-wx`, building_id: facts.building, photos: [sha(bytes)] } });
    const counts = await c.client.sync();
    expect(counts.pushed).toBe(1);
    expect(calls.map((x) => x.method)).toEqual(expect.arrayContaining(['PUT', 'POST', 'GET']));
    expect(calls.find((x) => x.method === 'PUT').binary).toBe(true);
    expect(calls.every((x) => x.dataType === 'text')).toBe(true);
    const offline = createSyncClient({ rt: c.rt, base: 'http://127.0.0.1:9', token: 'x',
      transport: wxTransport(wx) });
    await expect(offline.sync()).rejects.toThrow(NetworkError);
  });

  test('pushes only its person\'s commands: another person\'s on the same database waits for them', async () => {
    const c = await fresh('worker');
    const head = people.grid_head.person;
    const { items } = await c.rt.query('items.checklist', { actor: c.person, microgrid_id: facts.microgrid,
      now: kNow });
    await c.rt.dispatch(visit(c, 1));
    await c.rt.dispatch({ id: `cl${n}-head`, type: 'item.comment', actor: head, at: kNow,
      payload: { item_id: items[0].id, text: 'seen on my round' } });
    c.client = createSyncClient({ rt: c.rt, base: server.url, token: tokens.worker, actor: c.person,
      transport: (req) => c.transport(req) });
    await c.client.sync();
    // Under the worker's token only the worker's went up; the head's was not
    // sent (the server would have refused it as auth.actor_mismatch).
    expect((await c.rt.pendingCommands(100)).commands.map((x) => x.id)).toEqual([`cl${n}-head`]);
    expect(await c.rt.rejections()).toEqual([]);
    c.client.stop();
    c.client = createSyncClient({ rt: c.rt, base: server.url, token: tokens.grid_head, actor: head,
      transport: (req) => c.transport(req) });
    await c.client.sync();
    expect((await c.rt.pendingCommands(100)).count).toBe(0);
    expect(await c.rt.rejections()).toEqual([]);
  });

  test('reports rejections and stops on a refused token until a new one', async () => {
    const c = await fresh('grid_head');
    const items = await setUpConflicts(9000 + n);
    await pullDirect(c.rt, 'grid_head');
    const rejections = [];
    const states = [];
    c.client = createSyncClient({ rt: c.rt, token: 'not-a-token', base: server.url,
      transport: (req) => c.transport(req) });
    c.client.on('rejection', (list) => rejections.push(list));
    c.client.on('progress', (p) => states.push(p.state));
    let auth = 0;
    c.client.on('auth', () => { auth++; });
    // The head reopens x3 offline while the resident's unsatisfied evaluation
    // reaches the server first.
    await c.rt.dispatch({ id: `cl${n}-reopen`, type: 'item.reopen', actor: c.person, at: kNow,
      payload: { item_id: items.x3, reason: 'not fixed' } });
    const a = await push(server.url, tokens.resident, [{ id: `cl${n}-eval`, type: 'report.evaluate',
      at: kNow, payload: { report_id: items.r3, rating: 1, comment: 'still dirty' } }]);
    expect(a[0].status).toBe('accepted');
    await expect(c.client.sync()).rejects.toThrow();
    expect(auth).toBe(1);
    expect(states.at(-1)).toBe('auth');
    c.client.setToken(tokens.grid_head);
    await sleep(300);
    expect(states.at(-1)).toBe('idle');
    const list = await c.rt.rejections();
    const mine = list.find((x) => x.id === `cl${n}-reopen`);
    expect(mine).toMatchObject({ type: 'item.reopen', source: 'server', code: 'failed_precondition' });
    expect(mine.reason).toBeTruthy();
    expect(rejections.at(-1).some((x) => x.id === mine.id)).toBe(true);
    expect(c.client.progress.rejections).toBe(list.length);
    await c.rt.close();
  });
});
