// A new item in the captain's building (item.open) with its photos; with a
// photo of the fix it is created already fixed (即查即改).
const { i18n } = require('../../lib/page.js');
const { formPage } = require('../../lib/behaviors.js');

const kDayMs = 24 * 3600 * 1000;

Component({
  behaviors: [formPage],
  data: { s: {}, categories: [], category: 0, title: '', description: '', days: '7', busy: false,
    error: '' },
  methods: {
    onLoad() {
      this.fixed = [];
      this.initForm();
    },
    onFixed(e) {
      this.fixed = e.detail.shas;
    },
    onSubmit() {
      return this.submit(async (sh) => {
        const payload = { item_id: sh.newId(), building_id: sh.session.role.scope_id,
          category: this.data.categories[this.data.category].id, title: this.data.title.trim(),
          photos: this.photos };
        if (this.data.description.trim()) payload.description = this.data.description.trim();
        const days = Number(this.data.days);
        if (days > 0) payload.deadline = Date.now() + days * kDayMs;
        if (this.fixed.length) payload.fixed_evidence = this.fixed;
        await sh.dispatch('item.open', payload);
        wx.showToast({ title: i18n.t('add.saved'), icon: 'success' });
      });
    },
  },
});
