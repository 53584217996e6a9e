// The resident's report form (report.submit): category, description, the
// place (their building with unit and room, or a free address), photos and
// an optional phone. The core routes it to the place's micro-grid.
const { shell, i18n } = require('../../lib/page.js');
const { formPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [formPage],
  data: { s: {}, categories: [], category: 0, description: '', place: 'home', home: {},
    unit: '', room: '', address: '', phone: '', contactOk: false, busy: false, error: '' },
  methods: {
    onContact(e) {
      this.setData({ contactOk: !!e.detail.value });
    },
    async onLoad() {
      this.initForm({ category: i18n.kCategories.indexOf('sanitation') });
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
    onPlace(e) {
      this.setData({ place: e.detail.value });
    },
    onSubmit() {
      return this.submit(async (sh) => {
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
        payload.contact_ok = d.contactOk;
        await sh.dispatch('report.submit', payload);
        wx.showToast({ title: i18n.t('report.saved'), icon: 'none' });
      });
    },
  },
});
