/**
 * @jest-environment jsdom
 */
// No raw machine text on any page of the mini-program, over the demo
// district a REAL weige-server builds (--demo; support/server.js): each role
// signs in, syncs, and every page it has is rendered (miniprogram-simulate,
// on the assembled package, against the wx stand-in) in zh-CN and in
// English, also in the states where raw text hides: a core refusal on a
// form, a record the server rejected (the inbox), a report marked a
// duplicate of another. What a person sees on it - its text, placeholders,
// the options of its pickers, the toasts it raised - is held to the web
// app's rules (tests/support/raw-text.js, as the e2e audit): in zh-CN no
// untranslated key, none of the demo's ids and no English sentence; in
// English no key and no id. The demo's names are Chinese, so an id or an
// English core message cannot pass for a fixture's English name.
import { jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { launchApp, settle, tap, change, input, all, find, packageRoot, tempDir } from './support/app.js';
import { startServer, login, httpRequest, until } from './support/server.js';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';
import { rawFindingsIn } from '../support/raw-text.js';

jest.setTimeout(600000);

let server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  if (server) await server.stop();
});

// miniprogram-simulate renders a built-in component's properties nowhere
// (no placeholder attribute, no picker options in the tree): those come
// from the page's WXML and its data.
function boundText(page, pagePath) {
  const wxml = fs.readFileSync(path.join(packageRoot, `${pagePath}.wxml`), 'utf8');
  const data = page.instance.data;
  const lines = [];
  for (const [tag] of wxml.matchAll(/<(?:picker|input|textarea)\b[^>]*>/g)) {
    const attr = (name) => (new RegExp(`\\s${name}="\\{\\{([^}]*)\\}\\}"`).exec(tag) || [])[1];
    // A placeholder's strings: every s.<key> its expression can show.
    for (const [, key] of (attr('placeholder') || '').matchAll(/\bs\.(\w+)/g)) lines.push(data.s[key]);
    const range = data[attr('range')] || [];
    const rangeKey = (/\srange-key="(\w+)"/.exec(tag) || [])[1];
    for (const o of range) lines.push(rangeKey ? o[rangeKey] : o);
  }
  return lines;
}

/** What a person sees on a rendered page: one line per text node, then the bound texts. */
function visibleText(page, pagePath) {
  const lines = [];
  const walker = document.createTreeWalker(page.dom, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) lines.push(n.nodeValue);
  lines.push(...boundText(page, pagePath));
  return lines.map((l) => String(l ?? '').trim()).filter(Boolean).join('\n');
}

/** Signs `who` in (as the sign-in page does), in their demo role, and syncs. */
async function signIn(who) {
  const app = await launchApp({ dir: tempDir('audit') });
  await app.shell.login(server.base, who.person_id, who.password);
  expect(app.shell.chooseRole(who.role, who.scope)).toBeTruthy();
  expect(await app.shell.syncNow()).toBe(true);
  return app;
}

/**
 * Renders each of `pages` ([path, query or async (app) => query, async
 * after(page)]) in zh-CN, then in English; the raw text found on each.
 */
async function audit(app, who, pages) {
  const found = [];
  for (const lang of ['zh-CN', 'en']) {
    app.shell.setLang(lang);
    for (const [pagePath, query, after] of pages) {
      const toasts = app.client.callsOf('showToast').length;
      const page = await app.open(pagePath, typeof query === 'function' ? await query(app) : query || {});
      if (after) await after(page);
      const shown = [visibleText(page, pagePath),
        ...app.client.callsOf('showToast').slice(toasts).map((c) => c.title)].join('\n');
      for (const f of rawFindingsIn(shown, lang)) found.push(`${who} ${lang} ${pagePath}: ${f}`);
    }
  }
  app.shell.setLang('zh-CN');
  return found;
}


/** A command pushed straight to the server as `who`; its result's status. */
async function pushAs(who, type, payload) {
  const token = await login(server.base, who);
  const r = await httpRequest('POST', `${server.base}/api/v1/sync/push`, { token,
    headers: { 'content-type': 'application/json' },
    body: { commands: [{ id: `audit-${type}-${Date.now()}`, type, at: Date.now(), payload }] } });
  return r.json().results[0].status;
}

// A tap on the page's first `sel`, which must be there.
const tapOn = (sel) => async (page) => {
  const n = page.querySelector(sel);
  expect(n).toBeTruthy();
  await tap(n);
};
// A tap on `sel` that the core refuses: the page shows why.
const refused = (sel) => async (page) => {
  await tapOn(sel)(page);
  expect(page.instance.data.error).not.toBe('');
};

test('every page of every role, both languages, over the demo district: no key, no id; no English in zh-CN', async () => {
  const found = [];
  const worker = server.who('worker');
  const captain = server.who('captain');
  const head = server.who('grid_head');
  const resident = server.who('resident');

  // Signed out: the sign-in page.
  let app = await launchApp({ dir: tempDir('audit-out') });
  found.push(...await audit(app, 'signed out', [['pages/login/index']]));
  // The check finds what it is for, on a rendered page: a key, an English
  // core message, one of the demo's ids.
  const probe = await app.open('pages/login/index');
  probe.instance.setData({ error: 'payload.title must not be empty · r-6cb9a374cd79d716b542' });
  await settle();
  expect(rawFindingsIn(visibleText(probe, 'pages/login/index'), 'zh-CN').join('\n'))
    .toMatch(/key: "payload.title"[^]*id: "r-6cb9a374cd79d716b542"[^]*english: "title must not be empty"/);
  await app.close();

  // The worker marks an item fixed offline while it is fixed and closed
  // (销号) on the server: the server rejects the stale fix (the inbox).
  app = await signIn(worker);
  const { items: open } = await app.shell.query('items.checklist',
    { building_id: captain.scope, now: Date.now() });
  const stale = open.find((i) => i.state === 'open' || i.state === 'assigned');
  expect(stale).toBeTruthy();
  app.client.setOnline(false);
  await settle();
  const itemPage = await app.open('pages/item/index', { id: stale.id });
  app.client.queueImage(Buffer.alloc(30000, 12), { width: 3000, height: 4000 });
  await tap(itemPage.querySelector('.evidence').querySelector('.add'));
  await tap(itemPage.querySelector('.mark-fixed'));
  const ev = (n) => 'a'.repeat(48) + n.toString(16).padStart(16, '0');
  expect(await pushAs(head, 'item.mark_fixed', { item_id: stale.id, evidence: [ev(1)] })).toBe('accepted');
  expect(await pushAs(captain, 'item.verify', { item_id: stale.id, evidence: [ev(2)] })).toBe('accepted');
  app.client.setOnline(true);
  await until('the rejection', async () => (await app.shell.rt.rejections()).length === 1);
  const household = async (a) => {
    const { buildings } = await a.shell.query('worker.households_due',
      { microgrid_id: worker.scope, cycle: currentCycle(), include_visited: true });
    const b = buildings.find((x) => x.households.length);
    const h = b.households[0];
    return { household: h.id, place: [b.name, h.unit, h.room].filter(Boolean).join(' ') };
  };
  found.push(...await audit(app, 'worker', [
    ['pages/worker/index'],
    ['pages/worker/visit', household, (p) => change(p.querySelector('.outcome'), 'met')],
    ['pages/worker/items'],
    ['pages/item/index', { id: stale.id }],
    ['pages/inbox/index'],
    ['pages/login/index', { account: '1' }],
    ['staff/map/index', {}, tapOn('.building')],
  ]));
  await app.close();

  app = await signIn(captain);
  const { items: mine } = await app.shell.query('items.checklist', { building_id: captain.scope, now: Date.now() });
  found.push(...await audit(app, 'captain', [
    ['pages/captain/index'],
    ['pages/captain/patrol'],
    ['pages/captain/add'],
    // No title: the core refuses, and the form says why.
    ['pages/captain/add', {}, refused('.submit')],
    ['pages/item/index', { id: mine[0].id }],
  ]));
  await app.close();

  // The resident reports a problem; the grid head marks it a duplicate of
  // another report of the grid (report.mark_duplicate on its item page).
  const residentApp = await signIn(resident);
  const form = await residentApp.open('pages/resident/report');
  await input(form.querySelector('.description'), '小区东门垃圾桶满溢，无人清运');
  await tap(form.querySelector('.submit'));
  expect(form.instance.data.error).toBe('');
  await until('the report on the server', async () => (await residentApp.shell.syncNow())
    && (await residentApp.shell.rt.syncState()).pending === 0);
  const { reports } = await residentApp.shell.query('reports.mine', { now: Date.now() });
  await residentApp.close();
  const dupItem = reports.find((r) => r.description === '小区东门垃圾桶满溢，无人清运').item_id;
  app = await signIn(head);
  const dupPage = await app.open('pages/item/index', { id: dupItem });
  expect(all(dupPage, '.mark-duplicate')).toHaveLength(1);
  expect(dupPage.instance.data.candidates.length).toBeGreaterThan(0);
  await change(dupPage.querySelector('.original'), '0');
  await input(dupPage.querySelector('.note'), '同一处问题，随原报告处理');
  await tap(dupPage.querySelector('.mark-duplicate'));
  expect(dupPage.instance.data.error).toBe('');
  const { duplicates } = await app.shell.query('item.detail', { item_id: dupItem });
  expect(duplicates.of).toBeTruthy();
  await until('the push', async () => (await app.shell.syncNow()) && (await app.shell.rt.syncState()).pending === 0);
  const headItem = async (a) => {
    const page = await a.open('staff/head/index');
    const row = find(page, '.item', (d) => d.state === 'open')[0] || all(page, '.item')[0];
    expect(row).toBeTruthy();
    return { id: row.dom.dataset.id };
  };
  found.push(...await audit(app, 'grid head', [
    ['staff/head/index'],
    ['staff/map/index', {}, tapOn('.building')],
    ['pages/item/index', headItem],
    // Escalating with no reason: the core refuses.
    ['pages/item/index', headItem, refused('.escalate')],
    // The duplicate, and the original it follows.
    ['pages/item/index', { id: dupItem }],
    ['pages/item/index', { id: duplicates.of.item_id }],
  ]));
  await app.close();

  app = await signIn(resident);
  found.push(...await audit(app, 'resident', [
    ['pages/resident/index'],
    ['pages/resident/report'],
    // No description: the core refuses.
    ['pages/resident/report', {}, refused('.submit')],
  ]));
  await app.close();

  const departments = server.logins.filter((l) => l.role === 'department');
  expect(departments.length).toBeGreaterThan(0);
  for (const dept of departments) {
    app = await signIn(dept);
    const pages = [['staff/dept/index']];
    const { items } = await app.shell.query('items.checklist', { owner_dept: dept.scope, now: Date.now() });
    if (items.length) pages.push(['pages/item/index', { id: items[0].id }]);
    found.push(...await audit(app, `department ${dept.scope}`, pages));
    await app.close();
  }

  expect(found).toEqual([]);
});
