// The operations console (an administrator's home): the region tree, loaded
// one level and one page at a time from the server, with search; people and
// their roles; the audit trail. It reads online (serverQuery): an
// administrator's browser replicates nothing.

import { t, kCategories, categoryName, localTemplate } from '../i18n.js';
import { h, tabs, button, busy, errorBox, field, input, select, emptyState, errorText, fmtDate, uid } from '../ui.js';
import { checklistForm } from './worker.js';
import { serverQuery, serverCommand, adminCall, adminGet, consoleImport, consoleDownload } from '../net.js';

const kPage = 50;

function consoleTabs(active) {
  return tabs([
    { key: 'tree', label: t('console.tab_tree'), href: '#/console' },
    { key: 'people', label: t('console.tab_people'), href: '#/console/people' },
    { key: 'registers', label: t('console.tab_registers'), href: '#/console/registers' },
    { key: 'templates', label: t('console.tab_templates'), href: '#/console/templates' },
    { key: 'tiles', label: t('console.tab_tiles'), href: '#/console/tiles' },
    { key: 'open311', label: t('console.tab_open311'), href: '#/console/open311' },
    { key: 'audit', label: t('console.tab_audit'), href: '#/console/audit' },
  ], active);
}

function page(view, active, ...children) {
  return h('div', { class: 'app-page', dataset: { view } }, consoleTabs(active),
    h('h1', { class: 'app-h1 app-pad' }, t(`console.title_${active}`)), ...children);
}

function countsText(c) {
  return t('console.counts', { h: c.households, p: c.people, o: c.open_items });
}

function nodeLabel(n) {
  if (n.type === 'household') {
    // A unit the register names in full ("2单元") is shown as it is.
    const unit = n.unit && (/^\d+$/.test(n.unit) ? t('console.unit', { u: n.unit }) : n.unit);
    const where = [unit, n.room].filter(Boolean).join(' ');
    return `${where || t('console.household')} · ${n.head_name || t('console.no_head')}`;
  }
  if (n.type === 'building') return n.address ? `${n.name}（${n.address}）` : n.name;
  return n.name;
}

/** A "more" button that calls load(next) and replaces itself. */
function moreButton(next, load) {
  if (!next) return null;
  const b = button(t('console.more'), { class: 'weui-btn weui-btn_default app-btn app-more',
    dataset: { more: next }, onclick: async () => {
      b.disabled = true;
      try {
        await load(next);
        b.remove();
      } catch (e) {
        b.disabled = false;
        b.after(h('p', { class: 'app-error', role: 'alert' }, errorText(e)));
      }
    } }, 'default');
  return b;
}

/**
 * One tree node: a toggle that loads its children (one page) on first open.
 * With `onPick` (the scope picker of a grant) each node has a button that
 * picks it.
 */
function treeNode(n, opts = {}) {
  const kids = h('ul', { class: 'app-tree__kids', role: 'group', hidden: true });
  // Notes and the next page's button sit after the group (a group holds tree items only).
  const tail = h('div', { class: 'app-tree__tail', hidden: true });
  const li = h('li', { class: 'app-tree__node', role: 'treeitem', dataset: { node: n.id, type: n.type },
    'aria-expanded': n.has_children ? 'false' : null });
  let loaded = false;
  const load = async (after) => {
    const params = n.type === 'building' ? { building_id: n.id } : { region_id: n.id };
    const r = await serverQuery('console.children', { ...params, limit: kPage, ...(after ? { after } : {}) });
    for (const c of r.nodes) kids.append(treeNode(c, opts));
    if (!r.nodes.length && !after) tail.append(h('p', { class: 'app-muted' }, t('empty')));
    const more = moreButton(r.next, load);
    if (more) tail.append(more);
  };
  const toggle = h('button', { type: 'button', class: 'app-tree__toggle',
    disabled: !n.has_children, onclick: async () => {
      const open = li.getAttribute('aria-expanded') === 'true';
      if (!loaded) {
        loaded = true;
        toggle.setAttribute('aria-busy', 'true');
        try {
          await load(null);
        } catch (e) {
          loaded = false;
          tail.replaceChildren(h('p', { class: 'app-error', role: 'alert' }, errorText(e)));
        }
        toggle.removeAttribute('aria-busy');
      }
      li.setAttribute('aria-expanded', String(!open));
      kids.hidden = open;
      tail.hidden = open;
    } },
  h('span', { class: 'app-tree__mark', 'aria-hidden': 'true' }, n.has_children ? '▸' : '·'),
  h('span', { class: 'app-tree__name' }, nodeLabel(n)),
  n.level ? h('span', { class: 'app-tag' }, t(`level.${n.level}`)) : null);
  const pick = opts.onPick ? h('button', { type: 'button', class: 'app-tree__pick', dataset: { pick: n.id },
    onclick: () => opts.onPick(n) }, t('console.pick')) : null;
  li.append(h('div', { class: 'app-tree__row' }, toggle, pick),
    h('span', { class: 'app-tree__counts app-muted', dataset: { counts: '' } }, countsText(n.counts)), kids, tail);
  return li;
}

export async function consoleTree() {
  const roots = await serverQuery('console.children', {});
  const tree = h('ul', { class: 'app-tree', role: 'tree', 'aria-label': t('console.tab_tree'), id: 'console-tree' },
    roots.nodes.map((n) => treeNode(n)));
  const results = h('div', { id: 'console-results' });
  const q = input({ type: 'search', id: 'console-q', placeholder: t('console.search_ph'), enterkeyhint: 'search' });
  const err = errorBox();
  const submit = button(t('console.search'), { type: 'submit', id: 'console-search' });
  const list = h('ul', { class: 'app-list' });
  const load = async (after) => {
    const r = await serverQuery('console.search', { q: q.value.trim(), limit: kPage, ...(after ? { after } : {}) });
    for (const n of r.households) {
      list.append(h('li', { class: 'app-list__row', dataset: { hit: n.id } },
        h('span', null, `${n.building_name} ${nodeLabel(n)}`),
        n.address ? h('span', { class: 'app-muted' }, n.address) : null));
    }
    const more = moreButton(r.next, load);
    if (more) list.append(h('li', null, more));
    return r;
  };
  const form = h('form', { class: 'app-pad app-search', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    if (!q.value.trim()) return;
    busy(submit, err, async () => {
      list.replaceChildren();
      const r = await load(null);
      results.replaceChildren(h('h2', { class: 'weui-cells__title' }, t('console.results')),
        r.households.length ? list : emptyState(t('console.no_results')));
    });
  } }, h('div', { class: 'weui-cells weui-cells_form' }, field(t('console.search_label'), q)), submit, err);
  return page('console-tree', 'tree', form, results, tree);
}

// ---------------------------------------------------------------- people

function grantText(g) {
  return `${t(`role.${g.role}`)} · ${g.scope_id === '*' ? t('console.everywhere') : (g.scope_name || t('console.unknown_place'))}`;
}

/** One grant of a person, with the button that revokes it. */
function grantRow(p, g) {
  const err = errorBox();
  const revoke = button(t('console.revoke'), { class: 'weui-btn weui-btn_default app-btn app-btn_inline',
    dataset: { revoke: `${g.role}:${g.scope_id}` } }, 'default');
  const row = h('li', { class: 'app-grant' }, h('span', null, grantText(g)), revoke, err);
  revoke.addEventListener('click', () => busy(revoke, err, async () => {
    await serverCommand('role.revoke', { person_id: p.id, role: g.role, scope_id: g.scope_id });
    row.replaceChildren(h('s', null, grantText(g)), ' ', t('console.revoked'));
  }));
  return row;
}

/** A person's account actions: a one-time password (shown once), deactivation. */
function accountActions(p) {
  const out = h('p', { class: 'app-hint', role: 'status', dataset: { otp: '' } });
  const err = errorBox();
  const reset = button(t('console.new_password'), { class: 'weui-btn weui-btn_default app-btn app-btn_inline',
    dataset: { action: 'password' } }, 'default');
  reset.addEventListener('click', () => busy(reset, err, async () => {
    const r = await adminCall('password', { person_id: p.id });
    out.replaceChildren(t('console.password_once'), ' ', h('code', { class: 'app-otp' }, r.password));
  }));
  const off = button(t('console.deactivate'), { class: 'weui-btn weui-btn_warn app-btn app-btn_inline',
    dataset: { action: 'deactivate' } }, 'warn');
  off.addEventListener('click', () => {
    if (!window.confirm(t('console.deactivate_confirm', { name: p.name }))) return;
    busy(off, err, async () => {
      const r = await adminCall('deactivate', { person_id: p.id });
      out.textContent = t('console.deactivated', { n: r.tokens_revoked });
    });
  });
  return h('div', { class: 'app-row-actions' }, reset, off, out, err);
}

/**
 * A region picker for a scope field: the same lazy tree, each node with a
 * pick button that fills `scope` with its id and names it below.
 */
function scopePicker(scope, id) {
  const picked = h('p', { class: 'app-hint', id: `${scope.id}-picked`, role: 'status' });
  const pickerTree = h('ul', { class: 'app-tree', role: 'tree', 'aria-label': t('console.pick_scope') });
  const picker = h('details', { class: 'app-picker', id, ontoggle: async () => {
    if (!picker.open || pickerTree.children.length) return;
    try {
      const r = await serverQuery('console.children', {});
      pickerTree.replaceChildren(...r.nodes.map((n) => treeNode(n, { onPick: (node) => {
        scope.value = node.id;
        picked.textContent = t('console.picked', { name: nodeLabel(node) });
        picker.open = false;
      } })));
    } catch (e) {
      pickerTree.replaceChildren(h('li', { class: 'app-error', role: 'alert' }, errorText(e)));
    }
  } }, h('summary', null, t('console.pick_scope')), pickerTree);
  return h('div', null, picker, picked);
}

function personForm(onDone) {
  const err = errorBox();
  const id = input({ type: 'text', id: 'person-id', autocapitalize: 'none', spellcheck: 'false' });
  const name = input({ type: 'text', id: 'person-name' });
  const phone = input({ type: 'tel', id: 'person-phone', inputmode: 'tel' });
  const role = h('select', { class: 'weui-select', id: 'person-role' },
    h('option', { value: '' }, t('console.no_role')),
    ['worker', 'grid_head', 'captain', 'resident', 'department', 'admin'].map((r) =>
      h('option', { value: r }, t(`role.${r}`))));
  const scope = input({ type: 'text', id: 'person-scope', autocapitalize: 'none', spellcheck: 'false' });
  const picker = scopePicker(scope, 'scope-picker');
  const submit = button(t('console.save_person'), { type: 'submit', id: 'person-save' });
  const form = h('form', { class: 'app-card', id: 'person-form', onsubmit: (e) => {
    e.preventDefault();
    busy(submit, err, async () => {
      await serverCommand('person.upsert', { id: id.value.trim(), name: name.value.trim(),
        ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) });
      if (role.value) {
        await serverCommand('role.grant', { person_id: id.value.trim(), role: role.value,
          scope_id: scope.value.trim() });
      }
      onDone(id.value.trim());
    });
  } },
  h('h2', { class: 'weui-cells__title' }, t('console.new_person')),
  h('div', { class: 'weui-cells weui-cells_form' },
    field(t('console.person_id'), id, { required: true }), field(t('console.person_name'), name, { required: true }),
    field(t('console.person_phone'), phone), field(t('console.role'), role),
    field(t('console.scope'), scope, { hint: t('console.scope_hint') })),
  h('div', { class: 'app-pad' }, picker),
  h('div', { class: 'app-pad' }, submit, err));
  /** Fills the form with a listed person, to edit them. */
  form.edit = (p) => {
    id.value = p.id;
    name.value = p.name;
    phone.value = p.phone || '';
    role.value = '';
    scope.value = '';
    form.scrollIntoView({ block: 'start' });
    name.focus({ preventScroll: true });
  };
  return form;
}

export async function consolePeople() {
  const list = h('ul', { class: 'app-list', id: 'people-list' });
  const q = input({ type: 'search', id: 'people-q', placeholder: t('console.people_ph') });
  const err = errorBox();
  const load = async (after) => {
    const r = await serverQuery('console.people', { limit: kPage, ...(q.value.trim() ? { q: q.value.trim() } : {}),
      ...(after ? { after } : {}) });
    for (const p of r.people) {
      list.append(h('li', { class: 'app-list__row', dataset: { person: p.id } },
        h('span', { class: 'app-list__title' }, p.name),
        p.grants.length ? h('ul', { class: 'app-grants' }, p.grants.map((g) => grantRow(p, g)))
          : h('span', { class: 'app-muted' }, t('console.no_role')),
        h('div', { class: 'app-row-actions' }, button(t('console.edit'), {
          class: 'weui-btn weui-btn_default app-btn app-btn_inline', dataset: { action: 'edit' },
          onclick: () => pf.edit(p) }, 'default')),
        accountActions(p)));
    }
    if (!r.people.length && !after) list.append(h('li', null, emptyState(t('console.no_results'))));
    const more = moreButton(r.next, load);
    if (more) list.append(h('li', null, more));
  };
  await load(null);
  const submit = button(t('console.search'), { type: 'submit', id: 'people-search' });
  const form = h('form', { class: 'app-pad app-search', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    busy(submit, err, async () => {
      list.replaceChildren();
      await load(null);
    });
  } }, h('div', { class: 'weui-cells weui-cells_form' }, field(t('console.people_label'), q)), submit, err);
  const saved = h('p', { class: 'app-hint', role: 'status', id: 'person-saved' });
  const pf = personForm(async (pid) => {
    saved.textContent = t('console.person_saved', { id: pid });
    q.value = pid;
    list.replaceChildren();
    await load(null);
  });
  return page('console-people', 'people', form, list, pf, saved);
}

// ---------------------------------------------------------------- audit

export async function consoleAudit() {
  const list = h('ul', { class: 'app-list', id: 'audit-list' });
  const person = input({ type: 'text', id: 'audit-person', autocapitalize: 'none', spellcheck: 'false' });
  const item = input({ type: 'text', id: 'audit-item', autocapitalize: 'none', spellcheck: 'false' });
  const region = input({ type: 'text', id: 'audit-region', autocapitalize: 'none', spellcheck: 'false' });
  const err = errorBox();
  const filters = () => {
    const f = {};
    if (person.value.trim()) f.person_id = person.value.trim();
    if (item.value.trim()) Object.assign(f, { entity: 'item', entity_id: item.value.trim() });
    if (region.value.trim()) f.region_id = region.value.trim();
    return f;
  };
  const load = async (before) => {
    const r = await serverQuery('console.events', { ...filters(), limit: kPage, ...(before ? { before } : {}) });
    for (const e of r.events) {
      list.append(h('li', { class: 'app-list__row', dataset: { seq: String(e.seq), type: e.type } },
        h('span', { class: 'app-list__title' }, t(`ev.${e.type}`) === `ev.${e.type}` ? t("console.event") : t(`ev.${e.type}`)),
        h('span', { class: 'app-muted' }, `${e.actor_name || t('person.someone')} · ${fmtDate(e.server_at || e.at, true)}`)));
    }
    if (!r.events.length && !before) list.append(h('li', null, emptyState(t('console.no_results'))));
    const more = moreButton(r.next, load);
    if (more) list.append(h('li', null, more));
  };
  await load(null);
  const submit = button(t('console.filter'), { type: 'submit', id: 'audit-filter' });
  // The filtered trail as a file (every page, written by the server).
  const exportBtn = (f) => {
    const b = button(t('console.audit_export', { f: f.toUpperCase() }), { class: 'weui-btn weui-btn_default app-btn app-btn_inline',
      dataset: { auditExport: f } }, 'default');
    b.addEventListener('click', () => busy(b, err, async () => {
      const d = await consoleDownload(`/api/v1/console/events?${new URLSearchParams({ format: f, ...filters() })}`);
      saveBlob(d.blob, d.name);
    }));
    return b;
  };
  const form = h('form', { class: 'app-pad', onsubmit: (e) => {
    e.preventDefault();
    busy(submit, err, async () => {
      list.replaceChildren();
      await load(null);
    });
  } }, h('div', { class: 'weui-cells weui-cells_form' },
    field(t('console.audit_person'), person), field(t('console.audit_item'), item),
    field(t('console.audit_region'), region)), submit,
  h('div', { class: 'app-row-actions' }, exportBtn('csv'), exportBtn('xlsx')), err);
  return page('console-audit', 'audit', form, list);
}


// ---------------------------------------------------------------- templates

const kKinds = ['yes_no', 'choice', 'number', 'text', 'photo'];

/** A list typed with commas (either width) or 、 between its entries. */
const splitList = (text) => text.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);

/** An answer value as typed: true/false, a number, or the text itself. */
const answerValue = (v) => (v === 'true' ? true : v === 'false' ? false
  : (v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v));

/**
 * One question's editor row; value() gives the question's JSON. Every field
 * the core's template knows is kept or edited: the English text beside the
 * Chinese (label_en, options_en), a number's bounds, a text's length.
 */
function questionEditor(q, onChange, onRemove) {
  const key = input({ type: 'text', value: q.key || '', dataset: { field: 'key' }, autocapitalize: 'none', spellcheck: 'false' });
  const kind = select(kKinds.map((k) => [k, t(`console.kind_${k}`)]), { value: q.kind || 'yes_no', dataset: { field: 'kind' } });
  const label = input({ type: 'text', value: q.label || '', dataset: { field: 'label' } });
  const labelEn = input({ type: 'text', value: q.label_en || '', dataset: { field: 'label_en' }, lang: 'en' });
  const options = input({ type: 'text', value: (q.options || []).join('，'), dataset: { field: 'options' } });
  const optionsEn = input({ type: 'text', value: (q.options_en || []).join(', '), dataset: { field: 'options_en' }, lang: 'en' });
  const min = input({ type: 'number', value: q.min ?? '', dataset: { field: 'min' }, inputmode: 'decimal' });
  const max = input({ type: 'number', value: q.max ?? '', dataset: { field: 'max' }, inputmode: 'decimal' });
  const required = h('input', { type: 'checkbox', id: uid('req'), checked: !!q.required, dataset: { field: 'required' } });
  const choiceRows = [field(t('console.q_options'), options, { hint: t('console.q_options_hint') }),
    field(t('console.q_options_en'), optionsEn, { hint: t('console.q_options_en_hint') })];
  const numberRows = [field(t('console.q_min'), min), field(t('console.q_max'), max)];
  const sync = () => {
    for (const row of choiceRows) row.hidden = kind.value !== 'choice';
    for (const row of numberRows) row.hidden = kind.value !== 'number';
  };
  sync();
  const el = h('fieldset', { class: 'app-card app-q-editor', dataset: { qeditor: '' },
    oninput: () => { sync(); onChange(); }, onchange: () => { sync(); onChange(); } },
  h('legend', { class: 'app-legend' }, t('console.question')),
  h('div', { class: 'weui-cells weui-cells_form' },
    field(t('console.q_label'), label, { required: true }), field(t('console.q_label_en'), labelEn),
    field(t('console.q_key'), key, { required: true }), field(t('console.q_kind'), kind), ...choiceRows, ...numberRows,
    h('div', { class: 'weui-cell' }, h('label', { for: required.id, class: 'app-check' }, required, ' ', t('console.q_required')))),
  button(t('console.remove'), { class: 'weui-btn weui-btn_default app-btn app-btn_inline', onclick: () => { el.remove(); onRemove(); } }, 'default'));
  return {
    el,
    value() {
      const out = { key: key.value.trim(), kind: kind.value, label: label.value.trim() };
      if (labelEn.value.trim()) out.label_en = labelEn.value.trim();
      if (required.checked) out.required = true;
      if (kind.value === 'choice') {
        out.options = splitList(options.value);
        if (optionsEn.value.trim()) out.options_en = splitList(optionsEn.value);
      }
      if (kind.value === 'number') {
        if (min.value !== '') out.min = Number(min.value);
        if (max.value !== '') out.max = Number(max.value);
      }
      if (kind.value === 'text' && q.kind === 'text' && q.max_length !== undefined) out.max_length = q.max_length;
      return out;
    },
  };
}

const kRuleOps = ['equals', 'in', 'below', 'above'];

/** One rule's editor row: when a question's answer meets a test (equals a
 * value, is one of a list, below or above a number), a finding. */
function ruleEditor(r, onChange, onRemove) {
  const question = input({ type: 'text', value: r.question || '', dataset: { field: 'question' }, autocapitalize: 'none', spellcheck: 'false' });
  const opNow = kRuleOps.find((o) => r[o] !== undefined) || 'equals';
  const op = select(kRuleOps.map((o) => [o, t(`console.r_op_${o}`)]), { value: opNow, dataset: { field: 'op' } });
  const shown = (v) => (Array.isArray(v) ? v.map(String).join('，') : String(v ?? ''));
  const operand = input({ type: 'text', value: shown(r[opNow]), dataset: { field: 'operand' } });
  const hint = h('span');
  const operandRow = field(t('console.r_value'), operand, { hint });
  const syncHint = () => { hint.textContent = t(`console.r_hint_${op.value}`); };
  syncHint();
  op.addEventListener('change', syncHint);
  const category = select(kCategories.map((c) => [c, categoryName(c)]), { value: (r.finding && r.finding.category) || kCategories[0] });
  const title = input({ type: 'text', value: (r.finding && r.finding.title) || '', dataset: { field: 'title' } });
  const days = input({ type: 'number', min: 0, max: 365, inputmode: 'numeric', value: String((r.finding && r.finding.deadline_days) || 0) });
  const el = h('fieldset', { class: 'app-card', dataset: { reditor: '' }, oninput: onChange, onchange: onChange },
    h('legend', { class: 'app-legend' }, t('console.rule')),
    h('div', { class: 'weui-cells weui-cells_form' },
      field(t('console.r_question'), question), field(t('console.r_op'), op), operandRow,
      field(t('finding.category'), category), field(t('finding.title'), title), field(t('finding.deadline_days'), days)),
    button(t('console.remove'), { class: 'weui-btn weui-btn_default app-btn app-btn_inline', onclick: () => { el.remove(); onRemove(); } }, 'default'));
  return {
    el,
    value() {
      const out = { question: question.value.trim() };
      const v = operand.value.trim();
      // What the core checks (a list for "in", a number for below/above)
      // it refuses with its own reason; typed text is passed as typed.
      if (op.value === 'in') out.in = splitList(v).map(answerValue);
      else if (op.value === 'equals') out.equals = answerValue(v);
      else out[op.value] = v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
      out.finding = { category: category.value, title: title.value.trim() };
      if (Number(days.value) > 0) out.finding.deadline_days = Number(days.value);
      return out;
    },
  };
}

export async function consoleTemplates() {
  const { templates, can_publish: canPublish } = await serverQuery('console.templates', {});
  const newest = new Map();
  for (const v of templates) if (!newest.has(v.id)) newest.set(v.id, v);
  const versions = h('ul', { class: 'app-list', id: 'template-versions' }, templates.map((v) =>
    h('li', { class: 'app-list__row', dataset: { template: v.id, version: String(v.version) } },
      h('span', { class: 'app-list__title' }, t('console.template_version', { title: v.body.title || t('visit.title'), v: v.version })),
      h('span', { class: 'app-muted' }, t('console.template_meta', { n: v.body.questions.length, r: (v.body.rules || []).length,
        date: fmtDate(v.published_at, true) })))));
  if (!templates.length) versions.append(h('li', null, emptyState()));
  const base = newest.get('door_knock') || newest.values().next().value;
  if (!canPublish || !base) {
    return page('console-templates', 'templates', versions,
      canPublish ? null : h('p', { class: 'app-hint app-pad' }, t('console.publish_everything_only')));
  }
  // The editor starts from the newest version; the preview renders the
  // worker's own checklist form (checklistForm) from what is being edited.
  const preview = h('div', { class: 'app-preview', id: 'template-preview', 'aria-label': t('console.preview') });
  const title = input({ type: 'text', id: 'template-title', value: base.body.title || '' });
  const titleEn = input({ type: 'text', id: 'template-title-en', value: base.body.title_en || '', lang: 'en' });
  const qBox = h('div');
  const rBox = h('div');
  const qs = [];
  const rs = [];
  const body = () => {
    const b = { ...base.body, id: base.id, version: base.version + 1, title: title.value.trim(),
      questions: qs.map((x) => x.value()), rules: rs.map((x) => x.value()) };
    if (titleEn.value.trim()) b.title_en = titleEn.value.trim();
    else delete b.title_en;
    return b;
  };
  const render = () => {
    try {
      const b = body();
      // In the app's language, as the worker's form (currentTemplate) is.
      preview.replaceChildren(checklistForm({ id: b.id, version: b.version, body: localTemplate(b) }).section);
    } catch (e) {
      preview.replaceChildren(h('p', { class: 'app-error' }, errorText(e)));
    }
  };
  const addQ = (q) => {
    const x = questionEditor(q, render, () => { qs.splice(qs.indexOf(x), 1); render(); });
    qs.push(x);
    qBox.append(x.el);
  };
  const addR = (r) => {
    const x = ruleEditor(r, render, () => { rs.splice(rs.indexOf(x), 1); render(); });
    rs.push(x);
    rBox.append(x.el);
  };
  base.body.questions.forEach(addQ);
  (base.body.rules || []).forEach(addR);
  title.addEventListener('input', render);
  titleEn.addEventListener('input', render);
  render();
  const err = errorBox();
  const done = h('p', { class: 'app-hint', role: 'status', id: 'template-published' });
  const publish = button(t('console.publish', { v: base.version + 1 }), { id: 'template-publish' });
  publish.addEventListener('click', () => busy(publish, err, async () => {
    const r = await serverCommand('template.publish', { template: body() });
    done.textContent = t('console.published', { v: r.version });
    publish.disabled = true;
  }));
  return page('console-templates', 'templates', versions,
    h('section', { class: 'app-group', id: 'template-editor' },
      h('h2', { class: 'weui-cells__title' }, t('console.new_version', { v: base.version + 1 })),
      h('div', { class: 'weui-cells weui-cells_form' }, field(t('console.template_title'), title),
        field(t('console.template_title_en'), titleEn)),
      qBox,
      h('div', { class: 'app-pad' }, button(t('console.add_question'), { id: 'template-add-question',
        onclick: () => { addQ({ key: `q${qs.length + 1}`, kind: 'yes_no', label: '' }); render(); } }, 'default')),
      rBox,
      h('div', { class: 'app-pad' }, button(t('console.add_rule'), { id: 'template-add-rule',
        onclick: () => { addR({ question: '', equals: true, finding: { category: kCategories[0], title: '' } }); render(); } }, 'default'))),
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('console.preview')), preview),
    h('div', { class: 'app-pad' }, publish, err, done));
}

// ---------------------------------------------------------------- base map

// The base map's tile source (map.tiles.set): the core checks the template
// and says why it refuses one; saved, it syncs to every device.
export async function consoleTiles() {
  const { tiles } = await serverQuery('map.tiles', {});
  const url = input({ type: 'url', id: 'tiles-url', value: tiles ? tiles.url : '', spellcheck: 'false',
    autocapitalize: 'none', placeholder: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png' });
  const datum = select([['wgs84', t('console.tiles_datum_wgs84')], ['gcj02', t('console.tiles_datum_gcj02')]],
    { id: 'tiles-datum', value: tiles ? tiles.datum : 'wgs84' });
  const attribution = input({ type: 'text', id: 'tiles-attribution', value: tiles && tiles.attribution ? tiles.attribution : '' });
  const maxZoom = input({ type: 'number', id: 'tiles-max-zoom', min: 1, max: 22, value: String(tiles ? tiles.max_zoom : 19) });
  const current = h('p', { class: 'app-hint app-pad', id: 'tiles-current', role: 'status' });
  const show = (v) => {
    current.textContent = v ? `${t('console.tiles_current')}: ${v.url}` : t('console.tiles_none');
    current.dataset.url = v ? v.url : '';
  };
  show(tiles);
  const err = errorBox();
  const save = button(t('console.tiles_save'), { id: 'tiles-save' });
  const clear = button(t('console.tiles_clear'), { id: 'tiles-clear' }, 'default');
  save.addEventListener('click', () => busy(save, err, async () => {
    const payload = { url: url.value.trim(), datum: datum.value, max_zoom: Number(maxZoom.value) || 19 };
    if (attribution.value.trim()) payload.attribution = attribution.value.trim();
    const r = await serverCommand('map.tiles.set', payload);
    show(r.tiles);
    current.textContent += ` · ${t('console.tiles_saved')}`;
  }));
  clear.addEventListener('click', () => busy(clear, err, async () => {
    await serverCommand('map.tiles.set', {});
    url.value = '';
    show(null);
    current.textContent += ` · ${t('console.tiles_cleared')}`;
  }));
  return page('console-tiles', 'tiles',
    h('p', { class: 'app-para app-pad' }, t('console.tiles_intro')),
    h('div', { class: 'weui-cells weui-cells_form' },
      field(t('console.tiles_url'), url, { hint: t('console.tiles_url_hint'), stack: true }),
      field(t('console.tiles_datum'), datum),
      field(t('console.tiles_attribution'), attribution),
      field(t('console.tiles_max_zoom'), maxZoom)),
    h('div', { class: 'app-pad' }, save, ' ', clear, err),
    current);
}

// ---------------------------------------------------------------- Open311

/** One partner key as listed (never its secret), with its revoke button. */
function keyRow(k) {
  const err = errorBox();
  const state = h('span', { class: 'app-muted', dataset: { state: k.revoked_at ? 'revoked' : 'live' } },
    k.revoked_at ? t('console.key_revoked_at', { at: fmtDate(k.revoked_at) }) : t('console.key_live'));
  const row = h('li', { class: 'app-list__row', dataset: { key: k.key_id } },
    h('span', { class: 'app-list__title' }, k.label || k.partner_id),
    h('span', { class: 'app-list__meta' }, t('console.key_meta', { partner: k.partner_id, region: k.region_name || k.region_id,
      rate: k.rate_per_minute, at: fmtDate(k.created_at) })),
    state, err);
  if (!k.revoked_at) {
    const revoke = button(t('console.revoke'), { class: 'weui-btn weui-btn_warn app-btn app-btn_inline',
      dataset: { action: 'revoke-key' } }, 'warn');
    revoke.addEventListener('click', () => {
      if (!window.confirm(t('console.key_revoke_confirm', { label: k.label || k.partner_id }))) return;
      busy(revoke, err, async () => {
        const r = await adminCall('open311/revoke', { key_id: k.key_id });
        if (r.revoked) revoke.remove();
        state.dataset.state = 'revoked';
        state.textContent = t('console.key_revoked');
      });
    });
    row.insertBefore(revoke, err);
  }
  return row;
}

/**
 * Partner systems' Open311 GeoReport v2 keys: made here (the secret shown
 * once), listed without secrets, revoked. The server checks who may.
 */
export async function consoleOpen311() {
  const list = h('ul', { class: 'app-list', id: 'key-list' });
  const fill = (keys) => {
    list.replaceChildren(...(keys.length ? keys.map(keyRow) : [h('li', null, emptyState(t('console.no_keys')))]));
  };
  fill((await adminGet('open311/keys')).keys);
  const endpoint = `${location.origin}/open311/v2/`;
  const partner = input({ type: 'text', id: 'key-partner', autocapitalize: 'none', spellcheck: 'false' });
  const partnerName = input({ type: 'text', id: 'key-partner-name' });
  const label = input({ type: 'text', id: 'key-label' });
  const region = input({ type: 'text', id: 'key-region', autocapitalize: 'none', spellcheck: 'false' });
  const rate = input({ type: 'number', id: 'key-rate', inputmode: 'numeric', min: 1, max: 100000, value: '120' });
  const shown = h('div', { class: 'app-hint', id: 'key-secret', role: 'status' });
  const err = errorBox();
  const submit = button(t('console.key_create'), { type: 'submit', id: 'key-create' });
  const form = h('form', { class: 'app-card', id: 'key-form', onsubmit: (e) => {
    e.preventDefault();
    busy(submit, err, async () => {
      const body = { partner_id: partner.value.trim(), region_id: region.value.trim(),
        rate_per_minute: Number(rate.value) || 120 };
      if (partnerName.value.trim()) body.partner_name = partnerName.value.trim();
      if (label.value.trim()) body.label = label.value.trim();
      const k = await adminCall('open311/keys', body);
      shown.replaceChildren(t('console.key_once'), ' ', h('code', { class: 'app-otp' }, k.api_key));
      fill((await adminGet('open311/keys')).keys);
    });
  } },
  h('h2', { class: 'weui-cells__title' }, t('console.key_new')),
  h('div', { class: 'weui-cells weui-cells_form' },
    field(t('console.key_partner'), partner, { required: true, hint: t('console.key_partner_hint') }),
    field(t('console.key_partner_name'), partnerName),
    field(t('console.key_label'), label),
    field(t('console.scope'), region, { required: true, hint: t('console.key_region_hint') }),
    field(t('console.key_rate'), rate)),
  h('div', { class: 'app-pad' }, scopePicker(region, 'key-region-picker')),
  h('div', { class: 'app-pad' }, submit, err, shown));
  return page('console-open311', 'open311',
    h('p', { class: 'app-para app-pad' }, t('console.open311_intro')),
    h('p', { class: 'app-para app-pad' }, t('console.open311_endpoint'), ' ',
      h('code', { id: 'open311-endpoint' }, endpoint)),
    form,
    h('h2', { class: 'weui-cells__title' }, t('console.keys')),
    list);
}

// ---------------------------------------------------------------- registers

const kRegisterKinds = ['regions', 'buildings', 'households', 'people', 'departments'];
const kExportKinds = ['items', 'visits', 'reports', 'households', 'figures', 'regions', 'buildings', 'people', 'departments'];

/** Saves a blob as a file the person downloads. */
function saveBlob(blob, name) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function reportView(r) {
  const summary = t('console.import_summary', { rows: r.rows, changed: r.changed, unchanged: r.unchanged, refused: r.refused });
  const rows = (r.errors || []).slice(0, 100);
  return h('div', { id: 'import-report', dataset: { refused: String(r.refused), applied: String(!!r.applied) } },
    h('p', { class: 'app-para', role: 'status' }, r.applied ? t('console.import_applied', { summary }) : summary),
    rows.length ? h('table', { class: 'app-table', id: 'import-errors' },
      h('caption', null, t('console.import_errors')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('console.err_row')),
        h('th', { scope: 'col' }, t('console.err_column')), h('th', { scope: 'col' }, t('console.err_reason')))),
      h('tbody', null, rows.map((e) => h('tr', { dataset: { row: String(e.row) } },
        h('td', null, String(e.row)), h('td', null, e.column || '—'),
        h('td', null, getReasonText(e)))))) : null,
    r.errors_csv ? button(t('console.errors_csv'), { id: 'import-errors-csv', class: 'weui-btn weui-btn_default app-btn',
      onclick: () => saveBlob(new Blob([r.errors_csv], { type: 'text/csv;charset=utf-8' }), 'import-errors.csv') }, 'default') : null);
}

// The engine's row message is zh-CN then English ("中文 (English)"): the
// part in the person's language.
function getReasonText(e) {
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(e.message || '');
  if (!m) return e.message || t('err.unknown_reason');
  return document.documentElement.lang === 'en' ? m[2] : m[1];
}

export async function consoleRegisters() {
  // Import: dry run first, then apply the valid rows.
  const kind = select(kRegisterKinds.map((k) => [k, t(`console.kind.${k}`)]), { id: 'import-kind' });
  const file = h('input', { type: 'file', id: 'import-file', class: 'weui-input', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const err = errorBox();
  const out = h('div', { id: 'import-out' });
  const progress = h('progress', { id: 'import-progress', hidden: true, 'aria-label': t('console.importing') });
  const progressText = h('p', { class: 'app-hint', id: 'import-progress-text', role: 'status', hidden: true });
  // The server's count of rows checked or applied so far; the bar is
  // determinate once it knows the file's total (the apply phase).
  const showProgress = (p) => {
    progressText.hidden = false;
    if (p.phase === 'waiting') {
      progressText.textContent = t('console.import_waiting');
      return;
    }
    const args = { done: p.rows_done.toLocaleString(), total: p.rows_total.toLocaleString() };
    if (p.rows_total > 0) {
      progress.max = p.rows_total;
      progress.value = p.rows_done;
      progressText.textContent = t('console.import_progress_of', args);
    } else {
      progressText.textContent = t(`console.import_progress_${p.phase === 'apply' ? 'apply' : 'check'}`, args);
    }
  };
  const dry = button(t('console.dry_run'), { id: 'import-dry' });
  const apply = button(t('console.apply'), { id: 'import-apply', disabled: true }, 'default');
  const run = (mode) => async () => {
    if (!file.files.length) throw new Error(t('console.pick_file'));
    progress.hidden = false;
    progress.removeAttribute('value');
    try {
      const r = await consoleImport(kind.value, mode, file.files[0], showProgress);
      out.replaceChildren(reportView(r));
      apply.disabled = mode !== 'dry_run' || r.rows === r.refused || r.changed === 0;
    } catch (e) {
      out.replaceChildren(h('p', { class: 'app-error', role: 'alert', id: 'import-file-error' },
        errorText(e), e.cell ? ` (${e.cell})` : ''));
      apply.disabled = true;
    } finally {
      progress.hidden = true;
      progressText.hidden = true;
    }
  };
  dry.addEventListener('click', () => busy(dry, err, run('dry_run')));
  apply.addEventListener('click', () => busy(apply, err, run('apply')));
  file.addEventListener('change', () => { apply.disabled = true; out.replaceChildren(); });
  kind.addEventListener('change', () => { apply.disabled = true; out.replaceChildren(); });
  const templates = h('ul', { class: 'app-list', id: 'register-templates' }, kRegisterKinds.map((k) =>
    h('li', { class: 'app-list__row' }, h('span', { class: 'app-list__title' }, t(`console.kind.${k}`)),
      h('div', { class: 'app-row-actions' }, ['csv', 'xlsx'].map((f) => button(f.toUpperCase(), {
        class: 'weui-btn weui-btn_default app-btn app-btn_inline', dataset: { template: `${k}.${f}` },
        'aria-label': t('console.template_download', { kind: t(`console.kind.${k}`), f: f.toUpperCase() }),
        onclick: async () => {
          const d = await consoleDownload(`/api/v1/console/template?kind=${k}&format=${f}`);
          saveBlob(d.blob, d.name);
        } }, 'default'))))));
  // Exports: a kind, a format, a subtree and a date range.
  const ekind = select(kExportKinds.map((k) => [k, t(`console.export.${k}`)]), { id: 'export-kind' });
  const eformat = select([['xlsx', 'XLSX'], ['csv', 'CSV']], { id: 'export-format' });
  const region = input({ type: 'text', id: 'export-region', autocapitalize: 'none', spellcheck: 'false' });
  const from = input({ type: 'date', id: 'export-from' });
  const to = input({ type: 'date', id: 'export-to' });
  const eerr = errorBox();
  const edone = h('p', { class: 'app-hint', role: 'status', id: 'export-done' });
  const download = button(t('console.download'), { id: 'export-download' });
  download.addEventListener('click', () => busy(download, eerr, async () => {
    const q = new URLSearchParams({ kind: ekind.value, format: eformat.value });
    if (region.value.trim()) q.set('region', region.value.trim());
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    const d = await consoleDownload(`/api/v1/console/export?${q}`);
    saveBlob(d.blob, d.name);
    edone.textContent = t('console.downloaded', { name: t(`console.export.${ekind.value}`) });
  }));
  return page('console-registers', 'registers',
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('console.import')),
      h('div', { class: 'weui-cells weui-cells_form' }, field(t('console.import_kind'), kind), field(t('console.import_file'), file)),
      h('div', { class: 'app-pad' }, dry, apply, progress, progressText, err, out)),
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('console.templates_dl')), templates),
    h('section', { class: 'app-group' }, h('h2', { class: 'weui-cells__title' }, t('console.exports')),
      h('div', { class: 'weui-cells weui-cells_form' }, field(t('console.export_kind'), ekind), field(t('console.export_format'), eformat),
        field(t('console.export_region'), region, { hint: t('console.export_region_hint') }),
        field(t('console.export_from'), from), field(t('console.export_to'), to)),
      h('div', { class: 'app-pad' }, download, eerr, edone)));
}
