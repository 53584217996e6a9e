// The service worker: precaches the app shell and the wasm at install, so the
// app loads with no network after the first visit. API calls always go to the
// network (sync decides what to do when they fail). The build fills VERSION
// and FILES.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `weige-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES);
    await self.skipWaiting();
  })());
});

// Base-map tiles (the administrator's tile source, views/map.js): the page
// says which URL template they follow; each tile fetched is kept in a cache
// of its own that outlives app versions, newest kTileMax, and answered from
// it first, so the tiles seen before draw with no network.
const TILES = 'weige-tiles';
const kTileMax = 3000;
const kTemplateKey = './__weige_tile_template__';
let tilePattern = null;  // RegExp of tile URLs, or null (none set / not loaded)
let tilePatternLoaded = null;

function patternOf(template) {
  if (!template) return null;
  const re = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[zxy]\}/g, '\\d+').replace(/\{s\}/g, '[A-Za-z0-9-]+').replace(/\{r\}/g, '(@2x)?');
  return new RegExp(`^${re}$`);
}

function loadTilePattern() {
  if (!tilePatternLoaded) {
    tilePatternLoaded = (async () => {
      const hit = await (await caches.open(TILES)).match(kTemplateKey);
      tilePattern = hit ? patternOf(await hit.text()) : null;
    })().catch(() => {});
  }
  return tilePatternLoaded;
}

self.addEventListener('message', (event) => {
  const m = event.data;
  if (!m || m.type !== 'weige:tiles' || typeof m.url !== 'string') return;
  tilePattern = patternOf(m.url);
  tilePatternLoaded = Promise.resolve();
  event.waitUntil(caches.open(TILES).then((c) => c.put(kTemplateKey, new Response(m.url))));
});

async function tile(req) {
  const cache = await caches.open(TILES);
  const hit = await cache.match(req.url);
  if (hit) return hit;
  const res = await fetch(req);
  // An opaque answer (a tile server without CORS) is kept too: it draws.
  if (res.ok || res.type === 'opaque') {
    await cache.put(req.url, res.clone());
    const keys = await cache.keys();
    for (const k of keys.slice(0, Math.max(0, keys.length - kTileMax - 1))) {
      if (!k.url.endsWith(kTemplateKey.slice(1))) await cache.delete(k);
    }
  }
  return res;
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('weige-') && key !== CACHE && key !== TILES) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// The app's own files: the precached shell first, else the network.
async function appFile(req) {
  const cache = await caches.open(CACHE);
  if (req.mode === 'navigate') {
    const shell = await cache.match('./index.html') || await cache.match('./');
    if (shell) return shell;
    return fetch(req);
  }
  const hit = await cache.match(req, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(req);
  // A chunk left out of the precache (Leaflet's): kept once a page loads it.
  if (res.ok && /\/chunk-[A-Z0-9]{8,}\.js$/.test(new URL(req.url).pathname)) await cache.put(req, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET') return;
  const own = url.origin === location.origin;
  if (own && (url.pathname.startsWith('/api/') || url.pathname === '/healthz')) return;
  if (!own && req.destination !== 'image') return;
  event.respondWith((async () => {
    if (!own) {
      await loadTilePattern();
      return tilePattern && tilePattern.test(req.url) ? tile(req) : fetch(req);
    }
    return appFile(req);
  })());
});
