// 地图 (the micro-grid map of issue 12), in the "staff" sub-package, for the
// worker (their micro-grid) and the grid head (their grid): the core's
// map.buildings, each building in the colour band the core decided, on the
// platform's <map> (GCJ-02, the datum wx's map and wx.getLocation use; the
// core converts) and as a list that works with no map at all. Tapping a
// building opens its households (the worker's visit form) and items.
const { shell, showError, itemRow, i18n } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');
const { currentCycle } = require('../../lib/cycle.js');

// The colours of the bands (as the web app's app.css).
const kBandColour = { overdue: '#c62828', open: '#ef6c00', empty: '#bdbdbd', unvisited: '#6d4c9f',
  partial: '#1565c0', done: '#2e7d32' };

function pct(v) {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;  // as the web app's pct
}

function fix(v) {
  return Number(v).toFixed(5);
}

Component({
  behaviors: [listPage],
  data: { s: {}, role: '', cycle: '', buildings: [], markers: [], legend: [], center: null,
    picked: null, households: [], items: [], loaded: false, error: '' },
  methods: {
    async load() {
      try {
        const sh = await shell();
        const cycle = currentCycle(Date.now());
        const role = sh.session.role;
        const r = await sh.query('map.buildings', { region_id: role.scope_id, cycle, now: Date.now() });
        const buildings = r.buildings.map((b, i) => ({
          n: i, id: b.building_id, microgrid: b.microgrid_id, name: b.name, band: b.band,
          colour: kBandColour[b.band], bandText: i18n.t(`map.band.${b.band}`),
          counts: i18n.t('map.counts', { visited: b.visited, households: b.households,
            open: b.open_items, overdue: b.overdue_items, pct: pct(b.coverage) }),
          position: b.gcj02 ? `${fix(b.gcj02.lat)}, ${fix(b.gcj02.lng)}` : i18n.t('map.unlocated'),
          lat: b.gcj02 ? b.gcj02.lat : null, lng: b.gcj02 ? b.gcj02.lng : null,
        }));
        const placed = buildings.filter((b) => b.lat !== null);
        const markers = placed.map((b) => ({ id: b.n, latitude: b.lat, longitude: b.lng, width: 1, height: 1,
          iconPath: '/staff/map/dot.png', band: b.band,
          label: { content: b.name, color: '#ffffff', bgColor: b.colour, padding: 4, borderRadius: 4,
            fontSize: 12 } }));
        const center = placed.length ? {
          lat: placed.reduce((a, b) => a + b.lat, 0) / placed.length,
          lng: placed.reduce((a, b) => a + b.lng, 0) / placed.length } : null;
        const legend = r.bands.map((band) => ({ band, colour: kBandColour[band],
          text: `${i18n.t(`map.band.${band}`)} ${buildings.filter((b) => b.band === band).length}` }));
        this.setData({ loaded: true, error: '', role: role.role, cycle, buildings, markers, legend, center });
        if (this.data.picked) await this.pick(this.data.picked.id);
      } catch (e) {
        showError(this, e);
      }
    },
    async pick(id) {
      const b = this.data.buildings.find((x) => x.id === id);
      if (!b) return;
      try {
        const sh = await shell();
        const [due, items] = await Promise.all([
          sh.query('worker.households_due', { microgrid_id: b.microgrid, cycle: this.data.cycle, include_visited: true }),
          sh.query('items.checklist', { building_id: id, now: Date.now() }),
        ]);
        const group = due.buildings.find((x) => x.building_id === id);
        this.setData({
          picked: { id, name: b.name, bandText: b.bandText, colour: b.colour },
          households: (group ? group.households : []).map((h) => ({ id: h.id, visited: !!h.visited,
            label: [[h.unit, h.room].filter(Boolean).join('-'), h.head_name].filter(Boolean).join(' ') })),
          items: items.items.map(itemRow),
        });
      } catch (e) {
        showError(this, e);
      }
    },
    onBuilding(e) {
      return this.pick(e.currentTarget.dataset.id);
    },
    onMarker(e) {
      const b = this.data.buildings[e.detail.markerId];
      return b ? this.pick(b.id) : undefined;
    },
    onHousehold(e) {
      if (this.data.role !== 'worker') return;
      wx.navigateTo({ url: `/pages/worker/visit?household=${encodeURIComponent(e.currentTarget.dataset.id)}` });
    },
  },
});
