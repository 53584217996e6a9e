// The map of a worker's micro-grid or a grid head's grid (issue 12 item 2):
// the buildings from the core's map.buildings, each in the colour band the
// core decided, drawn on a plain plane (SVG, with a scale bar and a north
// arrow) when no tile source is set, or over the administrator's tiles with
// Leaflet, loaded as a separate chunk only then. Tapping a building opens
// its households and items below the map. Works with no network: the data is
// the device's own, the tiles seen before come from the service worker.
import { app, query, currentCycle, placeName } from '../app.js';
import { t } from '../i18n.js';
import { h, tabs, pct, emptyState } from '../ui.js';
import { itemList } from './items.js';

const SVG = 'http://www.w3.org/2000/svg';
const kEarthRadiusM = 6371008.8;
const kPlane = { width: 360, height: 360, pad: 28 };

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// The buildings' positions in metres east and north of the first one's
// latitude (an equirectangular plane: a micro-grid spans a few hundred
// metres, where its error is far below a pixel).
function planeMetres(buildings) {
  const placed = buildings.filter((b) => b.location);
  if (!placed.length) return null;
  const lat0 = placed.reduce((a, b) => a + b.location.lat, 0) / placed.length;
  const k = (Math.PI / 180) * kEarthRadiusM;
  const cos = Math.cos(lat0 * Math.PI / 180);
  return placed.map((b) => ({ b, x: b.location.lng * k * cos, y: b.location.lat * k }));
}

// 1, 2 or 5 times a power of ten, at most `max`.
function niceMetres(max) {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  for (const m of [5, 2, 1]) if (m * p <= max) return m * p;
  return p;
}

function fmtMetres(m) {
  return m >= 1000 ? t('map.km', { n: m / 1000 }) : t('map.m', { n: m });
}

function bandLabel(band) {
  return t(`map.band.${band}`);
}

function buildingLabel(b) {
  return `${b.name} · ${bandLabel(b.band)} · ${t('map.building_counts',
    { visited: b.visited, households: b.households, open: b.open_items, overdue: b.overdue_items })}`;
}

/** The plain plane: buildings as dots, a scale bar, a north arrow. */
function plane(buildings, onPick) {
  const pts = planeMetres(buildings);
  const { width, height, pad } = kPlane;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'app-map__plane',
    role: 'group', 'aria-label': t('map.plane_label') });
  svg.append(s('rect', { x: 0, y: 0, width, height, class: 'app-map__ground' }));
  if (!pts) return svg;
  const minX = Math.min(...pts.map((p) => p.x));
  const maxX = Math.max(...pts.map((p) => p.x));
  const minY = Math.min(...pts.map((p) => p.y));
  const maxY = Math.max(...pts.map((p) => p.y));
  // Pixels per metre: the extent fits inside the padding, at least 100 m across.
  const span = Math.max(maxX - minX, maxY - minY, 100);
  const ppm = (Math.min(width, height) - 2 * pad) / span;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (x) => width / 2 + (x - cx) * ppm;
  const py = (y) => height / 2 - (y - cy) * ppm;
  // A faint 50 m grid under the buildings, as paper would have.
  const step = niceMetres(span / 4);
  for (let gx = Math.ceil((cx - width / 2 / ppm) / step) * step; px(gx) < width; gx += step) {
    svg.append(s('line', { x1: px(gx), y1: 0, x2: px(gx), y2: height, class: 'app-map__grid' }));
  }
  for (let gy = Math.ceil((cy - height / 2 / ppm) / step) * step; py(gy) > 0; gy += step) {
    svg.append(s('line', { x1: 0, y1: py(gy), x2: width, y2: py(gy), class: 'app-map__grid' }));
  }
  for (const { b, x, y } of pts) {
    const g = s('g', { class: `app-map__bldg app-band_${b.band}`, tabindex: 0, role: 'button',
      'aria-label': buildingLabel(b), 'data-map-building': b.building_id, 'data-band': b.band,
      onclick: () => onPick(b),
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onPick(b); } } },
    s('title', null, buildingLabel(b)),
    s('rect', { x: px(x) - 8, y: py(y) - 8, width: 16, height: 16, rx: 3, class: 'app-map__dot' }));
    svg.append(g);
  }
  // Scale bar (bottom left): a round length about a quarter of the width.
  const bar = niceMetres((width / 4) / ppm);
  const barPx = bar * ppm;
  svg.append(s('g', { class: 'app-map__scale', 'data-scale-m': bar },
    s('rect', { x: 10, y: height - 30, width: barPx + 12, height: 22, rx: 3, class: 'app-map__badge' }),
    s('path', { d: `M16 ${height - 18} v6 h${barPx} v-6`, class: 'app-map__bar' }),
    s('text', { x: 16 + barPx / 2, y: height - 20, 'text-anchor': 'middle', class: 'app-map__text' },
      fmtMetres(bar))));
  // North arrow (top right): north is up on this plane.
  svg.append(s('g', { class: 'app-map__north', 'aria-label': t('map.north'), role: 'img' },
    s('circle', { cx: width - 24, cy: 26, r: 17, class: 'app-map__badge' }),
    s('path', { d: `M${width - 24} 12 l7 17 l-7 -4 l-7 4 z`, class: 'app-map__arrow' }),
    s('text', { x: width - 24, y: 50 + 4, 'text-anchor': 'middle', class: 'app-map__text' }, t('map.north_short'))));
  return svg;
}

function legend(data) {
  const n = {};
  for (const b of data.buildings) n[b.band] = (n[b.band] || 0) + 1;
  return h('ul', { class: 'app-legend-list app-map__legend', 'aria-label': t('map.legend') },
    data.bands.map((band) => h('li', { dataset: { legend: band, count: String(n[band] || 0) } },
      h('span', { class: `app-swatch app-band_${band}`, 'aria-hidden': 'true' }),
      `${bandLabel(band)} ${n[band] || 0}`)));
}

// The building picked: its figures, households (the worker's link to the
// visit form) and items (the existing item view).
async function buildingPanel(b, role) {
  const [due, items] = await Promise.all([
    query('worker.households_due', { microgrid_id: b.microgrid_id, cycle: currentCycle(), include_visited: true }),
    query('items.checklist', { building_id: b.building_id, now: Date.now() }),
  ]);
  const group = due.buildings.find((x) => x.building_id === b.building_id);
  const households = group ? group.households : [];
  const row = (hh) => {
    const label = [`${hh.unit || ''} ${hh.room || ''}`.trim(), hh.head_name].filter(Boolean).join(' · ');
    const tag = hh.visited ? h('span', { class: 'app-tag app-tag_visited' }, t('worker.visited')) : null;
    return role === 'worker'
      ? h('a', { class: 'weui-cell weui-cell_access', href: `#/visit/${encodeURIComponent(hh.id)}`,
        dataset: { household: hh.id } }, h('div', { class: 'weui-cell__bd' }, label, tag), h('div', { class: 'weui-cell__ft' }))
      : h('div', { class: 'weui-cell', dataset: { household: hh.id } }, h('div', { class: 'weui-cell__bd' }, label, tag));
  };
  return h('section', { class: 'app-card app-map__panel', dataset: { panel: b.building_id }, 'aria-live': 'polite' },
    h('h2', { class: 'app-h2' }, b.name, h('span', { class: `app-tag app-band-tag app-band_${b.band}` }, bandLabel(b.band))),
    h('p', { class: 'app-hint' }, t('map.building_counts',
      { visited: b.visited, households: b.households, open: b.open_items, overdue: b.overdue_items }),
    b.location ? null : ` · ${t('map.unlocated')}`),
    h('h3', { class: 'weui-cells__title' }, t('map.households', { n: households.length })),
    households.length ? h('div', { class: 'weui-cells' }, households.map(row)) : emptyState(t('map.no_households')),
    h('h3', { class: 'weui-cells__title' }, t('map.items', { n: items.items.length })),
    itemList(items.items, t('map.no_items')));
}

function buildingList(buildings, onPick) {
  return h('ul', { class: 'app-map__list', 'aria-label': t('map.list') }, buildings.map((b) =>
    h('li', null, h('button', { type: 'button', class: 'app-map__row', dataset: { building: b.building_id, band: b.band },
      onclick: () => onPick(b) },
    h('span', { class: `app-swatch app-band_${b.band}`, 'aria-hidden': 'true' }),
    h('span', { class: 'app-map__name' }, b.name),
    h('span', { class: 'app-muted' }, ` ${bandLabel(b.band)} · ${pct(b.coverage)}`,
      b.overdue_items ? ` · ${t('map.overdue_n', { n: b.overdue_items })}` : '',
      b.location ? '' : ` · ${t('map.unlocated')}`)))));
}

// Tells the service worker which requests are tiles, so it keeps the ones
// seen for offline use (web/sw.js).
function sendTileTemplate(url) {
  const sw = navigator.serviceWorker;
  if (!sw) return Promise.resolve();
  // ready never settles without a registration: wait a second at most.
  const ready = Promise.race([sw.ready, new Promise((r) => setTimeout(() => r(null), 1000))]);
  return ready.then((reg) => {
    const to = sw.controller || (reg && reg.active);
    if (to) to.postMessage({ type: 'weige:tiles', url });
  }).catch(() => {});
}

// The page of either role: `tabsEl` are the role's own tabs.
export async function mapPage(role, tabsEl) {
  const regionId = app.role.scope_id;
  const data = await query('map.buildings', { region_id: regionId, cycle: currentCycle(), now: Date.now() });
  const panel = h('div', { class: 'app-map__picked' });
  let seq = 0;
  const pick = async (b) => {
    const mine = ++seq;
    for (const el of page.querySelectorAll('[data-picked]')) el.removeAttribute('data-picked');
    for (const el of page.querySelectorAll(`[data-map-building="${CSS.escape(b.building_id)}"]`)) el.setAttribute('data-picked', '');
    const el = await buildingPanel(b, role);
    if (mine !== seq) return;
    panel.replaceChildren(el);
    el.scrollIntoView({ block: 'nearest' });
  };
  const frame = h('div', { class: 'app-map', dataset: { mode: data.tiles ? 'tiles' : 'plane' } });
  const page = h('div', { class: 'app-page', dataset: { view: role === 'worker' ? 'worker-map' : 'grid-map', live: '' } },
    tabsEl,
    h('h1', { class: 'app-h1' }, placeName(regionId) || t('map.title'),
      h('span', { class: 'app-sub' }, t('worker.cycle', { cycle: data.cycle }))),
    legend(data),
    data.buildings.length ? frame : emptyState(t('map.no_buildings')),
    data.unlocated ? h('p', { class: 'app-hint' }, t('map.unlocated_n', { n: data.unlocated })) : null,
    panel,
    h('h2', { class: 'weui-cells__title' }, t('map.list')),
    buildingList(data.buildings, pick));
  if (data.tiles && data.buildings.some((b) => b.location)) {
    // Leaflet only when there is a base layer to show: its chunk is loaded
    // now (and precached by the service worker for the next offline start).
    const fallback = plane(data.buildings, pick);
    frame.append(fallback);
    import('../map-leaflet.js')
      .then(({ tileMap }) => tileMap(frame, data, pick, { buildingLabel, north: t('map.north'),
        northShort: t('map.north_short'), tileSent: sendTileTemplate }))
      .catch((e) => console.warn('[weige] map', e));
  } else {
    frame.append(plane(data.buildings, pick));
  }
  return page;
}
