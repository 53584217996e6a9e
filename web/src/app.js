// The app's state: who is signed in (kept in localStorage, so the app opens
// offline), the runtime of their database (the core in a Worker), and the
// helpers every view uses to run commands and queries as that person.
import { open } from '../../offline/src/index.js';
import { useDatabase } from './idb.js';
import { currentCycle } from '../miniprogram/lib/cycle.js';
import { serverQuery } from './net.js';
import places from '../miniprogram/lib/places.js';
import { t } from './i18n.js';

const kSessionKey = 'weige.session';
const kRoleOrder = ['worker', 'captain', 'grid_head', 'department', 'resident', 'admin'];

export const app = {
  rt: null,          // the core runtime of the signed-in person's database
  session: null,     // {token, personId, grants, expiresAt}
  role: null,        // the grant whose view is shown: {role, scope_id}
  ctx: null,         // directory.context of the person (names of places)
  sync: null,        // the Sync (sync.js)
  host: null,        // 'opfs' | 'idb'
  listeners: new Set(),
};

export function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(kSessionKey) || 'null');
    if (s && s.token && s.personId) app.session = s;
  } catch (e) {
    app.session = null;
  }
  return app.session;
}

export function saveSession(s) {
  app.session = s;
  if (s) localStorage.setItem(kSessionKey, JSON.stringify(s));
  else localStorage.removeItem(kSessionKey);
}

/** The grants the app has views for, main role first. */
export function viewGrants() {
  const grants = (app.session && app.session.grants) || [];
  return grants.filter((g) => kRoleOrder.includes(g.role))
    .sort((a, b) => kRoleOrder.indexOf(a.role) - kRoleOrder.indexOf(b.role));
}

export function chooseRole(key) {
  const grants = viewGrants();
  const found = grants.find((g) => `${g.role}:${g.scope_id}` === key);
  app.role = found || grants[0] || null;
  if (app.role) localStorage.setItem('weige.role', `${app.role.role}:${app.role.scope_id}`);
  return app.role;
}

export function actor() {
  return app.session.personId;
}

export function now() {
  return Date.now();
}

export { currentCycle };

export function newId(prefix) {
  return `${prefix}-${crypto.randomUUID()}`;
}

export function query(name, params = {}) {
  return app.rt.query(name, { actor: actor(), ...params });
}

/** Runs a command on the device (durable before it resolves), then syncs. */
export async function command(type, payload) {
  const cmd = { id: crypto.randomUUID(), type, actor: actor(), at: Date.now(), payload };
  const value = await app.rt.dispatch(cmd);
  changed();
  if (app.sync) app.sync.kick();
  return value;
}

/** Tells the views the data changed (after a command or a pull). */
export function changed() {
  for (const fn of app.listeners) fn();
}

export function onChange(fn) {
  app.listeners.add(fn);
  return () => app.listeners.delete(fn);
}

/** Fetches and gunzips the module's wasm (the server sends .wasm uncompressed). */
export async function loadWasm(url = './weige.wasm.gz') {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const stream = res.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Holds the app's Web Lock for the life of the page: true if this tab owns
 * the database, false if another tab does.
 */
export function claimTab() {
  if (!navigator.locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    navigator.locks.request('weige:app', { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      resolve(true);
      return new Promise(() => {});  // held until the page goes away
    });
  });
}

/** Opens the signed-in person's database: OPFS in a Worker, else IndexedDB. */
export async function openDatabase() {
  const name = `u-${app.session.personId}.db`;
  useDatabase(app.session.personId);
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().catch(() => {});
  }
  // localStorage weige.host = "idb" forces the IndexedDB host (browsers
  // without OPFS take it on their own; the e2e suite tests it this way).
  const forceIdb = localStorage.getItem('weige.host') === 'idb';
  if (!forceIdb && navigator.storage && typeof navigator.storage.getDirectory === 'function') {
    try {
      app.rt = await open({ host: 'opfs', name, workerUrl: './db-worker.js',
        wasmGzUrl: new URL('./weige.wasm.gz', location.href).href });
      app.host = 'opfs';
      return app.rt;
    } catch (e) {
      console.warn('[weige] OPFS unavailable, using IndexedDB:', e && e.message);
      if (String(e && e.message).includes('another tab')) throw e;
    }
  }
  const wasmBinary = await loadWasm();
  app.rt = await open({ host: 'idb', name, wasmBinary });
  app.host = 'idb';
  return app.rt;
}

export async function loadContext() {
  try {
    app.ctx = await query('directory.context');
  } catch (e) {
    app.ctx = null;
  }
  if (app.ctx) await fillBuildingNames(app.ctx.households);
  return app.ctx;
}

// The building names a resident's device has no row for (lib/places.js),
// kept in localStorage.
function fillBuildingNames(households) {
  const key = `weige.buildings.${app.session.personId}`;
  return places.fillBuildingNames(households, {
    load: () => {
      try {
        return JSON.parse(localStorage.getItem(key) || 'null');
      } catch (e) {
        return null;
      }
    },
    save: (names) => localStorage.setItem(key, JSON.stringify(names)),
    online: () => navigator.onLine,
    serverContext: () => serverQuery('directory.context'),
  });
}

// Names, never ids: what this device does not know is said in words
// (t(fallback)), as a person would ("staff", "a department").

/** A place's name from the directory context ('' when this device lacks it). */
export function placeName(id) {
  if (!id || !app.ctx) return '';
  for (const list of [app.ctx.buildings, app.ctx.microgrids]) {
    const f = list.find((x) => x.id === id);
    if (f) return f.name;
  }
  const g = app.ctx.grants.find((x) => x.scope_id === id && x.name);
  return g ? g.name : '';
}

/** A person's name; `known` (a name the core sent along) before the fallback. */
export function personName(id, known) {
  if (!id) return '';
  if (app.ctx) {
    if (app.ctx.person && app.ctx.person.id === id) return app.ctx.person.name;
    const p = app.ctx.people.find((x) => x.id === id);
    if (p) return p.name;
  }
  return known || t('person.someone');
}

export function departmentName(id) {
  if (!id) return '';
  const d = app.ctx && app.ctx.departments.find((x) => x.id === id);
  return d ? d.name : t('dept.someone');
}
