// Small DOM helpers on weui's classes: no framework, views build elements.
import { getLang, t, reasonText } from './i18n.js';

/**
 * h('div', {class: 'x', onclick: fn, 'aria-label': '..'}, child, [children], 'text')
 * Attributes with a false/null value are left out; `on*` functions become
 * listeners; `dataset` takes an object.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'value' && 'value' in el) {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'multiple') {
        el[k] = !!v;
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let nextId = 1;
export function uid(prefix = 'f') {
  return `${prefix}${nextId++}`;
}

/** A short-lived message at the bottom (weui toast), announced to screen readers. */
export function toast(text, kind = 'ok') {
  const live = document.getElementById('toast');
  if (!live) return;
  live.textContent = text;
  live.className = `app-toast app-toast_${kind} app-toast_show`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    live.className = 'app-toast';
  }, kind === 'error' ? 5000 : 2500);
}

/**
 * Words for an error a person sees: the core's and server's by their reason
 * (reasonText), the app's own (userText: already in the person's language),
 * a failed fetch as "cannot reach the server"; never a raw message in zh-CN.
 */
export function errorText(e) {
  if (e && e.userText) return e.message;
  if (e && (e.reason || e.code)) return reasonText(e);
  if (isNetworkError(e)) return t('login.network');
  if (getLang() === 'en' && e && e.message) return t('err.generic', { msg: e.message });
  return t('err.plain');
}

/** fetch() rejects with a TypeError when the server cannot be reached. */
export function isNetworkError(e) {
  return e instanceof TypeError || (e && e.name === 'TypeError') ||
    /Failed to fetch|NetworkError|Load failed/i.test(String(e && e.message));
}

/** An Error whose message is already in the person's language. */
export function userError(text) {
  const e = new Error(text);
  e.userText = true;
  return e;
}

/** Formats epoch ms as a local date (and time). */
export function fmtDate(ms, withTime = false) {
  if (!ms) return '';
  const d = new Date(ms);
  const opts = withTime
    ? { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }
    : { year: 'numeric', month: 'numeric', day: 'numeric' };
  return d.toLocaleString(getLang() === 'en' ? 'en-GB' : 'zh-CN', opts);
}

export function pct(rate) {
  return rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

/** A weui navbar of tabs; `tabs` = [{key, label, href}]. */
export function tabs(list, active) {
  return h('nav', { class: 'weui-tab__nav app-tabs', 'aria-label': t('menu') },
    list.map((tab) => h('a', {
      class: `app-tab${tab.key === active ? ' app-tab_on' : ''}`,
      href: tab.href,
      'aria-current': tab.key === active ? 'page' : null,
      dataset: { tab: tab.key },
    }, tab.label, tab.badge ? h('span', { class: 'weui-badge app-tab__badge' }, tab.badge) : null)));
}

/** weui cells group with a title. */
export function cells(title, children, extra = {}) {
  return h('section', { class: 'app-group', ...extra },
    title ? h('h2', { class: 'weui-cells__title' }, title) : null,
    h('div', { class: 'weui-cells' }, children));
}

/** A labelled form row: label + control (control needs an id). */
export function field(label, control, { required = false, hint = null, stack = false } = {}) {
  const id = control.id || (control.id = uid());
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: `weui-cell weui-cell_active app-field${stack ? ' app-field_stack' : ''}` },
    h('div', { class: 'weui-cell__hd' },
      h('label', { class: 'weui-label', for: id }, label,
        required ? h('span', { class: 'app-req', 'aria-hidden': 'true' }, ' *') : null)),
    h('div', { class: 'weui-cell__bd' }, control, hint ? h('div', { class: 'app-hint' }, hint) : null));
}

export function input(attrs) {
  return h('input', { class: 'weui-input', ...attrs });
}

export function textarea(attrs) {
  return h('textarea', { class: 'weui-textarea', rows: 3, ...attrs });
}

export function select(options, attrs = {}) {
  return h('select', { class: 'weui-select app-select', ...attrs },
    options.map(([value, label]) => h('option', { value, selected: attrs.value === value }, label)));
}

/** A radio group in a fieldset: options [[value, label]]. */
export function radios(name, legend, options, value, onchange, { required = false } = {}) {
  return h('fieldset', { class: 'app-radios', role: 'radiogroup', 'aria-required': required ? 'true' : null },
    h('legend', { class: 'app-legend' }, legend,
      required ? h('span', { class: 'app-req', 'aria-hidden': 'true' }, ' *') : null),
    h('div', { class: 'app-radios__row' }, options.map(([v, label]) => h('label', { class: 'app-radio' },
      h('input', { type: 'radio', name, id: uid('r'), value: v, checked: v === value,
        onchange: (e) => onchange && onchange(e.target.value) }),
      h('span', null, label)))));
}

export function button(label, attrs = {}, kind = 'primary') {
  return h('button', { type: 'button', class: `weui-btn weui-btn_${kind} app-btn`, ...attrs }, label);
}

export function stateTag(state, overdue) {
  return [
    h('span', { class: `app-tag app-tag_${state}` }, t(`state.${state}`)),
    overdue ? h('span', { class: 'app-tag app-tag_overdue' }, t('item.overdue')) : null,
  ];
}

export function emptyState(text) {
  return h('p', { class: 'app-empty' }, text || t('empty'));
}

/** Runs an async action from a button: disables it, shows errors inline. */
export async function busy(btn, errorEl, fn) {
  btn.disabled = true;
  btn.classList.add('weui-btn_loading');
  if (errorEl) errorEl.textContent = '';
  try {
    return await fn();
  } catch (e) {
    const text = errorText(e);
    if (errorEl) {
      errorEl.textContent = text;
    } else {
      toast(text, 'error');
    }
    return undefined;
  } finally {
    btn.disabled = false;
    btn.classList.remove('weui-btn_loading');
  }
}

export function errorBox() {
  return h('p', { class: 'app-error', role: 'alert', 'aria-live': 'assertive' });
}
