// Changes the server rejected, with its reason: they did not take effect.
import { app } from '../app.js';
import { t, reasonText } from '../i18n.js';
import { h, fmtDate, button, emptyState } from '../ui.js';
import { inbox } from '../idb.js';

function summary(row) {
  const p = row.payload || {};
  return [row.type, p.item_id || p.report_id || p.visit_id || p.household_id || ''].filter(Boolean).join(' · ');
}

export async function inboxView() {
  const rows = await inbox.all();
  return h('div', { class: 'app-page', dataset: { view: 'inbox' } },
    h('h1', { class: 'app-h1' }, t('inbox')),
    rows.length ? h('p', { class: 'app-para' }, t('inbox.intro')) : null,
    rows.length ? h('div', { class: 'weui-cells app-inbox' }, rows.map((r) => h('div', {
      class: 'weui-cell app-rejected', dataset: { command: r.id, reason: r.reason } },
    h('div', { class: 'weui-cell__bd' },
      h('p', { class: 'app-item__title' }, summary(r)),
      h('p', { class: 'app-error app-error_static' }, reasonText(r)),
      h('p', { class: 'app-item__meta' }, `${r.reason || r.code} · ${fmtDate(r.at, true)}`)),
    h('div', { class: 'weui-cell__ft' }, button(t('inbox.dismiss'), {
      onclick: async () => {
        await inbox.remove(r.id);
        if (app.sync) app.sync.set({ rejected: (await inbox.all()).length });
        app.rerender();
      } }, 'default'))))) : emptyState(t('inbox.empty')));
}
