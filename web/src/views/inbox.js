// Changes the server rejected (or that no longer applied after a pull), with
// the core's reason: they did not take effect. The list is the core's
// (rt.rejections()); dismissing hides an entry on this device.
import { app, query } from '../app.js';
import { t, reasonText } from '../i18n.js';
import { h, fmtDate, button, emptyState } from '../ui.js';
import { kv } from '../idb.js';
import rejections from '../../miniprogram/lib/rejections.js';

export async function dismissedIds() {
  return new Set((await kv.get('dismissed')) || []);
}

export async function inboxView() {
  const dismissed = await dismissedIds();
  const rows = (await app.rt.rejections()).filter((r) => !dismissed.has(r.id)).reverse();
  const titles = await rejections.itemTitles(rows, (id) => query('item.detail', { item_id: id }));
  return h('div', { class: 'app-page', dataset: { view: 'inbox', live: '' } },
    h('h1', { class: 'app-h1' }, t('inbox')),
    rows.length ? h('p', { class: 'app-para' }, t('inbox.intro')) : null,
    rows.length ? h('div', { class: 'weui-cells app-inbox' }, rows.map((r) => h('div', {
      class: 'weui-cell app-rejected', dataset: { command: r.id, reason: r.reason } },
    h('div', { class: 'weui-cell__bd' },
      h('p', { class: 'app-item__title' }, rejections.summary(r, titles, t, t('inbox'))),
      h('p', { class: 'app-error app-error_static' }, reasonText(r)),
      h('p', { class: 'app-item__meta' }, fmtDate(r.at, true))),
    h('div', { class: 'weui-cell__ft' }, button(t('inbox.dismiss'), {
      class: 'weui-btn weui-btn_default weui-btn_mini',
      onclick: async () => {
        dismissed.add(r.id);
        await kv.set('dismissed', [...dismissed]);
        app.dismissed = dismissed.size;
        if (app.sync) app.sync.set({});
        app.rerender();
      } }, 'default'))))) : emptyState(t('inbox.empty')));
}
