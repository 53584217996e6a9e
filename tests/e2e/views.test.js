// Every view, as each role sees it, in zh-CN and in English: axe-core finds
// no serious or critical violation, no visible text is raw machine text (an
// untranslated key, an English core message in zh-CN, a demo id), and a
// 390x844 screenshot of each is saved to test-out/screenshots/ (name.png and
// name-en.png). A second tab of the same profile says the app is
// open elsewhere instead of opening the database.
import path from 'node:path';
import { startServer, launchChromium, kPhone, watch, signIn, view, go, repo, shotDir, ensureDir,
  addPhoto, canvasPhoto, waitSynced } from './support/harness.js';

let server;
let browser;
const axeSource = path.join(repo, 'node_modules/axe-core/axe.min.js');
const checked = [];
let escalated = null;  // the grid head's escalation, which the department then sees

beforeAll(async () => {
  ensureDir(shotDir);
  server = await startServer();
  browser = await launchChromium();
});

afterAll(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// axe is injected as an inline script, which the app's Content-Security-Policy
// forbids (as it should): the audited contexts bypass the policy; the other
// e2e suites run under it.
const kAudited = { ...kPhone, bypassCSP: true };

// What counts as raw machine text on screen.
const kRaw = {
  // "payload.title", "argument.empty", "cat.facility", "ev.item.opened"
  key: /\b[a-z][a-z_]*(?:\.[a-z_]+)+\b/,
  // the demo's ids: b-s1c1g1m1-1, h-s1c1g1m1-1-1-101, p-g-s1c1g1, s1c1g1m1, r-<uuid>
  id: /\b(?:[a-z]{1,3}-)+s\d+c\d+(?:g\d+)?(?:m\d+)?(?:-[\w-]+)?\b|\bs\d+c\d+g\d+(?:m\d+)?\b|\b[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-/,
  // an English sentence (three or more words) in zh-CN mode, e.g. "must not be empty"
  english: /\b[A-Za-z]{2,}(?:[ ,:;]+[A-Za-z]{2,}){2,}\b/,
};

/** The text a person sees: rendered text plus labels, titles and alt texts. */
function visibleText(page) {
  return page.evaluate(() => {
    const out = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label], [title], img[alt]')) {
      if (el.closest('[hidden]') || el.offsetParent === null && el.tagName !== 'IMG') continue;
      // The language switch speaks the language it switches to (lang="en").
      if (el.closest('[lang]') !== document.documentElement) continue;
      out.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '', el.getAttribute('alt') || '');
    }
    return out.join('\n');
  });
}

async function rawFindings(page, lang) {
  const text = await visibleText(page);
  const found = [];
  for (const [kind, re] of Object.entries(kRaw)) {
    if (kind === 'english' && lang !== 'zh-CN') continue;
    for (const line of text.split('\n')) {
      for (const m of line.matchAll(new RegExp(re.source, 'g'))) {
        found.push(`${kind}: "${m[0]}" in "${line.trim().slice(0, 80)}"`);
      }
    }
  }
  return found;
}

async function expectNoRawText(page, name, lang) {
  const found = await rawFindings(page, lang);
  expect({ view: name, lang, raw: found }).toEqual({ view: name, lang, raw: [] });
}

async function toggleLang(page, want) {
  await page.click('.app-lang');
  await page.waitForFunction((l) => document.documentElement.lang === l, want);
  await page.waitForTimeout(200);  // the view re-renders in the new language
}

// Screenshot, axe and the raw-text check in zh-CN, then the same in English
// (name-en), then back to zh-CN. `reopen` restores what the re-render closed
// (an opened action form).
async function audit(page, name, { reopen = null, bothLanguages = true } = {}) {
  await auditOne(page, name, 'zh-CN');
  if (!bothLanguages) return;
  await toggleLang(page, 'en');
  if (reopen) await reopen();
  await auditOne(page, `${name}-en`, 'en');
  await toggleLang(page, 'zh-CN');
  if (reopen) await reopen();
}

async function auditOne(page, name, lang) {
  await page.waitForLoadState('domcontentloaded');
  await page.evaluate(() => document.fonts && document.fonts.ready);
  await page.waitForTimeout(150);  // toasts and transitions settle
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
  await expectNoRawText(page, name, lang);
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  checked.push(name);
  expect({ view: name, violations: bad }).toEqual({ view: name, violations: [] });
}

async function person(role, prefix) {
  const context = await browser.newContext(kAudited);
  const page = await context.newPage();
  const errors = watch(page, role);
  await signIn(page, server.base, server.who(role, prefix));
  return { context, page, errors };
}

test('login', async () => {
  const context = await browser.newContext(kAudited);
  const page = await context.newPage();
  await page.goto(server.base);
  await view(page, 'login');
  // The check finds what it is for: a key, an English core message, the demo's ids.
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.id = 'raw-probe';
    p.textContent = 'payload.title must not be empty · b-s1c1g1m1-1 · s1c1g1m1 · p-g-s1c1g1 · cat.facility';
    document.body.append(p);
  });
  const probe = (await rawFindings(page, 'zh-CN')).join('\n');
  for (const want of ['key: "payload.title"', 'english: "title must not be empty"', 'id: "b-s1c1g1m1-1"',
    'id: "s1c1g1m1"', 'id: "p-g-s1c1g1"', 'key: "cat.facility"']) expect(probe).toContain(want);
  await page.evaluate(() => document.getElementById('raw-probe').remove());
  await audit(page, 'login');
  // A sign-in the server cannot answer (it is unreachable): a sentence in the
  // person's language, and the badge no longer says online.
  await page.route('**/api/v1/auth/login', (r) => r.abort('internetdisconnected'));
  await page.fill('#login-person', 'p-w-s1c1g1m1');
  await page.fill('#login-password', 'wrong');
  await page.click('#login-submit');
  await page.waitForSelector('[data-view=login] .app-error:has-text("无法连接服务器")');
  await page.waitForSelector('#net-status[data-online=false]');
  await audit(page, 'login-unreachable', { bothLanguages: false });
  await page.unroute('**/api/v1/auth/login');
  // A wrong password: the server's reason in words.
  await page.click('#login-submit');
  await page.waitForSelector('[data-view=login] .app-error:has-text("账号或密码错误")');
  await page.waitForSelector('#net-status[data-online=true]');
  await audit(page, 'login-wrong-password', { bothLanguages: false });
  await context.close();
});

test('worker views', async () => {
  const { context, page, errors } = await person('worker');
  await view(page, 'worker');
  await audit(page, 'worker-households');
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await page.click(`[data-household="${hh}"]`);
  await view(page, 'visit');
  await audit(page, 'worker-visit-form');
  await go(page, '#/worker/items', 'worker-items');
  await audit(page, 'worker-items');
  await page.click('[data-item]');
  await view(page, 'item');
  const openAssign = () => page.click('[data-action=assign]');
  await openAssign();
  await audit(page, 'worker-item-detail', { reopen: openAssign });
  await go(page, '#/inbox', 'inbox');
  await audit(page, 'inbox');

  // A second tab of the same browser profile: the first one owns the database.
  const second = await context.newPage();
  await second.goto(server.base);
  await view(second, 'locked');
  await audit(second, 'second-tab');
  await second.close();
  expect(errors).toEqual([]);
  await context.close();
});

test('captain views', async () => {
  const { context, page, errors } = await person('captain');
  await view(page, 'captain');
  await audit(page, 'captain-checklist');
  await go(page, '#/captain/patrol', 'captain-patrol');
  await addPhoto(page, '[data-view=captain-patrol]', await canvasPhoto(page, 'stairs'));
  await audit(page, 'captain-patrol');
  await go(page, '#/captain/new', 'captain-new');
  await audit(page, 'captain-add-item');
  // No title: the core refuses (argument.*) and the form says so in words.
  await page.click('[data-submit=new-item]');
  await page.waitForSelector('[data-view=captain-new] .app-error:text-matches("请填写必填内容|缺少必填内容")');
  await audit(page, 'captain-add-item-no-title', { bothLanguages: false });
  await go(page, '#/captain', 'captain');
  await page.click('[data-item]');
  await view(page, 'item');
  await audit(page, 'captain-item-detail');
  expect(errors).toEqual([]);
  await context.close();
});

test('resident views', async () => {
  const { context, page, errors } = await person('resident');
  await view(page, 'resident');
  await audit(page, 'resident-report-form');
  // No description: the core's reason in words, in both languages.
  await page.click('[data-submit=report]');
  await page.waitForSelector('[data-view=resident] .app-error:text-matches("请填写必填内容|缺少必填内容")');
  await audit(page, 'resident-report-no-description', { bothLanguages: false });
  await go(page, '#/resident/mine', 'resident-mine');
  await audit(page, 'resident-my-reports');
  expect(errors).toEqual([]);
  await context.close();
});

test('grid head views', async () => {
  const { context, page, errors } = await person('grid_head');
  await view(page, 'grid');
  await audit(page, 'grid-dashboard');
  await go(page, '#/grid/queue', 'grid-queue');
  await audit(page, 'grid-queue');
  // Escalate (吹哨) an item waiting for assignment to a department.
  await page.click('[data-queue=assign] [data-item]');
  await view(page, 'item');
  const id = await page.getAttribute('[data-view=item]', 'data-item');
  const dept = server.who('department', 'wy-');
  const openEscalate = async () => {
    await page.click('[data-action=escalate]');
    await page.selectOption('[data-action-box=escalate] select', dept.scope);
    await page.fill('[data-action-box=escalate] textarea', '需物业公司上门检修');
  };
  // Without a reason the core refuses: its reason in words, not its message.
  await page.click('[data-action=escalate]');
  await page.selectOption('[data-action-box=escalate] select', dept.scope);
  await page.click('[data-submit=escalate]');
  await page.waitForSelector('[data-action-box=escalate] .app-error:text-matches("请填写必填内容|缺少必填内容")');
  await audit(page, 'grid-escalate-no-reason', { bothLanguages: false });
  await page.fill('[data-action-box=escalate] textarea', '需物业公司上门检修');
  await audit(page, 'grid-escalate', { reopen: openEscalate });
  await page.click('[data-submit=escalate]');
  await page.waitForSelector('.app-timeline :text("吹哨上报")');
  const detail = await page.evaluate((itemId) => window.weige.rt.query('item.detail',
    { actor: window.weige.session.personId, item_id: itemId }), id);
  expect(detail.escalated_to).toBe(dept.scope);
  escalated = { id, title: detail.title, building: detail.place.building, by: detail.escalation.by_name };
  expect(escalated.building).toBeTruthy();
  expect(escalated.by).toBeTruthy();
  await waitSynced(page);
  expect(errors).toEqual([]);
  await context.close();
});

test('department views', async () => {
  const { context, page, errors } = await person('department', 'wy-');
  await view(page, 'department');
  await audit(page, 'department-tasks');
  // The escalated item by its place and who escalated it, with the
  // escalation's own acknowledgement deadline (the department's phone holds
  // no building, household or grid-head rows: the core carries the names).
  expect(escalated).toBeTruthy();
  const row = `[data-item="${escalated.id}"]`;
  await page.waitForSelector(row);
  const rowText = await page.textContent(row);
  expect(rowText).toContain(escalated.building);
  expect(rowText).toContain(escalated.by);
  expect(rowText).toContain('报到期限');
  await page.click(row);
  await view(page, 'item');
  const facts = await page.textContent('[data-view=item] .app-facts');
  expect(facts).toContain(escalated.building);
  expect(await page.textContent('[data-escalated-by]')).toBe(escalated.by);
  const ack = Number(await page.getAttribute('[data-ack-deadline]', 'data-ack-deadline'));
  expect(ack).toBeGreaterThan(Date.now());
  const timelineMeta = await page.$$eval('.app-timeline__meta', (els) => els.map((e) => e.textContent));
  expect(timelineMeta.some((m) => m.startsWith(escalated.by))).toBe(true);
  await audit(page, 'department-item-detail');
  expect(errors).toEqual([]);
  await context.close();
  expect(checked.length).toBeGreaterThanOrEqual(36);
});
