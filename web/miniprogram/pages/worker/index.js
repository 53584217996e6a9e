// 微网格员: the households still due this cycle, grouped by building, with
// the coverage so far (worker.households_due); a search (building, unit,
// room, head of household) and "all households" keep visited ones reachable
// for a follow-up visit.
const { shell, showError, i18n } = require('../../lib/page.js');
const { currentCycle } = require('../../lib/shell.js');
const { listPage } = require('../../lib/behaviors.js');

function pct(x) {
  return x === null || x === undefined ? '-' : `${Math.round(x * 100)}%`;
}

Component({
  behaviors: [listPage],
  data: { s: {}, cycleText: '', coverageText: '', buildings: [], loaded: false, error: '',
    search: '', showAll: false },
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
          { microgrid_id: sh.session.role.scope_id, cycle, include_visited: true });
        this.due = due;
        const words = this.data.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
        const shown = (b, h) => (this.data.showAll || !h.visited) && words.every((w) =>
          `${b.name} ${h.unit || ''} ${h.room || ''} ${h.head_name || ''}`.toLowerCase().includes(w));
        const buildings = due.buildings.map((b) => ({
          building_id: b.building_id,
          name: b.name,
          dueText: i18n.t('worker.due', { n: b.households.filter((h) => !h.visited).length }),
          households: b.households.filter((h) => shown(b, h)).map((h) => ({
            visited: !!h.visited,
            id: h.id,
            place: [b.name, h.unit, h.room].filter(Boolean).join(' '),
            label: [[h.unit, h.room].filter(Boolean).join('-'), h.head_name].filter(Boolean).join(' '),
            last: h.last_outcome ? i18n.t('worker.last', { outcome: i18n.t(`outcome.${h.last_outcome}`) }) : '',
          })),
        })).filter((b) => b.households.length);
        this.setData({ loaded: true, error: '', buildings, filtered: !!words.length || this.data.showAll,
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
    onSearch(e) {
      this.setData({ search: e.detail.value });
      return this.load();
    },
    onShowAll(e) {
      this.setData({ showAll: !!(e.detail.value && e.detail.value.length) });
      return this.load();
    },
    onItems() {
      wx.navigateTo({ url: '/pages/worker/items' });
    },
    onMap() {
      wx.navigateTo({ url: '/staff/map/index' });  // the staff sub-package
    },
  },
});
