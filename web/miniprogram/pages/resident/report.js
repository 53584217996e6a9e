// The resident's report form (report.submit): category, description, the
// place (their building with unit and room, or a free address), photos and
// an optional phone. The core routes it to the place's micro-grid.
const { shell, showError, i18n } = require('../../lib/page.js');

Component({
  data: { s: {}, categories: [], category: 0, description: '', place: 'home', home: {},
    unit: '', room: '', address: '', phone: '', busy: false, error: '' },
  methods: {
    async onLoad() {
      this.photos = [];
      this.setData({ s: i18n.strings(),
        categories: i18n.kCategories.map((id) => ({ id, label: i18n.categoryName(id) })),
        category: i18n.kCategories.indexOf('sanitation') });
      try {
        const sh = await shell();
        const ctx = await sh.context();
        const home = (ctx.households || []).find((h) => h.id === sh.session.role.scope_id)
          || (ctx.households || [])[0] || {};
        this.setData({ home, unit: home.unit || '', room: home.room || '',
          place: home.building_id ? 'home' : 'free' });
      } catch (e) {
        this.setData({ place: 'free' });
      }
    },
    onInput(e) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
    },
    onCategory(e) {
      this.setData({ category: Number(e.detail.value) });
    },
    onPlace(e) {
      this.setData({ place: e.detail.value });
    },
    onPhotos(e) {
      this.photos = e.detail.shas;
    },
    async onSubmit() {
      this.setData({ busy: true, error: '' });
      try {
        const sh = await shell();
        const d = this.data;
        const place = {};
        if (d.place === 'home' && d.home.building_id) {
          place.building_id = d.home.building_id;
          if (d.unit.trim()) place.unit = d.unit.trim();
          if (d.room.trim()) place.room = d.room.trim();
        } else {
          place.address = d.address.trim();
        }
        const payload = { report_id: sh.newId(), category: d.categories[d.category].id,
          description: d.description.trim(), place };
        if (d.home.id) payload.household_id = d.home.id;
        if (this.photos.length) payload.photos = this.photos;
        if (d.phone.trim()) payload.phone = d.phone.trim();
        await sh.dispatch('report.submit', payload);
        wx.showToast({ title: i18n.t('report.saved'), icon: 'none' });
        this.setData({ busy: false });
        wx.navigateBack();
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
