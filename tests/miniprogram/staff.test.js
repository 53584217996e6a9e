/**
 * @jest-environment jsdom
 */
// The grid head's and the department's pages (the "staff" sub-package) and
// the item page's actions for them, driven with miniprogram-simulate on the
// assembled package against the wx stand-in, offline, on the real wasm core
// (as pages.test.js): the dashboard shows the core's figures, a grid head
// assigns and verifies, a department acknowledges an escalation, and a grid
// head marks a report a duplicate and unmarks it, its resident following
// the original.
import { jest } from '@jest/globals';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';
import { launchApp, tap, change, input, text, all, find } from './support/app.js';
import { seedDevice, writeSession } from './support/device.js';
import { cmd, kSetupAt } from '../wasm/support/world.js';

jest.setTimeout(120000);

const kDay = 24 * 3600 * 1000;
const evidence = (n) => 'e'.repeat(48) + n.toString(16).padStart(16, '0');

// A department member, a second resident (h4, in mg2), an open item, a fixed
// one (by worker1), one escalated to the property company, and two reports
// of the same rubbish from the two residents.
async function staffWorld(rt, more) {
  const now = Date.now();
  let n = 0;
  const run = (type, actor, at, payload) => rt.dispatch(cmd(`staff-${++n}`, type, actor, at, payload));
  await run('person.upsert', 'admin', kSetupAt, { id: 'deptp', name: 'Person deptp' });
  await run('role.grant', 'admin', kSetupAt, { person_id: 'deptp', role: 'department', scope_id: 'dept_prop' });
  await run('person.upsert', 'admin', kSetupAt, { id: 'resident4', name: 'Person resident4' });
  await run('role.grant', 'admin', kSetupAt, { person_id: 'resident4', role: 'resident', scope_id: 'h4' });
  await run('item.open', 'worker1', now - 3 * kDay, { item_id: 'it-open', building_id: 'b1',
    category: 'fire_safety', title: '楼道堆放杂物' });
  await run('item.open', 'worker1', now - 3 * kDay, { item_id: 'it-fix', building_id: 'b1',
    category: 'sanitation', title: '卫生死角' });
  await run('item.mark_fixed', 'worker1', now - 2 * kDay, { item_id: 'it-fix', evidence: [evidence(1)] });
  await run('item.open', 'worker2', now - 3 * kDay, { item_id: 'it-esc', building_id: 'b3',
    category: 'public_facility', title: '路灯损坏' });
  await run('item.escalate', 'head1', now - 2 * kDay, { item_id: 'it-esc', department_id: 'dept_prop',
    deadline: now + kDay, reason: '需物业维修' });
  await run('report.submit', 'resident1', now - 4 * kDay, { report_id: 'rA', category: 'sanitation',
    description: '大门口垃圾堆积', place: { building_id: 'b1' } });
  await run('report.submit', 'resident4', now - 3 * kDay, { report_id: 'rB', category: 'sanitation',
    description: '大门口有垃圾', place: { building_id: 'b3' } });
  if (more) await more(run, now);
}

async function launchAs(person, role, scope, more) {
  return launchApp({ beforeLaunch: async (client) => {
    client.setOnline(false);
    await seedDevice(client, (rt) => staffWorld(rt, more));
    writeSession(client, person, role, scope);
  } });
}

const ids = (page, sel, pred) => find(page, sel, pred).map((n) => n.dom.dataset.id);
const buttons = (page) => all(page, '.action').map((b) => b.dom.dataset.action);

test('the grid head signs in to their dashboard: the core\'s figures and the queue', async () => {
  const app = await launchAs('head1', 'grid_head', 'g1');
  expect(app.shell.homeUrl()).toBe('/staff/head/index');
  const page = await app.open('staff/head/index');
  const r = await app.shell.query('stats.rollup', { region_id: 'g1', cycle: currentCycle(), now: Date.now() });
  const pct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`);
  const fig = (k) => find(page, '.figure', (d) => d.figure === k)[0].dom.dataset.value;
  expect(fig('coverage')).toBe(pct(r.coverage));
  expect(fig('closure')).toBe(pct(r.closure_rate));
  expect(fig('overdue')).toBe(String(r.overdue));
  expect(fig('satisfaction')).toBe(pct(r.satisfaction && r.satisfaction.rate));
  expect(all(page, '.microgrid').map((m) => m.dom.dataset.microgrid)).toEqual(['mg1', 'mg2']);
  // The queue: open items to assign, fixed ones to verify, the escalation.
  expect([...new Set(ids(page, '.item', (d) => d.state === 'open'))].sort())
    .toEqual(['it-esc', 'it-open', 'rA.item', 'rB.item']);
  expect(ids(page, '.item', (d) => d.state === 'fixed')).toEqual(['it-fix']);
  expect(ids(page, '.item', (d) => d.id === 'it-esc')).toHaveLength(2);  // to assign, and escalated
  await tap(find(page, '.item', (d) => d.id === 'it-fix')[0]);
  expect(app.client.callsOf('navigateTo').pop().url).toBe('/pages/item/index?id=it-fix');
  await app.close();
});

test('a grid head assigns an item and verifies a fix (销号)', async () => {
  const app = await launchAs('head1', 'grid_head', 'g1');
  const item = await app.open('pages/item/index', { id: 'it-open' });
  expect(buttons(item)).toEqual(['item.assign', 'item.mark_fixed', 'item.escalate', 'item.comment']);
  const owners = item.instance.data.owners;
  await change(item.querySelector('.owner'), String(owners.findIndex((o) => o.id === 'dept_prop')));
  await tap(item.querySelector('.assign'));
  expect(text(item, '.error')).toBe('');
  expect(item.querySelector('.state').dom.dataset.state).toBe('assigned');
  const assigned = await app.shell.query('item.detail', { item_id: 'it-open' });
  expect(assigned.owner_dept).toBe('dept_prop');

  const fixed = await app.open('pages/item/index', { id: 'it-fix' });
  expect(buttons(fixed)).toEqual(['item.verify', 'item.reject_fix', 'item.comment']);
  await tap(fixed.querySelector('.verify'));  // no evidence: the core refuses
  expect(fixed.querySelector('.reason').dom.dataset.reason).not.toBe('');
  app.client.queueImage(Buffer.alloc(20000, 1), { width: 800, height: 600 });
  await tap(fixed.querySelector('.evidence').querySelector('.add'));
  await tap(fixed.querySelector('.verify'));
  expect(text(fixed, '.error')).toBe('');
  expect(fixed.querySelector('.state').dom.dataset.state).toBe('closed');
  expect(buttons(fixed)).toEqual(['item.reopen', 'item.comment']);
  await app.close();
});

test('a grid head escalates an item to a department (吹哨): department and reason from the form', async () => {
  const app = await launchAs('head1', 'grid_head', 'g1');
  const item = await app.open('pages/item/index', { id: 'it-open' });
  expect(buttons(item)).toContain('item.escalate');
  const depts = item.instance.data.departments;
  await change(item.querySelector('.department'), String(depts.findIndex((d) => d.id === 'dept_prop')));
  await tap(item.querySelector('.escalate'));  // no reason: the core refuses, nothing changes
  expect(item.querySelector('.reason').dom.dataset.reason).toMatch(/^argument\./);
  expect((await app.shell.query('item.detail', { item_id: 'it-open' })).escalated_to).toBeNull();
  await input(item.querySelector('.note'), '消防通道堵塞，需物业清理');
  const at = Date.now();
  await tap(item.querySelector('.escalate'));
  expect(text(item, '.error')).toBe('');
  const it = await app.shell.query('item.detail', { item_id: 'it-open', now: Date.now() });
  expect(it.escalated_to).toBe('dept_prop');
  expect(it.escalation.department_id).toBe('dept_prop');
  expect(it.escalation.by).toBe('head1');
  expect(it.escalation.reason).toBe('消防通道堵塞，需物业清理');
  expect(it.escalation.acknowledged_at).toBeNull();
  expect(it.escalation.deadline).toBeGreaterThan(at);
  expect(it.overdue).toBe(false);
  expect(it.events.map((e) => e.type)).toContain('item.escalated');
  // The page shows what the core now says: who blew the whistle, by when.
  expect(item.querySelector('.state').dom.dataset.state).toBe(it.state);
  expect(text(item, '.escalation')).toContain('Person head1');
  await app.close();
});

test('a department sees its escalation first and acknowledges it (部门报到)', async () => {
  const app = await launchAs('deptp', 'department', 'dept_prop');
  expect(app.shell.homeUrl()).toBe('/staff/dept/index');
  const page = await app.open('staff/dept/index');
  expect(ids(page, '.item')).toEqual(['it-esc']);
  const item = await app.open('pages/item/index', { id: 'it-esc' });
  expect(buttons(item)).toContain('item.acknowledge');
  await input(item.querySelector('.note'), '已安排电工');
  await tap(item.querySelector('.acknowledge'));
  expect(text(item, '.error')).toBe('');
  expect(buttons(item)).not.toContain('item.acknowledge');
  expect(all(item, '.event').map((e) => e.dom.dataset.type)).toContain('部门已报到');
  const after = await app.open('staff/dept/index');
  expect(ids(after, '.item')).toEqual(['it-esc']);  // now among the department's items
  expect(after.instance.data.toAck).toEqual([]);
  await app.close();
});

test('a grid head marks a report a duplicate (reason required) and unmarks it', async () => {
  const app = await launchAs('head1', 'grid_head', 'g1');
  const item = await app.open('pages/item/index', { id: 'rB.item' });
  expect(buttons(item)).toContain('report.mark_duplicate');
  expect(item.instance.data.candidates.map((c) => c.id)).toEqual(['rA']);
  await change(item.querySelector('.original'), '0');
  await tap(item.querySelector('.mark-duplicate'));  // no reason: the core refuses
  expect(text(item, '.error')).not.toBe('');
  expect(item.querySelector('.reason').dom.dataset.reason).toMatch(/^argument\./);
  await input(item.querySelector('.note'), '同一处垃圾');
  await tap(item.querySelector('.mark-duplicate'));
  expect(text(item, '.error')).toBe('');
  // The original by its title, never its id.
  const { title } = await app.shell.query('item.detail', { item_id: 'rA.item' });
  expect(title).toBeTruthy();
  expect(text(item, '.duplicate-of')).toBe(`与报告“${title}”重复，随原报告处理`);
  // Parked: nothing but a comment, and the unmarking.
  expect(buttons(item)).toEqual(['item.comment', 'report.unmark_duplicate']);
  const original = await app.open('pages/item/index', { id: 'rA.item' });
  expect(text(original, '.duplicates')).toBe('1 份报告与本报告重复');
  expect(buttons(original)).not.toContain('report.mark_duplicate');

  const again = await app.open('pages/item/index', { id: 'rB.item' });
  await input(again.querySelector('.note'), '不是同一处');
  await tap(again.querySelector('.unmark-duplicate'));
  expect(text(again, '.error')).toBe('');
  expect(all(again, '.duplicate-of')).toHaveLength(0);
  expect(buttons(again)).toContain('item.assign');
  expect(buttons(again)).toContain('report.mark_duplicate');
  expect(all(again, '.event').map((e) => e.dom.dataset.type))
    .toEqual(expect.arrayContaining(['标记为重复报告（暂停单独处理）', '取消重复标记（恢复处理）']));
  await app.close();
});

test('the duplicate\'s resident follows the original and evaluates once it is closed', async () => {
  const app = await launchAs('resident4', 'resident', 'h4', async (run, now) => {
    await run('report.mark_duplicate', 'head1', now - 2 * kDay,
      { report_id: 'rB', original_id: 'rA', reason: '同一处垃圾' });
    await run('item.mark_fixed', 'worker1', now - kDay, { item_id: 'rA.item', evidence: [evidence(2)] });
    await run('item.verify', 'head1', now - kDay / 2, { item_id: 'rA.item', evidence: [evidence(3)] });
  });
  const page = await app.open('pages/resident/index');
  const report = all(page, '.report').find((r) => r.dom.dataset.id === 'rB');
  expect(report.dom.dataset.state).toBe('closed');
  expect(find(page, '.duplicate', (d) => d.report === 'rB').map((n) => n.dom.textContent.trim()))
    .toEqual(['与另一份报告重复：显示原报告的处理进度']);  // the resident's phone has no row of it
  const ofB = (d) => d.id === 'rB' || d.report === 'rB';
  expect(find(page, '.event', ofB).map((e) => e.dom.textContent))
    .toEqual(expect.arrayContaining([expect.stringContaining('原报告已销号')]));
  await change(find(page, '.rating', ofB)[0], '5');
  await tap(find(page, '.submit-evaluation', ofB)[0]);
  expect(text(page, '.error')).toBe('');
  expect(find(page, '.evaluate', ofB)).toHaveLength(0);
  await app.close();
});

// The map page (staff/map, issue 12): the core's map.buildings as the list
// and the platform map's markers, in the core's bands, with its GCJ-02
// positions; a tap opens the building's households and items.
test.each([
  ['worker1', 'worker', 'mg1', 'pages/worker/index'],
  ['head1', 'grid_head', 'g1', 'staff/head/index'],
])('%s sees the map of their scope in the core\'s colour bands', async (person, role, scope, home) => {
  const app = await launchAs(person, role, scope, async (run) => {
    await run('building.locate', 'admin', kSetupAt, { building_id: 'b1', lat: 39.905, lng: 116.656 });
    await run('building.locate', 'admin', kSetupAt, { building_id: 'b3', lat: 39.906, lng: 116.657 });
    await run('visit.record', 'worker1', kSetupAt, { visit_id: 'mv1', household_id: 'h3', cycle: currentCycle(),
      outcome: 'met' });
  });
  const homePage = await app.open(home);
  await tap(homePage.querySelector('.map'));
  expect(app.client.callsOf('navigateTo').pop().url).toBe('/staff/map/index');
  const page = await app.open('staff/map/index');
  const want = await app.shell.query('map.buildings', { region_id: scope, cycle: currentCycle(), now: Date.now() });
  const rows = all(page, '.building').map((n) => ({ id: n.dom.dataset.id, band: n.dom.dataset.band,
    colour: n.dom.dataset.colour, position: n.dom.dataset.position }));
  expect(rows.map((r) => [r.id, r.band])).toEqual(want.buildings.map((b) => [b.building_id, b.band]));
  expect(new Set(rows.map((r) => r.band)).size).toBeGreaterThan(1);  // the world's items and visits differ
  for (const r of rows) {
    const b = want.buildings.find((x) => x.building_id === r.id);
    expect(r.position).toBe(b.gcj02 ? `${b.gcj02.lat.toFixed(5)}, ${b.gcj02.lng.toFixed(5)}` : '未定位');
  }
  const colours = {};
  for (const r of rows) colours[r.band] = r.colour;
  expect(new Set(Object.values(colours)).size).toBe(Object.keys(colours).length);  // one colour per band
  const markers = page.instance.data.markers;
  expect(markers.map((m) => [m.latitude, m.longitude])).toEqual(
    want.buildings.filter((b) => b.gcj02).map((b) => [b.gcj02.lat, b.gcj02.lng]));
  expect(markers.map((m) => m.label.bgColor)).toEqual(
    want.buildings.filter((b) => b.gcj02).map((b) => colours[b.band]));
  // Tap b1: its households and items (the world's items at b1 for this scope).
  await tap(find(page, '.building', (d) => d.id === 'b1')[0]);
  expect(page.querySelector('.picked').dom.dataset.id).toBe('b1');
  expect(all(page, '.household').map((n) => n.dom.dataset.id).sort()).toEqual(['h1', 'h2']);
  const items = await app.shell.query('items.checklist', { building_id: 'b1', now: Date.now() });
  expect(ids(page, '.item')).toEqual(items.items.map((i) => i.id));
  expect(items.items.length).toBeGreaterThan(0);
  await app.close();
});
