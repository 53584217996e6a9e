// The worker's own items, overdue first (the core orders them).
const { shell, showError, itemRow } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [listPage],
  data: { s: {}, items: [], loaded: false, error: '' },
  methods: {
    async load() {
      try {
        const sh = await shell();
        const { items } = await sh.query('items.checklist',
          { owner_person: sh.session.person_id, now: Date.now() });
        this.setData({ items: items.map(itemRow), loaded: true, error: '' });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
