// The operations console through the real weige-server and headless
// Chromium: the district administrator's home reads online (no database
// opened, no pull), the region tree loads one level at a time with counts,
// household search, a new person granted a role with a one-time password
// who then signs in as a worker, deactivation ending their session at once,
// and the audit trail filtered by person. Each view is audited (axe, raw
// text, screenshots console-*.png in test-out/screenshots/).
import { useServerAndBrowser, watch, view, shotDir, ensureDir, waitSynced } from './support/harness.js';
import { kAudited, audit } from './support/audit.js';

const env = useServerAndBrowser();
ensureDir(shotDir);

async function adminPage() {
  const context = await env.browser.newContext(kAudited);
  const page = await context.newPage();
  const errors = watch(page, 'admin');
  const calls = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) calls.push({ path: u.pathname, body: r.postData() || '' });
  });
  const admin = env.server.who('admin');
  await page.goto(env.server.base);
  await view(page, 'login');
  await page.fill('#login-person', admin.person_id);
  await page.fill('#login-password', admin.password);
  await page.click('#login-submit');
  await view(page, 'console-tree');
  return { context, page, errors, calls, admin };
}

/** Expands the tree node `id` and waits for its children (or its empty note). */
async function expand(page, id) {
  const node = page.locator(`[data-node="${id}"]`).first();
  await node.locator(':scope > .app-tree__row > .app-tree__toggle').click();
  await page.waitForFunction((nid) => {
    const li = document.querySelector(`[data-node="${nid}"]`);
    return li && li.getAttribute('aria-expanded') === 'true' && (li.querySelector(':scope > ul').children.length > 0 ||
      li.querySelector(':scope > .app-tree__tail').children.length > 0);
  }, id);
}

/** The ids and types of the children shown under `id`. */
function kids(page, id) {
  return page.$$eval(`[data-node="${id}"] > ul > [data-node]`, (els) => els.map((e) => ({
    id: e.dataset.node, type: e.dataset.type, counts: e.querySelector('[data-counts]').textContent })));
}

function firstNumber(text) {
  return Number(/\d+/.exec(text)[0]);
}

test('the administrator gets the console, reads online and never replicates', async () => {
  const { context, page, errors, calls } = await adminPage();
  expect(await page.evaluate(() => window.weige.rt === null && window.weige.sync === null)).toBe(true);
  expect(calls.filter((c) => c.path.startsWith('/api/v1/sync/'))).toEqual([]);
  // One district at the root, with its counts.
  const roots = await page.$$eval('#console-tree > [data-node]', (els) => els.map((e) => e.dataset.node));
  expect(roots.length).toBe(1);
  const districtCounts = await page.textContent(`[data-node="${roots[0]}"] [data-counts]`);
  expect(firstNumber(districtCounts)).toBeGreaterThan(100);
  // Lazily: nothing below the district is loaded until it is opened.
  expect(await page.$$eval('#console-tree [data-node]', (els) => els.length)).toBe(1);
  let id = roots[0];
  let path = [id];
  for (let depth = 0; depth < 5; ++depth) {  // street, community, grid, micro-grid, building
    await expand(page, id);
    const list = await kids(page, id);
    expect(list.length).toBeGreaterThan(0);
    id = list[0].id;
    path.push(id);
  }
  // The last level opened was a micro-grid: its children are buildings;
  // open one: its households, as many as its count says (one page).
  const buildings = await kids(page, path[4]);
  expect(buildings[0].type).toBe('building');
  await expand(page, path[5]);
  const households = await kids(page, path[5]);
  expect(households[0].type).toBe('household');
  // One page (50) at a time; "more" loads the next, up to the building's count.
  const total = firstNumber(buildings[0].counts);
  expect(households.length).toBe(Math.min(50, total));
  const more = page.locator(`[data-node="${path[5]}"] > .app-tree__tail [data-more]`);
  if (total > 50) {
    await more.click();
    await page.waitForFunction(([b, n]) => document.querySelectorAll(`[data-node="${b}"] > ul > [data-node]`).length === n,
      [path[5], total]);
  }
  expect(await more.count()).toBe(0);
  // Every request was one page of one node's children.
  const children = calls.filter((c) => c.body.includes('console.children'));
  expect(children.length).toBe(7 + (total > 50 ? 1 : 0));  // roots + 6 opened nodes (+ a second page)
  expect(calls.filter((c) => c.path.startsWith('/api/v1/sync/'))).toEqual([]);
  await audit(page, 'console-tree', { reopen: async () => {
    for (const n of path) await expand(page, n);
  } });

  // Search by a household head's name seen in the tree.
  const headLine = await page.textContent(`[data-node="${households[0].id}"] .app-tree__name`);
  const head = headLine.split('·').pop().trim();
  await page.fill('#console-q', head);
  await page.click('#console-search');
  await page.waitForSelector(`#console-results [data-hit="${households[0].id}"]`);
  await audit(page, 'console-search', { reopen: async () => {
    await page.fill('#console-q', head);
    await page.click('#console-search');
    await page.waitForSelector(`#console-results [data-hit="${households[0].id}"]`);
  } });
  expect(errors).toEqual([]);
  await context.close();
});

test('a new person, granted a role with a one-time password, signs in; deactivated, their session ends at once', async () => {
  const { context, page, errors } = await adminPage();
  await page.click('a[data-tab=people]');
  await view(page, 'console-people');
  await page.waitForSelector('#people-list [data-person]');
  await audit(page, 'console-people');
  await page.fill('#person-id', 'p-console-new');
  await page.fill('#person-name', '林晓雨');
  await page.fill('#person-phone', '13800000000');
  await page.selectOption('#person-role', 'worker');
  // The scope picked on the tree: the first micro-grid down it.
  await page.click('#scope-picker > summary');
  await page.waitForSelector('#scope-picker [data-node]');
  let id = await page.getAttribute('#scope-picker [role=tree] > [data-node]', 'data-node');
  for (let depth = 0; depth < 4; ++depth) {
    await expand(page, id);
    id = (await kids(page, id))[0].id;
  }
  const microgrid = id;
  await page.click(`#scope-picker [data-pick="${microgrid}"]`);
  expect(await page.inputValue('#person-scope')).toBe(microgrid);
  await page.waitForSelector('#person-scope-picked:not(:empty)');
  await page.click('#person-save');
  await page.waitForSelector('#person-saved:not(:empty)');
  const row = page.locator('#people-list [data-person="p-console-new"]');
  await row.waitFor();
  expect(await row.textContent()).toContain('林晓雨');
  await row.locator('[data-action=password]').click();
  await row.locator('.app-otp').waitFor();
  const otp = (await row.locator('.app-otp').textContent()).trim();
  expect(otp).toMatch(/^[A-Za-z0-9]{14}$/);
  await page.screenshot({ path: `${shotDir}/console-person-password.png` });

  // Edited: the form takes the listed person; a second grant, then revoked.
  await row.locator('[data-action=edit]').click();
  expect(await page.inputValue('#person-name')).toBe('林晓雨');
  await page.fill('#person-name', '林晓雨（网格员）');
  await page.selectOption('#person-role', 'grid_head');
  await page.fill('#person-scope', microgrid);
  await page.click('#person-save');
  const row2 = page.locator('#people-list [data-person="p-console-new"]');
  await row2.locator(`[data-revoke="grid_head:${microgrid}"]`).waitFor();
  expect(await row2.textContent()).toContain('林晓雨（网格员）');
  await row2.locator(`[data-revoke="grid_head:${microgrid}"]`).click();
  await row2.locator('.app-grant:has-text("已收回")').waitFor();
  await row2.locator('[data-action=password]').click();
  await row2.locator('.app-otp').waitFor();
  const otp2 = (await row2.locator('.app-otp').textContent()).trim();
  expect(otp2).not.toBe(otp);

  // They sign in with the newest one: a worker's device, replicating their micro-grid.
  const wctx = await env.browser.newContext(kAudited);
  const wpage = await wctx.newPage();
  await wpage.goto(env.server.base);
  await view(wpage, 'login');
  await wpage.fill('#login-person', 'p-console-new');
  await wpage.fill('#login-password', otp2);
  await wpage.click('#login-submit');
  await waitSynced(wpage);
  await view(wpage, 'worker');
  const token = await wpage.evaluate(() => JSON.parse(localStorage.getItem('weige.session')).token);
  const me = async () => wpage.evaluate(async (tk) => (await fetch('/api/v1/auth/me',
    { headers: { Authorization: `Bearer ${tk}` } })).status, token);
  expect(await me()).toBe(200);

  // Deactivated: the very next request is refused.
  page.once('dialog', (d) => d.accept());
  await row2.locator('[data-action=deactivate]').click();
  await row2.locator('[data-otp]:has-text("已停用")').waitFor();
  expect(await me()).toBe(401);
  await wctx.close();

  // The audit trail: the administrator's own actions, newest first.
  await page.click('a[data-tab=audit]');
  await view(page, 'console-audit');
  await page.fill('#audit-person', env.server.who('admin').person_id);
  await page.click('#audit-filter');
  await page.waitForSelector('#audit-list [data-type="role.revoked"]');
  const types = await page.$$eval('#audit-list [data-type]', (els) => els.slice(0, 2).map((e) => e.dataset.type));
  expect(types).toEqual(['role.revoked', 'role.granted']);
  await audit(page, 'console-audit', { reopen: async () => {
    await page.fill('#audit-person', env.server.who('admin').person_id);
    await page.click('#audit-filter');
    await page.waitForSelector('#audit-list [data-type="role.granted"]');
  } });
  expect(errors).toEqual([]);
  await context.close();
});

test('a checklist version edited with a live preview, published, is the form a worker gets', async () => {
  const { context, page, errors } = await adminPage();
  await page.click('a[data-tab=templates]');
  await view(page, 'console-templates');
  const before = await page.$$eval('#template-versions [data-version]', (els) => els.map((e) => Number(e.dataset.version)));
  expect(before.length).toBeGreaterThan(0);
  await audit(page, 'console-templates');
  // The preview is the worker's checklist form, from what is being edited.
  const shown = await page.$$eval('#template-preview [data-question]', (els) => els.length);
  expect(shown).toBe(await page.$$eval('[data-qeditor]', (els) => els.length));
  await page.click('#template-add-question');
  const q = page.locator('[data-qeditor]').last();
  await q.locator('[data-field=label]').fill('是否安装独立式烟感报警器？');
  await q.locator('[data-field=key]').fill('smoke_alarm');
  await q.locator('[data-field=required]').check();
  await page.waitForSelector('#template-preview [data-question="smoke_alarm"]:has-text("烟感报警器")');
  await page.screenshot({ path: `${shotDir}/console-template-edit.png`, fullPage: true });
  await page.click('#template-publish');
  await page.waitForSelector('#template-published:not(:empty)');

  // A worker's device pulls the new version: their visit form asks it.
  const wctx = await env.browser.newContext(kAudited);
  const wpage = await wctx.newPage();
  await wpage.goto(env.server.base);
  await view(wpage, 'login');
  const worker = env.server.who('worker');
  await wpage.fill('#login-person', worker.person_id);
  await wpage.fill('#login-password', worker.password);
  await wpage.click('#login-submit');
  await waitSynced(wpage);
  await view(wpage, 'worker');
  await wpage.click('[data-household]');
  await view(wpage, 'visit');
  await wpage.waitForSelector('[data-question="smoke_alarm"]:has-text("烟感报警器")');
  await wctx.close();
  // The new version is listed.
  await page.reload();
  await view(page, 'console-templates');
  const after = await page.$$eval('#template-versions [data-version]', (els) => els.map((e) => Number(e.dataset.version)));
  expect(after.length).toBe(before.length + 1);
  expect(Math.max(...after)).toBe(Math.max(...before) + 1);
  expect(errors).toEqual([]);
  await context.close();
});
