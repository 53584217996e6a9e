// One item: its state, history, and the next steps - mark fixed (with
// evidence), verify (销号, with evidence), comment - each shown only when the
// core lists it in the item's `actions` for this person now (the fixer is
// never offered 销号). The core still decides the command: when it refuses
// (a missing photo, say), its reason is shown.
const { shell, showError, itemRow, eventRow, i18n } = require('../../lib/page.js');
const { langPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [langPage],
  data: { s: {}, id: '', item: {}, description: '', events: [], canFix: false, canVerify: false, canComment: false,
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
          canFix: (it.actions || []).includes('item.mark_fixed'),
          canVerify: (it.actions || []).includes('item.verify'),
          canComment: (it.actions || []).includes('item.comment') });
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
