// What every page shares: the shell once it is ready, the strings, the
// words for a failure, dates in China time. Pages are Component()s (the
// page form of the component constructor), so one test tool drives them.
const i18n = require('./i18n.js');

/** Resolves the app's shell once it has started. */
function shell() {
  const app = getApp();
  return app.ready.then(() => app.shell);
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** "2026-11-05 14:30" in China time (UTC+8), whatever the phone's zone. */
function fmtTime(ms) {
  if (!ms) return '';
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function fmtDate(ms) {
  return fmtTime(ms).slice(0, 10);
}

/** Words for a failure: the core's reason in the current language, or the message. */
function errorText(e) {
  if (e && e.name === 'StorageFullError') return i18n.t('err.storage_full');
  if (e && e.name === 'TypeError' && e.errMsg) return i18n.t('err.network');
  return i18n.reasonText(e) || String(e);
}

/** Shows a failure on the page (data.error) and as a toast. */
function showError(page, e) {
  const text = errorText(e);
  page.setData({ error: text, busy: false });
  wx.showToast({ title: text.slice(0, 40), icon: 'none', duration: 3000 });
  return text;
}

/** An item as a list row: its state, overdue flag and deadline in words. */
function itemRow(it) {
  return {
    id: it.id,
    title: it.title,
    category: i18n.categoryName(it.category),
    state: it.state,
    stateText: i18n.t(`state.${it.state}`),
    overdue: !!it.overdue,
    deadline: it.deadline ? i18n.t('items.deadline', { date: fmtDate(it.deadline) }) : '',
  };
}

/** An event as a timeline row. */
function eventRow(e) {
  const key = `event.${e.type}`;
  const label = i18n.t(key);
  return {
    seq: e.seq,
    time: fmtTime(e.at),
    label: label === key ? e.type : label,
    reason: e.reason || '',
    photos: (e.evidence || []).length,
  };
}

module.exports = { shell, fmtTime, fmtDate, errorText, showError, itemRow, eventRow, i18n };
