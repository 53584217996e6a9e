// The captain's daily patrol of their building (patrol.record); a problem
// seen on the way becomes an item in the same command.
const { shell, showError, i18n } = require('../../lib/page.js');

Component({
  data: { s: {}, categories: [], category: 0, notes: '', title: '', days: '3', busy: false,
    error: '' },
  methods: {
    onLoad() {
      this.photos = [];
      this.setData({ s: i18n.strings(),
        categories: i18n.kCategories.map((id) => ({ id, label: i18n.categoryName(id) })) });
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
    },
    onCategory(e) {
      this.setData({ category: Number(e.detail.value) });
    },
    onPhotos(e) {
      this.photos = e.detail.shas;
    },
    async onSubmit() {
      this.setData({ busy: true, error: '' });
      try {
        const sh = await shell();
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
        this.setData({ busy: false });
        wx.navigateBack();
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
