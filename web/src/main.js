// Boot: take the tab's lock, restore the session (so the app opens offline),
// open the person's database in a Worker, start sync, and route by hash.
import { app, loadSession, saveSession, viewGrants, chooseRole, claimTab, openDatabase,
  loadContext, changed, onChange } from './app.js';
import { t, getLang, setLang } from './i18n.js';
import { h, button, errorBox, busy, field, input, fmtDate, toast, errorText, isNetworkError,
  userError } from './ui.js';
import { Sync } from './sync.js';
import { login, logout } from './net.js';
import { workerDue, workerItems, workerMap, visitView } from './views/worker.js';
import { itemView } from './views/items.js';
import { captainList, captainPatrol, captainNew } from './views/captain.js';
import { residentReport, residentMine } from './views/resident.js';
import { gridDash, gridQueue, gridMap } from './views/gridhead.js';
import { deptItems } from './views/department.js';
import { inboxView, dismissedIds } from './views/inbox.js';
import { consoleTree, consolePeople, consoleAudit, consoleTemplates, consoleRegisters,
  consoleTiles, consoleOpen311 } from './views/console.js';

const homes = { worker: '#/worker', captain: '#/captain', resident: '#/resident',
  grid_head: '#/grid', admin: '#/console', department: '#/dept' };

const routes = [
  [/^worker$/, workerDue], [/^worker\/items$/, workerItems], [/^worker\/map$/, workerMap],
  [/^visit\/(?<household>[^/]+)$/, visitView], [/^item\/(?<id>[^/]+)$/, itemView],
  [/^captain$/, captainList], [/^captain\/patrol$/, captainPatrol], [/^captain\/new$/, captainNew],
  [/^resident$/, residentReport], [/^resident\/mine$/, residentMine],
  [/^grid$/, gridDash], [/^grid\/queue$/, gridQueue], [/^grid\/map$/, gridMap], [/^dept$/, deptItems],
  [/^inbox$/, inboxView],
  [/^console$/, consoleTree], [/^console\/people$/, consolePeople], [/^console\/audit$/, consoleAudit],
  [/^console\/templates$/, consoleTemplates], [/^console\/registers$/, consoleRegisters],
  [/^console\/tiles$/, consoleTiles], [/^console\/open311$/, consoleOpen311],
];
// An administrator's console reads from the server: a session whose every
// grant is an administrator's opens no database and replicates nothing.
const consoleRoutes = /^console(\/|$)/;

function consoleOnly() {
  const grants = viewGrants();
  return grants.length > 0 && grants.every((g) => g.role === 'admin');
}

const root = () => document.getElementById('view');
const headerEl = () => document.getElementById('header');

// ---------------------------------------------------------------- header

function renderHeader() {
  const el = headerEl();
  if (!el) return;
  el.replaceChildren();
  // Signed out there is no sync client: the badge says online only while the
  // browser is and the last request to the server got through.
  const st = app.sync ? app.sync.state
    : { online: navigator.onLine && !app.serverDown, pending: 0, phase: 'idle' };
  const grants = app.session ? viewGrants() : [];
  let roleEl = null;
  if (app.role && grants.length > 1) {
    roleEl = h('select', { class: 'app-role', 'aria-label': t('role.switch'), id: 'role-switch',
      onchange: (e) => {
        chooseRole(e.target.value);
        location.hash = homes[app.role.role];
        renderHeader();
      } }, grants.map((g) => {
      const key = `${g.role}:${g.scope_id}`;
      return h('option', { value: key, selected: app.role && key === `${app.role.role}:${app.role.scope_id}` },
        t(`role.${g.role}`));
    }));
  } else if (app.role) {
    roleEl = h('span', { class: 'app-role app-role_static' }, t(`role.${app.role.role}`));
  }
  let syncText = '';
  if (st.phase === 'upload') syncText = t('sync.uploading');
  else if (st.phase === 'push') syncText = t('sync.pushing', { n: st.pending });
  else if (st.phase === 'pull') syncText = t('sync.pulling', { n: st.pulled });
  else if (st.error && st.online) syncText = t('sync.failed');
  else if (st.pending) syncText = t('sync.pending', { n: st.pending });
  else if (app.session && app.console) syncText = t('console.online');
  else if (app.session) syncText = t('sync.synced');
  const syncing = st.phase !== 'idle';
  const unread = Math.max(0, (st.rejected || 0) - (app.dismissed || 0));
  el.append(...[
    h('div', { class: 'app-bar' },
      h('span', { class: 'app-brand' }, t('app.name')),
      roleEl,
      h('span', { class: 'app-bar__spacer' }),
      h('span', { class: `app-net app-net_${st.online ? 'on' : 'off'}`, id: 'net-status',
        dataset: { online: String(!!st.online) } }, st.online ? t('net.online') : t('net.offline')),
      h('button', { type: 'button', class: 'app-lang', title: t('lang.toggle_label'),
        lang: getLang() === 'en' ? 'zh-CN' : 'en',
        onclick: () => { setLang(getLang() === 'en' ? 'zh-CN' : 'en'); renderHeader(); route(); } },
      t('lang.toggle'))),
    app.session ? h('div', { class: 'app-bar app-bar_sub' },
      h('button', { type: 'button', class: `app-sync${syncing ? ' app-sync_busy' : ''}`, id: 'sync-status',
        dataset: { pending: String(st.pending || 0), phase: st.phase },
        title: st.lastSync ? t('sync.last', { time: fmtDate(st.lastSync, true) }) : '',
        onclick: () => app.sync && app.sync.kick(0) },
      syncing ? h('span', { class: 'weui-primary-loading app-spin', 'aria-hidden': 'true' }) : null,
      h('span', { 'aria-live': 'polite' }, syncText)),
      h('span', { class: 'app-bar__spacer' }),
      app.console ? null : h('a', { href: '#/inbox', class: 'app-inbox-link', id: 'inbox-link',
        dataset: { count: String(unread) } }, t('inbox'), unread ? h('span', { class: 'weui-badge' }, unread) : null),
      h('button', { type: 'button', class: 'app-logout', onclick: signOut }, t('logout'))) : null,
    syncing ? h('div', { class: 'app-syncbar app-syncbar_busy', 'aria-hidden': 'true' }, h('div')) : null,
  ].filter(Boolean));
}

// ---------------------------------------------------------------- routing

let renderSeq = 0;

async function route() {
  const seq = ++renderSeq;
  document.documentElement.lang = getLang();
  if (!app.session) {
    showLogin();
    return;
  }
  if (!app.rt && !app.console) return;
  if (app.sync && !app.sync.state.seeded) {
    // Nothing to show before the first pull: a live page the pull replaces.
    root().replaceChildren(h('div', { class: 'app-page app-center', dataset: { view: 'first-sync', live: '' } },
      h('span', { class: 'weui-primary-loading', 'aria-hidden': 'true' }),
      h('p', null, app.sync.state.online ? t('sync.first') : t('login.offline'))));
    return;
  }
  if (!app.role) {
    root().replaceChildren(h('p', { class: 'app-empty' }, t('err.no_role')));
    return;
  }
  const path = location.hash.replace(/^#\/?/, '');
  if (!path) {
    location.replace(homes[app.role.role] || '#/inbox');
    return;
  }
  let view = null;
  let params = {};
  for (const [re, fn] of routes) {
    const m = re.exec(path);
    if (m) {
      view = fn;
      params = Object.fromEntries(Object.entries(m.groups || {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      break;
    }
  }
  if (!view || (app.console && !consoleRoutes.test(path))) {
    location.replace(homes[app.role.role]);
    return;
  }
  try {
    const el = await view(params);
    if (seq !== renderSeq) return;
    const y = window.scrollY;
    const same = root().dataset.path === path;
    root().dataset.path = path;
    root().replaceChildren(el);
    if (same) window.scrollTo(0, y);
    else window.scrollTo(0, 0);
    performance.mark(`weige:view:${el.dataset.view || path}`);
  } catch (e) {
    if (seq !== renderSeq) return;
    root().replaceChildren(h('div', { class: 'app-page', dataset: { live: '' } },
      h('p', { class: 'app-error', role: 'alert' }, e && (e.reason === 'actor.unknown')
        ? t('sync.first') : errorText(e))));
  }
}

app.rerender = () => route();

// ---------------------------------------------------------------- screens

function showLogin() {
  const err = errorBox();
  const person = input({ type: 'text', autocomplete: 'username', placeholder: t('login.person_ph'),
    id: 'login-person', autocapitalize: 'none', spellcheck: 'false' });
  const password = input({ type: 'password', autocomplete: 'current-password', id: 'login-password' });
  const submit = button(t('login.submit'), { type: 'submit', id: 'login-submit' });
  const form = h('form', { class: 'app-page', dataset: { view: 'login' },
    onsubmit: (e) => {
      e.preventDefault();
      busy(submit, err, async () => {
        if (!navigator.onLine) throw userError(t('login.offline'));
        let s;
        try {
          s = await login(person.value.trim(), password.value);
          setServerDown(false);
        } catch (e) {
          if (isNetworkError(e)) {
            setServerDown(true);
            throw userError(t('login.network'));
          }
          setServerDown(false);  // it answered, with a refusal
          throw e;
        }
        saveSession(s);
        await start();
      });
    } },
  h('div', { class: 'app-login__hd' },
    h('div', { class: 'app-logo', 'aria-hidden': 'true' }, '微'),
    h('h1', { class: 'app-h1' }, t('app.name')),
    h('p', { class: 'app-muted' }, t('app.tagline'))),
  h('div', { class: 'weui-cells weui-cells_form' },
    field(t('login.person'), person), field(t('login.password'), password)),
  h('div', { class: 'app-pad' }, submit, err, h('p', { class: 'app-hint' }, t('login.hint')),
    pendingHere().map(([, p]) => h('p', { class: 'app-hint app-pending-here', dataset: { pendingHere: String(p.n) } },
      t('login.pending_here', { name: p.name, n: p.n })))));
  root().replaceChildren(form);
  renderHeader();
}

function showLocked() {
  root().replaceChildren(h('div', { class: 'app-page app-center', dataset: { view: 'locked' } },
    h('h1', { class: 'app-h1' }, t('lock.title')),
    h('p', { class: 'app-para' }, t('lock.body')),
    button(t('lock.retry'), { onclick: () => location.reload() })));
}

// Unsynced records stay in the person's own database on this device (one per
// person: u-<id>.db and weige-app-<id>), sent only by that person's next
// session. The sign-in screen says whose records wait here and how many.
const kPendingKey = 'weige.pending_here';

function pendingHere() {
  try {
    return Object.entries(JSON.parse(localStorage.getItem(kPendingKey) || '{}'))
      .filter(([, p]) => p && p.n > 0);
  } catch (e) {
    return [];
  }
}

function notePending(personId, name, n) {
  const all = Object.fromEntries(pendingHere());
  if (n > 0) all[personId] = { name: name || '', n };
  else delete all[personId];
  localStorage.setItem(kPendingKey, JSON.stringify(all));
}

function setServerDown(down) {
  if (app.serverDown === down) return;
  app.serverDown = down;
  renderHeader();
}

async function signOut() {
  let pending = app.sync ? app.sync.state.pending : 0;
  if (pending && app.sync && app.sync.state.online) {
    // Send them first when the server can be reached.
    toast(t('logout.syncing'));
    await Promise.race([app.sync.run(), new Promise((r) => setTimeout(r, 15000))]);
    pending = (await app.rt.syncState().catch(() => ({ pending }))).pending;
  }
  if (pending && !window.confirm(t('logout.pending', { n: pending }))) return;
  notePending(app.session.personId, app.ctx && app.ctx.person && app.ctx.person.name, pending);
  const token = app.session && app.session.token;
  if (app.sync) app.sync.stop();
  if (app.rt) await app.rt.close().catch(() => {});
  app.rt = null;
  app.sync = null;
  app.role = null;
  app.ctx = null;
  app.console = false;
  saveSession(null);
  if (token) logout(token);
  location.hash = '';
  showLogin();
}

// ---------------------------------------------------------------- start

async function start() {
  root().replaceChildren(h('div', { class: 'app-page app-center' },
    h('span', { class: 'weui-primary-loading', 'aria-hidden': 'true' }), h('p', null, t('loading'))));
  app.console = consoleOnly();
  if (app.console) {
    chooseRole(localStorage.getItem('weige.role'));
    renderHeader();
    route();
    window.weige = app;
    return;
  }
  try {
    await openDatabase();
  } catch (e) {
    if (String(e && e.message).includes('another tab')) {
      showLocked();
      return;
    }
    root().replaceChildren(h('p', { class: 'app-error', role: 'alert' }, t('err.storage', { msg: e.message })));
    return;
  }
  app.sync = new Sync({ rt: app.rt, token: app.session.token, actor: app.session.personId });
  app.dismissed = (await dismissedIds()).size;
  app.sync.addEventListener('state', renderHeader);
  app.sync.addEventListener('changed', async () => {
    await loadContext();
    changed();
  });
  app.sync.addEventListener('auth', () => toast(t('err.session'), 'error'));
  await loadContext();
  // This person's records left here by an earlier session go with this one.
  notePending(app.session.personId, '', 0);
  chooseRole(localStorage.getItem('weige.role'));
  renderHeader();
  await app.sync.start();
  route();
  // Tests and the bench read this.
  window.weige = app;
}

// New data (a pull, a command) refreshes lists, never a form being filled
// in: the views that may refresh say so with data-live.
onChange(() => {
  const el = root().firstElementChild;
  if (!el || el.dataset.live === undefined) return;
  if (el.querySelector('.app-action__body:not([hidden])')) return;
  const focused = document.activeElement;
  if (focused && el.contains(focused) && /^(INPUT|TEXTAREA|SELECT)$/.test(focused.tagName)) return;
  route();
});

async function boot() {
  setLang(getLang());
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('[weige] sw', e));
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { app.serverDown = false; renderHeader(); });
  window.addEventListener('offline', renderHeader);
  loadSession();
  renderHeader();
  const owner = await claimTab();
  if (!owner) {
    showLocked();
    return;
  }
  if (!app.session) {
    showLogin();
    return;
  }
  await start();
}

boot();
