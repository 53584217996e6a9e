// Items: a list row, the detail screen with its timeline, and the actions
// (assign, mark fixed, verify, reject, reopen, escalate, acknowledge,
// comment). The UI offers exactly the actions the core lists for this person
// on this item; the core still decides each command, and its reason is shown
// when it refuses (e.g. a missing photo).
import { app, command, query, placeName, personName, departmentName } from '../app.js';
import { t, categoryName } from '../i18n.js';
import { h, cells, field, input, textarea, select, button, stateTag, fmtDate, busy,
  errorBox, toast, emptyState } from '../ui.js';
import { photoField, photoStrip } from '../photos.js';
import { fetchBlob } from '../net.js';

/**
 * An item's place in words: the core's item.place (names from this device's
 * rows, or carried by the escalation to a department's device), with
 * `withArea` the micro-grid too; never an id.
 */
export function placeText(item, withArea = false) {
  const p = item.place || {};
  const parts = [withArea ? p.microgrid || placeName(item.microgrid_id) : '',
    p.building || placeName(item.building_id), [p.unit, p.room].filter(Boolean).join(' ')];
  return parts.filter(Boolean).join(' · ');
}

export function itemRow(item) {
  const place = placeText(item);
  const esc = item.escalation;
  return h('a', { class: 'weui-cell weui-cell_access app-item', href: `#/item/${encodeURIComponent(item.id)}`,
    dataset: { item: item.id, state: item.state } },
  h('div', { class: 'weui-cell__bd' },
    h('p', { class: 'app-item__title' }, item.title),
    h('p', { class: 'app-item__meta' }, categoryName(item.category),
      place ? ` · ${place}` : '',
      item.deadline ? ` · ${t('item.deadline', { date: fmtDate(item.deadline) })}` : ''),
    esc && !esc.acknowledged_at && esc.deadline ? h('p', { class: 'app-item__meta', dataset: { escalation: '' } },
      `${t('item.escalated_by')} ${esc.by_name || t('person.someone')} · ${t('item.ack_deadline')} ${fmtDate(esc.deadline, true)}`) : null),
  h('div', { class: 'weui-cell__ft' }, stateTag(item.state, item.overdue)));
}

export function itemList(items, emptyText) {
  if (!items.length) return emptyState(emptyText || t('item.none'));
  return h('div', { class: 'weui-cells app-items' }, items.map(itemRow));
}

function ownerText(item) {
  if (item.owner_person) return personName(item.owner_person);
  if (item.owner_dept) return departmentName(item.owner_dept);
  return '—';
}

function eventText(e) {
  const parts = [t(`ev.${e.type}`)];
  if (e.data && e.data.owner_person) parts.push(`→ ${personName(e.data.owner_person)}`);
  if (e.data && e.data.owner_dept) parts.push(`→ ${departmentName(e.data.owner_dept)}`);
  if (e.data && e.data.department_id && e.type === 'item.escalated') {
    parts.push(`→ ${departmentName(e.data.department_id)}`);
  }
  if (e.data && e.data.rating) parts.push(t('report.rating_n', { n: e.data.rating }));
  if (e.data && e.data.text) parts.push(`“${e.data.text}”`);
  if (e.reason) parts.push(`“${e.reason}”`);
  return parts.join(' ');
}

export function timeline(events) {
  return h('ol', { class: 'app-timeline' }, events.map((e) => h('li', { class: 'app-timeline__ev' },
    h('span', { class: 'app-timeline__dot', 'aria-hidden': 'true' }),
    h('div', null,
      h('p', { class: 'app-timeline__what' }, eventText(e)),
      h('p', { class: 'app-timeline__meta' }, `${personName(e.actor, e.actor_name)} · ${fmtDate(e.at, true)}`),
      e.evidence && e.evidence.length ? photoStrip(e.evidence, fetchBlob) : null))));
}

// A collapsible action form: a button opening fields and a submit.
function actionForm(key, label, build, run, kind = 'default') {
  const err = errorBox();
  const body = h('div', { class: 'app-action__body', hidden: true });
  const toggle = button(label, { 'aria-expanded': 'false', dataset: { action: key },
    onclick: () => {
      body.hidden = !body.hidden;
      toggle.setAttribute('aria-expanded', String(!body.hidden));
    } }, kind);
  const parts = build();
  const submit = button(t('submit'), { dataset: { submit: key } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    await run(parts);
    toast(t('item.done'));
    app.rerender();
  }));
  body.append(...parts.els, submit, err);
  return h('div', { class: 'app-action', dataset: { actionBox: key } }, toggle, body);
}

function deadlineInput(days) {
  const d = new Date(Date.now() + days * 86400000);
  return input({ type: 'date', value: d.toISOString().slice(0, 10) });
}

function endOfDay(dateStr) {
  return new Date(`${dateStr}T23:59:59+08:00`).getTime();
}

function ownerSelect() {
  const opts = [];
  const ctx = app.ctx || { people: [], departments: [] };
  for (const p of ctx.people) {
    opts.push([`p:${p.id}`, `${p.name}（${t(`role.${p.role}`)}）`]);
  }
  for (const d of ctx.departments) opts.push([`d:${d.id}`, d.name]);
  return select(opts);
}

function deptSelect() {
  const ctx = app.ctx || { departments: [] };
  return select(ctx.departments.map((d) => [d.id, d.name]));
}

/**
 * An action whose command (item.<key>) carries required photo evidence and an
 * optional note: mark_fixed and verify.
 */
function evidenceAction(key, evidenceLabel, kind, itemId) {
  return actionForm(key, t(`item.${key}`), () => {
    const photos = photoField(t(evidenceLabel), { required: true });
    const note = textarea({ rows: 2 });
    return { photos, note, els: [h('div', { class: 'weui-cells weui-cells_form' }, photos.el,
      field(t('item.note'), note))] };
  }, async ({ photos, note }) => {
    await photos.pending();
    const payload = { item_id: itemId, evidence: photos.shas() };
    if (note.value.trim()) payload.note = note.value.trim();
    await command(`item.${key}`, payload);
  }, kind);
}

// One form per item command; the core says which of them this person may
// send now (item.actions), and only those are shown, in the core's order.
const actionForms = {
  'item.assign': (item) => actionForm('assign', t('item.assign'), () => {
    const owner = ownerSelect();
    const deadline = deadlineInput(7);
    const note = textarea({ rows: 2 });
    return { owner, deadline, note, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.assign_to'), owner), field(t('item.deadline_date'), deadline),
      field(t('item.note'), note))] };
  }, async ({ owner, deadline, note }) => {
    const [kind, ownerId] = [owner.value.slice(0, 1), owner.value.slice(2)];
    const payload = { item_id: item.id, deadline: endOfDay(deadline.value) };
    if (kind === 'p') payload.owner_person = ownerId;
    else payload.owner_dept = ownerId;
    if (note.value.trim()) payload.note = note.value.trim();
    await command('item.assign', payload);
  }, 'primary'),
  'item.mark_fixed': (item) => evidenceAction('mark_fixed', 'item.evidence',
    item.owner_person === app.session.personId || app.role.role === 'department' ? 'primary' : 'default',
    item.id),
  'item.verify': (item) => evidenceAction('verify', 'item.verify_evidence', 'primary', item.id),
  'item.reject_fix': (item) => reasonAction('reject_fix', item.id, 'warn'),
  'item.reopen': (item) => reasonAction('reopen', item.id, 'warn'),
  'item.escalate': (item) => actionForm('escalate', t('item.escalate'), () => {
    const dept = deptSelect();
    const deadline = deadlineInput(3);
    const reason = textarea({ rows: 2 });
    return { dept, deadline, reason, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.department'), dept), field(t('item.deadline_date'), deadline),
      field(t('item.reason'), reason, { required: true }))] };
  }, ({ dept, deadline, reason }) => command('item.escalate', { item_id: item.id,
    department_id: dept.value, deadline: endOfDay(deadline.value), reason: reason.value.trim() })),
  'item.acknowledge': (item) => actionForm('acknowledge', t('item.acknowledge'), () => {
    const note = textarea({ rows: 2 });
    return { note, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.note'), note))] };
  }, ({ note }) => command('item.acknowledge', { item_id: item.id,
    ...(note.value.trim() ? { note: note.value.trim() } : {}) }), 'primary'),
  'report.mark_duplicate': (item) => actionForm('mark_duplicate', t('item.mark_duplicate'), () => {
    const cands = item.duplicate_candidates || [];
    const original = select(cands.map((c) => [c.report_id,
      `${c.title} · ${categoryName(c.category)} · ${t(`state.${c.state}`)} · ${fmtDate(c.submitted_at)}`]),
    { dataset: { field: 'original' } });
    const reason = textarea({ rows: 2, 'aria-required': 'true' });
    return { original, reason, els: [h('div', { class: 'weui-cells weui-cells_form' },
      cands.length ? field(t('item.duplicate_original'), original)
        : h('p', { class: 'app-para' }, t('item.no_candidates')),
      field(t('item.reason'), reason, { required: true }))] };
  }, ({ original, reason }) => command('report.mark_duplicate', { report_id: item.source_id,
    original_id: original.value, reason: reason.value.trim() }), 'warn'),
  'report.unmark_duplicate': (item) => actionForm('unmark_duplicate', t('item.unmark_duplicate'), () => {
    const reason = textarea({ rows: 2, 'aria-required': 'true' });
    return { reason, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.reason'), reason, { required: true }))] };
  }, ({ reason }) => command('report.unmark_duplicate', { report_id: item.source_id,
    reason: reason.value.trim() })),
  'item.comment': (item) => actionForm('comment', t('item.comment'), () => {
    const text = textarea({ rows: 2 });
    const photos = photoField(t('item.photos'));
    return { text, photos, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.comment'), text, { required: true }), photos.el)] };
  }, async ({ text, photos }) => {
    await photos.pending();
    await command('item.comment', { item_id: item.id, text: text.value.trim(), photos: photos.shas() });
  }),
};

/** reject_fix and reopen: a required reason. */
function reasonAction(key, itemId, kind) {
  return actionForm(key, t(`item.${key}`), () => {
    const reason = textarea({ rows: 2, 'aria-required': 'true' });
    return { reason, els: [h('div', { class: 'weui-cells weui-cells_form' },
      field(t('item.reason'), reason, { required: true }))] };
  }, ({ reason }) => command(`item.${key}`, { item_id: itemId, reason: reason.value.trim() }), kind);
}

/** The forms of the actions the core offers this person on `item` now. */
function actions(item) {
  return (item.actions || []).filter((type) => actionForms[type]).map((type) => actionForms[type](item));
}

// Numbers revealed in this session, by report id: a view re-rendered after
// the reveal (every command refreshes the views) keeps showing it.
const revealed = new Map();

/**
 * A reporter's phone: masked (138****1234); the person handling the item, with
 * the resident's consent, may reveal it (the core records each reveal).
 */
function phoneFact(report) {
  const shown = h('span', { dataset: { phone: '' } }, revealed.get(report.report_id) || report.phone);
  if (!report.can_reveal_phone || revealed.has(report.report_id)) return shown;
  const err = errorBox();
  const reveal = button(t('report.reveal_phone'), { dataset: { action: 'reveal_phone' } }, 'default');
  reveal.addEventListener('click', () => busy(reveal, err, async () => {
    const value = await command('report.reveal_phone', { report_id: report.report_id });
    revealed.set(report.report_id, value.phone);
    shown.textContent = value.phone;
    reveal.hidden = true;
  }));
  return h('span', null, shown, ' ', reveal, err);
}

export async function itemView({ id }) {
  const item = await query('item.detail', { item_id: id, now: Date.now() });
  if ((item.actions || []).includes('report.mark_duplicate')) {
    item.duplicate_candidates = (await query('report.duplicate_candidates', { item_id: id })).candidates;
  }
  const photos = [];
  for (const e of item.events || []) {
    if (e.type === 'item.opened' && e.evidence) photos.push(...e.evidence);
  }
  const facts = [
    [t('item.category'), categoryName(item.category)],
    [t('item.place'), placeText(item, true) || t('item.place_unknown')],
    [t('item.source'), t(`source.${item.source}`)],
    [t('item.owner'), ownerText(item)],
    [t('item.deadline_date'), item.deadline ? fmtDate(item.deadline) : t('item.no_deadline')],
  ];
  if (item.place && item.place.address) facts.push([t('report.address'), item.place.address]);
  // The building's position as stored (WGS-84), for finding it on any map.
  if (item.place && item.place.location) {
    const { lat, lng } = item.place.location;
    facts.push([t('item.location'), h('span', { dataset: { location: '' } }, `${lat.toFixed(6)}, ${lng.toFixed(6)}`)]);
  } else if (item.place && item.place.location === null) {  // the core knows: not placed yet
    facts.push([t('item.location'), h('span', { dataset: { location: 'none' } }, t('map.unlocated'))]);
  }
  if (item.report && item.report.phone) facts.push([t('report.phone_short'), phoneFact(item.report)]);
  const dups = item.duplicates;
  if (dups && dups.of) {
    // The original by its title (the core gives it to who may read it),
    // never by its id.
    facts.push([t('item.duplicate_of'), h('a', { href: `#/item/${encodeURIComponent(dups.of.item_id)}`,
      dataset: { duplicateOf: dups.of.report_id } }, dups.of.title
      ? t('item.duplicate_of_text', { title: dups.of.title }) : t('item.duplicate_of_other'))]);
  }
  if (dups && dups.reports && dups.reports.length) {
    facts.push([t('item.duplicates'), h('span', { dataset: { duplicates: dups.reports.join(' ') } },
      t('item.duplicates_n', { n: dups.reports.length }))]);
  }
  if (item.escalated_to) {
    const esc = item.escalation || {};
    facts.push([t('item.escalation'), `${t('item.escalated', { dept: departmentName(item.escalated_to) })}${
      item.acknowledged_at ? ` · ${t('item.acknowledged')}` : ''}`]);
    facts.push([t('item.escalated_by'), h('span', { dataset: { escalatedBy: '' } },
      personName(esc.by, esc.by_name) || t('person.someone'))]);
    if (esc.deadline) {
      const late = !item.acknowledged_at && esc.deadline < Date.now();
      facts.push([t('item.ack_deadline'), h('span', { dataset: { ackDeadline: String(esc.deadline) } },
        fmtDate(esc.deadline, true), late ? h('span', { class: 'app-tag app-tag_overdue' }, t('item.ack_overdue')) : null)]);
    }
  }
  return h('div', { class: 'app-page', dataset: { view: 'item', item: item.id, state: item.state, live: '' } },
    h('div', { class: 'app-back' }, h('a', { href: 'javascript:history.back()' }, `‹ ${t('back')}`)),
    h('h1', { class: 'app-h1' }, item.title),
    h('p', { class: 'app-item__state' }, stateTag(item.state, item.overdue)),
    item.description ? h('p', { class: 'app-para' }, item.description) : null,
    h('dl', { class: 'app-facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
    photos.length ? cells(t('item.photos'), [h('div', { class: 'weui-cell' }, photoStrip(photos, fetchBlob))]) : null,
    h('section', { class: 'app-group app-actions', 'aria-label': t('item.actions') },
      h('h2', { class: 'weui-cells__title' }, t('item.actions')), actions(item)),
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('item.timeline')),
      timeline(item.events || [])));
}
