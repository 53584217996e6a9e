// The field worker's day on a phone (issue 13): the visit form one-handed
// (44 px targets, the numeric keypad, "fixed on the spot" only under an
// answer the core turns into a finding, a missing answer shown where it is,
// a visit in at most 5 taps plus the answers), the household list (search,
// filters, visited households reachable, a follow-up visit kept beside the
// first), items found under the worker's own work, and a shared phone
// (unsynced records kept for their author only).
import { useServerAndBrowser, watch, signIn, view, go, expectAccepted, serverLogin, serverQuery,
  shotDir, ensureDir, addPhoto, canvasPhoto } from './support/harness.js';
import { kAudited, audit } from './support/audit.js';
import { answerAll } from './support/flows.js';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';

const env = useServerAndBrowser();

async function person(role, prefix) {
  const who = env.server.who(role, prefix);
  const context = await env.browser.newContext(kAudited);
  const page = await context.newPage();
  const errors = watch(page, role);
  await signIn(page, env.server.base, who);
  return { who, context, page, errors };
}

/** Counts the taps a test makes that are not answers. */
function tapCounter(page) {
  const taps = [];
  return {
    taps,
    async tap(selector) {
      taps.push(selector);
      await page.click(selector);
    },
  };
}

beforeAll(() => ensureDir(shotDir));

test('the visit form, one-handed: targets, keypad, on-the-spot fix, a missing answer, ≤ 5 taps', async () => {
  const { page, context, errors } = await person('worker');
  await view(page, 'worker');
  const counter = tapCounter(page);
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await counter.tap(`[data-household="${hh}"]`);
  await view(page, 'visit');

  // Every tap target of the form is at least 44x44 px: radio options are
  // their whole label, buttons, selects, the photo picker, the switch's label.
  const small = await page.$$eval(
    '[data-view=visit] label.app-radio, [data-view=visit] button:not([hidden]), [data-view=visit] select,' +
    ' [data-view=visit] .app-photo-add, [data-view=visit] .app-switch-label, [data-view=visit] input[type=number]',
    (els) => els.filter((e) => e.offsetParent !== null).map((e) => {
      const r = e.getBoundingClientRect();
      return { what: e.className || e.tagName, w: Math.round(r.width), h: Math.round(r.height) };
    }).filter((r) => r.w < 44 || r.h < 44));
  expect(small).toEqual([]);
  // A photo's remove button too.
  await addPhoto(page, '[data-question=photos]', await canvasPhoto(page, 'hall', 800));
  const x = await page.$eval('[data-question=photos] .app-thumb__x', (e) => {
    const r = e.getBoundingClientRect();
    return { w: r.width, h: r.height };
  });
  expect(x.w).toBeGreaterThanOrEqual(44);
  expect(x.h).toBeGreaterThanOrEqual(44);
  // Numbers open the numeric keypad.
  const modes = await page.$$eval('[data-view=visit] input[type=number]', (els) => els.map((e) => e.inputMode));
  expect(modes.length).toBeGreaterThan(0);
  for (const m of modes) expect(['numeric', 'decimal']).toContain(m);

  // "Fixed on the spot" appears only under an answer the core's rules turn
  // into a finding: ebike "yes" (a finding), "no" (none).
  const fixBox = '[data-question=ebike_wire] .app-fix-box';
  expect(await page.isHidden(fixBox)).toBe(true);
  await page.locator('[data-question=ebike_wire] input[value=no]').check();
  await page.waitForTimeout(300);
  expect(await page.isHidden(fixBox)).toBe(true);
  await page.locator('[data-question=ebike_wire] input[value=yes]').check();
  await page.waitForSelector(`${fixBox}:not([hidden])`);
  await audit(page, 'visit-fix-on-spot', { bothLanguages: false });
  await page.locator('[data-question=ebike_wire] input[value=no]').check();
  await page.waitForSelector(fixBox, { state: 'hidden' });
  // Under the number, above 6 residents is a finding.
  const residentsBox = '[data-question=residents] .app-fix-box';
  if (await page.$(residentsBox)) {
    await page.fill('[data-question=residents] input[type=number]', '3');
    await page.waitForTimeout(300);
    expect(await page.isHidden(residentsBox)).toBe(true);
    await page.fill('[data-question=residents] input[type=number]', '9');
    await page.waitForSelector(`${residentsBox}:not([hidden])`);
    await page.fill('[data-question=residents] input[type=number]', '');
  }

  // Submitting with a required answer missing: that question is marked,
  // scrolled into view, focused, and the message is announced (role=alert).
  await answerAll(page);
  await page.fill('[data-question=residents] input[type=number]', '');
  await counter.tap('[data-submit=visit]');
  const missing = '[data-question=residents].app-question_missing';
  await page.waitForSelector(missing);
  expect(await page.getAttribute('[data-question=residents] input[type=number]', 'aria-invalid')).toBe('true');
  expect(await page.textContent(`${missing} .app-question__error`)).toBe('此项必填');
  const inView = await page.$eval(missing, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  expect(inView).toBe(true);
  expect(await page.evaluate(() => document.activeElement.closest('[data-question]')?.dataset.question)).toBe('residents');
  const alert = await page.$eval('[data-view=visit] .app-pad [role=alert]', (el) => ({ text: el.textContent, live: el.getAttribute('aria-live') }));
  expect(alert.text).toContain('实际居住人数');
  await audit(page, 'visit-missing-answer', { bothLanguages: false });
  expect(await page.evaluate(() => window.weige.sync.state.pending)).toBe(0);  // nothing recorded
  // Answering clears the mark.
  await page.fill('[data-question=residents] input[type=number]', '2');
  await page.waitForSelector(missing, { state: 'detached' });

  await counter.tap('[data-submit=visit]');
  await view(page, 'worker');
  await expectAccepted(page);
  // Household, submit (and the one refused submit above): at most 5 taps
  // besides the answers.
  expect(counter.taps.length).toBeLessThanOrEqual(5);
  expect(errors).toEqual([]);
  await context.close();
});

test('the worker\'s list: search, filters, visited households, a follow-up visit, items found', async () => {
  const { page, context, who, errors } = await person('worker');
  await view(page, 'worker');
  const first = await page.$eval('[data-household]', (el) => ({
    id: el.dataset.household,
    building: el.closest('[data-building]').dataset.building,
    text: el.textContent,
  }));

  // Search by head of household or room: only matching households remain.
  const due = await page.evaluate((b) => window.weige.rt.query('worker.households_due',
    { actor: window.weige.session.personId, microgrid_id: window.weige.role.scope_id, cycle: b, include_visited: true }),
  currentCycle());
  const allHh = due.buildings.flatMap((b) => b.households.map((x) => ({ ...x, building: b.name, building_id: b.building_id })));
  const target = allHh.find((x) => x.id === first.id);
  await page.fill('#hh-search', target.head_name);
  await page.waitForFunction((id) => document.querySelectorAll('[data-household]').length >= 1 &&
    [...document.querySelectorAll('[data-household]')].every((e) => e.textContent.includes(
      document.getElementById('hh-search').value)) && !!document.querySelector(`[data-household="${id}"]`), first.id);
  await page.fill('#hh-search', `${target.unit} ${target.room}`);
  await page.waitForSelector(`[data-household="${first.id}"]`);
  const shownRooms = await page.$$eval('[data-household]', (els) => els.map((e) => e.textContent));
  for (const r of shownRooms) expect(r).toContain(target.room);
  await page.fill('#hh-search', '不存在的住户名');
  await page.waitForSelector('[data-view=worker] .app-empty');
  await page.fill('#hh-search', '');
  // Filter by building.
  await page.selectOption('#hh-building', first.building);
  const buildings = await page.$$eval('[data-building]', (els) => [...new Set(els.map((e) => e.dataset.building))]);
  expect(buildings).toEqual([first.building]);
  await audit(page, 'worker-households-filtered');

  // Visit it; by default (not yet visited) it leaves the list, with "all" it is
  // still there, marked visited.
  await page.click(`[data-household="${first.id}"]`);
  await view(page, 'visit');
  await answerAll(page, { finding: 'ebike_wire' });
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await expectAccepted(page);
  await page.waitForSelector(`[data-household="${first.id}"]`, { state: 'detached' });
  await page.selectOption('#hh-show', 'all');
  await page.waitForSelector(`[data-household="${first.id}"][data-visited=true]`);
  await audit(page, 'worker-households-visited');

  // A follow-up visit corrects it: a second event, the first one kept.
  await page.click(`[data-household="${first.id}"]`);
  await view(page, 'visit');
  await page.waitForSelector('[data-follow-up]');
  await audit(page, 'visit-follow-up');
  await page.waitForSelector('[data-follow-up]');
  await page.check('input[name=outcome][value=not_home]');
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await expectAccepted(page);
  const token = await serverLogin(env.server.base, who);
  const { visits } = await serverQuery(env.server.base, token, 'visits.list',
    { household_id: first.id, cycle: currentCycle() });
  expect(visits.map((v) => v.outcome).sort()).toEqual(['met', 'not_home']);
  await page.waitForSelector(`[data-household="${first.id}"] .app-item__meta:has-text("无人在家")`);

  // The item the first visit found is under the worker's own work.
  await go(page, '#/worker/items', 'worker-items');
  await page.waitForSelector('[data-section=found] [data-item]:has-text("电动车飞线充电")');
  await audit(page, 'worker-items-found');
  expect(errors).toEqual([]);
  await context.close();
});

test('a shared phone: unsynced records stay with their author, never shown to or sent by another', async () => {
  const context = await env.browser.newContext(kAudited);
  const page = await context.newPage();
  const errors = watch(page, 'shared');
  page.on('dialog', (d) => d.accept());
  const a = env.server.who('worker');
  const b = env.server.who('captain');

  // A records a visit offline and signs out: it is kept, not lost.
  await signIn(page, env.server.base, a);
  await view(page, 'worker');
  await context.setOffline(true);
  await page.waitForSelector('#net-status[data-online=false]');
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await page.click(`[data-household="${hh}"]`);
  await view(page, 'visit');
  await page.check('input[name=outcome][value=not_home]');
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await page.waitForSelector('#sync-status[data-pending="1"]');
  await page.click('.app-logout');
  await view(page, 'login');
  const note = await page.textContent('[data-pending-here]');
  expect(note).toContain('1 条未同步记录');
  await audit(page, 'login-pending-here');

  // B signs in on the same phone: none of A's records shows or goes up.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await signIn(page, env.server.base, b);
  expect(await page.evaluate(() => window.weige.sync.state.pending)).toBe(0);
  expect(await page.evaluate(() => window.weige.rt.syncState().then((s) => s.pending))).toBe(0);
  expect(await page.getAttribute('#sync-status', 'data-pending')).toBe('0');
  const tokenA = await serverLogin(env.server.base, a);
  const before = await serverQuery(env.server.base, tokenA, 'visits.list', { household_id: hh, cycle: currentCycle() });
  expect(before.visits.filter((v) => v.outcome === 'not_home' && v.worker_id === a.person_id)).toEqual([]);
  await page.click('.app-logout');
  await view(page, 'login');
  expect(await page.textContent('[data-pending-here]')).toContain('1 条未同步记录');

  // A signs in again: the kept visit goes up, and the note is gone.
  await signIn(page, env.server.base, a);
  await expectAccepted(page);
  const after = await serverQuery(env.server.base, tokenA, 'visits.list', { household_id: hh, cycle: currentCycle() });
  expect(after.visits.filter((v) => v.outcome === 'not_home' && v.worker_id === a.person_id)).toHaveLength(1);
  // Signing out online sends first: nothing is left behind.
  await page.click('.app-logout');
  await view(page, 'login');
  expect(await page.$('[data-pending-here]')).toBeNull();
  expect(errors).toEqual([]);
  await context.close();
});
