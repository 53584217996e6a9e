// The captain's daily patrol of their building (patrol.record); a problem
// seen on the way becomes an item in the same command.
const { i18n } = require('../../lib/page.js');
const { formPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [formPage],
  data: { s: {}, categories: [], category: 0, notes: '', title: '', days: '3', busy: false,
    error: '' },
  methods: {
    onSubmit() {
      return this.submit(async (sh) => {
        const payload = { patrol_id: sh.newId(), building_id: sh.session.role.scope_id };
        if (this.data.notes.trim()) payload.notes = this.data.notes.trim();
        if (this.photos.length) payload.photos = this.photos;
        const title = this.data.title.trim();
        if (title) {
          const finding = { category: this.data.categories[this.data.category].id, title };
          const days = Number(this.data.days);
          if (days > 0) finding.deadline_days = days;
          payload.findings = [finding];
        }
        await sh.dispatch('patrol.record', payload);
        wx.showToast({ title: i18n.t('patrol.saved'), icon: 'success' });
      });
    },
  },
});
