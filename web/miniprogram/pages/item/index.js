// One item: its state, history, and the next steps - mark fixed (with
// evidence) while open or assigned, verify (销号, with evidence) once fixed,
// comment at any time. Whether a step is allowed is the core's decision:
// when it refuses (the verifier marked the fix, say), its reason is shown.
const { shell, showError, itemRow, eventRow, i18n } = require('../../lib/page.js');
const { langPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [langPage],
  data: { s: {}, id: '', item: {}, description: '', events: [], canFix: false, canVerify: false,
    note: '', busy: false, error: '', reason: '' },
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
        this.setData({ item: itemRow(it), description: it.description || '',
          events: (it.events || []).map(eventRow),
          canFix: it.state === 'open' || it.state === 'assigned',
          canVerify: it.state === 'fixed' });
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
    async onAction(e) {
      const type = e.currentTarget.dataset.action;
      this.setData({ busy: true, error: '', reason: '' });
      try {
        const sh = await shell();
        const payload = { item_id: this.data.id };
        const note = this.data.note.trim();
        if (type === 'item.comment') {
          payload.text = note;
        } else {
          payload.evidence = this.evidence;
          if (note) payload.note = note;
        }
        await sh.dispatch(type, payload);
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
