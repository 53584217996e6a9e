// The micro-grid map (issue 12 item 2) in headless Chromium against a real
// weige-server. With the network off and no tile source, the worker's and
// the grid head's maps draw every located building of their scope on the
// plain plane, each in the colour of the band the core gave it (read from
// the server's own map.buildings before going offline), with a scale bar
// and a north arrow, and no request leaves the page. Then an administrator
// sets a tile source in the console (底图; a bad template is refused with
// the core's reason), tiles come from a small tile server on loopback, and
// once seen they draw again with the network off and that server gone.
// Screenshots per role view in test-out/screenshots/.
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { useServerAndBrowser, kPhone, watch, signIn, view, go, shotDir, ensureDir,
  serverLogin, serverQuery } from './support/harness.js';
import { kAudited, audit } from './support/audit.js';

const env = useServerAndBrowser();
ensureDir(shotDir);

// The colours app.css gives the core's bands.
const kBandColour = {
  overdue: 'rgb(198, 40, 40)', open: 'rgb(239, 108, 0)', empty: 'rgb(189, 189, 189)',
  unvisited: 'rgb(109, 76, 159)', partial: 'rgb(21, 101, 192)', done: 'rgb(46, 125, 50)',
};

function cycleNow() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

// A 256x256 PNG of one colour (a real image the browser decodes).
function png(rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const side = 256;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 2;  // truecolour
  const row = Buffer.alloc(1 + side * 3);
  for (let x = 0; x < side; ++x) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: side }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A tile server on 127.0.0.1: every /z/x/y.png is a tile; counts requests. */
function startTileServer() {
  const tile = png([220, 230, 210]);
  const served = [];
  const srv = http.createServer((req, res) => {
    served.push(req.url);
    if (!/^\/\d+\/\d+\/\d+\.png$/.test(req.url)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store' });
    res.end(tile);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    template: `http://127.0.0.1:${srv.address().port}/{z}/{x}/{y}.png`,
    served,
    stop: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  })));
}

async function signedIn(role, options = kPhone) {
  const context = await env.browser.newContext(options);
  const page = await context.newPage();
  const errors = watch(page, role);
  const who = env.server.who(role);
  await signIn(page, env.server.base, who);
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller,
    null, { timeout: 30000 });
  return { context, page, errors, who };
}

// Every request the page makes that is not to weige-server.
function outside(page) {
  const base = new URL(env.server.base).origin;
  const list = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) list.push(r.url());
  });
  return list;
}

// The drawn buildings: id -> {band, fill}.
async function drawn(page) {
  return page.$$eval('[data-map-building]', (els) => Object.fromEntries(els.map((el) => {
    const dot = el.matches('.app-map__dot') ? el : el.querySelector('.app-map__dot');
    return [el.dataset.mapBuilding, { band: el.dataset.band, fill: getComputedStyle(dot).fill }];
  })));
}

test.each([
  ['worker', '#/worker/map', 'worker-map'],
  ['grid_head', '#/grid/map', 'grid-map'],
])('%s: with the network off and no tiles the map draws the core\'s bands on a plain plane', async (role, hash, name) => {
  // Audited (axe, raw text, both languages): that context bypasses the
  // page's CSP for axe; the tile test below runs under it.
  const { context, page, errors, who } = await signedIn(role, kAudited);
  const token = await serverLogin(env.server.base, who);
  const want = await serverQuery(env.server.base, token, 'map.buildings',
    { region_id: who.scope, cycle: cycleNow(), now: Date.now() });
  const located = want.buildings.filter((b) => b.location);
  expect(located.length).toBeGreaterThan(0);
  expect(want.tiles).toBeNull();

  const leaving = outside(page);
  await context.setOffline(true);
  await page.waitForSelector('#net-status[data-online=false]');
  await go(page, hash, name);
  await page.waitForSelector('.app-map[data-mode=plane] svg [data-map-building]');
  const got = await drawn(page);
  expect(Object.keys(got).sort()).toEqual(located.map((b) => b.building_id).sort());
  for (const b of located) {
    expect(got[b.building_id].band).toBe(b.band);
    expect(got[b.building_id].fill).toBe(kBandColour[b.band]);
  }
  // The list holds every building of the scope, located or not, with its band.
  const rows = await page.$$eval('.app-map__row[data-building]', (els) => els.map((e) => [e.dataset.building, e.dataset.band]));
  expect(rows.sort()).toEqual(want.buildings.map((b) => [b.building_id, b.band]).sort());
  // The legend counts what the core said.
  for (const band of want.bands) {
    const n = want.buildings.filter((b) => b.band === band).length;
    expect(await page.getAttribute(`[data-legend="${band}"]`, 'data-count')).toBe(String(n));
  }
  // A scale bar of a round length and a north arrow.
  const scale = Number(await page.getAttribute('.app-map__scale', 'data-scale-m'));
  expect(String(scale)).toMatch(/^[125]0*$/);
  expect(await page.$('.app-map__north')).not.toBeNull();
  await audit(page, `map-${role.replace('_', '-')}`);
  await page.waitForSelector('.app-map[data-mode=plane] svg [data-map-building]');

  // Tapping a building opens its households and items.
  const pick = located.find((b) => b.households > 0) || located[0];
  await page.click(`[data-map-building="${pick.building_id}"]`);
  await page.waitForSelector(`[data-panel="${pick.building_id}"]`);
  expect(await page.$$eval(`[data-panel="${pick.building_id}"] [data-household]`, (els) => els.length)).toBe(pick.households);
  expect(await page.$$eval(`[data-panel="${pick.building_id}"] [data-item]`, (els) => els.length)).toBe(pick.open_items);
  await page.screenshot({ path: path.join(shotDir, `map-${role.replace('_', '-')}-building.png`), fullPage: true });
  if (role === 'worker' && pick.households > 0) {
    await page.click(`[data-panel="${pick.building_id}"] [data-household]`);
    await view(page, 'visit');
  }
  expect(leaving).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('the administrator sets a tile source; tiles seen before draw offline from the cache', async () => {
  const tiles = await startTileServer();
  try {
    // The console's 底图 tab: a bad template gets the core's reason, a good one is kept.
    const admin = env.server.who('admin');
    const ac = await env.browser.newContext(kPhone);
    const ap = await ac.newPage();
    const adminErrors = watch(ap, 'admin');
    await ap.goto(env.server.base);
    await view(ap, 'login');
    await ap.fill('#login-person', admin.person_id);
    await ap.fill('#login-password', admin.password);
    await ap.click('#login-submit');
    await view(ap, 'console-tree');
    await go(ap, '#/console/tiles', 'console-tiles');
    expect(await ap.getAttribute('#tiles-current', 'data-url')).toBe('');
    await ap.fill('#tiles-url', 'ftp://tiles.example/{z}/{x}/{y}.png');
    await ap.click('#tiles-save');
    await ap.waitForSelector('[data-view=console-tiles] .app-error:has-text("https://")');
    await ap.fill('#tiles-url', tiles.template.replace('{y}', '{row}'));
    await ap.click('#tiles-save');
    await ap.waitForSelector('[data-view=console-tiles] .app-error:has-text("{z}")');
    await ap.fill('#tiles-url', tiles.template);
    await ap.fill('#tiles-attribution', '测试瓦片');
    await ap.click('#tiles-save');
    await ap.waitForFunction((u) => document.querySelector('#tiles-current').dataset.url === u, tiles.template);
    await ap.screenshot({ path: path.join(shotDir, 'map-console-tiles.png'), fullPage: true });
    expect(adminErrors).toEqual([]);
    await ac.close();

    const { context, page, errors } = await signedIn('worker');
    await go(page, '#/worker/map', 'worker-map');
    await page.waitForSelector('.app-map[data-ready=tiles] .leaflet-tile-loaded');
    await page.waitForSelector('.app-map[data-ready=tiles] path[data-map-building]');
    expect(await page.$('.leaflet-control-scale')).not.toBeNull();
    expect(await page.$('.app-map__north-ctl')).not.toBeNull();
    // Wait until the view's tiles are all loaded and in the service worker's cache.
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile').length > 0
      && [...document.querySelectorAll('.leaflet-tile')].every((t) => t.classList.contains('leaflet-tile-loaded')));
    const seen = await page.$$eval('.leaflet-tile', (els) => els.map((e) => e.src));
    await page.waitForFunction(async (want) => {
      const keys = (await (await caches.open('weige-tiles')).keys()).map((k) => k.url);
      return want.every((u) => keys.includes(u));
    }, seen);
    const served = tiles.served.length;
    expect(served).toBeGreaterThanOrEqual(seen.length);
    const bands = await drawn(page);
    for (const v of Object.values(bands)) expect(v.fill).toBe(kBandColour[v.band]);
    await page.screenshot({ path: path.join(shotDir, 'map-worker-tiles.png'), fullPage: true });

    // The network off and the tile server gone: the same view draws its tiles.
    await tiles.stop();
    await context.setOffline(true);
    await page.reload();
    await view(page, 'worker-map');
    await page.waitForSelector('.app-map[data-ready=tiles] .leaflet-tile');
    await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile')].every((t) =>
      t.classList.contains('leaflet-tile-loaded') && t.naturalWidth === 256));
    const again = await page.$$eval('.leaflet-tile', (els) => els.map((e) => e.src));
    expect(again.sort()).toEqual([...seen].sort());
    expect(tiles.served.length).toBe(served);
    await page.screenshot({ path: path.join(shotDir, 'map-worker-tiles-offline.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    await tiles.stop().catch(() => {});
  }
});
