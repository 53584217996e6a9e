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
  if (e && (e.reason || e.code)) return i18n.reasonText(e);
  // The pages' own errors carry words already; a raw JavaScript message is
  // shown in English mode only.
  const msg = String((e && e.message) || e || '');
  if (/[\u4e00-\u9fff]/.test(msg) || (i18n.getLang() === 'en' && msg)) return msg;
  return i18n.t('err.unknown_reason');
}

/** Shows a failure on the page (data.error) and as a toast. */
function showError(page, e) {
  const text = errorText(e);
  page.setData({ error: text, busy: false });
  wx.showToast({ title: text.slice(0, 40), icon: 'none', duration: 3000 });
  return text;
}

/** An item's place in words (the core's item.place), never an id. */
function placeText(place) {
  const p = place || {};
  return [p.microgrid, p.building, [p.unit, p.room].filter(Boolean).join(' ')].filter(Boolean).join(' · ');
}

/** An item as a list row: its state, overdue flag, deadline and place in words. */
/**
 * A place's WGS-84 position as the core gives it: its coordinates, 未定位 when
 * the core knows the building has none (location null), '' when this
 * device does not know (no location at all).
 */
function locationText(place) {
  if (!place || !('location' in place)) return '';
  const loc = place.location;
  const pos = loc ? `${loc.lat.toFixed(6)}, ${loc.lng.toFixed(6)}` : i18n.t('map.unlocated');
  return i18n.t('item.location', { pos });
}

function itemRow(it) {
  const esc = it.escalation;
  return {
    place: placeText(it.place),
    escalatedBy: esc ? i18n.t('item.escalated_by', { name: esc.by_name || i18n.t('person.someone') }) : '',
    ackDeadline: esc && esc.deadline && !esc.acknowledged_at
      ? i18n.t('item.ack_deadline', { time: fmtTime(esc.deadline) }) : '',
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
    label: label === key ? '' : label,
    who: e.actor_name || '',
    reason: e.reason || '',
    photos: (e.evidence || []).length,
  };
}

module.exports = { shell, fmtTime, fmtDate, errorText, showError, itemRow, eventRow, placeText,
  locationText, i18n };
