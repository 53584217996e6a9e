// 微网格员: the households still due this cycle, grouped by building, with
// the coverage so far (worker.households_due).
const { shell, showError, i18n } = require('../../lib/page.js');
const { currentCycle } = require('../../lib/shell.js');
const { listPage } = require('../../lib/behaviors.js');

function pct(x) {
  return x === null || x === undefined ? '-' : `${Math.round(x * 100)}%`;
}

Component({
  behaviors: [listPage],
  data: { s: {}, cycleText: '', coverageText: '', buildings: [], loaded: false, error: '' },
  methods: {
    onPullDownRefresh() {
      return shell().then((sh) => sh.syncNow()).then(() => this.load())
        .then(() => wx.stopPullDownRefresh());
    },
    async load() {
      try {
        const sh = await shell();
        const cycle = currentCycle();
        const due = await sh.query('worker.households_due',
          { microgrid_id: sh.session.role.scope_id, cycle });
        const buildings = due.buildings.map((b) => ({
          building_id: b.building_id,
          name: b.name,
          dueText: i18n.t('worker.due', { n: b.households.length }),
          households: b.households.map((h) => ({
            id: h.id,
            place: [b.name, h.unit, h.room].filter(Boolean).join(' '),
            label: [[h.unit, h.room].filter(Boolean).join('-'), h.head_name].filter(Boolean).join(' '),
            last: h.last_outcome ? i18n.t('worker.last', { outcome: i18n.t(`outcome.${h.last_outcome}`) }) : '',
          })),
        }));
        this.setData({ loaded: true, error: '', buildings,
          cycleText: i18n.t('worker.cycle', { cycle }),
          coverageText: i18n.t('worker.coverage', { visited: due.visited, total: due.households,
            pct: pct(due.coverage) }) });
      } catch (e) {
        if (e && (e.reason === 'actor.unknown' || e.code === 'not_found')) {
          this.setData({ loaded: true, error: i18n.t('worker.no_data') });
        } else {
          showError(this, e);
        }
      }
    },
    onVisit(e) {
      const { id, place } = e.currentTarget.dataset;
      wx.navigateTo({ url: `/pages/worker/visit?household=${encodeURIComponent(id)}&place=${encodeURIComponent(place || '')}` });
    },
    onItems() {
      wx.navigateTo({ url: '/pages/worker/items' });
    },
  },
});
