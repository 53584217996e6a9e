// One item: its state, history, and the next steps - assign, mark fixed
// (with evidence), verify (销号, with evidence), reject a fix, reopen,
// escalate, acknowledge, comment, and for a report's item marking it a
// duplicate of another report or unmarking it - each shown only when the
// core lists it in the item's `actions` for this person now (the fixer is
// never offered 销号; a parked duplicate offers only a comment). The core
// still decides the command: when it refuses (a missing photo or reason, a
// duplicate's item), its reason is shown.
const { shell, showError, itemRow, eventRow, locationText, i18n } = require('../../lib/page.js');
const { langPage } = require('../../lib/behaviors.js');

const kDay = 24 * 3600 * 1000;

// The buttons, in the core's order of item.actions; `kind` says what the
// command needs besides the item: evidence, a reason, an owner, ...
const kActions = [
  { type: 'item.assign', cls: 'assign', label: 'item.assign', kind: 'owner' },
  { type: 'item.mark_fixed', cls: 'mark-fixed', label: 'item.mark_fixed', kind: 'evidence' },
  { type: 'item.verify', cls: 'verify', label: 'item.verify', kind: 'evidence' },
  { type: 'item.reject_fix', cls: 'reject-fix', label: 'item.reject_fix', kind: 'reason' },
  { type: 'item.reopen', cls: 'reopen', label: 'item.reopen', kind: 'reason' },
  { type: 'item.escalate', cls: 'escalate', label: 'item.escalate', kind: 'department' },
  { type: 'item.acknowledge', cls: 'acknowledge', label: 'item.acknowledge', kind: 'note' },
  { type: 'item.comment', cls: 'comment', label: 'item.comment', kind: 'text' },
  { type: 'report.unmark_duplicate', cls: 'unmark-duplicate', label: 'item.unmark_duplicate',
    kind: 'report_reason' },
  { type: 'report.mark_duplicate', cls: 'mark-duplicate', label: 'item.mark_duplicate',
    kind: 'original' },
];

Component({
  behaviors: [langPage],
  data: { s: {}, id: '', item: {}, description: '', locationText: '', located: false, events: [], buttons: [], needs: {},
    owners: [], owner: 0, departments: [], department: 0, candidates: [], candidate: 0,
    duplicateOf: '', duplicatesText: '', note: '', busy: false, error: '', reason: '' },
  methods: {
    onLoad(query = {}) {
      this.evidence = [];
      this.setData({ s: i18n.strings(), id: query.id || '' });
      return this.load();
    },
    async load() {
      try {
        const sh = await shell();
        const it = await sh.query('item.detail', { item_id: this.data.id, now: Date.now() });
        this.detail = it;
        const actions = it.actions || [];
        const buttons = kActions.filter((a) => actions.includes(a.type))
          .map((a) => ({ type: a.type, cls: a.cls, label: i18n.t(a.label) }));
        const needs = {};
        for (const a of kActions) if (actions.includes(a.type)) needs[a.kind] = true;
        const data = { item: itemRow(it), description: it.description || '',
          locationText: locationText(it.place), located: !!(it.place && it.place.location),
          events: (it.events || []).map(eventRow), buttons, needs,
          duplicateOf: '', duplicatesText: '' };
        const dups = it.duplicates;
        if (dups && dups.of) {
          // The original by its title (the core gives it to who may read
          // it), never its id.
          data.duplicateOf = dups.of.title
            ? i18n.t('item.duplicate_of', { title: dups.of.title }) : i18n.t('item.duplicate_of_other');
        }
        if (dups && dups.reports && dups.reports.length) {
          data.duplicatesText = i18n.t('item.duplicates_n', { n: dups.reports.length });
        }
        if (needs.owner || needs.department) {
          const ctx = await sh.context();
          data.owners = (ctx.people || []).map((p) => ({ id: p.id, kind: 'person',
            label: `${p.name}（${i18n.t(`role.${p.role}`)}）` }))
            .concat((ctx.departments || []).map((d) => ({ id: d.id, kind: 'dept', label: d.name })));
          data.departments = (ctx.departments || []).map((d) => ({ id: d.id, label: d.name }));
        }
        if (needs.original) {
          const { candidates } = await sh.query('report.duplicate_candidates', { item_id: it.id });
          data.candidates = candidates.map((c) => ({ id: c.report_id,
            label: `${c.title} · ${i18n.t(`state.${c.state}`)}` }));
        }
        this.setData(data);
      } catch (e) {
        showError(this, e);
      }
    },
    onEvidence(e) {
      this.evidence = e.detail.shas;
    },
    onNote(e) {
      this.setData({ note: e.detail.value });
    },
    onPick(e) {
      this.setData({ [e.currentTarget.dataset.field]: Number(e.detail.value) });
    },
    // The command's payload from the page's fields; the core checks it.
    payloadFor(type) {
      const note = this.data.note.trim();
      const it = this.detail || {};
      const d = this.data;
      switch (type) {
        case 'item.assign': {
          const o = d.owners[d.owner] || {};
          const p = { item_id: d.id, deadline: Date.now() + 7 * kDay };
          if (o.kind === 'person') p.owner_person = o.id;
          else if (o.id) p.owner_dept = o.id;
          if (note) p.note = note;
          return p;
        }
        case 'item.mark_fixed':
        case 'item.verify': {
          const p = { item_id: d.id, evidence: this.evidence };
          if (note) p.note = note;
          return p;
        }
        case 'item.reject_fix':
        case 'item.reopen':
          return { item_id: d.id, reason: note };
        case 'item.escalate':
          return { item_id: d.id, department_id: (d.departments[d.department] || {}).id || '',
            deadline: Date.now() + 3 * kDay, reason: note };
        case 'item.acknowledge':
          return note ? { item_id: d.id, note } : { item_id: d.id };
        case 'item.comment':
          return { item_id: d.id, text: note };
        case 'report.mark_duplicate':
          return { report_id: it.source_id, original_id: (d.candidates[d.candidate] || {}).id || '',
            reason: note };
        case 'report.unmark_duplicate':
          return { report_id: it.source_id, reason: note };
        default:
          return { item_id: d.id };
      }
    },
    async onAction(e) {
      const type = e.currentTarget.dataset.action;
      this.setData({ busy: true, error: '', reason: '' });
      try {
        const sh = await shell();
        await sh.dispatch(type, this.payloadFor(type));
        wx.showToast({ title: i18n.t('item.done'), icon: 'success' });
        this.setData({ busy: false, note: '' });
        await this.load();
      } catch (err) {
        showError(this, err);
        this.setData({ reason: (err && err.reason) || '' });
      }
    },
  },
});
