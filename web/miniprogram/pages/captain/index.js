// 楼栋长: the building's checklist, overdue and open first (the core orders
// items.checklist), the daily patrol and a new item.
const { shell, showError, itemRow, i18n } = require('../../lib/page.js');

Component({
  data: { s: {}, building: '', items: [], loaded: false, error: '' },
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
        const buildingId = sh.session.role.scope_id;
        const ctx = await sh.context();
        const b = (ctx.buildings || []).find((x) => x.id === buildingId);
        const { items } = await sh.query('items.checklist', { building_id: buildingId, now: Date.now() });
        this.setData({ building: b ? b.name : buildingId, items: items.map(itemRow), loaded: true,
          error: '' });
      } catch (e) {
        showError(this, e);
      }
    },
    onItem(e) {
      wx.navigateTo({ url: `/pages/item/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
    onPatrol() {
      wx.navigateTo({ url: '/pages/captain/patrol' });
    },
    onAdd() {
      wx.navigateTo({ url: '/pages/captain/add' });
    },
    onAccount() {
      wx.navigateTo({ url: '/pages/login/index?account=1' });
    },
  },
});
