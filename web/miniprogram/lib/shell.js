// The shell: one per mini-program (app.js makes it). It opens the Weige
// runtime on the WeChat host (SQLite over wx.getFileSystemManager(), the
// wasm through WXWebAssembly), keeps the session in a file, and wires the
// sync client to wx.request and wx.onNetworkStatusChange. Pages call only
// dispatch() and query(): every business rule runs in the core.

const offline = require('../vendor/weige-offline.js');
const { createFiles, isQuotaError, StorageFullError } = require('./files.js');
const { createIds, loadSeed, hex } = require('./ids.js');
const { createPhotoStore } = require('./photos.js');
const { createWxFetch, createWxNetwork } = require('./net.js');
const { createSync } = require('./sync.js');
const { fillBuildingNames } = require('./places.js');
const i18n = require('./i18n.js');

// Roles this shell has pages for, in the order a person's home is chosen.
const kRoles = ['worker', 'captain', 'resident', 'grid_head', 'department'];
const kHome = {
  worker: '/pages/worker/index',
  captain: '/pages/captain/index',
  resident: '/pages/resident/index',
  // The staff sub-package (app.json subPackages, root "staff").
  grid_head: '/staff/head/index',
  department: '/staff/dept/index',
};
// One database per person (u-<person>.db): on a shared phone nobody sees or
// sends another's records, and unsynced ones wait for their author's next
// sign-in. A session saved before per-person databases keeps weige.db.
const kLegacyDbName = 'weige.db';
const kPendingHere = 'pending_here.json';

function personDb(personId) {
  return `u-${String(personId).replace(/[^A-Za-z0-9_.-]/g, '_')}.db`;
}

function dbOf(session) {
  return (session && session.db) || kLegacyDbName;
}
const { currentCycle } = require('./cycle.js');


class Shell {
  /**
   * @param {object} o
   * @param {object} o.wx the shell's wx
   * @param {object} o.WXWebAssembly the shell's loader
   * @param {Function} o.createModule the WeChat glue (vendor/weige.js)
   * @param {string} [o.wasmPath] the packaged wasm, brotli-compressed
   * @param {string} [o.apiBase] the server, unless the session names one
   */
  constructor({ wx, WXWebAssembly, createModule, wasmPath = '/vendor/weige.wasm.br',
    apiBase = '' }) {
    this.wx = wx;
    this.WXWebAssembly = WXWebAssembly;
    this.createModule = createModule;
    this.wasmPath = wasmPath;
    this.defaultApiBase = apiBase;
    this.rt = null;
    this.sync = null;
    this.network = null;
    this.session = null;
    this.ctx = null;
    this.listeners = new Set();
    this.status = { online: true, pending: 0, phase: 'idle', rejected: 0, error: null };
  }

  /** Opens storage and the runtime; resolves the session (or null). */
  async start() {
    const { wx } = this;
    this.files = createFiles(wx);
    const settings = this.files.readJson('settings.json', {}) || {};
    i18n.setLang(settings.lang || 'zh-CN');
    const sha = offline.sha256;
    this.sha256Hex = (bytes) => hex(sha(bytes));
    this.newId = createIds(await loadSeed(wx, this.files), sha);
    this.photos = createPhotoStore(wx, this.files, this.sha256Hex);
    this.fetch = createWxFetch(wx);
    this.session = this.files.readJson('session.json');
    if (this.session) await this.openDb(dbOf(this.session));
    // The sync client probes the server while signed in; this one answers
    // "online?" for the pages (sign-in) from the network events.
    this.network = createWxNetwork(wx, { fetch: this.fetch,
      probeUrl: `${this.apiBase()}/healthz`, probeMs: 0 });
    this.network.subscribe((s) => this.setStatus({ online: s.online }));
    this.setStatus({ online: this.network.online });
    if (this.session) await this.startSync();
    await this.refresh();
    return this.session;
  }

  apiBase() {
    return (this.session && this.session.api_base) || this.defaultApiBase;
  }

  // ---- session -------------------------------------------------------

  /** Signs in on the server (needs the network); saves the session. */
  async login(apiBase, personId, password) {
    const base = String(apiBase || this.defaultApiBase).replace(/\/+$/, '');
    const res = await this.fetch(`${base}/api/v1/auth/login`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ person_id: personId, password }) });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = new Error(i18n.reasonText(body) || `HTTP ${res.status}`);
      e.reason = body.reason;
      throw e;
    }
    const me = await this.fetch(`${base}/api/v1/auth/me`, {
      headers: { Authorization: `Bearer ${body.token}` } }).then((r) => r.json());
    const grants = (me.grants || []).filter((g) => kRoles.includes(g.role))
      .sort((a, b) => kRoles.indexOf(a.role) - kRoles.indexOf(b.role));
    const session = { api_base: base, person_id: body.person_id, token: body.token,
      expires_at: body.expires_at, grants, role: grants[0] || null, db: this.dbFor(body.person_id) };
    if (this.sync && this.sync.stop) this.sync.stop();
    this.sync = null;
    await this.openDb(session.db);
    this.session = session;
    this.files.writeJson('session.json', this.session);
    this.notePending(this.session.person_id, '', 0);  // they go up with this session
    this.setStatus({ error: null });
    await this.startSync();
    return this.session;
  }

  /** The page a person lands on for their current role. */
  homeUrl() {
    const role = this.session && this.session.role;
    return role ? kHome[role.role] : '/pages/login/index';
  }

  chooseRole(role, scopeId) {
    const g = (this.session.grants || []).find((x) => x.role === role && x.scope_id === scopeId);
    if (!g) return null;
    this.session.role = g;
    this.files.writeJson('session.json', this.session);
    return g;
  }

  /**
   * Signs out. Unsynced records are sent first when the network allows;
   * what is left stays in the person's own database, locked to them, and
   * the sign-in page says whose and how many (pendingHere). Resolves the
   * count left.
   */
  async logout() {
    let pending = 0;
    if (this.rt && this.session) {
      pending = (await this.rt.pendingCommands(10000)).count;
      if (pending && this.status.online && this.sync) {
        await Promise.race([this.syncNow(), new Promise((r) => setTimeout(r, 15000))]);
        pending = (await this.rt.pendingCommands(10000)).count;
      }
      let name = '';
      try {
        name = ((await this.context()).person || {}).name || '';
      } catch (e) { /* no directory yet */ }
      this.notePending(this.session.person_id, name, pending);
      if (this.dbName === kLegacyDbName) this.files.writeJson('legacy_db.json', { person_id: this.session.person_id });
    }
    if (this.sync && this.sync.stop) this.sync.stop();
    this.sync = null;
    const token = this.session && this.session.token;
    const base = this.apiBase();
    this.session = null;
    this.files.remove('session.json');
    if (this.rt) await this.rt.close();
    this.rt = null;
    this.ctx = null;
    this.status.pending = 0;
    this.emit();
    if (token) {
      this.fetch(`${base}/api/v1/auth/logout`, { method: 'POST',
        headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
    }
    return pending;
  }

  /** [{person_id, name, n}]: unsynced records kept on this phone, by author. */
  pendingHere() {
    const all = this.files.readJson(kPendingHere, {}) || {};
    return Object.keys(all).filter((k) => all[k] && all[k].n > 0)
      .map((k) => ({ person_id: k, name: all[k].name || '', n: all[k].n }));
  }

  notePending(personId, name, n) {
    const all = this.files.readJson(kPendingHere, {}) || {};
    if (n > 0) all[personId] = { name, n };
    else delete all[personId];
    this.files.writeJson(kPendingHere, all);
  }

  // The person's database: weige.db stays its owner's (whoever last used it
  // before per-person databases), so their unsynced records are not orphaned.
  dbFor(personId) {
    const legacy = this.files.readJson('legacy_db.json', null);
    return legacy && legacy.person_id === personId ? kLegacyDbName : personDb(personId);
  }

  /** Opens (or switches to) one person's database. */
  async openDb(name) {
    if (this.rt && this.dbName === name) return;
    if (this.rt) await this.rt.close();
    this.rt = null;
    this.rt = await offline.openWechat({ wx: this.wx, WXWebAssembly: this.WXWebAssembly,
      createModule: this.createModule, wasmPath: this.wasmPath, name });
    this.dbName = name;
    this.ctx = null;
  }

  setLang(lang) {
    const l = i18n.setLang(lang);
    this.files.writeJson('settings.json', { lang: l });
    this.emit();
    return l;
  }

  // ---- commands and queries -----------------------------------------

  /** Runs a command as the signed-in person; resolves its value once durable. */
  async dispatch(type, payload) {
    const command = { id: this.newId(), type, actor: this.session.person_id, at: Date.now(),
      payload };
    let value;
    try {
      value = await this.rt.dispatch(command);
    } catch (e) {
      if (e && e.reason === 'host.not_durable') await this.reopen();
      if (isQuotaError(e) || /maximum size of the file storage/.test(e && e.message)) {
        throw Object.assign(new StorageFullError(e), { reason: 'host.not_durable' });
      }
      throw e;
    }
    await this.refresh();
    if (this.sync && this.sync.kick) this.sync.kick();
    return value;
  }

  /** A named query as the signed-in person. */
  query(name, params = {}) {
    return this.rt.query(name, Object.assign({ actor: this.session.person_id }, params));
  }

  /** The person's places and names (directory.context), cached until a change. */
  async context() {
    if (!this.ctx) {
      const ctx = await this.query('directory.context');
      // Building names the device has no row for come from the server.
      await fillBuildingNames(ctx.households, {
        load: () => this.files.readJson('buildings.json'),
        save: (names) => this.files.writeJson('buildings.json', names),
        online: () => this.status.online,
        serverContext: () => this.serverQuery('directory.context'),
      });
      this.ctx = ctx;
    }
    return this.ctx;
  }

  /** The server's answer to a query (needs the network). */
  async serverQuery(name, params = {}) {
    const res = await this.fetch(`${this.apiBase()}/api/v1/query`, { method: 'POST',
      headers: { Authorization: `Bearer ${this.session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, params }) });
    const body = await res.json();
    if (!res.ok || !body.ok) throw new Error(body.message || `HTTP ${res.status}`);
    return body.value;
  }

  // A runtime whose host failed to persist is poisoned (memory ahead of the
  // file): close it and open the file again at its last durable commit.
  async reopen() {
    try {
      await this.rt.close();
    } catch (e) { /* already broken */ }
    this.rt = await offline.openWechat({ wx: this.wx, WXWebAssembly: this.WXWebAssembly,
      createModule: this.createModule, wasmPath: this.wasmPath, name: this.dbName });
    if (this.sync) {
      // The sync client holds the old runtime: a new one for the new.
      this.sync.stop();
      await this.startSync();
    }
  }

  // ---- sync -----------------------------------------------------------

  async startSync() {
    if (!this.session) return;
    this.sync = createSync({ offline, wx: this.wx, rt: this.rt, fetch: this.fetch,
      photos: this.photos, session: this.session,
      onState: (s) => this.setStatus(s),
      onChanged: () => this.refresh(),
    });
    if (this.sync) this.sync.start();
  }

  /** Syncs now (when online); resolves when the attempt is over. */
  syncNow() {
    if (!this.sync) return Promise.resolve(false);
    return Promise.resolve(this.sync.run ? this.sync.run() : this.sync.kick(0));
  }

  // ---- status for the pages -----------------------------------------

  async refresh() {
    this.ctx = null;
    if (this.rt) {
      try {
        const { count } = await this.rt.pendingCommands(10000);
        this.status.pending = count;
      } catch (e) { /* closed */ }
    }
    this.emit();
  }

  setStatus(patch) {
    Object.assign(this.status, patch);
    this.emit();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit() {
    for (const fn of Array.from(this.listeners)) fn(this.status);
  }

  async stop() {
    if (this.sync && this.sync.stop) this.sync.stop();
    if (this.network) this.network.stop();
    if (this.rt) await this.rt.close();
    this.rt = null;
  }
}

module.exports = { Shell, currentCycle, kHome };
