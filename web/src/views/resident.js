// The resident (居民): the report form, their reports with a status
// timeline, and the evaluation after closure (an unsatisfied one reopens).
import { app, query, command, newId } from '../app.js';
import { t, categoryName, kCategories } from '../i18n.js';
import { h, tabs, field, input, textarea, select, radios, button, busy, errorBox, toast,
  stateTag, fmtDate, emptyState } from '../ui.js';
import { photoField, photoStrip } from '../photos.js';
import { fetchBlob } from '../net.js';
import { timeline } from './items.js';

function residentTabs(active) {
  return tabs([
    { key: 'report', label: t('resident.tab_report'), href: '#/resident' },
    { key: 'mine', label: t('resident.tab_mine'), href: '#/resident/mine' },
  ], active);
}

function home() {
  const hh = app.ctx && app.ctx.households.find((x) => x.id === app.role.scope_id);
  return hh || { id: app.role.scope_id, building_id: null, unit: '', room: '', building_name: null };
}

export async function residentReport() {
  const hh = home();
  const err = errorBox();
  const cat = select(kCategories.map((c) => [c, categoryName(c)]), { value: 'sanitation' });
  const desc = textarea({ rows: 4, placeholder: t('report.description_ph'), maxlength: 4000,
    'aria-required': 'true' });
  let where = 'home';
  const buildingName = input({ type: 'text', value: hh.building_name || t('report.my_building'),
    readonly: true });
  const unit = input({ type: 'text', value: hh.unit || '', maxlength: 32 });
  const room = input({ type: 'text', value: hh.room || '', maxlength: 32 });
  const address = input({ type: 'text', maxlength: 200 });
  const homeBox = h('div', null, field(t('report.building'), buildingName),
    field(t('report.unit'), unit), field(t('report.room'), room));
  const freeBox = h('div', { hidden: true }, field(t('report.address'), address, { required: true }));
  const placeRadios = radios('place', t('report.place'),
    [['home', t('report.place_home')], ['free', t('report.place_free')]], 'home', (v) => {
      where = v;
      homeBox.hidden = v !== 'home';
      freeBox.hidden = v !== 'free';
    });
  const photos = photoField(t('report.photos'));
  const phone = input({ type: 'tel', maxlength: 32, autocomplete: 'tel' });
  const contactOk = input({ type: 'checkbox', class: 'app-check', dataset: { field: 'contact_ok' } });
  const submit = button(t('submit'), { dataset: { submit: 'report' } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    await photos.pending();
    const place = {};
    if (where === 'home') {
      // Their own building: the core routes it through the household row.
      if (hh.building_id) place.building_id = hh.building_id;
      else place.address = [unit.value, room.value].filter(Boolean).join(' ');
      if (unit.value.trim()) place.unit = unit.value.trim();
      if (room.value.trim()) place.room = room.value.trim();
    } else {
      place.address = address.value.trim();
    }
    const payload = { report_id: newId('r'), category: cat.value, description: desc.value.trim(),
      place, household_id: hh.id };
    if (photos.shas().length) payload.photos = photos.shas();
    if (phone.value.trim()) payload.phone = phone.value.trim();
    payload.contact_ok = contactOk.checked;
    await command('report.submit', payload);
    toast(t('report.saved'));
    location.hash = '#/resident/mine';
  }));
  return h('div', { class: 'app-page', dataset: { view: 'resident' } },
    residentTabs('report'),
    h('h1', { class: 'app-h1' }, t('resident.tab_report')),
    h('div', { class: 'weui-cells weui-cells_form' },
      field(t('report.category'), cat),
      field(t('report.description'), desc, { required: true }),
      h('div', { class: 'weui-cell' }, placeRadios), homeBox, freeBox,
      photos.el, field(t('report.phone'), phone),
      h('label', { class: 'weui-cell weui-check__label app-consent' },
        h('div', { class: 'weui-cell__hd' }, contactOk),
        h('div', { class: 'weui-cell__bd' }, t('report.contact_ok')))),
    h('div', { class: 'app-pad' }, submit, err));
}

function evaluationForm(report) {
  const err = errorBox();
  let rating = null;
  const stars = radios(`rating-${report.id}`, t('report.rating'),
    [1, 2, 3, 4, 5].map((n) => [String(n), t('report.rating_n', { n })]), null,
    (v) => { rating = Number(v); });
  const comment = textarea({ rows: 2 });
  const submit = button(t('submit'), { dataset: { submit: 'evaluate' } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    if (!rating) {
      err.textContent = t('visit.missing', { label: t('report.rating') });
      return;
    }
    const payload = { report_id: report.id, rating };
    if (comment.value.trim()) payload.comment = comment.value.trim();
    const r = await command('report.evaluate', payload);
    toast(r.item_state === 'assigned' ? t('report.reopened') : t('report.thanks'));
    app.rerender();
  }));
  return h('div', { class: 'app-evaluate', dataset: { evaluate: report.id } },
    h('h3', { class: 'app-h3' }, t('report.evaluate')), stars,
    field(t('report.comment'), comment), submit, err);
}

export async function residentMine() {
  const { reports } = await query('reports.mine', { now: Date.now() });
  const list = reports.map((r) => h('article', { class: 'app-card app-report', dataset: { report: r.id, state: r.state } },
    h('header', { class: 'app-card__hd' },
      h('h2', { class: 'app-h2' }, categoryName(r.category)),
      stateTag(r.state, r.overdue)),
    h('p', { class: 'app-para' }, r.description),
    r.duplicate_of ? h('p', { class: 'app-tag app-tag_dup', dataset: { duplicateOf: r.duplicate_of } },
      t('report.duplicate_state')) : null,
    h('p', { class: 'app-item__meta' }, fmtDate(r.submitted_at, true),
      r.place && (r.place.building || r.place.address || r.place.room)
        ? ` · ${[r.place.building, r.place.address, r.place.unit, r.place.room].filter(Boolean).join(' ')}` : ''),
    r.place && r.place.location ? h('p', { class: 'app-item__meta', dataset: { location: '' } },
      `${t('item.location')} ${r.place.location.lat.toFixed(6)}, ${r.place.location.lng.toFixed(6)}`) : null,
    r.photos && r.photos.length ? photoStrip(r.photos, fetchBlob) : null,
    r.rating ? h('p', { class: 'app-rated' }, t('report.evaluated', { n: r.rating }),
      r.comment ? ` · “${r.comment}”` : '') : null,
    r.can_evaluate ? evaluationForm(r) : null,
    h('details', { class: 'app-details', open: r.can_evaluate || null },
      h('summary', null, t('item.timeline')), timeline(r.timeline || []))));
  return h('div', { class: 'app-page', dataset: { view: 'resident-mine', live: '' } },
    residentTabs('mine'),
    h('h1', { class: 'app-h1' }, t('resident.tab_mine')),
    list.length ? list : emptyState(t('report.none')));
}
