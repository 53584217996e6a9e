// The worker's own items, overdue first (the core orders them): assigned to
// them, and those they found (opened on a visit or by hand) in their
// micro-grid, assigned or not.
const { shell, showError, itemRow } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [listPage],
  data: { s: {}, items: [], found: [], loaded: false, error: '' },
  methods: {
    async load() {
      try {
        const sh = await shell();
        const now = Date.now();
        const { items } = await sh.query('items.checklist',
          { owner_person: sh.session.person_id, now });
        const mine = new Set(items.map((i) => i.id));
        const { items: mg } = await sh.query('items.checklist',
          { microgrid_id: sh.session.role.scope_id, now });
        const found = mg.filter((i) => i.opened_by === sh.session.person_id && !mine.has(i.id));
        this.setData({ items: items.map(itemRow), found: found.map(itemRow), loaded: true, error: '' });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
