// The operations console through the real weige-server and headless
// Chromium: the district administrator's home reads online (no database
// opened, no pull), the region tree loads one level at a time with counts,
// household search, a new person granted a role with a one-time password
// who then signs in as a worker, deactivation ending their session at once,
// the audit trail filtered by person, and partners' Open311 keys made and
// revoked. Each view is audited (axe, raw text, screenshots console-*.png
// in test-out/screenshots/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
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

/** Opens the scope picker `picker`, goes `depth` levels down its first branch and picks that node: its id. */
async function pickOnTree(page, picker, depth) {
  await page.click(`${picker} > summary`);
  await page.waitForSelector(`${picker} [data-node]`);
  let id = await page.getAttribute(`${picker} [role=tree] > [data-node]`, 'data-node');
  for (let d = 0; d < depth; ++d) {
    await expand(page, id);
    id = (await kids(page, id))[0].id;
  }
  await page.click(`${picker} [data-pick="${id}"]`);
  return id;
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
  const microgrid = await pickOnTree(page, '#scope-picker', 4);
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
  // Exported: the same filter, every row, as CSV.
  const trail = await downloadFrom(page, () => page.click('[data-audit-export=csv]'));
  expect(trail.name).toMatch(/^events-all-\d{8}\.csv$/);
  const trailLines = trail.bytes.toString('utf8').split(/\r?\n/).filter(Boolean);
  expect(trailLines[0]).toContain('操作人');
  expect(trailLines[1]).toContain('role.revoked');
  await audit(page, 'console-audit', { reopen: async () => {
    await page.fill('#audit-person', env.server.who('admin').person_id);
    await page.click('#audit-filter');
    await page.waitForSelector('#audit-list [data-type="role.granted"]');
  } });
  expect(errors).toEqual([]);
  await context.close();
});

test('Open311 keys: made on a region picked on the tree, the secret shown once, listed without it, revoked', async () => {
  const { context, page, errors } = await adminPage();
  await page.click('a[data-tab=open311]');
  await view(page, 'console-open311');
  expect(await page.textContent('#open311-endpoint')).toBe(`${env.server.base}/open311/v2/`);
  await page.fill('#key-partner', 'partner-e2e-hotline');
  await page.fill('#key-partner-name', '12345 热线（测试）');
  await page.fill('#key-label', '市热线');
  await page.fill('#key-rate', '30');
  const street = await pickOnTree(page, '#key-region-picker', 1);
  expect(await page.inputValue('#key-region')).toBe(street);
  await page.click('#key-create');
  await page.locator('#key-secret .app-otp').waitFor();
  const secret = (await page.textContent('#key-secret .app-otp')).trim();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  // The whole secret is on screen (wrapped, not cut off at the edge).
  const box = await page.locator('#key-secret .app-otp').boundingBox();
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  const row = page.locator('#key-list [data-key]').filter({ hasText: '市热线' });
  await row.waitFor();
  expect(await row.textContent()).toContain('每分钟 30 次');
  expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('live');
  await audit(page, 'console-open311');
  // The key is a partner's: a POST with it is read (400 for the missing
  // service_code), without it refused (403).
  const post = (form) => fetch(`${env.server.base}/open311/v2/requests.json`, { method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  expect((await post({ api_key: secret })).status).toBe(400);
  // Revoked: the partner is refused at once; the page never shows the secret again.
  page.once('dialog', (d) => d.accept());
  await row.locator('[data-action=revoke-key]').click();
  await row.locator('[data-state=revoked]').waitFor();
  expect((await post({ api_key: secret })).status).toBe(403);
  await page.reload();
  await view(page, 'console-open311');
  const again = page.locator('#key-list [data-key]').filter({ hasText: '市热线' });
  await again.locator('[data-state=revoked]').waitFor();
  expect(await again.locator('[data-action=revoke-key]').count()).toBe(0);
  expect(await page.content()).not.toContain(secret);
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
  await q.locator('[data-field=label_en]').fill('Is a standalone smoke alarm fitted?');
  await page.waitForSelector('#template-preview [data-question="smoke_alarm"]:has-text("烟感报警器")');
  // A rule of another kind than "equals": the answer is one of a list.
  await page.click('#template-add-rule');
  const rule = page.locator('[data-reditor]').last();
  await rule.locator('[data-field=question]').fill('smoke_alarm');
  await rule.locator('[data-field=op]').selectOption('in');
  await rule.locator('[data-field=operand]').fill('false');
  await rule.locator('[data-field=title]').fill('未安装烟感报警器');
  await page.screenshot({ path: `${shotDir}/console-template-edit.png`, fullPage: true });
  const templates = () => page.evaluate(async () => (await (await fetch('/api/v1/query', { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${window.weige.session.token}` },
    body: JSON.stringify({ name: 'console.templates', params: {} }) })).json()).value.templates);
  const newestOf = (list, id) => list.filter((v) => v.id === id).sort((a, b) => b.version - a.version)[0];
  const edited = newestOf(await templates(), 'door_knock');
  await page.click('#template-publish');
  await page.waitForSelector('#template-published:not(:empty)');
  // The new version keeps every English text the old one had, and has the new ones.
  const published = newestOf(await templates(), 'door_knock');
  expect(published.version).toBe(edited.version + 1);
  const english = (v) => Object.fromEntries(v.body.questions.map((x) => [x.key, [x.label_en, x.options_en]]));
  expect(english(published)).toEqual({ ...english(edited), smoke_alarm: ['Is a standalone smoke alarm fitted?', undefined] });
  expect(published.body.title_en).toBe(edited.body.title_en);
  expect(published.body.rules.at(-1)).toEqual({ question: 'smoke_alarm', in: [false],
    finding: { category: expect.any(String), title: '未安装烟感报警器' } });

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

// ---------------------------------------------------------------- registers

/** Fields of one CSV line as the engine writes it (quoted or bare, no embedded quotes). */
function csvFields(line) {
  return [...line.matchAll(/(?:^|,)(?:"([^"]*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1] : m[2]));
}

async function downloadFrom(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

test('registers: template, CSV (GB18030) and XLSX import with a dry run and its errors, exports read back', async () => {
  const { context, page, errors } = await adminPage();
  await page.click('a[data-tab=registers]');
  await view(page, 'console-registers');
  await audit(page, 'console-registers');
  // A template per kind, with its Chinese header.
  const tpl = await downloadFrom(page, () => page.click('[data-template="households.csv"]'));
  expect(tpl.name).toBe('households-template.csv');
  const header = tpl.bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  expect(csvFields(header)).toContain('户编号');

  // The micro-grid's households as CSV, then a file made from it: one new
  // household, one under a building that does not exist; in GB18030.
  await page.selectOption('#export-kind', 'households');
  await page.selectOption('#export-format', 'csv');
  await page.fill('#export-region', 's1c1g1m1');
  const hh = await downloadFrom(page, () => page.click('#export-download'));
  expect(hh.name).toMatch(/^households-s1c1g1m1-\d{8}\.csv$/);
  const lines = hh.bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean);
  expect(lines.length).toBeGreaterThan(10);
  const cols = csvFields(lines[0]);
  const row = csvFields(lines[1]);
  const good = [...row];
  good[cols.indexOf('户编号')] = 'h-console-import-1';
  good[cols.indexOf('户主')] = '郑新户';
  const bad = [...good];
  bad[cols.indexOf('户编号')] = 'h-console-import-2';
  bad[cols.indexOf('楼栋')] = 'b-nope';
  const text = [cols, good, bad].map((r) => r.map((v) => `"${v}"`).join(',')).join('\r\n') + '\r\n';
  const gbPath = path.join(os.tmpdir(), `weige-console-${process.pid}.csv`);
  fs.writeFileSync(gbPath, execFileSync('python3', ['-c',
    'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("gb18030"))'],
  { input: Buffer.from(text, 'utf8') }));
  await page.selectOption('#import-kind', 'households');
  await page.setInputFiles('#import-file', gbPath);
  await page.click('#import-dry');
  await page.waitForSelector('#import-report');
  expect(await page.getAttribute('#import-report', 'data-refused')).toBe('1');
  expect(await page.getAttribute('#import-report', 'data-applied')).toBe('false');
  await page.waitForSelector('#import-errors tr[data-row="3"]');
  await audit(page, 'console-import-dry-run', { bothLanguages: false });
  const errCsv = await downloadFrom(page, () => page.click('#import-errors-csv'));
  expect(errCsv.bytes.toString('utf8')).toContain('3');
  // Apply the valid rows: the new household is in the tree's search.
  await page.click('#import-apply');
  await page.waitForSelector('#import-report[data-applied="true"]');
  const found = await page.evaluate(async () => (await fetch('/api/v1/query', { method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${window.weige.session.token}` },
    body: JSON.stringify({ name: 'console.search', params: { q: '郑新户' } }) })).json());
  expect(found.value.households.map((x) => x.id)).toEqual(['h-console-import-1']);
  // Again: nothing changes.
  await page.click('#import-dry');
  await page.waitForSelector('#import-report[data-applied="false"]');
  expect(await page.textContent('#import-report')).toContain('0 行将新增或更新');

  // A long file: while it is checked, the server's count of rows so far is
  // shown (polled under the import's job id).
  const bulkPath = path.join(os.tmpdir(), `weige-console-${process.pid}-bulk.csv`);
  // (Enough rows that checking them outlasts several polls: ~12 MB.)
  const bulk = Array.from({ length: 120000 }, (_, i) => {
    const r = [...good];
    r[cols.indexOf('户编号')] = `h-console-bulk-${i}`;
    r[cols.indexOf('门牌号')] = String(20000 + i);
    return r;
  });
  fs.writeFileSync(bulkPath, [cols, ...bulk].map((r) => r.map((v) => `"${v}"`).join(',')).join('\r\n') + '\r\n');
  await page.evaluate(() => {
    const el = document.getElementById('import-progress-text');
    window.importProgressSeen = [];
    new MutationObserver(() => window.importProgressSeen.push(el.textContent))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('#import-file', bulkPath);
  await page.click('#import-dry');
  await page.waitForSelector('#import-report[data-applied="false"]', { timeout: 60000 });
  const seen = await page.evaluate(() => window.importProgressSeen);
  expect(seen.some((x) => /^已检查 [1-9][\d,]* 行$/.test(x))).toBe(true);
  expect(await page.isHidden('#import-progress-text')).toBe(true);
  fs.rmSync(bulkPath, { force: true });

  // XLSX: the micro-grid's households exported, read with exceljs, imported back unchanged.
  await page.selectOption('#export-format', 'xlsx');
  const xl = await downloadFrom(page, () => page.click('#export-download'));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xl.bytes);
  const sheet = wb.worksheets[0];
  expect(sheet.getRow(1).values).toContain('户编号');
  expect(sheet.actualRowCount).toBe(lines.length + 1);  // and the imported household
  const xlPath = path.join(os.tmpdir(), `weige-console-${process.pid}.xlsx`);
  fs.writeFileSync(xlPath, xl.bytes);
  await page.setInputFiles('#import-file', xlPath);
  await page.click('#import-dry');
  await page.waitForSelector('#import-report');
  expect(await page.getAttribute('#import-report', 'data-refused')).toBe('0');
  expect(await page.textContent('#import-report')).toContain('0 行将新增或更新');

  // Departments, from the template's header: a file names the kind in
  // Chinese; an unknown kind is refused where it is; the export has the new one.
  const deptCols = ['部门编号', '名称', '类别'];
  const deptPath = path.join(os.tmpdir(), `weige-console-${process.pid}-departments.csv`);
  fs.writeFileSync(deptPath, [deptCols, ['dept-console-1', '示例物业服务中心', '物业'],
    ['dept-console-2', '某某局', '不存在的类别']].map((r) => r.join(',')).join('\r\n') + '\r\n');
  await page.selectOption('#import-kind', 'departments');
  await page.setInputFiles('#import-file', deptPath);
  await page.click('#import-dry');
  await page.waitForSelector('#import-errors tr[data-row="3"]');
  expect(await page.textContent('#import-errors tr[data-row="3"]')).toContain('类别');
  await page.click('#import-apply');
  await page.waitForSelector('#import-report[data-applied="true"]');
  await page.fill('#export-region', '');
  await page.selectOption('#export-kind', 'departments');
  await page.selectOption('#export-format', 'csv');
  const depts = await downloadFrom(page, () => page.click('#export-download'));
  const deptLines = depts.bytes.toString('utf8').replace(/^\ufeff/, '').split(/\r?\n/).filter(Boolean);
  expect(csvFields(deptLines[0])).toEqual(deptCols);
  expect(deptLines.map(csvFields)).toContainEqual(['dept-console-1', '示例物业服务中心', '物业']);
  expect(deptLines.some((l) => l.includes('dept-console-2'))).toBe(false);
  fs.rmSync(deptPath, { force: true });

  // Every export, each format, read back.
  await page.fill('#export-region', '');
  for (const kind of ['items', 'visits', 'reports', 'households', 'figures', 'departments']) {
    for (const format of ['csv', 'xlsx']) {
      await page.selectOption('#export-kind', kind);
      await page.selectOption('#export-format', format);
      const d = await downloadFrom(page, () => page.click('#export-download'));
      expect(d.name).toMatch(new RegExp(`^${kind}-.*\\d{8}\\.${format}$`));
      if (format === 'csv') {
        expect(d.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        expect(d.bytes.toString('utf8').split(/\r?\n/).filter(Boolean).length).toBeGreaterThan(1);
      } else {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(d.bytes);
        expect(book.worksheets[0].actualRowCount).toBeGreaterThan(1);
      }
    }
  }
  fs.rmSync(gbPath, { force: true });
  fs.rmSync(xlPath, { force: true });
  expect(errors).toEqual([]);
  await context.close();
});
