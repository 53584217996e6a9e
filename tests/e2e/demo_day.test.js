// The demo district as a person finds it on the day weige-server built it:
// the visit form in English where the template has English (the answers
// stay the template's values), the current cycle in progress, the photos of
// the items served (no 404 for a blob the demo cites), and the resident's
// form naming their building.
import { useServerAndBrowser, kPhone, watch, signIn, view, go, serverLogin,
  serverQuery } from './support/harness.js';
import { currentCycle } from '../../web/miniprogram/lib/cycle.js';

const env = useServerAndBrowser();
let server;

beforeAll(() => { ({ server } = env); });

async function person(role) {
  const context = await env.browser.newContext(kPhone);
  const page = await context.newPage();
  const errors = watch(page, role);
  const blobs = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/v1/blobs/')) blobs.push(r.status());
  });
  await signIn(page, server.base, server.who(role));
  return { context, page, errors, blobs };
}

test('the visit form in English: English texts where the template has them, answers its values', async () => {
  const { context, page, errors } = await person('worker');
  await view(page, 'worker');
  await page.click('.app-lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const hh = await page.getAttribute('[data-household]', 'data-household');
  await page.click(`[data-household="${hh}"]`);
  await view(page, 'visit');
  await page.check('input[name=outcome][value=met]');
  const texts = await page.$$eval('[data-question]', (els) => els.map((e) => ({
    key: e.dataset.question,
    label: (e.querySelector('legend, label') || e).textContent.replace(/\s*[*＊]\s*$/, '').trim(),
    options: [...e.querySelectorAll('option')].filter((o) => o.value)
      .map((o) => [o.value, o.textContent.trim()]),
  })));
  const byKey = Object.fromEntries(texts.map((x) => [x.key, x]));
  expect(byKey.ebike_wire.label).toContain('Is an e-bike charged on a flying wire or indoors?');
  expect(byKey.housing.label).toContain('Use of the home');
  expect(byKey.housing.options).toEqual([['自住', 'Owner-occupied'], ['出租', 'Rented'],
    ['群租', 'Group rental'], ['空置', 'Vacant'], ['商用', 'Commercial']]);
  expect(byKey.gas.options.map(([, label]) => label)).toEqual(['Normal', 'Ageing pipes',
    'Smells of gas', 'No gas supply']);
  // No Chinese left in the template's texts on the form.
  for (const x of texts) expect({ key: x.key, label: x.label }).not.toEqual(
    expect.objectContaining({ label: expect.stringMatching(/[\u4e00-\u9fff]/) }));
  await expect(page.textContent('.app-checklist h2')).resolves.toContain('Door-to-door visit form');

  // Recorded in English mode, the answer is the template's value.
  for (const x of texts) {
    const q = `[data-question="${x.key}"]`;
    const kind = await page.getAttribute(q, 'data-kind');
    if (kind === 'yes_no') await page.locator(`${q} input[value=no]`).check();
    else if (kind === 'choice') await page.locator(`${q} select`).selectOption(x.options[1][0]);
    else if (kind === 'number') await page.locator(`${q} input[type=number]`).fill('2');
  }
  await page.click('[data-submit=visit]');
  await view(page, 'worker');
  await page.evaluate(() => window.weige.sync.run());
  const token = await serverLogin(server.base, server.who('worker'));
  let visits = [];
  for (let i = 0; i < 100 && !visits.some((v) => v.cycle === currentCycle()); i += 1) {
    ({ visits } = await serverQuery(server.base, token, 'visits.list', { household_id: hh }));
    if (!visits.some((v) => v.cycle === currentCycle())) await page.waitForTimeout(200);
  }
  const mine = visits.find((v) => v.cycle === currentCycle());
  expect(mine.answers.housing).toBe('出租');
  expect(mine.answers.gas).toBe('管线老化');
  expect(errors).toEqual([]);
  await context.close();
});

test('the current cycle is in progress and the items photos are served', async () => {
  const { context, page, errors, blobs } = await person('worker');
  await view(page, 'worker');
  // The cycle the app is in (the device clock) is the demo's current one,
  // partly visited: some households are still due, coverage is above 0.
  const token = await serverLogin(server.base, server.who('worker'));
  const mg = server.who('worker').scope;
  const due = await serverQuery(server.base, token, 'worker.households_due',
    { microgrid_id: mg, cycle: currentCycle() });
  expect(due.visited).toBeGreaterThan(0);
  expect(due.due).toBeGreaterThan(0);
  // Items: some overdue, some on time.
  const { items } = await serverQuery(server.base, token, 'items.checklist',
    { microgrid_id: mg, now: Date.now() });
  const waiting = items.filter((i) => i.state === 'open' || i.state === 'assigned');
  expect(waiting.some((i) => i.overdue)).toBe(true);
  expect(waiting.some((i) => !i.overdue)).toBe(true);
  // Open the listed items whose events cite photos (they show as thumbnails).
  await go(page, '#/worker/items', 'worker-items');
  const ids = await page.$$eval('[data-item]', (els) => els.map((e) => e.dataset.item));
  const withPhotos = [];
  for (const id of ids) {
    if (withPhotos.length >= 8) break;
    const item = await serverQuery(server.base, token, 'item.detail', { item_id: id, now: Date.now() });
    if ((item.events || []).some((e) => e.evidence && e.evidence.length)) withPhotos.push(id);
  }
  expect(withPhotos.length).toBeGreaterThan(0);
  for (const id of withPhotos) {
    await go(page, `#/item/${encodeURIComponent(id)}`, 'item');
    await page.waitForLoadState('networkidle');
  }
  expect(blobs.filter((s) => s === 200).length).toBeGreaterThan(0);
  expect(blobs.filter((s) => s !== 200)).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('the resident form names the building', async () => {
  const { context, page, errors } = await person('resident');
  await view(page, 'resident');
  const building = await page.inputValue('[data-view=resident] input[readonly]');
  expect(building).toMatch(/号楼$/);
  expect(errors).toEqual([]);
  await context.close();
});

// PNG's IHDR: width and height at bytes 16-23.
function pngSize(bytes) {
  const b = Buffer.from(bytes);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;
}

test('installable: manifest id and PNG icons, apple-touch-icon, cache headers by file name', async () => {
  const get = (p) => fetch(new URL(p, `${server.base}/`));
  const index = await get('/');
  expect(index.headers.get('cache-control')).toBe('no-cache');
  const html = await index.text();
  const manifest = await (await get('/manifest.webmanifest')).json();
  expect(manifest.id).toBeTruthy();
  const pngs = manifest.icons.filter((i) => i.type === 'image/png');
  expect(pngs.map((i) => `${i.sizes} ${i.purpose}`).sort())
    .toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  for (const icon of pngs) {
    const res = await get(icon.src);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(pngSize(await res.arrayBuffer())).toBe(icon.sizes);
  }
  const touch = /<link rel="apple-touch-icon" href="([^"]+)">/.exec(html);
  expect(touch).not.toBeNull();
  expect(pngSize(await (await get(touch[1])).arrayBuffer())).toBe('180x180');
  // One stylesheet, named for its content: immutable; the entry, the
  // manifest and the service worker are revalidated.
  const css = [...html.matchAll(/<link rel="stylesheet" href="\.\/([^"]+)">/g)].map((m) => m[1]);
  expect(css).toHaveLength(1);
  expect(css[0]).toMatch(/^app-[0-9A-F]{10}\.css$/);
  const immutable = 'public, max-age=31536000, immutable';
  expect((await get(css[0])).headers.get('cache-control')).toBe(immutable);
  const sw = await (await get('/sw.js')).text();
  const chunk = /"\.\/(chunk-[A-Z0-9]+\.js)"/.exec(sw)[1];
  expect((await get(chunk)).headers.get('cache-control')).toBe(immutable);
  for (const p of ['/sw.js', '/manifest.webmanifest', '/index.html', '/app.js']) {
    expect((await get(p)).headers.get('cache-control')).toBe('no-cache');
  }
});
