// Records made offline that the server (or a rebase on its newer state)
// rejected: they did not take effect. Each says what it was (lib/rejections.js)
// and the core's reason, in words.
const { shell, showError, fmtTime, i18n } = require('../../lib/page.js');
const { itemTitles, summary } = require('../../lib/rejections.js');

Component({
  data: { s: {}, rows: [], loaded: false, error: '' },
  methods: {
    onLoad() {
      this.setData({ s: i18n.strings() });
    },
    async onShow() {
      try {
        const sh = await shell();
        const list = await sh.rt.rejections();
        const titles = await itemTitles(list, (id) => sh.query('item.detail', { item_id: id }));
        this.setData({ loaded: true, rows: list.slice().reverse().map((r) => ({ id: r.id,
          what: summary(r, titles, i18n.t, i18n.t('inbox.title')), reason: r.reason,
          text: i18n.reasonText(r), time: fmtTime(r.at) })) });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
