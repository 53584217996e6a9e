// The whole loop across separate browser contexts (separate people, separate
// devices): a resident reports while offline -> reconnects -> the worker
// sees the item -> assigns it to the property company -> its member marks it
// fixed -> the building captain verifies (销号) -> the resident evaluates.
import { useServerAndBrowser, kPhone, watch, signIn, view, go, pending, waitSynced,
  expectAccepted, syncNow, canvasPhoto, addPhoto, serverLogin, serverQuery, photoSize, shotDir, ensureDir } from './support/harness.js';
import path from 'node:path';
import { itemAction } from './support/flows.js';

const env = useServerAndBrowser();

async function person(role, prefix) {
  const who = env.server.who(role, prefix);
  if (!who) throw new Error(`no demo login for ${role} ${prefix || ''}`);
  const context = await env.browser.newContext(kPhone);
  const page = await context.newPage();
  const errors = watch(page, role);
  await signIn(page, env.server.base, who);
  return { who, context, page, errors };
}

test('report offline -> assign -> fix -> verify (销号) -> evaluate', async () => {
  const description = `楼道灯坏了，晚上看不清台阶 ${Date.now()}`;

  // The resident, offline.
  const resident = await person('resident');
  const rp = resident.page;
  await view(rp, 'resident');
  await resident.context.setOffline(true);
  await rp.waitForSelector('#net-status[data-online=false]');
  await rp.selectOption('[data-view=resident] select', 'public_facility');
  await rp.fill('[data-view=resident] textarea', description);
  await addPhoto(rp, '[data-view=resident]', await canvasPhoto(rp, 'lamp'));
  await rp.fill('[data-view=resident] input[type=tel]', '13812341234');
  await rp.check('[data-view=resident] [data-field=contact_ok]');
  await rp.click('[data-submit=report]');
  await view(rp, 'resident-mine');
  await rp.waitForSelector('[data-report][data-state=open]');
  expect(await pending(rp)).toBe(1);

  // Reconnects: the photo, then the report reach the server.
  await resident.context.setOffline(false);
  await rp.evaluate(() => window.dispatchEvent(new Event('online')));
  await expectAccepted(rp);
  const reportId = await rp.getAttribute('[data-report]', 'data-report');
  const itemId = `${reportId}.item`;

  // The worker of the micro-grid sees it and assigns it to the property company.
  const worker = await person('worker');
  const wp = worker.page;
  await go(wp, '#/worker/items', 'worker-items');
  await wp.waitForSelector(`[data-item="${itemId}"]`);
  await wp.click(`[data-item="${itemId}"]`);
  await view(wp, 'item');
  // The worker does not handle it: the resident's phone is masked, with no way to reveal it.
  expect(await wp.textContent('[data-view=item] [data-phone]')).toBe('138****1234');
  expect(await wp.$('[data-action=reveal_phone]')).toBeNull();
  const dept = env.server.who('department', 'wy-');
  await itemAction(wp, 'assign', async (box) => {
    await wp.selectOption(`${box} select`, `d:${dept.scope}`);
  });
  await wp.waitForSelector('[data-view=item][data-state=assigned]');
  await expectAccepted(wp);

  // The property company's member marks it fixed, with a photo.
  const owner = await person('department', 'wy-');
  const op = owner.page;
  await view(op, 'department');
  await op.waitForSelector(`[data-item="${itemId}"]`);
  await op.click(`[data-item="${itemId}"]`);
  await view(op, 'item');
  await itemAction(op, 'mark_fixed', async (box) => {
    await addPhoto(op, box, await canvasPhoto(op, 'fixed'));
  });
  await op.waitForSelector('[data-view=item][data-state=fixed]');
  // Who fixed it is never offered 销号 or 退回整改 (the core lists the actions).
  const fixerOffered = await op.$$eval('[data-view=item] [data-action]', (els) => els.map((e) => e.dataset.action));
  expect(fixerOffered).not.toContain('verify');
  expect(fixerOffered).not.toContain('reject_fix');
  expect(await op.textContent('[data-view=item] .app-actions')).not.toMatch(/销号|退回整改/);
  await expectAccepted(op);

  // The building captain verifies (销号) with a photo.
  const captain = await person('captain');
  const cp = captain.page;
  await view(cp, 'captain');
  await cp.waitForSelector(`[data-item="${itemId}"][data-state=fixed]`);
  await cp.click(`[data-item="${itemId}"]`);
  await view(cp, 'item');
  await itemAction(cp, 'verify', async (box) => {
    await addPhoto(cp, box, await canvasPhoto(cp, 'checked'));
  });
  await cp.waitForSelector('[data-view=item][data-state=closed]');
  await expectAccepted(cp);

  // The resident sees it closed, with the timeline, and evaluates.
  await syncNow(rp);
  await go(rp, '#/resident', 'resident');
  await go(rp, '#/resident/mine', 'resident-mine');
  await rp.waitForSelector(`[data-report="${reportId}"][data-state=closed]`);
  const timeline = await rp.textContent(`[data-report="${reportId}"] .app-timeline`);
  for (const step of ['提交上报', '指派', '标记已整改', '销号']) expect(timeline).toContain(step);
  await rp.check(`[data-evaluate="${reportId}"] input[value="5"]`);
  await rp.fill(`[data-evaluate="${reportId}"] textarea`, '修得很快，谢谢');
  await rp.click(`[data-evaluate="${reportId}"] [data-submit=evaluate]`);
  await rp.waitForSelector(`[data-report="${reportId}"] .app-rated`);
  await waitSynced(rp);

  const token = await serverLogin(env.server.base, resident.who);
  const { reports } = await serverQuery(env.server.base, token, 'reports.mine', { now: Date.now() });
  const report = reports.find((r) => r.id === reportId);
  expect(report.state).toBe('closed');
  expect(report.rating).toBe(5);
  // The 2400x1800 photo was downscaled to 1600 px on its longest side before
  // it was hashed and uploaded.
  expect(report.photos).toHaveLength(1);
  expect(await photoSize(rp, env.server.base, token, report.photos[0])).toEqual({ width: 1600, height: 1200 });
  for (const p of [resident, worker, owner, captain]) {
    expect(p.errors).toEqual([]);
    await p.context.close();
  }
});

test('the captain who fixed an item is offered neither 销号 nor 退回整改 (the core lists the actions)', async () => {
  const captain = await person('captain');
  const cp = captain.page;
  await go(cp, '#/captain/new', 'captain-new');
  await cp.fill('[data-view=captain-new] input[type=text]', '单元门禁损坏');
  await cp.click('[data-submit=new-item]');
  await view(cp, 'captain');
  const id = await cp.getAttribute('[data-item]:has-text("单元门禁损坏")', 'data-item');
  await cp.click(`[data-item="${id}"]`);
  await view(cp, 'item');
  await itemAction(cp, 'mark_fixed', async (box) => {
    await addPhoto(cp, box, await canvasPhoto(cp, 'door'));
  });
  await cp.waitForSelector('[data-view=item][data-state=fixed]');
  const offered = await cp.$$eval('[data-view=item] [data-action]', (els) => els.map((e) => e.dataset.action));
  expect(offered).toEqual(['comment']);
  await waitSynced(cp);
  await captain.context.close();
});

test('a stale offline change loses to a closure on the server and lands in the inbox with its reason', async () => {
  const captain = await person('captain');
  const cp = captain.page;
  await go(cp, '#/captain/new', 'captain-new');
  await cp.fill('[data-view=captain-new] input[type=text]', '消防栓箱门脱落');
  await cp.click('[data-submit=new-item]');
  await view(cp, 'captain');
  const id = await cp.getAttribute('[data-item]:has-text("消防栓箱门脱落")', 'data-item');
  await waitSynced(cp);

  // The worker marks it fixed; the captain's phone learns it.
  const worker = await person('worker');
  const wp = worker.page;
  await go(wp, `#/item/${encodeURIComponent(id)}`, 'item');
  await itemAction(wp, 'mark_fixed', async (box) => {
    await addPhoto(wp, box, await canvasPhoto(wp, 'hydrant'));
  });
  await wp.waitForSelector('[data-view=item][data-state=fixed]');
  await expectAccepted(wp);
  await syncNow(cp);
  await go(cp, `#/item/${encodeURIComponent(id)}`, 'item');
  await cp.waitForSelector('[data-view=item][data-state=fixed]');

  // The captain's phone loses its signal; meanwhile the grid head verifies (销号).
  await captain.context.setOffline(true);
  await cp.waitForSelector('#net-status[data-online=false]');
  const head = await person('grid_head');
  const hp = head.page;
  await go(hp, `#/item/${encodeURIComponent(id)}`, 'item');
  await itemAction(hp, 'verify', async (box) => {
    await addPhoto(hp, box, await canvasPhoto(hp, 'hydrant-ok'));
  });
  await hp.waitForSelector('[data-view=item][data-state=closed]');
  await expectAccepted(hp);
  await head.context.close();

  // Offline, the captain still sees it fixed and sends it back.
  await itemAction(cp, 'reject_fix', async (box) => {
    await cp.fill(`${box} textarea`, '箱门仍然松动');
  });
  await cp.waitForSelector('[data-view=item][data-state=assigned]');
  expect(await pending(cp)).toBe(1);

  await captain.context.setOffline(false);
  await cp.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitSynced(cp);
  await cp.waitForSelector('#inbox-link[data-count="1"]');
  await go(cp, '#/inbox', 'inbox');
  const row = await cp.waitForSelector('[data-command]');
  expect(await row.getAttribute('data-reason')).toBe('item.closed');
  expect(await row.textContent()).toMatch(/该整改项已销号，不能再变更/);
  await cp.screenshot({ path: path.join(ensureDir(shotDir), 'inbox-rejected.png') });
  // The server's state won: closed on the captain's phone too.
  await go(cp, `#/item/${encodeURIComponent(id)}`, 'item');
  await cp.waitForSelector('[data-view=item][data-state=closed]');
  await captain.context.close();
  await worker.context.close();
});
