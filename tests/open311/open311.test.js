// Open311 GeoReport v2 through the real weige-server on 127.0.0.1, driven by
// a client written from the spec (client.js): every endpoint in both
// formats, the spec's errors (403 bad api_key, 400/404 unknown
// service_code, a location outside every micro-grid, a missing required
// attribute, 90-day windows), a partner's report followed to 销号 through
// servicerequestupdates, the administrators' keys (shown once, listed
// without secrets, revoked, rate-limited, scoped to a region), and that no
// resident's phone, name or household id appears in any answer.
//
// WEIGE_OPEN311_PG_URL=postgresql://...: the same on PostgreSQL (a fresh schema).
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Open311Client, kW3cDateTime } from './client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.WEIGE_SERVER || path.join(root, 'build/native/server/weige-server');
const kDay = 86400000;
const formats = ['json', 'xml'];

let server;
let base;
let admin;  // the administrator's bearer token
let logins;
let client;  // the partner's, with a key over street s1
let tmp;
let pgSchema;

function start(db) {
  const child = spawn(bin, ['--db', db, '--listen', '127.0.0.1:0', '--demo'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`weige-server exited ${code}: ${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      const people = {};
      for (const l of out.matchAll(/^\s+(\w+)\s+(\S+)\s+(demo-\S+)\s+(\S+)\s+\((\S+)\)/gm)) {
        people[l[1]] ||= { id: l[2], pw: l[3], name: l[4], scope: l[5] };
      }
      resolve({ child, url: m[1], people });
    });
  });
}

async function api(method, p, body, token = admin) {
  const res = await fetch(`${base}${p}`, { method, body: body ? JSON.stringify(body) : undefined,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  return { status: res.status, json: await res.json() };
}

async function login(who) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST',
    body: JSON.stringify({ person_id: who.id, password: who.pw }) });
  return (await r.json()).token;
}

async function push(token, type, payload) {
  const r = await api('POST', '/api/v1/sync/push',
    { commands: [{ id: crypto.randomUUID(), type, at: Date.now(), payload }] }, token);
  expect(r.status).toBe(200);
  return r.json.results[0];
}

async function newKey(body) {
  const r = await api('POST', '/api/v1/admin/open311/keys', body);
  expect(r.status).toBe(201);
  return r.json;
}

// Buildings with their coordinates and micro-grids, from the admin's pull.
async function buildings() {
  const out = [];
  let cursor = 0;
  for (let page = 0; page < 200 && out.length < 2000; ++page) {
    const r = await fetch(`${base}/api/v1/sync/pull?limit=2000&cursor=${cursor}`,
      { headers: { Authorization: `Bearer ${admin}` } });
    const j = await r.json();
    for (const c of j.changes) {
      if (c.table === 'buildings' && c.row && c.row.lat != null) out.push(c.row);
    }
    cursor = j.next_cursor;
    if (!j.has_more) break;
  }
  return out;
}

// An error answer in the spec's shape: a list of {code, description}.
function expectError(r, status, pattern) {
  expect(r.status).toBe(status);
  expect(Array.isArray(r.value)).toBe(true);
  expect(r.value.length).toBeGreaterThan(0);
  expect(String(r.value[0].code)).toBe(String(status));
  if (pattern) expect(r.value[0].description).toMatch(pattern);
}

let mg1;  // a building of micro-grid s1c1g1m1 (the grid head's grid)
let s2b;  // a building outside the key's region
const resident = { phone: '13912345678' };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-open311-'));
  let db = path.join(tmp, 'server.db');
  const pg = process.env.WEIGE_OPEN311_PG_URL;
  if (pg) {
    const schema = `o311_${process.pid}_${Date.now().toString(36)}`;
    execFileSync('psql', [pg, '-qc', `CREATE SCHEMA ${schema}`]);
    pgSchema = schema;
    db = `${pg}${pg.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  }
  server = await start(db);
  base = server.url;
  logins = server.people;
  admin = await login(logins.admin);
  const key = await newKey({ partner_id: 'partner-hotline', partner_name: '12345 热线',
    region_id: 's1', label: 'city hotline', rate_per_minute: 1000 });
  client = new Open311Client(`${base}/open311/v2`, key.api_key);
  const all = await buildings();
  mg1 = all.find((b) => b.microgrid_id === 's1c1g1m1');
  s2b = all.find((b) => b.microgrid_id.startsWith('s2'));
  expect(mg1).toBeDefined();
  expect(s2b).toBeDefined();
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    await new Promise((r) => { server.child.once('exit', r); server.child.kill('SIGTERM'); });
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  if (pgSchema) execFileSync('psql', [process.env.WEIGE_OPEN311_PG_URL, '-qc', `DROP SCHEMA ${pgSchema} CASCADE`]);
});

test.each(formats)('discovery (%s) names the GeoReport v2 endpoint and its formats', async (f) => {
  const r = await client.discovery(f);
  expect(r.status).toBe(200);
  expect(r.type).toMatch(f === 'json' ? /application\/json/ : /text\/xml/);
  if (f === 'xml') expect(r.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const ep = r.value.endpoints[0];
  expect(ep.specification).toBe('http://wiki.open311.org/GeoReport_v2');
  expect(ep.formats).toEqual(expect.arrayContaining(['text/xml', 'application/json']));
  expect(ep.url).toMatch(/\/open311\/v2$/);
});

test('services: one per category, the same in both formats, metadata where a form asks', async () => {
  const [j, x] = [await client.services('json'), await client.services('xml')];
  expect(j.status).toBe(200);
  expect(x.status).toBe(200);
  expect(j.value.length).toBeGreaterThan(5);
  expect(x.value.map((s) => s.service_code)).toEqual(j.value.map((s) => s.service_code));
  for (const s of j.value) {
    for (const k of ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']) {
      expect(s).toHaveProperty(k);
    }
    expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
  }
  const fire = j.value.find((s) => s.service_code === 'fire_safety');
  expect(fire.metadata).toBe(true);
  expect(j.value.find((s) => s.service_code === 'other').metadata).toBe(false);
  expect(x.value.find((s) => s.service_code === 'fire_safety').metadata).toBe('true');
});

test.each(formats)('services/{code} (%s): the definition from the form; unknown code 404', async (f) => {
  const r = await client.serviceDefinition('fire_safety', f);
  expect(r.status).toBe(200);
  expect(r.value.service_code).toBe('fire_safety');
  const hazard = r.value.attributes.find((a) => a.code === 'hazard');
  expect(String(hazard.required)).toBe('true');
  expect(String(hazard.variable)).toBe('true');
  expect(hazard.datatype).toBe('singlevaluelist');
  expect(hazard.values.length).toBeGreaterThan(1);
  for (const v of hazard.values) expect(v.key).toBeTruthy();
  const water = await client.serviceDefinition('water_leak', f);
  expect(water.value.attributes.find((a) => a.code === 'floor').datatype).toBe('number');
  expectError(await client.serviceDefinition('no_such_service', f), 404, /not found/);
});

// The partner's request ids, made below.
const made = {};

test.each(formats)('POST requests (%s) refuses bad input with the spec errors and writes nothing', async (f) => {
  const before = (await client.requests('json')).value.length;
  const good = { service_code: 'fire_safety', lat: mg1.lat, long: mg1.lng, description: '楼道飞线充电',
    attributes: { hazard: '电动车飞线充电' } };
  const noKey = new Open311Client(client.endpoint, undefined);
  expectError(await noKey.postRequest(f, good), 403, /api_key/);
  const badKey = new Open311Client(client.endpoint, 'f'.repeat(64));
  expectError(await badKey.postRequest(f, good), 403, /api_key/);
  expectError(await new Open311Client(client.endpoint, 'nonsense').postRequest(f, good), 403);
  expectError(await client.postRequest(f, { ...good, service_code: 'potholes' }), 400, /service_code/);
  expectError(await client.postRequest(f, { ...good, service_code: undefined }), 400, /service_code/);
  expectError(await client.postRequest(f, { ...good, lat: 10.5, long: 10.5 }), 400, /micro-grid/);
  expectError(await client.postRequest(f, { ...good, attributes: {} }), 400, /hazard/);
  expectError(await client.postRequest(f, { ...good, attributes: { hazard: 'not an option' } }), 400);
  expectError(await client.postRequest(f, { ...good, attributes: { hazard: '楼道堆物', colour: 'red' } }), 400, /colour/);
  expectError(await client.postRequest(f, { ...good, lat: 'north', long: mg1.lng }), 400, /lat/);
  expectError(await client.postRequest(f, { ...good, lat: undefined, long: undefined }), 400, /location/);
  expectError(await client.postRequest(f, { ...good, lat: s2b.lat, long: s2b.lng }), 403);
  expectError(await client.postRequest(f, { ...good, lat: undefined, long: undefined,
    address_string: '没有这个地址' }), 400, /address/);
  expectError(await client.postRequest(f, { ...good, description: 'x'.repeat(20000) }), 413);
  const r = await client.call('POST', 'requests', f, {}, { form: '{"json":true}',
    headers: { 'Content-Type': 'application/json' } });
  expectError(r, 400, /form-urlencoded/);
  expect((await client.requests('json')).value.length).toBe(before);
});

test.each(formats)('POST requests (%s) answers service_request_id and token', async (f) => {
  const r = await client.postRequest(f, { service_code: 'fire_safety', lat: mg1.lat + 0.0001,
    long: mg1.lng, description: `电动车在楼道充电 (${f})`, attributes: { hazard: '电动车飞线充电' },
    first_name: '张', last_name: '三', phone: '13800000000', email: 'z@example.com' });
  expect(r.status).toBe(200);
  expect(r.value).toHaveLength(1);
  expect(r.value[0].service_request_id).toMatch(/\S/);
  expect(r.value[0].token).toMatch(/\S/);
  made[f] = r.value[0];
  const byId = await client.postRequest(f, { service_code: 'noise', address_id: mg1.id,
    description: '夜间施工', attributes: { time_of_day: '夜间' } });
  expect(byId.status).toBe(200);
  made[`${f}-address`] = byId.value[0];
  // address_string as a hotline operator types it: spaced, full-width digits.
  const typed = mg1.address.replace(/(区|街道)/g, '$1 ').replace(/\d/g, (d) => String.fromCharCode(0xFF10 + Number(d)));
  const byText = await client.postRequest(f, { service_code: 'noise', address_string: typed,
    description: '楼下商铺音响太吵', attributes: { time_of_day: '夜间' } });
  expect(byText.status).toBe(200);
  const q = await client.request(byText.value[0].service_request_id, f);
  expect(q.value[0].address_id).toBe(mg1.id);
});

test.each(formats)('requests/{id} and tokens/{token} (%s)', async (f) => {
  const { service_request_id: id, token } = made.json;
  const r = await client.request(id, f);
  expect(r.status).toBe(200);
  expect(r.value).toHaveLength(1);
  const q = r.value[0];
  expect(q.service_request_id).toBe(id);
  expect(q.status).toBe('open');
  expect(q.service_code).toBe('fire_safety');
  expect(q.address_id).toBe(mg1.id);
  expect(Number(q.lat)).toBeCloseTo(mg1.lat, 5);
  expect(Number(q.long)).toBeCloseTo(mg1.lng, 5);
  expect(q.requested_datetime).toMatch(kW3cDateTime);
  expect(q.updated_datetime).toMatch(kW3cDateTime);
  expect(Math.abs(Date.parse(q.requested_datetime) - Date.now())).toBeLessThan(10 * 60000);
  const t = await client.token(token, f);
  expect(t.status).toBe(200);
  expect(t.value[0].service_request_id).toBe(id);
  expect(t.value[0].token).toBe(token);
  expectError(await client.request('no-such-request', f), 404);
  expectError(await client.token('no-such-token', f), 404);
  // The spec's reads take no api_key: the same answer without one.
  const keyless = new Open311Client(client.endpoint, undefined);
  expect((await keyless.request(id, f)).value).toEqual(r.value);
  expect((await keyless.token(token, f)).value).toEqual(t.value);
  expectError(await new Open311Client(client.endpoint, '').request(id, f), 403, /api_key/);
});

test.each(formats)('GET requests (%s): ids, service_code, status and the 90-day window', async (f) => {
  const ids = [made.json.service_request_id, made.xml.service_request_id];
  const both = await client.requests(f, { service_request_id: ids.join(',') });
  expect(both.status).toBe(200);
  expect(both.value.map((q) => q.service_request_id).sort()).toEqual([...ids].sort());
  const recent = await client.requests(f);
  expect(recent.status).toBe(200);
  expect(recent.value.map((q) => q.service_request_id)).toEqual(expect.arrayContaining(ids));
  for (const q of recent.value) {
    expect(Date.now() - Date.parse(q.requested_datetime)).toBeLessThanOrEqual(90 * kDay + 60000);
  }
  const noise = await client.requests(f, { service_code: 'noise' });
  expect(noise.value.length).toBeGreaterThan(0);
  expect(noise.value.every((q) => q.service_code === 'noise')).toBe(true);
  const closed = await client.requests(f, { status: 'closed' });
  expect(closed.value.every((q) => q.status === 'closed')).toBe(true);
  const open = await client.requests(f, { status: 'open' });
  expect(open.value.every((q) => q.status === 'open')).toBe(true);
  expect(open.value.map((q) => q.service_request_id)).toEqual(expect.arrayContaining(ids));
  const iso = (ms) => new Date(ms).toISOString();
  const now = Date.now();
  const inWindow = await client.requests(f, { start_date: iso(now - 89 * kDay), end_date: iso(now + 60000) });
  expect(inWindow.status).toBe(200);
  expectError(await client.requests(f, { start_date: iso(now - 91 * kDay), end_date: iso(now) }), 400, /90 days/);
  expectError(await client.requests(f, { start_date: '2025-01-01T00:00:00Z', end_date: '2025-06-01T00:00:00Z' }), 400, /90 days/);
  expectError(await client.requests(f, { start_date: iso(now), end_date: iso(now - kDay) }), 400, /before/);
  expectError(await client.requests(f, { start_date: 'yesterday' }), 400, /start_date/);
  expectError(await client.requests(f, { end_date: '2026-02-30T00:00:00Z' }), 400, /end_date/);
  expectError(await client.requests(f, { service_code: 'potholes' }), 404, /service_code/);
  expectError(await client.requests(f, { status: 'pending' }), 400, /status/);
  const old = await client.requests(f, { start_date: iso(now - 400 * kDay), end_date: iso(now - 320 * kDay) });
  expect(old.status).toBe(200);
  expect(old.value.map((q) => q.service_request_id)).not.toEqual(expect.arrayContaining([ids[0]]));
});

test('a partner follows its report to 销号 through servicerequestupdates', async () => {
  const id = made['json-address'].service_request_id;
  const item = `${id}.item`;
  const head = await login(logins.grid_head);
  const sha = (s) => crypto.createHash('sha256').update(s).digest('hex');
  const since = new Date(Date.now() - 1000).toISOString();
  expect((await push(admin, 'item.assign', { item_id: item, owner_person: logins.grid_head.id,
    deadline: Date.now() + 7 * kDay })).status).toBe('accepted');
  expect((await push(admin, 'item.mark_fixed', { item_id: item, evidence: [sha('fixed')] })).status).toBe('accepted');
  expect((await push(head, 'item.verify', { item_id: item, evidence: [sha('verified')] })).status).toBe('accepted');
  for (const f of formats) {
    const r = await client.request(id, f);
    expect(r.value[0].status).toBe('closed');
    expect(r.value[0].expected_datetime).toMatch(kW3cDateTime);
  }
  expect((await push(admin, 'item.reopen', { item_id: item, reason: '居民反映仍有噪音' })).status).toBe('accepted');
  for (const f of formats) {
    const u = await client.updates(f, { start_date: since });
    expect(u.status).toBe(200);
    const mine = u.value.filter((x) => x.service_request_id === id);
    expect(mine.map((x) => x.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'FIXED', 'OPEN']);
    expect(mine.map((x) => x.weige_state)).toEqual(['assigned', 'fixed', 'closed', 'assigned']);
    const seq = mine.map((x) => Number(x.update_id));
    expect([...seq].sort((a, b) => a - b)).toEqual(seq);
    for (const x of mine) {
      expect(x.updated_datetime).toMatch(kW3cDateTime);
      expect(x.description).toBeTruthy();
    }
    expect((await client.request(id, f)).value[0].status).toBe('open');
    expectError(await client.updates(f, { start_date: '2026-01-01', end_date: '2026-12-31' }), 400, /90 days/);
  }
  // The event trail records the partner as the report's source.
  const ev = await api('POST', '/api/v1/query', { name: 'console.events',
    params: { entity: 'report', entity_id: id, limit: 10 } });
  expect(ev.status).toBe(200);
  expect(JSON.stringify(ev.json.value.events)).toMatch(/partner-hotline/);
});

test('no resident phone, name or household id in any Open311 answer', async () => {
  const r = logins.resident;
  const token = await login(r);
  const a = await push(token, 'report.submit', { report_id: `priv-${Date.now()}`, category: 'sanitation',
    description: `垃圾堆在楼下，请联系我 ${resident.phone}，${r.name}`, phone: resident.phone,
    contact_ok: true, place: { building_id: mg1.id, unit: '1', room: '101' } });
  expect(a.status).toBe('accepted');
  const id = a.value.report_id;
  for (const f of formats) {
    const one = await client.request(id, f);
    expect(one.status).toBe(200);
    expect(one.value[0].description).toMatch(/垃圾堆在楼下/);
    await client.requests(f);
    await client.requests(f, { service_request_id: id });
    await client.updates(f);
  }
  expect(client.bodies.length).toBeGreaterThan(30);
  const privateWords = [resident.phone, r.name, r.scope, r.id, '13800000000',
    'z@example.com'];
  const privateKeys = /"(phone|resident_id|household_id|first_name|last_name|email|head_name)"|<(phone|resident_id|household_id|first_name|last_name|email|head_name)>/;
  for (const body of client.bodies) {
    for (const w of privateWords) expect(body.includes(w)).toBe(false);
    expect(body).not.toMatch(privateKeys);
    expect(body).not.toMatch(/(?<![0-9a-f])1[3-9]\d{9}(?![0-9a-f])/);  // a mobile number
  }
});

test('keys: shown once, listed without secrets, scoped, rate-limited, revocable', async () => {
  const k = await newKey({ partner_id: 'partner-app', partner_name: '伙伴应用', region_id: 's1c1g1',
    rate_per_minute: 3 });
  expect(k.api_key).toMatch(/^[0-9a-f]{64}$/);
  const list = await api('GET', '/api/v1/admin/open311/keys');
  expect(list.status).toBe(200);
  const listed = list.json.keys.find((x) => x.key_id === k.key_id);
  expect(listed.region_id).toBe('s1c1g1');
  expect(JSON.stringify(list.json)).not.toContain(k.api_key);
  expect(JSON.stringify(list.json)).not.toContain(crypto.createHash('sha256').update(k.api_key).digest('hex'));
  const c = new Open311Client(client.endpoint, k.api_key);
  // Its region is the grid s1c1g1: the hotline's request from elsewhere in s1 is not its own.
  for (let i = 0; i < 3; ++i) expect((await c.requests('json')).status).toBe(200);
  const limited = await c.requests('xml');
  expectError(limited, 429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  // Only an administrator manages keys.
  const worker = await login(logins.worker);
  expect((await api('GET', '/api/v1/admin/open311/keys', undefined, worker)).json.keys ?? []).toEqual([]);
  expect((await api('POST', '/api/v1/admin/open311/keys', { partner_id: 'p-x', partner_name: 'x',
    region_id: 's1' }, worker)).status).toBe(403);
  const rv = await api('POST', '/api/v1/admin/open311/revoke', { key_id: k.key_id });
  expect(rv.json.revoked).toBe(true);
  for (const f of formats) expectError(await c.requests(f), 403, /api_key/);
});

test('hostile paths: no format, unknown resource, wrong method', async () => {
  const r = await fetch(`${client.endpoint}/services`);
  expect(r.status).toBe(404);
  expectError(await client.call('GET', 'nothing', 'xml'), 404);
  expect((await fetch(`${client.endpoint}/services.json`, { method: 'DELETE' })).status).toBe(404);
});

test('reads without an api_key: every region, public fields only, limited per address; POST still needs a key', async () => {
  const keyless = new Open311Client(client.endpoint, undefined);
  const ids = [made.json.service_request_id, made.xml.service_request_id];
  for (const f of formats) {
    const r = await keyless.requests(f, { service_request_id: ids.join(',') });
    expect(r.status).toBe(200);
    expect(r.value.map((q) => q.service_request_id).sort()).toEqual([...ids].sort());
    const u = await keyless.updates(f);
    expect(u.status).toBe(200);
  }
  for (const body of keyless.bodies) expect(body).not.toMatch(/"phone"|<phone>|household_id/);
  expectError(await keyless.postRequest('json', { service_code: 'noise', address_id: mg1.id,
    attributes: { time_of_day: '夜间' } }), 403, /api_key/);
  // 60 a minute per address (the server's default): the 61st in a minute is refused.
  let refused;
  for (let i = 0; i < 62 && refused === undefined; ++i) {
    const r = await keyless.requests(i % 2 ? 'xml' : 'json');
    if (r.status !== 200) refused = r;
  }
  expect(refused).toBeDefined();
  expectError(refused, 429, /api_key/);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  // A partner's key has its own count.
  expect((await client.requests('json')).status).toBe(200);
});
