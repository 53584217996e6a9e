/**
 * @jest-environment jsdom
 */
// The mini-program's pages, rendered and driven with miniprogram-simulate
// on the assembled package (build/miniprogram), against a wx STAND-IN
// (support/wx_client.js) - not the WeChat client. The data is on the
// "phone" before the app starts (support/device.js) and the phone is
// offline: no server is involved. Business rules are the core's: the pages
// are checked to pass on what the core answers, including its refusals.
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';
import { jest } from '@jest/globals';
import { launchApp, tap, change, input, text, barText, all, find } from './support/app.js';
import { seedDevice, writeSession } from './support/device.js';
import { cmd, kSetupAt } from '../wasm/support/world.js';
import { kRaw } from '../support/raw-text.js';

jest.setTimeout(120000);

const kDay = 24 * 3600 * 1000;
const evidence = (n) => 'e'.repeat(48) + n.toString(16).padStart(16, '0');

// Device state shared by the suites: an item in b1 fixed by worker1 (the
// captain may verify it), and a report by resident1 whose item is closed.
async function history(rt) {
  const now = Date.now();
  await rt.dispatch(cmd('seed-1', 'item.open', 'worker1', now - 3 * kDay, {
    item_id: 'it-fixed', building_id: 'b1', category: 'fire_safety', title: '楼道堆放杂物' }));
  await rt.dispatch(cmd('seed-2', 'item.mark_fixed', 'worker1', now - 2 * kDay,
    { item_id: 'it-fixed', evidence: [evidence(1)] }));
  await rt.dispatch(cmd('seed-3', 'item.open', 'worker1', now - 3 * kDay, {
    item_id: 'it-overdue', building_id: 'b1', category: 'sanitation', title: '卫生死角',
    deadline: now - kDay }));
  await rt.dispatch(cmd('seed-4', 'report.submit', 'resident1', now - 4 * kDay, {
    report_id: 'rep-1', category: 'noise', description: '夜间施工噪音', place: { building_id: 'b1' } }));
  await rt.dispatch(cmd('seed-5', 'item.mark_fixed', 'worker1', now - 3 * kDay,
    { item_id: 'rep-1.item', evidence: [evidence(2)] }));
  await rt.dispatch(cmd('seed-6', 'item.verify', 'head1', now - 2 * kDay,
    { item_id: 'rep-1.item', evidence: [evidence(3)] }));
}

async function launchAs(person, role, scope) {
  return launchApp({ beforeLaunch: async (client) => {
    client.setOnline(false);
    await seedDevice(client, history);
    writeSession(client, person, role, scope);
  } });
}

describe('worker', () => {
  test('households due this cycle, grouped by building, with coverage', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    const page = await app.open('pages/worker/index');
    expect(all(page, '.building').map((b) => b.dom.dataset.building)).toEqual(['b1', 'b2']);
    expect(all(page, '.household').map((h) => h.dom.dataset.id)).toEqual(['h1', 'h2', 'h3']);
    expect(text(page, '.coverage')).toBe('已走访 0 / 3 户（0%）');
    expect(barText(page, '.net')).toBe('离线');
    await tap(all(page, '.household')[1]);
    // The form is named by its place (building, unit, room), never the id.
    expect(app.client.callsOf('navigateTo').pop().url)
      .toBe(`/pages/worker/visit?household=h2&place=${encodeURIComponent('Building b1 1 102')}`);
    await app.close();
  });

  test('the visit form comes from the template; the core turns answers into items', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    const page = await app.open('pages/worker/visit', { household: 'h1' });
    // Not met: no checklist; then met: one question per template question.
    expect(all(page, '.question')).toHaveLength(0);
    await change(page.querySelector('.outcome'), 'met');
    expect(all(page, '.question').map((q) => q.dom.dataset.key))
      .toEqual(['ebike_wire', 'housing', 'residents', 'situation', 'photos']);
    const answer = (key) => find(page, '.answer', (d) => d.key === key)[0];
    const fixes = () => all(page, '.fix').map((f) => f.dom.dataset.key);
    // "Fixed on the spot" only under an answer the core's rules make a finding of.
    expect(fixes()).toEqual([]);
    await change(answer('ebike_wire'), 'false');
    expect(fixes()).toEqual([]);
    await change(answer('ebike_wire'), 'true');
    await change(answer('housing'), '自住');
    expect(fixes()).toEqual(['ebike_wire']);
    await change(answer('housing'), '群租');
    expect(fixes()).toEqual(['ebike_wire', 'housing']);
    // A required answer missing: marked where it is, scrolled to, and said.
    await tap(page.querySelector('.submit'));
    expect(text(page, '.missing')).toBe('此项必填');
    expect(all(page, '.question_missing').map((q) => q.dom.dataset.key)).toEqual(['residents']);
    expect(app.client.callsOf('pageScrollTo').pop().selector).toBe('#q-residents');
    expect(text(page, '.form-error')).toBe('请填写：实际居住人数');
    expect(app.client.callsOf('navigateBack')).toHaveLength(0);
    // Complete it, with a photo taken on the spot for the flying wire.
    await input(answer('residents'), '9');
    app.client.queueImage(Buffer.alloc(40000, 7), { width: 3024, height: 4032 });
    await tap(find(page, '.fix', (d) => d.key === 'ebike_wire')[0].querySelector('.add'));
    await tap(page.querySelector('.submit'));
    expect(text(page, '.error')).toBe('');
    expect(app.client.callsOf('showToast').pop().title).toBe('走访已记录，生成 2 条整改项');
    expect(app.client.callsOf('navigateBack')).toHaveLength(1);
    // The core opened two items, the fixed-on-spot one already fixed.
    const { items } = await app.shell.query('items.checklist', { microgrid_id: 'mg1', now: Date.now() });
    const fromVisit = items.filter((i) => i.source === 'visit' || /\.\d$/.test(i.id));
    expect(fromVisit.map((i) => [i.title, i.state]).sort()).toEqual(
      [['电动车飞线充电', 'fixed'], ['群租房安全检查', 'open']]);
    // Back on the list, h1 is no longer due.
    const list = await app.open('pages/worker/index');
    expect(all(list, '.household').map((h) => h.dom.dataset.id)).toEqual(['h2', 'h3']);
    expect(barText(list, '.sync')).toBe('待同步 1');
    await app.close();
  });

  test('a photo is compressed before it is hashed, and kept under USER_DATA_PATH', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    const page = await app.open('pages/worker/visit', { household: 'h2' });
    await change(page.querySelector('.outcome'), 'not_home');
    const original = Buffer.alloc(64000, 3);
    app.client.queueImage(original, { width: 4032, height: 3024 });
    await tap(page.querySelector('.photos').querySelector('.add'));
    const compress = app.client.callsOf('compressImage')[0].options;
    expect(compress.compressedWidth).toBe(1600);
    expect(compress.quality).toBe(80);
    await tap(page.querySelector('.submit'));
    const { visits } = await app.shell.query('visits.list', { household_id: 'h2' });
    expect(visits[0].photos).toHaveLength(1);
    const sha = visits[0].photos[0];
    const kept = Buffer.from(app.shell.photos.read(sha));
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(kept).digest('hex')).toBe(sha);
    expect(kept.length).toBeLessThan(original.length);
    expect(kept.equals(original)).toBe(false);
    expect(app.shell.photos.waiting().map((p) => p.sha)).toEqual([sha]);
    expect(app.shell.photos.pathOf(sha).startsWith(app.client.userDataPath)).toBe(true);
    await app.close();
  });

  test('search and "show visited" keep every household reachable; items I found are mine', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    await app.shell.dispatch('visit.record', { visit_id: 'v-found', household_id: 'h1', cycle: currentCycle(),
      outcome: 'met', template_id: 'door_knock', template_version: 1,
      answers: { ebike_wire: true, housing: '自住', residents: 2 } });
    const page = await app.open('pages/worker/index');
    const ids = () => all(page, '.household').map((h) => h.dom.dataset.id);
    expect(ids()).toEqual(['h2', 'h3']);
    await change(page.querySelector('.show-all'), ['all']);
    expect(ids()).toEqual(['h1', 'h2', 'h3']);
    expect(all(page, '.visited')).toHaveLength(1);
    await input(page.querySelector('.search'), '102');
    expect(ids()).toEqual(['h2']);
    await input(page.querySelector('.search'), 'Head h3');
    expect(ids()).toEqual(['h3']);
    await input(page.querySelector('.search'), '没有这户');
    expect(ids()).toEqual([]);
    expect(text(page, '.no-match')).toBe('没有符合条件的住户');
    const items = await app.open('pages/worker/items');
    expect(text(items, '.found')).toContain('电动车飞线充电');
    expect(text(items, '.found')).toContain('Building b1 · 1 101');
    await app.close();
  });

  test('a building with no location is placed from the visit\'s WGS-84 fix (building.locate)', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    const located = async (b) => {
      const { buildings } = await app.shell.query('worker.households_due', { microgrid_id: 'mg1',
        cycle: currentCycle(), include_visited: true });
      return buildings.find((x) => x.building_id === b);
    };
    expect((await located('b1')).can_locate).toBe(true);
    const page = await app.open('pages/worker/visit', { household: 'h1' });
    expect(all(page, '.locate').map((n) => n.dom.dataset.building)).toEqual(['b1']);
    await change(page.querySelector('.outcome'), 'not_home');
    app.client.setLocation({ latitude: 39.9051234, longitude: 116.6565678, accuracy: 12 });
    await change(page.querySelector('.locate'), true);
    await tap(page.querySelector('.submit'));
    expect(text(page, '.error')).toBe('');
    expect(app.client.callsOf('getLocation').map((c) => c.options.type)).toEqual(['wgs84']);
    expect(app.client.callsOf('showToast').pop().title).toBe('走访已记录');
    // The command went the pages' way (run here, waiting in the outbox) ...
    const { commands } = await app.shell.rt.pendingCommands(10);
    const cmdOf = commands.find((c) => c.type === 'building.locate');
    expect(cmdOf.payload).toEqual({ building_id: 'b1', lat: 39.9051234, lng: 116.6565678,
      accuracy_m: 12, source: 'gps' });
    // ... and the core holds the building's position now.
    const b1 = await located('b1');
    expect([b1.located, b1.can_locate]).toEqual([true, false]);
    const { visits } = await app.shell.query('visits.list', { household_id: 'h1' });
    expect(visits).toHaveLength(1);
    const [detail] = (await app.shell.query('items.checklist', { building_id: 'b1', now: Date.now() })).items;
    expect(detail.place.location.lat).toBeCloseTo(39.9051234, 6);
    expect(detail.place.location.lng).toBeCloseTo(116.6565678, 6);
    // Another household of the now-placed building: no switch, no fix asked.
    const next = await app.open('pages/worker/visit', { household: 'h2' });
    expect(all(next, '.locate')).toHaveLength(0);
    await change(next.querySelector('.outcome'), 'not_home');
    await tap(next.querySelector('.submit'));
    expect(app.client.callsOf('getLocation')).toHaveLength(1);
    // b2 has no location yet: offered; with no fix the visit is still recorded.
    const third = await app.open('pages/worker/visit', { household: 'h3' });
    expect(all(third, '.locate')).toHaveLength(1);
    app.client.setLocation(null);
    await change(third.querySelector('.outcome'), 'not_home');
    await change(third.querySelector('.locate'), true);
    await tap(third.querySelector('.submit'));
    expect(app.client.callsOf('showToast').pop().title).toBe('走访已记录；未能取得当前位置，楼栋位置未记下');
    expect((await located('b2')).can_locate).toBe(true);
    expect((await app.shell.query('visits.list', { household_id: 'h3' })).visits).toHaveLength(1);
    await app.close();
  });

  test('my items, overdue first', async () => {
    const app = await launchAs('worker1', 'worker', 'mg1');
    await app.shell.dispatch('item.assign', { item_id: 'it-overdue', owner_person: 'worker1',
      deadline: Date.now() - 3600e3 });
    const page = await app.open('pages/worker/items');
    const rows = all(page, '.item');
    expect(rows[0].dom.dataset.id).toBe('it-overdue');
    expect(rows[0].dom.dataset.overdue).toBe('true');
    expect(text(page, '.tag_overdue')).toBe('超期');
    await app.close();
  });
});

describe('captain', () => {
  test('the building checklist, overdue first', async () => {
    const app = await launchAs('captain1', 'captain', 'b1');
    const page = await app.open('pages/captain/index');
    expect(text(page, '.building')).toBe('Building b1');
    const ids = all(page, '.item').map((i) => i.dom.dataset.id);
    expect(ids[0]).toBe('it-overdue');
    expect(ids).toContain('it-fixed');
    await app.close();
  });

  test('add an item with a photo; mark it fixed; verifying one\'s own fix shows the core\'s reason', async () => {
    const app = await launchAs('captain1', 'captain', 'b1');
    const add = await app.open('pages/captain/add');
    await change(add.querySelector('.category'), '0');
    await input(add.querySelector('.item-title'), '电动车楼道充电');
    app.client.queueImage(Buffer.alloc(30000, 9), { width: 1200, height: 900 });
    await tap(add.querySelector('.photos').querySelector('.add'));
    await tap(add.querySelector('.submit'));
    expect(text(add, '.error')).toBe('');
    expect(app.client.callsOf('showToast').pop().title).toBe('问题已登记');
    const { items } = await app.shell.query('items.checklist', { building_id: 'b1', now: Date.now() });
    const mine = items.find((i) => i.title === '电动车楼道充电');
    expect(mine.state).toBe('open');
    const detail = await app.shell.query('item.detail', { item_id: mine.id });
    expect(detail.events[0].evidence).toHaveLength(1);

    const item = await app.open('pages/item/index', { id: mine.id });
    expect(all(item, '.verify')).toHaveLength(0);
    app.client.queueImage(Buffer.alloc(20000, 5), { width: 800, height: 600 });
    await tap(item.querySelector('.evidence').querySelector('.add'));
    await tap(item.querySelector('.mark-fixed'));
    expect(item.querySelector('.state').dom.dataset.state).toBe('fixed');
    // The fixer is never offered 销号: the core's actions for them leave it out.
    const fixed = await app.shell.query('item.detail', { item_id: mine.id });
    expect(fixed.actions).not.toContain('item.verify');
    expect(all(item, '.verify')).toHaveLength(0);
    expect(all(item, '.mark-fixed')).toHaveLength(0);
    expect(all(item, '.comment')).toHaveLength(1);
    expect(item.querySelector('.state').dom.dataset.state).toBe('fixed');
    await app.close();
  });

  test('verify (销号) an item someone else fixed; the timeline shows it', async () => {
    const app = await launchAs('captain1', 'captain', 'b1');
    const item = await app.open('pages/item/index', { id: 'it-fixed' });
    // Named by its place (the core's item.place), never an id.
    expect(text(item, '.place')).toBe('Region mg1 · Building b1');
    // Without evidence the core refuses.
    await tap(item.querySelector('.verify'));
    expect(text(item, '.reason')).not.toBe('');
    app.client.queueImage(Buffer.alloc(20000, 1), { width: 800, height: 600 });
    await tap(item.querySelector('.evidence').querySelector('.add'));
    await tap(item.querySelector('.verify'));
    expect(text(item, '.error')).toBe('');
    expect(item.querySelector('.state').dom.dataset.state).toBe('closed');
    expect(all(item, '.event').map((e) => e.dom.dataset.type)).toEqual(['已登记', '已整改', '已销号']);
    await app.close();
  });

  test('the item page shows its building\'s coordinates from the core, or that it has none', async () => {
    const app = await launchAs('captain1', 'captain', 'b1');
    const before = await app.open('pages/item/index', { id: 'it-fixed' });
    expect((await app.shell.query('item.detail', { item_id: 'it-fixed' })).place.location).toBeNull();
    expect(text(before, '.location')).toBe('楼栋坐标：未定位');
    expect(before.querySelector('.location').dom.dataset.located).toBe('false');
    await app.shell.dispatch('building.locate', { building_id: 'b1', lat: 39.905, lng: 116.656 });
    const { location } = (await app.shell.query('item.detail', { item_id: 'it-fixed' })).place;
    const after = await app.open('pages/item/index', { id: 'it-fixed' });
    expect(text(after, '.location'))
      .toBe(`楼栋坐标：${location.lat.toFixed(6)}, ${location.lng.toFixed(6)}`);
    expect(text(after, '.location')).toBe('楼栋坐标：39.905000, 116.656000');
    app.shell.setLang('en');
    try {
      const en = await app.open('pages/item/index', { id: 'it-fixed' });
      expect(text(en, '.location')).toBe('Building coordinates: 39.905000, 116.656000');
    } finally {
      app.shell.setLang('zh-CN');
      await app.close();
    }
  });

  test('daily patrol with a finding opens an item', async () => {
    const app = await launchAs('captain1', 'captain', 'b1');
    const page = await app.open('pages/captain/patrol');
    await input(page.querySelector('.notes'), '巡查一至六层');
    await input(page.querySelector('.finding-title'), '消防门常开');
    await tap(page.querySelector('.submit'));
    expect(app.client.callsOf('showToast').pop().title).toBe('巡查已记录');
    const { items } = await app.shell.query('items.checklist', { building_id: 'b1', now: Date.now() });
    expect(items.map((i) => i.title)).toContain('消防门常开');
    await app.close();
  });
});

describe('resident', () => {
  test('report form: the place defaults to their building', async () => {
    const app = await launchAs('resident1', 'resident', 'h1');
    const page = await app.open('pages/resident/report');
    await input(page.querySelector('.description'), '楼下垃圾三天没清运');
    await input(page.querySelector('.phone'), '13800000000');
    await tap(page.querySelector('.submit'));
    expect(text(page, '.error')).toBe('');
    const { reports } = await app.shell.query('reports.mine', { now: Date.now() });
    const r = reports.find((x) => x.description === '楼下垃圾三天没清运');
    expect(r.place.building_id).toBe('b1');
    expect(r.category).toBe('sanitation');
    expect(r.phone).toBe('13800000000');
    await app.close();
  });

  test('my reports with a timeline; an unsatisfied evaluation reopens the item', async () => {
    const app = await launchAs('resident1', 'resident', 'h1');
    const page = await app.open('pages/resident/index');
    const report = all(page, '.report').find((r) => r.dom.dataset.id === 'rep-1');
    expect(report.dom.dataset.state).toBe('closed');
    const ofReport = (d) => d.id === 'rep-1' || d.report === 'rep-1';
    // Its building, and that the core knows it has no position yet.
    const { reports } = await app.shell.query('reports.mine', { now: Date.now() });
    const mine = reports.find((r) => r.id === 'rep-1');
    expect(mine.place.location).toBeNull();
    expect(find(page, '.place', ofReport).map((p) => p.dom.textContent.trim()))
      .toEqual([`${mine.place.building} 楼栋坐标：未定位`]);
    expect(find(page, '.event', ofReport).map((e) => e.dom.textContent))
      .toEqual([expect.stringContaining('已提交'), expect.stringContaining('已登记'),
        expect.stringContaining('已整改'), expect.stringContaining('已销号')]);
    await change(find(page, '.rating', ofReport)[0], '1');
    await input(find(page, '.comment', ofReport)[0], '还是很吵');
    await tap(find(page, '.submit-evaluation', ofReport)[0]);
    expect(app.client.callsOf('showToast').pop().title).toBe('您不满意，问题已重新打开');
    const after = all(page, '.report').find((r) => r.dom.dataset.id === 'rep-1');
    expect(after.dom.dataset.state).toBe('assigned');
    expect(find(page, '.evaluate', ofReport)).toHaveLength(0);
    await app.close();
  });
});

test('storage full: the page says so and nothing is recorded', async () => {
  const app = await launchAs('worker1', 'worker', 'mg1');
  const page = await app.open('pages/worker/visit', { household: 'h3' });
  await change(page.querySelector('.outcome'), 'not_home');
  await input(page.querySelector('.notes'), '走访备注'.repeat(300));
  app.client.setQuota(app.client.usedBytes() + 100);
  await tap(page.querySelector('.submit'));
  expect(text(page, '.error')).toBe('手机存储空间不足，无法保存');
  expect(app.client.callsOf('navigateBack')).toHaveLength(0);
  app.client.setQuota(1e9);
  const { visits } = await app.shell.query('visits.list', { household_id: 'h3' });
  expect(visits).toHaveLength(0);
  // With room again the same form goes through.
  await tap(page.querySelector('.submit'));
  expect(text(page, '.error')).toBe('');
  expect(app.client.callsOf('navigateBack')).toHaveLength(1);
  await app.close();
});

test('English second: the toggle switches every string and is kept', async () => {
  const app = await launchAs('worker1', 'worker', 'mg1');
  const page = await app.open('pages/worker/index');
  await tap(page.querySelector('#bar').querySelector('.lang'));
  expect(text(page, '.coverage')).toBe('0 of 3 households visited (0%)');
  expect(barText(page, '.net')).toBe('Offline');
  const settings = JSON.parse(app.client.wx.getFileSystemManager()
    .readFileSync(`${app.client.userDataPath}/weige/settings.json`, 'utf8'));
  expect(settings.lang).toBe('en');
  app.shell.setLang('zh-CN');
  await app.close();
});

test('English mode shows the template in English where it has it; answers stay its values', async () => {
  const app = await launchAs('worker1', 'worker', 'mg1');
  app.shell.setLang('en');
  try {
    const page = await app.open('pages/worker/visit', { household: 'h1' });
    await change(page.querySelector('.outcome'), 'met');
    expect(all(page, '.weui-cells__title').map((x) => x.dom.textContent.trim()))
      .toContain('Door-to-door visit form');
    const labels = all(page, '.q-label').map((l) => l.dom.textContent.replace(/\s*\*$/, '').trim());
    // No English for 'residents' and the photos: the Chinese label stays.
    expect(labels).toEqual(['Is an e-bike charged on a flying wire?', 'Use of the home',
      '实际居住人数', '其他情况说明', '现场照片']);
    // The yes/no of the first question, then the housing options.
    expect(all(page, '.choice').map((c) => c.dom.textContent.trim()))
      .toEqual(['Yes', 'No', 'Owner-occupied', 'Rented', 'Group rental', '空置']);
    const answer = (key) => find(page, '.answer', (d) => d.key === key)[0];
    await change(answer('ebike_wire'), 'false');
    await change(answer('housing'), '群租');
    await input(answer('residents'), '3');
    await tap(page.querySelector('.submit'));
    expect(text(page, '.error')).toBe('');
    const { visits } = await app.shell.query('visits.list', { household_id: 'h1' });
    expect(visits[0].answers.housing).toBe('群租');
  } finally {
    app.shell.setLang('zh-CN');
    await app.close();
  }
});

// No raw machine text on any page, in either language: no untranslated key
// (e.g. "payload.title", "cat.facility", "event.item.opened"). The fixture's
// names are English ("Building b1"), so the English-sentence and id checks
// run in audit.test.js, over the demo district.
test('every page, both languages: no untranslated key', async () => {
  const kKey = new RegExp(kRaw.key.source, 'g');
  const views = [
    ['worker1', 'worker', 'mg1', [['pages/worker/index'], ['pages/worker/visit', { household: 'h1', place: 'Building b1 1 101' }],
      ['pages/worker/items'], ['pages/item/index', { id: 'it-fixed' }], ['pages/inbox/index'], ['pages/login/index', { account: '1' }]]],
    ['captain1', 'captain', 'b1', [['pages/captain/index'], ['pages/captain/patrol'], ['pages/captain/add'],
      ['pages/item/index', { id: 'it-overdue' }]]],
    ['resident1', 'resident', 'h1', [['pages/resident/index'], ['pages/resident/report']]],
    ['head1', 'grid_head', 'g1', [['staff/head/index'], ['pages/item/index', { id: 'rep-1.item' }],
      ['pages/item/index', { id: 'it-overdue' }]]],
  ];
  const found = [];
  for (const [person, role, scope, pages] of views) {
    const app = await launchAs(person, role, scope);
    for (const lang of ['zh-CN', 'en']) {
      app.shell.setLang(lang);
      for (const [pagePath, query] of pages) {
        const page = await app.open(pagePath, query || {});
        if (pagePath === 'pages/worker/visit') await change(page.querySelector('.outcome'), 'met');
        const body = page.dom.textContent;
        for (const m of body.matchAll(kKey)) found.push(`${lang} ${pagePath}: ${m[0]}`);
      }
    }
    app.shell.setLang('zh-CN');
    await app.close();
  }
  expect(found).toEqual([]);
});
