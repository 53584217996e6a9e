// 职能部门 (department), in the "staff" sub-package: the items assigned or
// escalated to the department (items.checklist, overdue first as the core
// orders them), escalations still to acknowledge first; each opens the item
// page, where the core lists acknowledge, mark fixed and comment.
const { shell, showError, itemRow } = require('../../lib/page.js');
const { listPage } = require('../../lib/behaviors.js');

Component({
  behaviors: [listPage],
  data: { s: {}, toAck: [], items: [], loaded: false, error: '' },
  methods: {
    async load() {
      try {
        const sh = await shell();
        const dept = sh.session.role.scope_id;
        const { items } = await sh.query('items.checklist', { owner_dept: dept, now: Date.now() });
        const waiting = (i) => i.escalated_to === dept && !i.acknowledged_at;
        this.setData({ loaded: true, error: '',
          toAck: items.filter(waiting).map(itemRow),
          items: items.filter((i) => !waiting(i)).map(itemRow) });
      } catch (e) {
        showError(this, e);
      }
    },
  },
});
