// The micro-grid worker (微网格员): households due this cycle by building,
// with coverage so far; the visit form; their items.
import { app, query, command, currentCycle, newId, placeName } from '../app.js';
import { t, categoryName, kCategories, localTemplate, reasonText } from '../i18n.js';
import { h, tabs, cells, field, input, textarea, select, radios, button, busy, errorBox,
  toast, emptyState, pct } from '../ui.js';
import { photoField } from '../photos.js';
import { itemList } from './items.js';
import { mapPage } from './map.js';

function workerTabs(active) {
  return tabs([
    { key: 'due', label: t('worker.tab_due'), href: '#/worker' },
    { key: 'items', label: t('worker.tab_items'), href: '#/worker/items' },
    { key: 'map', label: t('map.tab'), href: '#/worker/map' },
  ], active);
}

/** The micro-grid's map (views/map.js). */
export function workerMap() {
  return mapPage('worker', workerTabs('map'));
}

function microgridId() {
  return app.role.scope_id;
}

function coverageBar(visited, total) {
  const rate = total ? visited / total : 0;
  return h('div', { class: 'app-coverage' },
    h('div', { class: 'app-coverage__row' },
      h('span', null, t('worker.coverage')),
      h('strong', { class: 'app-coverage__pct' }, pct(total ? rate : null))),
    h('div', { class: 'weui-progress' },
      h('div', { class: 'weui-progress__bar', role: 'progressbar', 'aria-label': t('worker.coverage'),
        'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': visited },
      h('div', { class: 'weui-progress__inner-bar', style: `width:${Math.round(rate * 100)}%` }))),
    h('p', { class: 'app-hint' }, t('worker.coverage_of', { visited, total })));
}

// The list's filters, kept while the app runs (a visit and back keeps them).
const filters = { text: '', building: '', show: 'due' };

function householdRow(hh) {
  return h('a', {
    class: 'weui-cell weui-cell_access app-household',
    href: `#/visit/${encodeURIComponent(hh.id)}`,
    dataset: { household: hh.id, visited: String(!!hh.visited) },
  },
  h('div', { class: 'weui-cell__bd' },
    h('p', null, `${hh.unit || ''} ${hh.room || ''}`.trim(),
      hh.head_name ? h('span', { class: 'app-muted' }, ` · ${hh.head_name}`) : null,
      hh.visited ? h('span', { class: 'app-tag app-tag_visited' }, t('worker.visited')) : null),
    hh.last_outcome ? h('p', { class: 'app-item__meta' },
      t('worker.last', { outcome: t(`outcome.${hh.last_outcome}`) })) : null),
  h('div', { class: 'weui-cell__ft' }));
}

/** Households matching the filters: words of building, unit, room, head. */
function matches(hh, b) {
  if (filters.show === 'due' && hh.visited) return false;
  if (filters.building && filters.building !== b.building_id) return false;
  const words = filters.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const hay = `${b.name} ${hh.unit || ''} ${hh.room || ''} ${hh.head_name || ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

function householdGroups(due) {
  const groups = [];
  let shown = 0;
  for (const b of due.buildings) {
    const list = b.households.filter((hh) => matches(hh, b));
    if (!list.length) continue;
    shown += list.length;
    const left = b.households.filter((hh) => !hh.visited).length;
    groups.push(cells(`${b.name} · ${t('worker.due_in', { n: left })}`, list.map(householdRow),
      { dataset: { building: b.building_id } }));
  }
  return { groups, shown };
}

function householdFilters(due, onChange) {
  const search = input({ type: 'search', id: 'hh-search', value: filters.text,
    placeholder: t('worker.search_ph'), 'aria-label': t('worker.search'), enterkeyhint: 'search' });
  const building = select([['', t('worker.all_buildings')], ...due.buildings.map((b) => [b.building_id, b.name])],
    { id: 'hh-building', value: filters.building, 'aria-label': t('worker.building') });
  const show = select([['due', t('worker.show_due')], ['all', t('worker.show_all')]],
    { id: 'hh-show', value: filters.show, 'aria-label': t('worker.show') });
  search.addEventListener('input', () => { filters.text = search.value; onChange(); });
  building.addEventListener('change', () => { filters.building = building.value; onChange(); });
  show.addEventListener('change', () => { filters.show = show.value; onChange(); });
  search.classList.add('app-filters__search');
  building.classList.add('app-filters__half');
  show.classList.add('app-filters__half');
  return h('div', { class: 'app-filters', role: 'search' }, search, building, show);
}

export async function workerDue() {
  const cycle = currentCycle();
  const due = await query('worker.households_due', { microgrid_id: microgridId(), cycle,
    include_visited: true });
  for (const b of due.buildings) {
    for (const hh of b.households) {
      seen.set(hh.id, { ...hh, building: b.name, building_id: b.building_id, can_locate: b.can_locate });
    }
  }
  if (filters.building && !due.buildings.some((b) => b.building_id === filters.building)) filters.building = '';
  const list = h('div', { class: 'household-list' });
  const count = h('p', { class: 'app-hint app-pad', 'aria-live': 'polite', id: 'hh-count' });
  const fill = () => {
    const { groups, shown } = householdGroups(due);
    count.textContent = t('worker.shown', { n: shown });
    if (groups.length) list.replaceChildren(...groups);
    else if (filters.show === 'due' && !filters.text && !filters.building && due.due === 0) {
      list.replaceChildren(emptyState(t('worker.all_done')));
    } else list.replaceChildren(emptyState(t('worker.no_match')));
  };
  fill();
  return h('div', { class: 'app-page', dataset: { view: 'worker', live: '' } },
    workerTabs('due'),
    h('h1', { class: 'app-h1' }, placeName(microgridId()),
      h('span', { class: 'app-sub' }, t('worker.cycle', { cycle }))),
    coverageBar(due.visited, due.households),
    householdFilters(due, fill), count, list);
}

export async function workerItems() {
  const now = Date.now();
  const [mine, mg] = await Promise.all([
    query('items.checklist', { owner_person: app.session.personId, now }),
    query('items.checklist', { microgrid_id: microgridId(), now }),
  ]);
  const mineIds = new Set(mine.items.map((i) => i.id));
  // What the worker found (opened on a visit or by hand) is their own work
  // too, assigned or not.
  const found = mg.items.filter((i) => !mineIds.has(i.id) && i.opened_by === app.session.personId);
  const foundIds = new Set(found.map((i) => i.id));
  return h('div', { class: 'app-page', dataset: { view: 'worker-items', live: '' } },
    workerTabs('items'),
    h('section', { class: 'app-group', dataset: { section: 'mine' } },
      h('h2', { class: 'weui-cells__title' }, t('worker.my_items')), itemList(mine.items)),
    h('section', { class: 'app-group', dataset: { section: 'found' } },
      h('h2', { class: 'weui-cells__title' }, t('worker.found_items')), itemList(found)),
    h('section', { class: 'app-group', dataset: { section: 'microgrid' } },
      h('h2', { class: 'weui-cells__title' }, t('worker.mg_items')),
      itemList(mg.items.filter((i) => !mineIds.has(i.id) && !foundIds.has(i.id)))));
}

// One question of the template as a form control; returns {el, value(), fix}.
function questionControl(q, hasRule) {
  const id = `q-${q.key}`;
  let el;
  let value;
  if (q.kind === 'yes_no') {
    let v = null;
    el = radios(`q_${q.key}`, q.label, [['yes', t('visit.yes')], ['no', t('visit.no')]], null,
      (x) => { v = x === 'yes'; }, { required: q.required });
    value = () => v;
  } else if (q.kind === 'choice') {
    const sel = select([['', '—'], ...q.options.map((o, i) => [o, q.option_labels[i]])], { id });
    el = field(q.label, sel, { required: q.required, stack: true });
    value = () => (sel.value === '' ? null : sel.value);
  } else if (q.kind === 'number') {
    const inp = input({ type: 'number', id, min: q.min, max: q.max, inputmode: 'numeric' });
    el = field(q.label, inp, { required: q.required, stack: true });
    value = () => (inp.value === '' ? null : Number(inp.value));
  } else if (q.kind === 'text') {
    const ta = textarea({ id, maxlength: q.max_length || 2000 });
    el = field(q.label, ta, { required: q.required, stack: true });
    value = () => (ta.value.trim() === '' ? null : ta.value.trim());
  } else {  // photo
    const pf = photoField(q.label, { required: q.required });
    el = pf.el;
    value = () => (pf.shas().length ? pf.shas() : null);
    value.pending = pf.pending;
  }
  let fix = null;
  if (hasRule) {
    fix = photoField(t('visit.fix_on_spot'));
    fix.el.classList.add('app-fix');
  }
  const fixBox = fix ? h('details', { class: 'app-fix-box', hidden: true },
    h('summary', null, t('visit.fix_on_spot')), fix.el) : null;
  const box = h('div', { class: 'app-question', dataset: { question: q.key, kind: q.kind } }, el, fixBox);
  return { el: box, value, fix, fixBox, q };
}

function findingEditor(onRemove) {
  const cat = select(kCategories.map((c) => [c, categoryName(c)]));
  const title = input({ type: 'text', maxlength: 200 });
  const days = input({ type: 'number', min: 0, max: 365, value: '7', inputmode: 'numeric' });
  const photos = photoField(t('finding.photos'));
  const fixed = photoField(t('finding.fixed'));
  const el = h('div', { class: 'weui-cells weui-cells_form app-finding' },
    field(t('finding.category'), cat), field(t('finding.title'), title, { required: true }),
    field(t('finding.deadline_days'), days), photos.el, fixed.el,
    h('div', { class: 'weui-cell' }, button(t('finding.remove'), { onclick: () => { el.remove(); onRemove(); } }, 'warn')));
  return {
    el,
    async value() {
      await Promise.all([photos.pending(), fixed.pending()]);
      const f = { category: cat.value, title: title.value.trim() };
      if (Number(days.value) > 0) f.deadline_days = Number(days.value);
      if (photos.shas().length) f.photos = photos.shas();
      if (fixed.shas().length) f.fixed_evidence = fixed.shas();
      return f;
    },
  };
}

// The newest door-knocking template, its texts in the app's language.
async function currentTemplate() {
  const { templates } = await query('templates.current');
  const tpl = templates.find((x) => x.id === 'door_knock') || templates[0] || null;
  return tpl && { ...tpl, body: localTemplate(tpl.body) };
}

/**
 * The checklist part of the visit form for a template ({id, version, body}):
 * {section, questions}. The worker's form and the console's live preview of
 * a template version render it alike. `findingsOf(answers)` resolves the
 * question keys whose answers make a finding ("fixed on the spot" is offered
 * under exactly those); without it no such box is shown.
 */
export function checklistForm(tpl, findingsOf = null) {
  const ruleKeys = new Set(((tpl && tpl.body.rules) || []).map((r) => r.question));
  const questions = tpl ? tpl.body.questions.map((q) => questionControl(q, ruleKeys.has(q.key))) : [];
  // 'input' as well as 'change': a number typed shows the box at once, not
  // when the field loses focus.
  let asked = 0;
  const updateFixes = async (e) => {
    if (questions.some((c) => c.fixBox && c.fixBox.contains(e.target))) return;
    const c = questions.find((x) => x.el.contains(e.target));
    if (c) markMissing(c, false);
    if (!tpl || !findingsOf || !questions.some((x) => x.fixBox)) return;
    const answers = {};
    for (const x of questions) {
      const v = x.q.kind === 'photo' ? null : x.value();
      if (v !== null) answers[x.q.key] = v;
    }
    const seq = ++asked;
    let keys = new Set();
    try {
      keys = await findingsOf(answers);
    } catch (err) { /* an answer out of range: no finding offered until it is fixed */ }
    if (seq !== asked) return;
    for (const x of questions) if (x.fixBox) x.fixBox.hidden = !keys.has(x.q.key);
  };
  const section = h('section', { class: 'app-group app-checklist' },
    tpl ? h('h2', { class: 'weui-cells__title' }, t('visit.checklist', { title: tpl.body.title || t('visit.title') })) : null,
    h('div', { class: 'weui-cells weui-cells_form' }, questions.map((c) => c.el)));
  section.addEventListener('input', updateFixes);
  section.addEventListener('change', updateFixes);
  return { section, questions };
}

export async function visitView({ household }) {
  const tpl = await currentTemplate();
  const err = errorBox();
  let outcome = 'met';
  // The core's rules say which answers make a finding (template.findings),
  // as it will when the visit is recorded.
  const { section: checklist, questions } = checklistForm(tpl, async (answers) => {
    const r = await query('template.findings', { template_id: tpl.id, template_version: tpl.version, answers });
    return new Set(r.findings.map((f) => f.question));
  });
  const findings = [];
  const findingsBox = h('div');
  const addFinding = button(t('visit.add_finding'), { onclick: () => {
    const f = findingEditor(() => findings.splice(findings.indexOf(f), 1));
    findings.push(f);
    findingsBox.append(f.el);
  } }, 'default');
  const extra = h('section', { class: 'app-group' },
    h('h2', { class: 'weui-cells__title' }, t('visit.extra_findings')), findingsBox,
    h('div', { class: 'app-pad' }, addFinding));
  const notes = textarea({ rows: 2 });
  const photos = photoField(t('visit.photos'));
  const gps = h('input', { type: 'checkbox', id: 'visit-gps', class: 'weui-switch' });
  // The building has no location and the core lets this worker set it: one
  // optional switch places it from this visit's fix (building.locate).
  const home = seen.get(household);
  const locate = home && home.can_locate
    ? h('input', { type: 'checkbox', id: 'visit-locate', class: 'weui-switch', dataset: { locate: '' } }) : null;
  const outcomeBox = radios('outcome', t('visit.outcome'),
    ['met', 'not_home', 'refused', 'vacant'].map((o) => [o, t(`outcome.${o}`)]), 'met', (v) => {
      outcome = v;
      checklist.hidden = v !== 'met';
      extra.hidden = v !== 'met';
    });
  const submit = button(t('submit'), { dataset: { submit: 'visit' } });
  submit.addEventListener('click', () => busy(submit, err, async () => {
    const payload = { visit_id: newId('v'), household_id: household, cycle: currentCycle(), outcome };
    if (tpl) {
      payload.template_id = tpl.id;
      payload.template_version = tpl.version;
    }
    if (outcome === 'met' && tpl) {
      const answers = {};
      const fixes = {};
      for (const c of questions) {
        if (c.value.pending) await c.value.pending();
        const v = c.value();
        if (v === null) {
          if (c.q.required) {
            // Highlighted where it is, scrolled to, focused and announced.
            markMissing(c, true);
            err.textContent = t('visit.missing', { label: c.q.label });
            c.el.scrollIntoView({ block: 'center' });
            const first = c.el.querySelector('input, select, textarea');
            if (first) first.focus({ preventScroll: true });
            return;
          }
          continue;
        }
        answers[c.q.key] = v;
        if (c.fix) {
          await c.fix.pending();
          if (c.fix.shas().length) fixes[c.q.key] = c.fix.shas();
        }
      }
      payload.answers = answers;
      if (Object.keys(fixes).length) payload.fixed_on_spot = fixes;
      const extraFindings = [];
      for (const f of findings) extraFindings.push(await f.value());
      if (extraFindings.length) payload.findings = extraFindings;
    }
    if (notes.value.trim()) payload.notes = notes.value.trim();
    await photos.pending();
    if (photos.shas().length) payload.photos = photos.shas();
    let pos = null;
    if ((gps.checked || (locate && locate.checked)) && navigator.geolocation) {
      pos = await new Promise((resolve) => navigator.geolocation.getCurrentPosition(
        resolve, () => resolve(null), { enableHighAccuracy: true, timeout: 5000, maximumAge: 60000 }));
      if (pos && gps.checked) payload.gps = { lat: pos.coords.latitude, lng: pos.coords.longitude };
    }
    const result = await command('visit.record', payload);
    if (pos && locate && locate.checked) {
      // Optional: a refusal (a poor fix, placed meanwhile) leaves the visit as recorded.
      try {
        await command('building.locate', { building_id: home.building_id, lat: pos.coords.latitude,
          lng: pos.coords.longitude, accuracy_m: pos.coords.accuracy, source: 'gps' });
      } catch (e) {
        toast(reasonText(e));
      }
    }
    const n = result.items ? result.items.length : 0;
    toast(t('visit.saved', { items: n ? t('visit.saved_items', { n }) : '' }));
    location.hash = '#/worker';
  }));
  const before = seen.get(household);
  return h('div', { class: 'app-page', dataset: { view: 'visit', household } },
    h('div', { class: 'app-back' }, h('a', { href: '#/worker' }, `‹ ${t('back')}`)),
    h('h1', { class: 'app-h1' }, t('visit.title'), h('span', { class: 'app-sub' }, householdLabel(household))),
    before && before.visited ? h('p', { class: 'app-para app-follow-up', dataset: { followUp: '' } },
      t('visit.follow_up', { outcome: t(`outcome.${before.last_outcome}`) })) : null,
    h('div', { class: 'weui-cells weui-cells_form' }, h('div', { class: 'weui-cell' }, outcomeBox)),
    checklist, extra,
    cells(null, [field(t('visit.notes'), notes), photos.el,
      h('div', { class: 'weui-cell weui-cell_switch' },
        h('div', { class: 'weui-cell__bd' }, h('label', { for: 'visit-gps', class: 'app-switch-label' }, t('visit.gps'))),
        h('div', { class: 'weui-cell__ft' }, gps)),
      locate ? h('div', { class: 'weui-cell weui-cell_switch' },
        h('div', { class: 'weui-cell__bd' }, h('label', { for: 'visit-locate', class: 'app-switch-label' }, t('visit.locate'))),
        h('div', { class: 'weui-cell__ft' }, locate)) : null]),
    h('div', { class: 'app-pad' }, submit, err));
}

// Households seen in the list, for the form's heading.
const seen = new Map();

function householdLabel(id) {
  const hh = seen.get(id);
  return hh ? `${hh.building} ${hh.unit || ''} ${hh.room || ''}${hh.head_name ? ` · ${hh.head_name}` : ''}` : '';
}

/** A required question left unanswered: highlighted in place, with its own message. */
function markMissing(c, missing) {
  c.el.classList.toggle('app-question_missing', missing);
  const group = c.el.querySelector('fieldset, input, select, textarea');
  if (group) group.setAttribute('aria-invalid', missing ? 'true' : 'false');
  let note = c.el.querySelector('.app-question__error');
  if (missing && !note) {
    note = h('p', { class: 'app-question__error', id: `${c.el.dataset.question}-missing` }, t('visit.missing_here'));
    c.el.insertBefore(note, c.el.children[1] || null);
    if (group) group.setAttribute('aria-describedby', note.id);
  } else if (!missing && note) {
    note.remove();
    if (group) group.removeAttribute('aria-describedby');
  }
}
