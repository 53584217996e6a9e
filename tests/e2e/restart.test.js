// Data survives a browser restart on the same profile: a visit recorded
// offline (not yet synced) is still there, still pending, after the browser
// is closed and started again; then it syncs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchPersistent, watch, signIn, view, pending, waitSynced, serverLogin,
  serverQuery } from './support/harness.js';
import { recordVisit } from './support/flows.js';

let server;
let profile;

beforeAll(async () => {
  server = await startServer();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-profile-'));
});

afterAll(async () => {
  if (server) await server.stop();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

test('an unsynced visit survives closing and restarting the browser', async () => {
  let context = await launchPersistent(profile);
  let page = context.pages()[0] || await context.newPage();
  watch(page, 'first run');
  await signIn(page, server.base, server.logins.worker);
  await view(page, 'worker');
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller);
  await context.setOffline(true);
  await page.waitForSelector('#net-status[data-online=false]');
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await recordVisit(page, hh, 'met');
  expect(await pending(page)).toBe(1);
  await context.close();

  context = await launchPersistent(profile);
  await context.setOffline(true);
  page = context.pages()[0] || await context.newPage();
  const errors = watch(page, 'second run');
  await page.goto(server.base);
  await view(page, 'worker');  // no sign-in: the session and the data are on the device
  await page.waitForFunction(() => window.weige && window.weige.sync);
  expect(await page.$(`[data-household="${hh}"]`)).toBeNull();
  expect(await pending(page)).toBe(1);

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitSynced(page);
  const token = await serverLogin(server.base, server.logins.worker);
  const { visits } = await serverQuery(server.base, token, 'visits.list', { household_id: hh });
  expect(visits.some((v) => v.outcome === 'met' && Date.now() - v.at < 600000)).toBe(true);
  expect(errors).toEqual([]);
  await context.close();
});
