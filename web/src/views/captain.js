// The building captain (楼栋长): the building's checklist (open and overdue
// first), the daily patrol, and adding an item with a photo.
import { app, query, command, newId, placeName } from '../app.js';
import { t, categoryName, kCategories } from '../i18n.js';
import { h, tabs, cells, field, input, textarea, select, button, busy, errorBox, toast } from '../ui.js';
import { photoField } from '../photos.js';
import { itemList } from './items.js';

function captainTabs(active) {
  return tabs([
    { key: 'list', label: t('captain.tab_list'), href: '#/captain' },
    { key: 'patrol', label: t('captain.tab_patrol'), href: '#/captain/patrol' },
    { key: 'new', label: t('captain.tab_new'), href: '#/captain/new' },
  ], active);
}

const building = () => app.role.scope_id;

let showClosed = false;

export async function captainList() {
  const list = await query('items.checklist', { building_id: building(), now: Date.now(),
    include_closed: showClosed });
  const toggle = h('input', { type: 'checkbox', id: 'show-closed', class: 'weui-switch',
    checked: showClosed, onchange: (e) => { showClosed = e.target.checked; app.rerender(); } });
  return h('div', { class: 'app-page', dataset: { view: 'captain', live: '' } },
    captainTabs('list'),
    h('h1', { class: 'app-h1' }, placeName(building()),
      h('span', { class: 'app-sub' }, `${t('grid.overdue')} ${list.overdue}`)),
    h('div', { class: 'weui-cells' }, h('div', { class: 'weui-cell weui-cell_switch' },
      h('div', { class: 'weui-cell__bd' }, h('label', { for: 'show-closed' }, t('item.closed_hidden'))),
      h('div', { class: 'weui-cell__ft' }, toggle))),
    itemList(list.items));
}

export async function captainPatrol() {
  const err = errorBox();
  const notes = textarea({ rows: 3 });
  const photos = photoField(t('patrol.photos'));
  const findings = [];
  const box = h('div');
  const add = button(t('visit.add_finding'), { onclick: () => {
    const cat = select(kCategories.map((c) => [c, categoryName(c)]));
    const title = input({ type: 'text', maxlength: 200 });
    const ph = photoField(t('finding.photos'));
    const f = { cat, title, ph };
    findings.push(f);
    box.append(h('div', { class: 'weui-cells weui-cells_form app-finding' },
      field(t('finding.category'), cat), field(t('finding.title'), title, { required: true }), ph.el));
  } }, 'default');
  const submit = button(t('submit'), { dataset: { submit: 'patrol' } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    await photos.pending();
    const payload = { patrol_id: newId('pt'), building_id: building() };
    if (notes.value.trim()) payload.notes = notes.value.trim();
    if (photos.shas().length) payload.photos = photos.shas();
    const list = [];
    for (const f of findings) {
      await f.ph.pending();
      const x = { category: f.cat.value, title: f.title.value.trim(), deadline_days: 7 };
      if (f.ph.shas().length) x.photos = f.ph.shas();
      list.push(x);
    }
    if (list.length) payload.findings = list;
    const result = await command('patrol.record', payload);
    const n = result.items ? result.items.length : 0;
    toast(t('patrol.saved', { items: n ? t('visit.saved_items', { n }) : '' }));
    location.hash = '#/captain';
  }));
  return h('div', { class: 'app-page', dataset: { view: 'captain-patrol' } },
    captainTabs('patrol'),
    h('h1', { class: 'app-h1' }, t('patrol.title'), h('span', { class: 'app-sub' }, placeName(building()))),
    cells(null, [field(t('patrol.notes'), notes), photos.el]),
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('visit.extra_findings')),
      box, h('div', { class: 'app-pad' }, add)),
    h('div', { class: 'app-pad' }, submit, err));
}

export async function captainNew() {
  const err = errorBox();
  const cat = select(kCategories.map((c) => [c, categoryName(c)]));
  const title = input({ type: 'text', maxlength: 200, 'aria-required': 'true' });
  const desc = textarea({ rows: 3 });
  const days = input({ type: 'number', min: 1, max: 365, value: '7', inputmode: 'numeric' });
  const photos = photoField(t('new_item.photos'));
  const submit = button(t('submit'), { dataset: { submit: 'new-item' } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    await photos.pending();
    const payload = { item_id: newId('i'), building_id: building(), category: cat.value,
      title: title.value.trim() };
    if (desc.value.trim()) payload.description = desc.value.trim();
    if (Number(days.value) > 0) payload.deadline = Date.now() + Number(days.value) * 86400000;
    if (photos.shas().length) payload.photos = photos.shas();
    await command('item.open', payload);
    toast(t('new_item.saved'));
    location.hash = '#/captain';
  }));
  return h('div', { class: 'app-page', dataset: { view: 'captain-new' } },
    captainTabs('new'),
    h('h1', { class: 'app-h1' }, t('captain.tab_new')),
    h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.category'), cat), field(t('new_item.title'), title, { required: true }),
      field(t('new_item.description'), desc), field(t('finding.deadline_days'), days), photos.el),
    h('div', { class: 'app-pad' }, submit, err));
}
