// Records made offline that the server (or a rebase on its newer state)
// rejected: they did not take effect. Each with the core's reason in words.
const { shell, showError, fmtTime, i18n } = require('../../lib/page.js');

function what(r) {
  const p = r.payload || {};
  return [r.type, p.item_id || p.report_id || p.visit_id || p.patrol_id || p.household_id]
    .filter(Boolean).join(' · ');
}

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
        this.setData({ loaded: true, rows: list.slice().reverse().map((r) => ({ id: r.id,
          what: what(r), reason: r.reason, text: i18n.reasonText(r), time: fmtTime(r.at) })) });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
