// 楼栋长: the building's checklist, overdue and open first (the core orders
// items.checklist), the daily patrol and a new item.
const { shell, showError, itemRow } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [listPage],
  data: { s: {}, building: '', items: [], loaded: false, error: '' },
  methods: {
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
    onPatrol() {
      wx.navigateTo({ url: '/pages/captain/patrol' });
    },
    onAdd() {
      wx.navigateTo({ url: '/pages/captain/add' });
    },
  },
});
