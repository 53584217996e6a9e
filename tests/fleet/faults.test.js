// Faults of a fleet (issue 10, item 6): two weige-server processes on
// PostgreSQL behind HAProxy (build-scripts/fleet.mjs, started through
// tests/sync/support/server.js), real processes throughout:
//   a) a server SIGKILLed while pushes are in flight: the clients retry
//      through the balancer (to the other server); every command is accepted
//      and applied exactly once in the store;
//   b) PostgreSQL restarted under load, three times at random moments: the
//      servers stay up, answer 503 with a reason (store.connection, ...) or
//      a per-command "retry" meanwhile, never 500, and afterwards every
//      command is applied exactly once;
//   c) the same command id pushed at once to both servers (not through the
//      balancer) is applied once, and both answers agree;
//   d) a console import's progress, polled through the balancer, is found
//      on the server running it for as long as it runs.
// Run by build-scripts/test-fleet.sh (it starts the cluster and sets
// WEIGE_FLEET_*).
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { login, startFleetServer } from '../sync/support/server.js';

jest.setTimeout(180000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
let fleet;
let token;
let worker;
let households;

beforeAll(async () => {
  server = await startFleetServer();
  ({ fleet } = server);
  worker = server.logins.find((l) => l.role === 'worker');
  token = await login(server.url, worker.person, worker.password);
  households = fleet.sql(`SELECT id FROM households WHERE microgrid_id = '${worker.scope}'
    ORDER BY id LIMIT 50`).map((r) => r[0]);
}, 300000);

afterAll(async () => {
  if (server) await server.stop();
});

const visit = (id, i) => ({ id, type: 'visit.record', at: 1795000000000 + i, actor: worker.person,
  payload: { visit_id: `v-${id}`, household_id: households[i % households.length],
    cycle: '2026-11', outcome: 'not_home' } });

// POST one push to `base`; {status, body} or {status: 0} when no answer came.
async function postPush(base, commands) {
  try {
    const res = await fetch(`${base}/api/v1/sync/push`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ commands }), signal: AbortSignal.timeout(20000) });
    const text = await res.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body, text };
  } catch (e) {
    return { status: 0, error: String(e) };
  }
}

// A client as the sync client behaves: pushes the batch through the
// balancer until every command is settled (accepted or rejected), resending
// the unsettled ones after a failure or a per-command "retry". `seen` gets
// every answer that was not a 200 and every retry result.
async function pushUntilSettled(commands, seen) {
  const settled = new Map();
  let pending = commands;
  for (let round = 0; pending.length > 0; ++round) {
    if (round > 400) throw new Error(`not settled: ${pending.map((c) => c.id)}`);
    const a = await postPush(server.url, pending);
    if (a.status !== 200) {
      seen.push({ status: a.status, reason: a.body && a.body.reason, code: a.body && a.body.code,
        message: a.body && a.body.message, error: a.error, text: a.body ? undefined : (a.text || '').slice(0, 200) });
      await sleep(50);
      continue;
    }
    for (const r of a.body.results) {
      if (r.status === 'retry') seen.push({ status: 'retry', reason: r.reason, message: r.message });
      else settled.set(r.id, r);
    }
    pending = pending.filter((c) => !settled.has(c.id));
    if (pending.length > 0) await sleep(50);
  }
  return settled;
}

// Runs `clients` clients, each pushing `batches` batches of `size` visits
// with ids `${prefix}-<client>-<n>`; resolves {answers: Map id -> result, seen}.
// `until`: the load goes on past `batches` until it returns true (at most
// ten times as many), so a fault schedule never outlasts its load.
async function load(prefix, { clients = 4, batches = 12, size = 10, inFlight, until } = {}) {
  const seen = [];
  const answers = new Map();
  let i = 0;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let b = 0; b < batches || (until && !until() && b < 10 * batches); ++b) {
      const cmds = Array.from({ length: size }, (__, k) => visit(`${prefix}-${c}-${b * size + k}`, i++));
      if (inFlight) inFlight.n += 1;
      const got = await pushUntilSettled(cmds, seen);
      if (inFlight) inFlight.n -= 1;
      for (const [id, r] of got) answers.set(id, r);
    }
  }));
  return { answers, seen };
}

// Every acknowledged command applied exactly once in the store: one visit
// row and one set of events each, one stored answer each.
function expectAppliedOnce(prefix, answers) {
  const ids = [...answers.keys()];
  for (const [id, r] of answers) expect({ id, status: r.status }).toEqual({ id, status: 'accepted' });
  expect(fleet.sql(`SELECT command_id, type, entity_id, COUNT(*) FROM events
    WHERE command_id LIKE '${prefix}-%' GROUP BY 1, 2, 3 HAVING COUNT(*) > 1`)).toEqual([]);
  const applied = new Set(fleet.sql(`SELECT DISTINCT command_id FROM events
    WHERE command_id LIKE '${prefix}-%'`).map((r) => r[0]));
  expect(ids.filter((id) => !applied.has(id))).toEqual([]);
  expect(applied.size).toBe(ids.length);
  expect(Number(fleet.sql(`SELECT COUNT(*) FROM visits WHERE id LIKE 'v-${prefix}-%'`)[0][0]))
    .toBe(ids.length);
  expect(Number(fleet.sql(`SELECT COUNT(*) FROM sync_push_answers
    WHERE command_id LIKE '${prefix}-%'`)[0][0])).toBe(ids.length);
  // The change log has no gap a device could skip: one change per seq.
  expect(fleet.sql(`SELECT seq FROM sync_changes GROUP BY seq HAVING COUNT(*) > 1`)).toEqual([]);
}

describe('fleet: faults', () => {
  test('a server SIGKILLed mid-push: retried through the balancer, none lost, none twice', async () => {
    const inFlight = { n: 0, atKill: [] };
    let done = false;
    let killed = false;
    const running = load('fa', { inFlight, batches: 16, until: () => killed })
      .finally(() => { done = true; });
    // Each server in turn dies with pushes in flight and comes back.
    for (const s of fleet.servers) {
      // Killed with pushes in flight: sampled just before the kill, as the
      // load may end (or be between batches) after the 100 ms wait.
      while (!done) {
        while (inFlight.n === 0 && !done) await sleep(5);
        await sleep(100);
        if (inFlight.n > 0) break;
      }
      if (done) break;
      inFlight.atKill.push(inFlight.n);
      await s.kill();
      await sleep(700);
      await s.start();
      fleet.kills += 1;
    }
    killed = true;
    const { answers, seen } = await running;
    expect(answers.size).toBeGreaterThanOrEqual(4 * 16 * 10);
    expect(answers.size % 10).toBe(0);
    expect(inFlight.atKill.length).toBe(fleet.servers.length);
    expect(Math.min(...inFlight.atKill)).toBeGreaterThan(0);
    expectAppliedOnce('fa', answers);
    // What the clients saw: only answers that say "try again".
    for (const x of seen) expect([0, 503, 'retry']).toContain(x.status);
    console.log(JSON.stringify({ suite: 'fleet.kill', commands: answers.size,
      in_flight_at_kill: inFlight.atKill, client_retries: seen.length }));
  });

  test('PostgreSQL restarted under load: servers answer retry, stay up, reconnect', async () => {
    const pg = (cmd) => promisify(execFile)('bash', [path.join(root, 'build-scripts/pg.sh'), cmd]);
    const inFlight = { n: 0 };
    const pulls = { ok: 0, failed: [] };
    let loading = true;
    let restarted = false;
    const running = load('fb', { clients: 3, batches: 30, inFlight, until: () => restarted });
    // Pulls beside the pushes.
    const puller = (async () => {
      while (loading) {
        const res = await fetch(`${server.url}/api/v1/sync/pull?cursor=0&limit=50`,
          { headers: { Authorization: `Bearer ${token}` } }).catch(() => null);
        if (res && res.ok) pulls.ok += 1;
        else if (res) pulls.failed.push({ status: res.status, ...(await res.json().catch(() => ({}))) });
        await sleep(20);
      }
    })();
    // Three restarts, each at a random moment of the load: one restart in
    // five or so once met a pipeline mid-answer and left a connection
    // stuck in libpq's pipeline mode, answering 500 ever after (db_pg.cc,
    // SendQueued; it took a 20-restart loop to see it every time).
    let finished = false;
    running.then(() => { finished = true; }, () => { finished = true; });
    let restarts = 0;
    for (let r = 0; r < 3 && !finished; ++r) {
      while (inFlight.n === 0 && !finished) await sleep(5);
      ++restarts;
      await sleep(50 + Math.floor(Math.random() * 300));
      await pg('stop');
      await sleep(700 + Math.floor(Math.random() * 600));
      for (const s of fleet.servers) expect(s.alive).toBe(true);
      await pg('start');
      await sleep(300);
    }
    restarted = true;
    const { answers, seen } = await running;
    loading = false;
    await puller;
    for (const s of fleet.servers) expect(s.alive).toBe(true);
    await fleet.waitHealthy();
    expectAppliedOnce('fb', answers);
    // The outage was seen, and only as "try again": 503 with a reason from a
    // server or the balancer, or a per-command retry; never a 500.
    expect(seen.length + pulls.failed.length).toBeGreaterThan(0);
    for (const x of [...seen, ...pulls.failed]) {
      if (x.status === 'retry') {
        expect({ reason: x.reason, message: x.message }).toEqual({ reason: expect.stringMatching(/^store\.(connection|connect|busy)$/), message: x.message });
      } else if (x.status !== 0) {
        expect({ status: x.status, reason: x.reason, message: x.message }).toEqual({ status: 503,
          reason: expect.stringMatching(/^(store\.(connection|connect|busy)|fleet\.unavailable)$/),
          message: x.message });
      }
    }
    const by = {};
    for (const x of [...seen, ...pulls.failed]) by[`${x.status} ${x.reason}`] = (by[`${x.status} ${x.reason}`] || 0) + 1;
    expect(restarts).toBe(3);
    console.log(JSON.stringify({ suite: 'fleet.pg_restart', restarts, commands: answers.size,
      pulls_ok: pulls.ok, answers_while_down: by }));
  });

  test('one command id raced on both servers is applied once', async () => {
    const [a, b] = fleet.servers;
    const results = [];
    for (let k = 0; k < 40; ++k) {
      const cmd = visit(`fc-${k}`, 10000 + k);
      const [ra, rb] = await Promise.all([postPush(a.url, [cmd]), postPush(b.url, [cmd])]);
      results.push([cmd, ra, rb]);
    }
    const final = new Map();
    for (const [cmd, ra, rb] of results) {
      for (const r of [ra, rb]) {
        expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: r.text });
        expect(['accepted', 'retry']).toContain(r.body.results[0].status);
      }
      // A retry answered there is settled by pushing again, as a client does.
      const got = await pushUntilSettled([cmd], []);
      final.set(cmd.id, got.get(cmd.id));
      for (const r of [ra, rb]) {
        if (r.body.results[0].status === 'accepted') {
          expect(r.body.results[0].seq).toBe(got.get(cmd.id).seq);
        }
      }
    }
    expectAppliedOnce('fc', final);
    const both = results.filter(([, ra, rb]) => ra.body.results[0].status === 'accepted'
      && rb.body.results[0].status === 'accepted').length;
    console.log(JSON.stringify({ suite: 'fleet.race', ids: results.length, both_accepted: both }));
  });
});

describe('fleet: a console import behind the balancer', () => {
  // The import's progress lives in the memory of the server running it; the
  // balancer sends the import and every poll of its job id to that server
  // (fleet.mjs: balance url_param job), so no poll meets "no such job" while
  // it runs.
  test('its progress is polled through the balancer from the server running it', async () => {
    // After the restarts above, until the balancer counts both servers up
    // again its hash maps the job to the one it has; a poll after the other
    // came back would go there and meet "no such job".
    await fleet.waitHealthy();
    const admin = server.logins.find((l) => l.role === 'admin' && l.scope === '*');
    const adminToken = await login(server.url, admin.person, admin.password);
    const [building] = fleet.sql(`SELECT id FROM buildings ORDER BY id LIMIT 1`).map((r) => r[0]);
    const rows = ['户编号,楼栋,单元,楼层,门牌号,户主,人数,电话,出租,流动人口,标签'];
    for (let i = 0; i < 3000; ++i) rows.push(`h-fleet-imp-${i},${building},1,${i % 30 + 1},${30000 + i},户主${i},2,,否,否,`);
    const auth = { Authorization: `Bearer ${adminToken}` };
    const job = `fleet-${Date.now()}`;
    let done = false;
    const imported = fetch(`${server.url}/api/v1/console/import?kind=households&mode=apply&job=${job}`,
      { method: 'POST', headers: auth, body: rows.join('\n') + '\n', signal: AbortSignal.timeout(120000) })
      .then(async (r) => ({ status: r.status, body: await r.json() }))
      .finally(() => { done = true; });
    const polls = [];
    while (!done) {
      const r = await fetch(`${server.url}/api/v1/console/import/progress?job=${job}`, { headers: auth });
      const body = await r.json();
      if (!done) polls.push({ status: r.status, reason: body.reason, rows_done: body.rows_done });
      await sleep(100);
    }
    const result = await imported;
    expect(result.status).toBe(200);
    expect(result.body.changed).toBe(3000);
    const first = polls.findIndex((p) => p.status === 200);
    expect({ first, polls: first < 0 ? polls : [] }).toEqual({ first: expect.any(Number), polls: [] });
    expect(first).toBeGreaterThanOrEqual(0);
    // After the first answer, every poll made while the import ran found it
    // (the last one may have crossed the import's end).
    expect(polls.slice(first, -1).filter((p) => p.status !== 200)).toEqual([]);
    console.log(JSON.stringify({ suite: 'fleet.import_progress', polls: polls.length,
      answered: polls.filter((p) => p.status === 200).length,
      last_rows_done: Math.max(...polls.map((p) => p.rows_done || 0)) }));
  });
});
