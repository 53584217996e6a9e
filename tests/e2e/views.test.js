// Every view, as each role sees it: axe-core finds no serious or critical
// violation, and a 390x844 screenshot of each is saved to
// test-out/screenshots/. A second tab of the same profile says the app is
// open elsewhere instead of opening the database.
import path from 'node:path';
import { startServer, launchChromium, kPhone, watch, signIn, view, go, repo, shotDir, ensureDir,
  addPhoto, canvasPhoto, waitSynced } from './support/harness.js';

let server;
let browser;
const axeSource = path.join(repo, 'node_modules/axe-core/axe.min.js');
const checked = [];

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

async function audit(page, name) {
  await page.waitForLoadState('domcontentloaded');
  await page.evaluate(() => document.fonts && document.fonts.ready);
  await page.waitForTimeout(150);  // toasts and transitions settle
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
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
  await audit(page, 'login');
  await page.click('.app-lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await audit(page, 'login-en');
  await context.close();
});

test('worker views', async () => {
  const { context, page, errors } = await person('worker');
  await view(page, 'worker');
  await audit(page, 'worker-households');
  await page.click('.app-lang');
  await page.waitForSelector('[data-view=worker] .app-coverage:has-text("Coverage")');
  await audit(page, 'worker-households-en');
  await page.click('.app-lang');
  await page.waitForSelector('[data-view=worker] .app-coverage:has-text("覆盖率")');
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await page.click(`[data-household="${hh}"]`);
  await view(page, 'visit');
  await audit(page, 'worker-visit-form');
  await go(page, '#/worker/items', 'worker-items');
  await audit(page, 'worker-items');
  await page.click('[data-item]');
  await view(page, 'item');
  await page.click('[data-action=assign]');
  await audit(page, 'worker-item-detail');
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
  await page.click('[data-action=escalate]');
  await page.fill('[data-action-box=escalate] textarea', '需燃气公司上门检修');
  await audit(page, 'grid-escalate');
  await page.click('[data-submit=escalate]');
  await page.waitForSelector('.app-timeline :text("吹哨上报")');
  const detail = await page.evaluate((itemId) => window.weige.rt.query('item.detail',
    { actor: window.weige.session.personId, item_id: itemId }), id);
  expect(detail.escalated_to).toBeTruthy();
  await waitSynced(page);
  expect(errors).toEqual([]);
  await context.close();
});

test('department views', async () => {
  const { context, page, errors } = await person('department', 'wy-');
  await view(page, 'department');
  await audit(page, 'department-tasks');
  expect(errors).toEqual([]);
  await context.close();
  expect(checked.length).toBeGreaterThanOrEqual(16);
});
