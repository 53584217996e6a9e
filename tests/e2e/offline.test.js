// A worker records visits with the browser offline, reloads the page while
// still offline (the service worker brings the app back, OPFS the data),
// then goes online: the server has every visit.
import { useServerAndBrowser, kPhone, watch, signIn, view, go, pending, waitSynced,
  serverLogin, serverQuery } from './support/harness.js';
import { recordVisit } from './support/flows.js';

const env = useServerAndBrowser();

// opfs: the database in OPFS behind a Worker (Chromium's way); idb: the
// IndexedDB host that browsers without OPFS get.
test.each(['opfs', 'idb'])('%s: visits made offline survive an offline reload and reach the server', async (host) => {
  const context = await env.browser.newContext(kPhone);
  const page = await context.newPage();
  const errors = watch(page, 'worker');
  if (host === 'idb') {
    await page.goto(env.server.base);
    await page.evaluate(() => localStorage.setItem('weige.host', 'idb'));
  }
  await signIn(page, env.server.base, env.server.logins.worker);
  expect(await page.evaluate(() => window.weige.host)).toBe(host);
  await view(page, 'worker');
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller,
    null, { timeout: 30000 });

  await context.setOffline(true);
  await page.waitForSelector('#net-status[data-online=false]');
  const households = await page.$$eval('[data-household]', (els) => els.slice(0, 3).map((e) => e.dataset.household));
  expect(households).toHaveLength(3);
  await recordVisit(page, households[0], 'met');
  await recordVisit(page, households[1], 'not_home');
  await recordVisit(page, households[2], 'vacant');
  expect(await pending(page)).toBe(3);

  // Reload with no network: the app and the data come back.
  await page.reload();
  await view(page, 'worker');
  await page.waitForFunction(() => window.weige && window.weige.sync);
  expect(await page.textContent('#net-status')).toMatch(/离线|Offline/);
  for (const hh of [households[0], households[2]]) {
    expect(await page.$(`[data-household="${hh}"]`)).toBeNull();
  }
  // not_home does not count for coverage: still due, with its last outcome.
  expect(await page.textContent(`[data-household="${households[1]}"]`)).toMatch(/无人在家/);
  expect(await pending(page)).toBe(3);

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitSynced(page);
  expect(await pending(page)).toBe(0);

  const token = await serverLogin(env.server.base, env.server.logins.worker);
  const cycle = await page.evaluate(() => {
    const d = new Date(Date.now() + 8 * 3600 * 1000);
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  const mg = env.server.logins.worker.scope || (await page.evaluate(() => window.weige.role.scope_id));
  const { visits } = await serverQuery(env.server.base, token, 'visits.list',
    { microgrid_id: mg, cycle, limit: 2000 });
  const byHousehold = new Map();  // the newest visit of each household (the list is newest first)
  for (const v of visits) if (!byHousehold.has(v.household_id)) byHousehold.set(v.household_id, v);
  expect(byHousehold.get(households[0]).outcome).toBe('met');
  expect(byHousehold.get(households[1]).outcome).toBe('not_home');
  expect(byHousehold.get(households[2]).outcome).toBe('vacant');
  expect(byHousehold.get(households[0]).answers).toBeTruthy();
  await go(page, '#/inbox', 'inbox');
  expect(await page.$$('[data-command]')).toHaveLength(0);
  expect(errors).toEqual([]);
  await context.close();
});
