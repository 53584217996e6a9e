// The visit form, generated from the newest checklist template
// (templates.current): yes/no, choice, number, text and photo questions.
// The core checks the answers (required ones, types, ranges) and turns them
// into findings (items) by the template's rules; this page only collects.
// When the core says the household's building may be placed by this worker
// (worker.households_due's can_locate: no location yet, and the role allows
// it), one switch places it from this visit's WGS-84 fix (building.locate).
const { shell, showError, errorText, i18n } = require('../../lib/page.js');
const { currentCycle } = require('../../lib/shell.js');
const { formPage } = require('../../lib/behaviors.js');

const kOutcomes = ['met', 'not_home', 'refused', 'vacant'];

// The phone's position in WGS-84, the datum the core stores (no conversion
// here), or null when it cannot be had (permission refused, no fix).
function here() {
  return new Promise((resolve) => {
    wx.getLocation({ type: 'wgs84', isHighAccuracy: true, highAccuracyExpireTime: 5000,
      success: (res) => resolve(res), fail: () => resolve(null) });
  });
}

Component({
  behaviors: [formPage],
  data: { s: {}, household: '', place: '', missing: '', outcome: '', outcomes: [], template: null, questions: [],
    locateBuilding: '', locate: false, busy: false, error: '' },
  methods: {
    async onLoad(query = {}) {
      this.answers = {};
      this.fixed = {};
      this.photos = [];
      this.notes = '';
      this.setData({ s: i18n.strings(), household: query.household || '', place: query.place || '',
        outcomes: kOutcomes.map((value) => ({ value, label: i18n.t(`outcome.${value}`) })) });
      try {
        const sh = await shell();
        await this.offerLocate(sh);
        const { templates } = await sh.query('templates.current');
        const t = templates.find((x) => x.id === 'door_knock') || templates[0];
        if (!t) return;
        // Texts in the chosen language; an answer is always the option's value.
        const body = i18n.localTemplate(t.body || {});
        this.setData({
          template: { id: t.id, version: t.version, title: body.title || t.id },
          questions: body.questions.map((q) => ({ key: q.key, kind: q.kind,
            label: q.label, required: !!q.required,
            options: (q.options || []).map((value, i) => ({ value, label: q.option_labels[i] })),
            max_length: q.max_length || 2000 })),
        });
      } catch (e) {
        showError(this, e);
      }
    },
    // The household's building, offered for placing only when the core's
    // can_locate says so; no answer (another role, no data yet) offers nothing.
    async offerLocate(sh) {
      let building = '';
      try {
        const due = await sh.query('worker.households_due', { microgrid_id: sh.session.role.scope_id,
          cycle: currentCycle(), include_visited: true });
        const b = due.buildings.find((x) => x.households.some((h) => h.id === this.data.household));
        if (b && b.can_locate) building = b.building_id;
      } catch (e) { /* nothing offered */ }
      this.setData({ locateBuilding: building, locate: false });
    },
    onLocate(e) {
      this.setData({ locate: !!e.detail.value });
    },
    onOutcome(e) {
      this.setData({ outcome: e.detail.value });
    },
    onAnswer(e) {
      const { key, kind } = e.currentTarget.dataset;
      const v = e.detail.value;
      if (kind === 'yes_no') this.answers[key] = v === 'true';
      else if (kind === 'number') {
        if (String(v).trim() === '') delete this.answers[key];
        else this.answers[key] = Number(v);
      } else if (String(v) === '') delete this.answers[key];
      else this.answers[key] = v;
      if (this.data.missing === key) this.setData({ missing: '', error: '' });
      return this.offerFixes();
    },
    // "Fixed on the spot" only under an answer the template's rules turn into
    // a finding: the core says which (template.findings).
    async offerFixes() {
      const { template } = this.data;
      if (!template) return;
      const seq = (this.asked = (this.asked || 0) + 1);
      let keys = [];
      try {
        const sh = await shell();
        const r = await sh.query('template.findings', { template_id: template.id,
          template_version: template.version, answers: this.answers });
        keys = r.findings.map((f) => f.question);
      } catch (e) { /* an answer out of range: nothing offered until it is fixed */ }
      if (seq !== this.asked) return;
      this.setData({ questions: this.data.questions.map((q) => ({ ...q, finding: keys.includes(q.key) })) });
    },
    onAnswerPhotos(e) {
      const { key } = e.currentTarget.dataset;
      if (e.detail.shas.length) this.answers[key] = e.detail.shas;
      else delete this.answers[key];
    },
    onFixed(e) {
      const { key } = e.currentTarget.dataset;
      if (e.detail.shas.length) this.fixed[key] = e.detail.shas;
      else delete this.fixed[key];
    },
    onNotes(e) {
      this.notes = e.detail.value;
    },
    onSubmit() {
      const { outcome, template } = this.data;
      if (template && outcome === 'met') {
        // A missing answer is marked where it is and scrolled to.
        const q = this.data.questions.find((x) => x.required && !(x.key in this.answers));
        if (q) {
          this.setData({ missing: q.key, error: i18n.t('visit.missing', { label: q.label }) });
          wx.pageScrollTo({ selector: `#q-${q.key}`, duration: 0 });
          return undefined;
        }
      }
      return this.submit(async (sh) => {
        const { outcome, template, household, locateBuilding, locate } = this.data;
        // The fix is taken at the door, before the visit is recorded.
        const pos = locateBuilding && locate ? await here() : null;
        const payload = { visit_id: sh.newId(), household_id: household, cycle: currentCycle(),
          outcome };
        if (template && outcome === 'met') {
          payload.template_id = template.id;
          payload.template_version = template.version;
          payload.answers = this.answers;
          if (Object.keys(this.fixed).length) payload.fixed_on_spot = this.fixed;
        }
        if (this.notes.trim()) payload.notes = this.notes.trim();
        if (this.photos.length) payload.photos = this.photos;
        const value = await sh.dispatch('visit.record', payload);
        const n = (value.items || []).length;
        let failed = '';
        if (locateBuilding && locate) {
          // Optional: no fix, or the core's refusal (a poor fix, placed
          // meanwhile), leaves the visit as recorded and says why.
          if (!pos) failed = i18n.t('visit.locate_failed');
          else {
            try {
              const p = { building_id: locateBuilding, lat: pos.latitude, lng: pos.longitude, source: 'gps' };
              if (pos.accuracy > 0) p.accuracy_m = pos.accuracy;
              await sh.dispatch('building.locate', p);
            } catch (e) {
              failed = errorText(e);
            }
          }
        }
        if (failed) wx.showToast({ title: failed.slice(0, 40), icon: 'none', duration: 3000 });
        else {
          wx.showToast({ title: n ? i18n.t('visit.saved_items', { n }) : i18n.t('visit.saved'),
            icon: 'success' });
        }
      });
    },
  },
});
