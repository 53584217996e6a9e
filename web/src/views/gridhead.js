// The grid head (网格长): a dashboard per micro-grid (coverage, closure
// rate, overdue, satisfaction) with SVG charts; items waiting to be assigned
// or verified, and escalations waiting for a department.
import { app, query, currentCycle, placeName } from '../app.js';
import { t } from '../i18n.js';
import { h, tabs, pct, emptyState } from '../ui.js';
import { itemList } from './items.js';
import { mapPage } from './map.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function gridTabs(active) {
  return tabs([
    { key: 'dash', label: t('grid.tab_dash'), href: '#/grid' },
    { key: 'queue', label: t('grid.tab_queue'), href: '#/grid/queue' },
    { key: 'map', label: t('map.tab'), href: '#/grid/map' },
  ], active);
}

/** The grid's map (views/map.js). */
export function gridMap() {
  return mapPage('grid_head', gridTabs('map'));
}

/** Horizontal bars: rows [{label, value (0..1 or null)}]. */
// Labels without the prefix they all share ("…第1网格第1微网格" -> "第1微网格").
function shortLabels(rows) {
  if (rows.length < 2) return rows;
  let prefix = rows[0].label;
  for (const r of rows) while (prefix && !r.label.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf('第') > 0 ? prefix.lastIndexOf('第') : prefix.length;
  return rows.map((r) => ({ ...r, label: r.label.slice(cut) || r.label }));
}

function barChart(title, fullRows) {
  const rows = shortLabels(fullRows);
  const rowH = 28;
  const labelW = 120;
  const width = 340;
  const barW = width - labelW - 44;
  const height = rows.length * rowH + 8;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img',
    'aria-label': `${title}: ${rows.map((r) => `${r.label} ${pct(r.value)}`).join(', ')}`, class: 'app-chart' });
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const v = r.value === null || r.value === undefined ? 0 : r.value;
    svg.append(
      s('text', { x: labelW - 6, y: y + 17, 'text-anchor': 'end', class: 'app-chart__label' },
        r.label.length > 9 ? `${r.label.slice(0, 8)}…` : r.label),
      s('rect', { x: labelW, y: y + 4, width: barW, height: 18, rx: 3, class: 'app-chart__track' }),
      s('rect', { x: labelW, y: y + 4, width: Math.max(0, barW * v), height: 18, rx: 3,
        class: v >= 0.9 ? 'app-chart__bar app-chart__bar_good' : 'app-chart__bar' }),
      s('text', { x: labelW + barW + 6, y: y + 17, class: 'app-chart__value' }, pct(r.value)));
  });
  return h('figure', { class: 'app-figure' }, h('figcaption', { class: 'weui-cells__title' }, title), svg);
}

/** One stacked bar of item states with a legend. */
function statesChart(items) {
  const states = ['open', 'assigned', 'fixed', 'closed'];
  const total = items.total || 0;
  const width = 340;
  const svg = s('svg', { viewBox: `0 0 ${width} 30`, width: '100%', role: 'img', class: 'app-chart',
    'aria-label': `${t('grid.chart_states')}: ${states.map((st) => `${t(`state.${st}`)} ${items[st]}`).join(', ')}` });
  let x = 0;
  for (const st of states) {
    const w = total ? (items[st] / total) * width : 0;
    if (w > 0) svg.append(s('rect', { x, y: 4, width: w, height: 22, class: `app-chart__st app-chart__st_${st}` }));
    x += w;
  }
  const legend = h('ul', { class: 'app-legend-list' }, states.map((st) => h('li', null,
    h('span', { class: `app-swatch app-chart__st_${st}`, 'aria-hidden': 'true' }),
    `${t(`state.${st}`)} ${items[st]}`)));
  return h('figure', { class: 'app-figure' }, h('figcaption', { class: 'weui-cells__title' }, t('grid.chart_states')), svg, legend);
}

function tile(label, value, key) {
  return h('div', { class: 'app-tile', dataset: { figure: key } },
    h('div', { class: 'app-tile__value' }, value), h('div', { class: 'app-tile__label' }, label));
}

function regionId() {
  return app.role.scope_id;
}

export async function gridDash() {
  const cycle = currentCycle();
  const r = await query('stats.rollup', { region_id: regionId(), cycle, now: Date.now() });
  const mgs = r.children || [];
  return h('div', { class: 'app-page', dataset: { view: 'grid', live: '' } },
    gridTabs('dash'),
    h('h1', { class: 'app-h1' }, placeName(regionId()) || r.name || t('role.grid_head'),
      h('span', { class: 'app-sub' }, t('worker.cycle', { cycle }))),
    h('div', { class: 'app-tiles' },
      tile(t('grid.coverage'), pct(r.coverage), 'coverage'),
      tile(t('grid.closure'), pct(r.closure_rate), 'closure'),
      tile(t('grid.overdue'), String(r.overdue), 'overdue'),
      tile(t('grid.satisfaction'), pct(r.satisfaction && r.satisfaction.rate), 'satisfaction')),
    barChart(t('grid.chart_coverage'), mgs.map((m) => ({ label: m.name || "", value: m.coverage }))),
    statesChart(r.items),
    mgs.map((m) => h('article', { class: 'app-card', dataset: { microgrid: m.region_id } },
      h('h2', { class: 'app-h2' }, m.name || "",
        h('span', { class: 'app-sub' }, t('grid.households', { n: m.households }))),
      h('div', { class: 'app-tiles app-tiles_small' },
        tile(t('grid.coverage'), pct(m.coverage), 'coverage'),
        tile(t('grid.closure'), pct(m.closure_rate), 'closure'),
        tile(t('grid.overdue'), String(m.overdue), 'overdue'),
        tile(t('grid.satisfaction'), pct(m.satisfaction && m.satisfaction.rate), 'satisfaction')))));
}

export async function gridQueue() {
  const now = Date.now();
  const mgs = (app.ctx && app.ctx.microgrids) || [];
  const lists = await Promise.all(mgs.map((m) => query('items.checklist', { microgrid_id: m.id, now })));
  const all = lists.flatMap((l) => l.items);
  // An escalation waiting for the department's acknowledgement is listed
  // under 已吹哨 only, not also as waiting for assignment.
  const waiting = (i) => i.escalated_to && !i.acknowledged_at && i.state !== 'closed';
  const toAssign = all.filter((i) => i.state === 'open' && !waiting(i));
  const toVerify = all.filter((i) => i.state === 'fixed');
  const escalated = all.filter(waiting);
  const section = (title, items, key) => h('section', { class: 'app-group', dataset: { queue: key } },
    h('h2', { class: 'weui-cells__title' }, `${title} (${items.length})`), itemList(items));
  return h('div', { class: 'app-page', dataset: { view: 'grid-queue', live: '' } },
    gridTabs('queue'),
    mgs.length ? [section(t('grid.to_assign'), toAssign, 'assign'),
      section(t('grid.to_verify'), toVerify, 'verify'),
      section(t('grid.escalated'), escalated, 'escalated')] : emptyState());
}
