// Place and duplicates in the web app (issue 12 items 1 and 4), through the
// real weige-server and headless Chromium: a worker places a building the
// register left without a location from a visit's GPS (offered only where
// the core says the building can be located), and the items found there
// show where they are; a grid head marks a resident's report a duplicate of
// another (the core's reason shown when none is given), the resident sees
// it follow the original, and the grid head unmarks it with a trail.
import { useServerAndBrowser, kPhone, watch, signIn, view, go, expectAccepted, waitSynced, syncNow,
  serverLogin, serverQuery, shotDir, ensureDir } from './support/harness.js';
import { itemAction, answerAll } from './support/flows.js';
import { expectNoRawText } from './support/audit.js';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';

const env = useServerAndBrowser();
beforeAll(() => ensureDir(shotDir));

/** Runs one command on the server as `who` (their own login): its result. */
async function push(who, type, payload) {
  const token = await serverLogin(env.server.base, who);
  const res = await fetch(`${env.server.base}/api/v1/sync/push`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ commands: [{ id: `e2e-${type}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      type, actor: who.person_id, at: Date.now(), payload }] }) });
  const body = await res.json();
  const r = (body.results || [])[0] || {};
  if (r.status !== 'accepted') throw new Error(`${type}: ${JSON.stringify(body).slice(0, 300)}`);
  return r.value;
}

async function person(role, prefix, options = {}) {
  const who = env.server.who(role, prefix);
  if (!who) throw new Error(`no demo login for ${role} ${prefix || ''}`);
  const context = await env.browser.newContext({ ...kPhone, ...options });
  const page = await context.newPage();
  const errors = watch(page, role);
  await signIn(page, env.server.base, who);
  return { who, context, page, errors };
}

async function mapOf(who) {
  const token = await serverLogin(env.server.base, who);
  return serverQuery(env.server.base, token, 'map.buildings',
    { region_id: who.scope, cycle: currentCycle(), now: Date.now() });
}

test('a worker places an unlocated building from a visit\'s GPS; its item shows where it is', async () => {
  const workerWho = env.server.who('worker');
  const mg = workerWho.scope;
  const before = await mapOf(workerWho);
  const sibling = before.buildings.find((b) => b.location);
  expect(sibling).toBeDefined();
  // A building the register brought without coordinates, with one household.
  const admin = env.server.who('admin');
  const bid = `b-e2e-new-${Date.now().toString(36)}`;
  const hid = `h-e2e-new-${Date.now().toString(36)}`;
  await push(admin, 'building.upsert', { id: bid, microgrid_id: mg, name: '新建楼（未定位）',
    address: '北京市通州区测试路 8 号', units: 1, floors: 2 });
  await push(admin, 'household.upsert', { id: hid, building_id: bid, unit: '1', floor: 1, room: '101',
    head_name: '王新', members: 2 });
  const fix = { latitude: sibling.location.lat + 0.0004, longitude: sibling.location.lng - 0.0003, accuracy: 12 };

  const { page, context, errors } = await person('worker', '', { geolocation: fix, permissions: ['geolocation'] });
  await view(page, 'worker');
  // A located building's household: nothing to place.
  const placed = await page.getAttribute('[data-household]', 'data-household');
  await page.click(`[data-household="${placed}"]`);
  await view(page, 'visit');
  expect(await page.$('#visit-locate')).toBeNull();
  await go(page, '#/worker', 'worker');
  // The new building's household: the switch is offered.
  await page.fill('#hh-search', '王新');
  await page.waitForSelector(`[data-household="${hid}"]`);
  await page.click(`[data-household="${hid}"]`);
  await view(page, 'visit');
  await page.waitForSelector('#visit-locate');
  await page.check('#visit-locate');
  await page.check('input[name=outcome][value=met]');
  // Every required answer, one of them a finding (the first yes/no question but the leaflet's).
  const finding = (await page.$$eval('[data-question][data-kind=yes_no]', (els) => els.map((e) => e.dataset.question)))
    .find((k) => k !== 'fraud_leaflet') ?? null;
  await answerAll(page, { finding });
  expect(finding).not.toBeNull();
  await page.screenshot({ path: `${shotDir}/places-visit-locate.png`, fullPage: true });
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await expectAccepted(page);

  // On the server: the building is where the phone was (rounded by the core).
  const after = await mapOf(workerWho);
  const b = after.buildings.find((x) => x.building_id === bid);
  expect(b.location.lat).toBeCloseTo(fix.latitude, 5);
  expect(b.location.lng).toBeCloseTo(fix.longitude, 5);
  expect(b.gcj02).not.toBeNull();
  // The item found there shows its place's coordinates.
  await go(page, '#/worker/items', 'worker-items');
  const item = page.locator('[data-item]').filter({ hasText: '新建楼' }).first();
  await item.waitFor();
  await item.click();
  await view(page, 'item');
  const shown = await page.textContent('[data-view=item] [data-location]');
  expect(shown).toBe(`${b.location.lat.toFixed(6)}, ${b.location.lng.toFixed(6)}`);
  await page.screenshot({ path: `${shotDir}/places-item-location.png`, fullPage: true });
  // Placed now: the household's next visit (a follow-up, under 全部) offers nothing to place.
  await go(page, '#/worker', 'worker');
  await page.selectOption('#hh-show', 'all');
  await page.fill('#hh-search', '王新');
  await page.click(`[data-household="${hid}"]`);
  await view(page, 'visit');
  expect(await page.$('#visit-locate')).toBeNull();
  expect(errors).toEqual([]);
  await context.close();
});

test('a grid head marks a report a duplicate (reason required) and unmarks it; the resident follows', async () => {
  const residentWho = env.server.who('resident');
  const stamp = Date.now().toString(36);
  const [a, b] = [`e2e-dupA-${stamp}`, `e2e-dupB-${stamp}`];
  for (const [id, text] of [[a, '楼下垃圾堆了三天没人清'], [b, '楼下垃圾还是没人清理']]) {
    await push(residentWho, 'report.submit', { report_id: id, category: 'sanitation', description: text,
      place: { address: '楼下垃圾桶旁' } });
  }
  const head = await person('grid_head');
  const hp = head.page;
  await go(hp, `#/item/${encodeURIComponent(`${b}.item`)}`, 'item');
  await hp.waitForSelector('[data-action=mark_duplicate]');
  // No reason: the core refuses, in the person's language.
  await hp.click('[data-action=mark_duplicate]');
  await hp.selectOption('[data-action-box=mark_duplicate] [data-field=original]', a);
  await hp.click('[data-submit=mark_duplicate]');
  const refusal = hp.locator('[data-action-box=mark_duplicate] .app-error');
  await refusal.waitFor();
  expect(await refusal.textContent()).toMatch(/[\u4e00-\u9fff]/);
  expect(await refusal.textContent()).not.toMatch(/payload\.|must not/);
  await hp.fill('[data-action-box=mark_duplicate] textarea', '同一处垃圾');
  await hp.click('[data-submit=mark_duplicate]');
  await hp.waitForSelector(`[data-view=item] [data-duplicate-of="${a}"]`);
  await expectAccepted(hp);
  // The original is named by its title, not its report id.
  expect(await hp.textContent(`[data-view=item] [data-duplicate-of="${a}"]`)).toContain('楼下垃圾堆了三天没人清');
  await expectNoRawText(hp, 'item-duplicate', 'zh-CN');
  await hp.screenshot({ path: `${shotDir}/places-duplicate-marked.png`, fullPage: true });
  // The original lists it.
  await go(hp, `#/item/${encodeURIComponent(`${a}.item`)}`, 'item');
  await hp.waitForSelector(`[data-view=item] [data-duplicates~="${b}"]`);

  // The resident sees the duplicate follow the original.
  const resident = await person('resident');
  const rp = resident.page;
  await go(rp, '#/resident/mine', 'resident-mine');
  await rp.waitForSelector(`[data-report="${b}"] [data-duplicate-of="${a}"]`);
  await expectNoRawText(rp, 'resident-duplicate', 'zh-CN');
  await rp.screenshot({ path: `${shotDir}/places-duplicate-resident.png`, fullPage: true });

  // Unmarked, with a reason: the report is handled on its own again.
  await go(hp, `#/item/${encodeURIComponent(`${b}.item`)}`, 'item');
  await itemAction(hp, 'unmark_duplicate', async (box) => {
    await hp.fill(`${box} textarea`, '不是同一处');
  });
  await hp.waitForFunction(() => !document.querySelector('[data-view=item] [data-duplicate-of]'));
  await hp.waitForSelector('[data-view=item] [data-action=mark_duplicate]');
  await expectAccepted(hp);
  await syncNow(rp);
  await go(rp, '#/resident', 'resident');
  await go(rp, '#/resident/mine', 'resident-mine');
  await rp.waitForSelector(`[data-report="${b}"]`);
  await rp.waitForFunction((id) => !document.querySelector(`[data-report="${id}"] [data-duplicate-of]`), b);
  // The trail keeps both.
  const token = await serverLogin(env.server.base, env.server.who('admin'));
  const ev = await serverQuery(env.server.base, token, 'console.events', { entity: 'report', entity_id: b, limit: 10 });
  expect(ev.events.map((e) => e.type)).toEqual(expect.arrayContaining(['report.marked_duplicate', 'report.duplicate_unmarked']));
  for (const p of [head, resident]) {
    expect(p.errors).toEqual([]);
    await p.context.close();
  }
});
