/**
 * @jest-environment jsdom
 */
// Offline, then reconnect, through a REAL weige-server on loopback: the
// mini-program (the assembled package, its pages driven with
// miniprogram-simulate) signs a worker in, takes its micro-grid down, loses
// the network, records visits - one with a photo -, is killed and started
// again while still offline, then finds the network: wx.onNetworkStatusChange
// wakes the sync client, which uploads the photo and pushes the visits over
// wx.request, and the server has them. An item the worker marked fixed
// offline was closed on the server meanwhile: that command is rejected and
// shown in the inbox with the core's reason. The wx object is a STAND-IN for the
// WeChat client (support/wx_client.js); its wx.request is Node's http.
import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { launchApp, settle, tap, change, input, text, barText, all, find, packageRoot, tempDir } from './support/app.js';
import { createWxClient } from './support/wx_client.js';
import { startServer, login, serverQuery, httpRequest, until } from './support/server.js';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';

jest.setTimeout(240000);

// The sync client is offline/src/sync-client.js, bundled when it exists
// (build-miniprogram.sh); without it there is nothing to reconnect with.
const hasSyncClient = fs.readFileSync(path.join(packageRoot, 'vendor/weige-offline.js'), 'utf8')
  .includes('createSyncClient');
const maybe = hasSyncClient ? test : test.skip;
if (!hasSyncClient) console.warn('reconnect.test.js: the build has no sync client; skipped');

let server;
beforeAll(async () => {
  if (hasSyncClient) server = await startServer();
});
afterAll(async () => {
  if (server) await server.stop();
});


maybe('visits recorded offline reach the server after the network returns; a stale fix is rejected with its reason', async () => {
  const worker = server.who('worker');
  const dir = tempDir('reconnect');
  const client = createWxClient({ dir, packageRoot });

  // 1. Online: sign in on the sign-in page; the first sync brings the micro-grid.
  let app = await launchApp({ client });
  const loginPage = await app.open('pages/login/index');
  await input(loginPage.querySelector('.server'), server.base);
  await input(loginPage.querySelector('.person'), worker.person_id);
  await input(loginPage.querySelector('.password'), worker.password);
  await tap(loginPage.querySelector('.submit'));
  await until('sign-in', () => app.shell.session || (text(loginPage, '.error') && Promise.reject(new Error(text(loginPage, '.error')))), 20000);
  expect(text(loginPage, '.error')).toBe('');
  expect(client.callsOf('reLaunch').pop().url).toBe('/pages/worker/index');
  expect(await app.shell.syncNow()).toBe(true);
  const home = await app.open('pages/worker/index');
  const households = all(home, '.household').map((h) => h.dom.dataset.id);
  expect(households.length).toBeGreaterThanOrEqual(3);

  // An open item in the demo captain's building, which the phone now holds.
  const captain = server.who('captain');
  const head = server.who('grid_head');
  const { items: open } = await app.shell.query('items.checklist',
    { building_id: captain.scope, now: Date.now() });
  const contested = open.find((i) => i.state === 'open' || i.state === 'assigned');
  expect(contested).toBeTruthy();

  // 2. Offline: three visits, the first one met with the checklist and a photo.
  client.setOnline(false);
  await settle();
  expect(barText(home, '.net')).toBe('离线');
  const visited = households.slice(0, 3);
  const visit = await app.open('pages/worker/visit', { household: visited[0] });
  await change(visit.querySelector('.outcome'), 'met');
  const keys = all(visit, '.question').map((q) => q.dom.dataset.key);
  const { templates } = await app.shell.query('templates.current');
  const options = Object.fromEntries(templates.find((t) => t.id === 'door_knock').body.questions
    .map((q) => [q.key, q.options || []]));
  for (const q of all(visit, '.question')) {
    const key = q.dom.dataset.key;
    const answer = find(visit, '.answer', (d) => d.key === key)[0];
    const kind = answer && answer.dom.dataset.kind;
    if (kind === 'yes_no') await change(answer, key === 'fraud_leaflet' ? 'true' : 'false');
    else if (kind === 'choice') await change(answer, options[key][0]);
    else if (kind === 'number') await input(answer, '3');
  }
  expect(keys.length).toBeGreaterThan(5);
  client.queueImage(Buffer.alloc(50000, 11), { width: 4000, height: 3000 });
  await tap(visit.querySelector('.photos').querySelector('.add'));
  await tap(visit.querySelector('.submit'));
  expect(text(visit, '.error')).toBe('');
  for (const [h, outcome] of [[visited[1], 'not_home'], [visited[2], 'refused']]) {
    const p = await app.open('pages/worker/visit', { household: h });
    await change(p.querySelector('.outcome'), outcome);
    await tap(p.querySelector('.submit'));
    expect(text(p, '.error')).toBe('');
  }
  expect(client.callsOf('navigateBack')).toHaveLength(3);
  // ...and marks the item fixed, with a photo of the fix.
  const itemPage = await app.open('pages/item/index', { id: contested.id });
  client.queueImage(Buffer.alloc(30000, 12), { width: 3000, height: 4000 });
  await tap(itemPage.querySelector('.evidence').querySelector('.add'));
  await tap(itemPage.querySelector('.mark-fixed'));
  expect(text(itemPage, '.error')).toBe('');
  expect(itemPage.querySelector('.state').dom.dataset.state).toBe('fixed');
  const requestsOffline = client.callsOf('request').length;
  expect((await app.shell.rt.syncState()).pending).toBe(4);

  // Meanwhile the grid head fixes it and the captain closes it (销号) on the server.
  const ev = (n) => 'c'.repeat(48) + n.toString(16).padStart(16, '0');
  for (const [who, type, n] of [[head, 'item.mark_fixed', 1], [captain, 'item.verify', 2]]) {
    const t = await login(server.base, who);
    const r = await httpRequest('POST', `${server.base}/api/v1/sync/push`, { token: t,
      headers: { 'content-type': 'application/json' },
      body: { commands: [{ id: `srv-${n}-${Date.now()}`, type, at: Date.now(),
        payload: { item_id: contested.id, evidence: [ev(n)] } }] } });
    expect(r.json().results[0].status).toBe('accepted');
  }

  // 3. The mini-program is killed and started again, still offline.
  await app.close();
  app = await launchApp({ client });
  const again = await app.open('pages/worker/index');
  expect(all(again, '.household').map((h) => h.dom.dataset.id)).not.toContain(visited[0]);
  expect(barText(again, '.sync')).toBe('待同步 4');
  const { visits: local } = await app.shell.query('visits.list', { household_id: visited[0] });
  const photo = local[0].photos[0];
  expect(photo).toMatch(/^[0-9a-f]{64}$/);

  // 4. The network returns: the client hears it and syncs, with no tap.
  client.setOnline(true);
  await until('the push', async () => (await app.shell.rt.syncState()).pending === 0);
  expect(client.callsOf('request').length).toBeGreaterThan(requestsOffline);
  await until('the status strip', () => barText(again, '.sync') === '已同步', 10000);

  // The stale fix lost to the server's closure: rejected, with its reason,
  // in the inbox; the phone shows the item closed as the server has it.
  expect(barText(again, '.rejected')).toBe('被拒 1');
  const inbox = await app.open('pages/inbox/index');
  const rows = all(inbox, '.rejection');
  expect(rows).toHaveLength(1);
  expect(rows[0].dom.dataset.reason).toBe('item.closed');
  expect(text(inbox, '.reason')).toBe('该整改项已销号，不能再变更');
  const detail = await app.shell.query('item.detail', { item_id: contested.id });
  expect(detail.state).toBe('closed');

  // 5. The server has every visit, and the photo, byte for byte.
  const token = await login(server.base, worker);
  const mg = worker.scope;
  for (const h of visited) {
    const { visits } = await serverQuery(server.base, token, 'visits.list', { household_id: h });
    expect(visits.some((v) => v.worker_id === worker.person_id && v.cycle === local[0].cycle)).toBe(true);
  }
  const { visits: met } = await serverQuery(server.base, token, 'visits.list', { household_id: visited[0] });
  const mine = met.find((v) => v.id === local[0].id);
  expect(mine.outcome).toBe('met');
  expect(mine.photos).toEqual([photo]);
  const blob = await httpRequest('GET', `${server.base}/api/v1/blobs/${photo}`, { token });
  expect(blob.status).toBe(200);
  expect(createHash('sha256').update(blob.body).digest('hex')).toBe(photo);
  expect(blob.body.equals(Buffer.from(app.shell.photos.read(photo)))).toBe(true);
  expect(app.shell.photos.waiting()).toEqual([]);
  const due = await serverQuery(server.base, token, 'worker.households_due',
    { microgrid_id: mg, cycle: local[0].cycle });
  const stillDue = due.buildings.flatMap((b) => b.households.map((h) => h.id));
  expect(stillDue).not.toContain(visited[0]);
  await app.close();
});

maybe('sign-in: the server\'s refusal in words; offline, it is not tried', async () => {
  const worker = server.who('worker');
  const app = await launchApp({ dir: tempDir('login') });
  const page = await app.open('pages/login/index');
  await input(page.querySelector('.server'), server.base);
  await input(page.querySelector('.person'), worker.person_id);
  await input(page.querySelector('.password'), 'not-the-password');
  await tap(page.querySelector('.submit'));
  await until('the refusal', () => text(page, '.error'), 20000);
  expect(text(page, '.error')).toBe('账号或密码错误');
  expect(app.shell.session).toBeNull();
  app.client.setOnline(false);
  await settle();
  const before = app.client.callsOf('request').length;
  await input(page.querySelector('.password'), worker.password);
  await tap(page.querySelector('.submit'));
  expect(text(page, '.error')).toBe('首次登录需要网络连接');
  expect(app.client.callsOf('request').length).toBe(before);
  await app.close();
});

maybe('a shared phone: unsynced records stay with their author; the next person neither sees nor sends them', async () => {
  const a = server.who('worker');
  const b = server.who('captain');
  const client = createWxClient({ dir: tempDir('shared'), packageRoot });
  const app = await launchApp({ client });
  const signIn = async (who) => {
    const page = await app.open('pages/login/index');
    await input(page.querySelector('.server'), server.base);
    await input(page.querySelector('.person'), who.person_id);
    await input(page.querySelector('.password'), who.password);
    await tap(page.querySelector('.submit'));
    await until(`${who.person_id} signed in`, () => app.shell.session && app.shell.session.person_id === who.person_id, 20000);
    expect(await app.shell.syncNow()).toBe(true);
  };
  const visitId = app.shell.newId();
  const onServer = async (token, household) => {
    const { visits } = await serverQuery(server.base, token, 'visits.list', { household_id: household });
    return visits.filter((v) => v.id === visitId);
  };

  // A records a visit offline and signs out: kept, and said on the sign-in page.
  await signIn(a);
  const home = await app.open('pages/worker/index');
  const hh = all(home, '.household')[0].dom.dataset.id;
  client.setOnline(false);
  await settle();
  await app.shell.dispatch('visit.record', { visit_id: visitId, household_id: hh,
    cycle: currentCycle(), outcome: 'not_home' });
  expect((await app.shell.rt.syncState()).pending).toBe(1);
  expect(await app.shell.logout()).toBe(1);
  let page = await app.open('pages/login/index');
  expect(text(page, '.pending-here')).toContain('1 条未同步记录');

  // B signs in on the same phone: nothing of A's shows, nothing of A's goes up.
  client.setOnline(true);
  await settle();
  await signIn(b);
  expect((await app.shell.rt.syncState()).pending).toBe(0);
  expect((await app.shell.rt.rejections())).toEqual([]);
  const { visits: seen } = await app.shell.query('visits.list', { household_id: hh }).catch(() => ({ visits: [] }));
  expect(seen.filter((v) => v.id === visitId)).toEqual([]);
  const tokenA = await login(server.base, a);
  expect(await onServer(tokenA, hh)).toEqual([]);
  await app.shell.logout();
  page = await app.open('pages/login/index');
  expect(text(page, '.pending-here')).toContain('1 条未同步记录');

  // A signs in again: the kept visit goes up; the note is gone.
  await signIn(a);
  await until('the push', async () => (await app.shell.rt.syncState()).pending === 0);
  expect(await onServer(tokenA, hh)).toHaveLength(1);
  expect(app.shell.pendingHere()).toEqual([]);
  await app.close();
});
