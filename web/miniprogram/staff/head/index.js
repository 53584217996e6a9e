// 网格长 (grid head), in the "staff" sub-package: the grid's figures for this
// cycle as the core's stats.rollup gives them (the web app's dashboard reads
// the same query; no figure is computed here), per micro-grid too, and the
// queue: items to assign (open), to verify (fixed) and escalations waiting
// for a department, each opening the item page, whose actions the core lists.
const { shell, showError, itemRow, i18n } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');
const { currentCycle } = require('../../lib/cycle.js');

function pct(v) {
  return v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`;  // as the web app's pct
}

function figures(r) {
  return [
    { key: 'coverage', label: i18n.t('head.coverage'), value: pct(r.coverage) },
    { key: 'closure', label: i18n.t('head.closure'), value: pct(r.closure_rate) },
    { key: 'overdue', label: i18n.t('head.overdue'), value: String(r.overdue || 0) },
    { key: 'satisfaction', label: i18n.t('head.satisfaction'),
      value: pct(r.satisfaction && r.satisfaction.rate) },
  ];
}

Component({
  behaviors: [listPage],
  data: { s: {}, name: '', cycle: '', figures: [], microgrids: [], toAssign: [], toVerify: [],
    escalated: [], loaded: false, error: '' },
  methods: {
    onMap() {
      wx.navigateTo({ url: '/staff/map/index' });
    },
    async load() {
      try {
        const sh = await shell();
        const now = Date.now();
        const cycle = currentCycle(now);
        const grid = sh.session.role.scope_id;
        const r = await sh.query('stats.rollup', { region_id: grid, cycle, now });
        const children = r.children || [];
        const lists = await Promise.all(children.map((m) => sh.query('items.checklist',
          { microgrid_id: m.region_id, now })));
        const items = lists.flatMap((l) => l.items);
        this.setData({
          loaded: true, error: '', name: r.name || '', cycle,
          figures: figures(r),
          microgrids: children.map((m) => ({ id: m.region_id, name: m.name || '',
            households: i18n.t('head.households', { n: m.households }), figures: figures(m) })),
          toAssign: items.filter((i) => i.state === 'open').map(itemRow),
          toVerify: items.filter((i) => i.state === 'fixed').map(itemRow),
          escalated: items.filter((i) => i.escalated_to && !i.acknowledged_at && i.state !== 'closed')
            .map(itemRow),
        });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
