// The worker's own items, overdue first (the core orders them).
const { shell, showError, itemRow, i18n } = require('../../lib/page.js');

Component({
  data: { s: {}, items: [], loaded: false, error: '' },
  methods: {
    onLoad() {
      this.setData({ s: i18n.strings() });
    },
    onShow() {
      return this.load();
    },
    onLang() {
      this.setData({ s: i18n.strings() });
      return this.load();
    },
    async load() {
      try {
        const sh = await shell();
        const { items } = await sh.query('items.checklist',
          { owner_person: sh.session.person_id, now: Date.now() });
        this.setData({ items: items.map(itemRow), loaded: true, error: '' });
      } catch (e) {
        showError(this, e);
      }
    },
    onItem(e) {
      wx.navigateTo({ url: `/pages/item/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
  },
});
