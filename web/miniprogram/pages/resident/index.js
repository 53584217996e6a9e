// 居民: their reports with each one's timeline (reports.mine), and after the
// item is closed the evaluation; an unsatisfied one reopens the item (the
// core decides, report.evaluate answers item_state).
const { shell, showError, eventRow, fmtTime, locationText, i18n } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [listPage],
  data: { s: {}, reports: [], stars: ['1', '2', '3', '4', '5'], loaded: false, busy: false,
    error: '' },
  methods: {
    onLoad() {
      this.ratings = {};
      this.comments = {};
      this.setData({ s: i18n.strings() });
    },
    async load() {
      try {
        const sh = await shell();
        const { reports } = await sh.query('reports.mine', { now: Date.now() });
        this.setData({ loaded: true, error: '', reports: reports.map((r) => ({
          id: r.id,
          category: i18n.categoryName(r.category),
          description: r.description,
          building: (r.place && r.place.building) || '',
          locationText: locationText(r.place),
          time: fmtTime(r.submitted_at),
          state: r.state,
          stateText: i18n.t(`state.${r.state}`),
          overdue: !!r.overdue,
          canEvaluate: !!r.can_evaluate,
          duplicateOf: r.duplicate_of || '',
          duplicateText: r.duplicate_of ? i18n.t('report.duplicate_state') : '',
          rated: r.rating ? i18n.t('report.evaluated', { n: r.rating }) : '',
          timeline: (r.timeline || []).map(eventRow),
        })) });
      } catch (e) {
        showError(this, e);
      }
    },
    onNew() {
      wx.navigateTo({ url: '/pages/resident/report' });
    },
    onRating(e) {
      this.ratings[e.currentTarget.dataset.id] = Number(e.detail.value);
    },
    onComment(e) {
      this.comments[e.currentTarget.dataset.id] = e.detail.value;
    },
    async onEvaluate(e) {
      const id = e.currentTarget.dataset.id;
      this.setData({ busy: true, error: '' });
      try {
        const sh = await shell();
        const payload = { report_id: id, rating: this.ratings[id] };
        const comment = (this.comments[id] || '').trim();
        if (comment) payload.comment = comment;
        const value = await sh.dispatch('report.evaluate', payload);
        wx.showToast({ title: i18n.t(value.item_state === 'assigned' ? 'report.reopened'
          : 'report.thanks'), icon: 'none' });
        this.setData({ busy: false });
        await this.load();
      } catch (err) {
        showError(this, err);
      }
    },
  },
});
