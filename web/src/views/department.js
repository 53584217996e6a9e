// A department (物业 / 职能部门) member: the items assigned or escalated to
// the department; marking them fixed and acknowledging escalations happen
// on the item screen.
import { app, query, departmentName } from '../app.js';
import { t } from '../i18n.js';
import { h, tabs } from '../ui.js';
import { itemList } from './items.js';

export async function deptItems() {
  const { items } = await query('items.checklist', { owner_dept: app.role.scope_id, now: Date.now() });
  return h('div', { class: 'app-page', dataset: { view: 'department', live: '' } },
    tabs([{ key: 'items', label: t('dept.tab_items'), href: '#/dept' }], 'items'),
    h('h1', { class: 'app-h1' }, t('dept.title', { name: departmentName(app.role.scope_id) })),
    itemList(items));
}
