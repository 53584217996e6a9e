// Sync on reconnect: the device's half of DESIGN.md §6 over HTTP. The rules
// live in the core (core/sync/device.h); this file only moves bytes:
//
//   push  the pending commands, oldest first, in batches; before each batch
//         the photos its commands cite (PUT /api/v1/blobs/{sha256}); the
//         server's answers go to rt.settlePush.
//   pull  pages after the stored cursor until has_more is false, each handed
//         to rt.applyPage (atomic: the page, then the rebase of what is still
//         pending). A digest mismatch (resync) starts over from cursor 0.
//
// Safe to interrupt anywhere: a re-pushed command gets the answer it got
// before, a photo is stored once by its hash, a page is applied atomically
// and a page applied twice changes nothing.
//
// It notices the network coming back (the browser's online events,
// wx.onNetworkStatusChange where `wx` exists, and a periodic probe of
// /healthz), backs off with jitter after a failure, and reports progress:
//
//   const client = createSyncClient({ rt, base: 'https://host', token });
//   client.on('progress', (p) => render(p));  // {pending, pushed, pulled, rejections, state, ...}
//   client.start();                           // listens, probes, syncs when it can
//   await client.sync();                      // or one round by hand
//
// The transport is injectable: fetch by default, wxTransport(wx) for WeChat,
// or any async ({method, url, headers, body, timeoutMs}) => {status, text}
// that throws NetworkError when the request never got an answer.

/** The request got no answer (no network, a drop, a timeout). */
export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** The server answered with an error status. */
export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}${body && body.reason ? ` ${body.reason}` : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.code = body && body.code;
    this.reason = body && body.reason;
  }
}

/** The transport over fetch (browsers, Workers, Node 18+). */
export function fetchTransport(fetchImpl = globalThis.fetch) {
  return async ({ method, url, headers, body, timeoutMs }) => {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl && timeoutMs ? setTimeout(() => ctrl.abort(), timeoutMs) : null;
    try {
      const res = await fetchImpl(url, { method, headers, body, cache: 'no-store',
        signal: ctrl ? ctrl.signal : undefined });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      throw new NetworkError(`${method} ${url}: ${e && e.message || e}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
}

/** The transport over wx.request (WeChat mini-programs). */
export function wxTransport(wx) {
  return ({ method, url, headers, body, timeoutMs }) => new Promise((resolve, reject) => {
    let data = body;
    if (body instanceof Uint8Array) {
      data = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
    }
    wx.request({
      url, method, header: headers, data, timeout: timeoutMs,
      dataType: 'text', responseType: 'text',
      success: (r) => resolve({ status: r.statusCode,
        text: typeof r.data === 'string' ? r.data : JSON.stringify(r.data) }),
      fail: (e) => reject(new NetworkError(`${method} ${url}: ${e && e.errMsg || e}`)),
    });
  });
}

const kSha256 = /^[0-9a-f]{64}$/;

// Every SHA-256 hex string in a command's payload: the photos it cites.
function citedPhotos(value, out = new Set()) {
  if (typeof value === 'string') {
    if (kSha256.test(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) citedPhotos(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) citedPhotos(v, out);
  }
  return out;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

const kDefaults = {
  base: '',
  batchSize: 100,      // commands per push (the server takes up to 500)
  pullLimit: 500,      // changes per page (the server's default)
  probeMs: 15000,      // the periodic probe / pull
  timeoutMs: 30000,    // per request
  backoffMs: 1000,     // first retry after a failure, doubled each time...
  maxBackoffMs: 60000, // ...up to this
  maxRounds: 1000,     // pages or batches in one sync, against a runaway server
};

export class SyncClient {
  #o;
  #rt;
  #transport;
  #listeners = new Map();
  #running = null;
  #again = false;
  #failures = 0;
  #retryTimer = null;
  #probeTimer = null;
  #started = false;
  #unlisten = [];
  #uploaded = new Set();
  #progress;

  /**
   * @param {object} options
   *   rt         the runtime (open() of this package)
   *   base       the server's origin ('' for the page's own)
   *   token      a bearer token, or a function returning one (may be async)
   *   actor      the token's person: only their pending commands are pushed
   *              (another person's wait for that person's own session)
   *   transport  see the file comment; fetchTransport() by default
   *   blobs      {get(sha) -> bytes | null, markUploaded?(sha)}: the photos
   *              this device holds and has not uploaded
   *   wx         the mini-program's wx (default: the global one, if any)
   *   random     () => [0, 1), for the jitter
   *   and the numbers of kDefaults.
   */
  constructor(options) {
    if (!options || !options.rt) throw new TypeError('createSyncClient: rt is required');
    this.#o = { ...kDefaults, ...options };
    this.#rt = options.rt;
    this.#transport = options.transport || fetchTransport();
    const nav = globalThis.navigator;
    this.#progress = { state: 'idle', online: nav && typeof nav.onLine === 'boolean' ? nav.onLine : true,
      pending: 0, pushed: 0, pulled: 0, rejections: 0, cursor: 0, lastSync: 0, error: null };
  }

  /** The last progress reported. */
  get progress() {
    return { ...this.#progress };
  }

  /** on('progress' | 'rejection' | 'auth' | 'synced', fn): returns an unsubscribe. */
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) {
    const set = this.#listeners.get(type);
    if (set) set.delete(fn);
  }

  #emit(type, value) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (e) { /* a listener's error is its own */ }
    }
  }

  #report(patch) {
    Object.assign(this.#progress, patch);
    this.#emit('progress', this.progress);
  }

  /** Listens for the network, probes periodically, and syncs now. */
  start() {
    if (this.#started) return;
    this.#started = true;
    const g = globalThis;
    if (typeof g.addEventListener === 'function') {
      const online = () => { this.#report({ online: true }); this.#failures = 0; this.kick(0); };
      const offline = () => this.#report({ online: false, state: 'offline' });
      g.addEventListener('online', online);
      g.addEventListener('offline', offline);
      this.#unlisten.push(() => {
        g.removeEventListener('online', online);
        g.removeEventListener('offline', offline);
      });
    }
    const wx = this.#o.wx || g.wx;
    if (wx && typeof wx.onNetworkStatusChange === 'function') {
      const change = ({ isConnected }) => {
        this.#report({ online: !!isConnected, state: isConnected ? this.#progress.state : 'offline' });
        if (isConnected) {
          this.#failures = 0;
          this.kick(0);
        }
      };
      wx.onNetworkStatusChange(change);
      if (typeof wx.offNetworkStatusChange === 'function') {
        this.#unlisten.push(() => wx.offNetworkStatusChange(change));
      }
    }
    this.#probeTimer = setInterval(() => this.#probe(), this.#o.probeMs);
    this.kick(0);
  }

  /** Stops listening and retrying; a sync under way finishes its current step. */
  stop() {
    this.#started = false;
    for (const u of this.#unlisten.splice(0)) u();
    clearInterval(this.#probeTimer);
    clearTimeout(this.#retryTimer);
    this.#probeTimer = this.#retryTimer = null;
  }

  /** A new token (after a sign-in) lets a sync stopped by 'auth' go on. */
  setToken(token) {
    this.#o.token = token;
    this.kick(0);
  }

  /** Asks for a sync after `delayMs` (the retry timer is replaced). */
  kick(delayMs = 0) {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.sync().catch(() => {});
    }, delayMs);
  }

  // Every probeMs: when the last attempt failed, ask /healthz first; when it
  // answers (or all is well), sync, which pulls what others changed.
  async #probe() {
    if (this.#running || this.#progress.state === 'auth') return;
    if (this.#failures > 0 || !this.#progress.online) {
      try {
        const res = await this.#transport({ method: 'GET', url: `${this.#o.base}/healthz`,
          headers: {}, timeoutMs: this.#o.timeoutMs });
        if (res.status !== 200) return;
      } catch (e) {
        return;
      }
      this.#failures = 0;
      this.#report({ online: true });
    }
    this.kick(0);
  }

  /**
   * One round: push everything pending, then pull until done. Resolves with
   * {pushed, rejected, pulled}; rejects on failure (and schedules a retry
   * with backoff when started). Calls during a round join it and run it once
   * more afterwards.
   */
  sync() {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let last;
      do {
        this.#again = false;
        last = await this.#round();
      } while (this.#again);
      return last;
    })().finally(() => { this.#running = null; });
    return this.#running;
  }

  async #round() {
    const counts = { pushed: 0, rejected: 0, pulled: 0 };
    try {
      await this.#refresh({ retryInMs: null });
      await this.#push(counts);
      await this.#pull(counts);
      this.#failures = 0;
      await this.#refresh({ state: 'idle', online: true, error: null, lastSync: Date.now() });
      this.#emit('synced', { ...counts });
      return counts;
    } catch (e) {
      this.#failed(e);
      throw e;
    }
  }

  #failed(e) {
    if (e instanceof HttpError && e.status === 401) {
      this.#report({ state: 'auth', error: e.reason || 'auth.unauthenticated' });
      this.#emit('auth', e);
      return;
    }
    this.#failures++;
    const offline = e instanceof NetworkError;
    const base = Math.min(this.#o.maxBackoffMs, this.#o.backoffMs * 2 ** Math.min(this.#failures - 1, 20));
    // Equal jitter: half fixed, half random, so a street of phones coming
    // back at once does not retry in step.
    const random = this.#o.random || Math.random;
    const delay = Math.round(base / 2 + random() * base / 2);
    this.#report({ state: offline ? 'offline' : 'backoff', online: offline ? false : this.#progress.online,
      error: String(e && e.message || e), retryInMs: this.#started ? delay : null });
    if (this.#started) this.kick(delay);
  }

  async #refresh(patch = {}) {
    const st = await this.#rt.syncState();
    this.#report({ pending: st.pending, rejections: st.rejected, cursor: st.cursor, ...patch });
    return st;
  }

  async #token() {
    const t = this.#o.token;
    return typeof t === 'function' ? t() : t;
  }

  async #request(method, path, body, headers = {}) {
    const token = await this.#token();
    const res = await this.#transport({
      method, url: this.#o.base + path, body, timeoutMs: this.#o.timeoutMs,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    });
    if (res.status < 200 || res.status >= 300) throw new HttpError(res.status, parseJson(res.text));
    return res.text;
  }

  async #uploadPhotos(commands) {
    const blobs = this.#o.blobs;
    if (!blobs) return;
    const wanted = new Set();
    for (const c of commands) citedPhotos(c && c.payload, wanted);
    for (const sha of wanted) {
      if (this.#uploaded.has(sha)) continue;
      const bytes = await blobs.get(sha);
      if (bytes == null) continue;  // not ours to upload (or uploaded long ago)
      this.#report({ state: 'uploading' });
      let body = bytes;
      if (typeof Blob === 'function' && bytes instanceof Blob) body = new Uint8Array(await bytes.arrayBuffer());
      else if (bytes instanceof ArrayBuffer) body = new Uint8Array(bytes);
      await this.#request('PUT', `/api/v1/blobs/${sha}`, body,
        { 'Content-Type': 'application/octet-stream' });
      this.#uploaded.add(sha);
      if (blobs.markUploaded) await blobs.markUploaded(sha);
    }
  }

  async #push(counts) {
    let size = this.#o.batchSize;
    for (let round = 0; round < this.#o.maxRounds; ++round) {
      const { commands, count } = await this.#rt.pendingCommands(size, this.#o.actor || '');
      if (!count) return;
      await this.#uploadPhotos(commands);
      this.#report({ state: 'pushing' });
      let text;
      try {
        text = await this.#request('POST', '/api/v1/sync/push', JSON.stringify({ commands }),
          { 'Content-Type': 'application/json' });
      } catch (e) {
        if (e instanceof HttpError && e.status === 413 && size > 1) {
          size = Math.max(1, size >> 1);  // too large a body: smaller batches
          continue;
        }
        throw e;
      }
      const settled = await this.#rt.settlePush(text);
      counts.pushed += settled.accepted;
      counts.rejected += settled.rejected;
      this.#report({ pushed: this.#progress.pushed + settled.accepted });
      if (settled.rejected) {
        const list = await this.#rt.rejections();
        this.#emit('rejection', list);
      }
      await this.#refresh();
      if (settled.retry) throw new HttpError(503, { reason: 'sync.retry' });
      if (!settled.accepted && !settled.rejected) throw new Error('sync: a push made no progress');
    }
  }

  async #pull(counts) {
    let resyncs = 0;
    for (let round = 0; round < this.#o.maxRounds; ++round) {
      const { cursor } = await this.#rt.syncState();
      this.#report({ state: 'pulling', cursor });
      let text;
      try {
        // scope=field: a device replicates what its field grants reach, never
        // an administrator's scope (the console reads online).
        text = await this.#request('GET',
          `/api/v1/sync/pull?cursor=${cursor}&limit=${this.#o.pullLimit}&scope=field`);
      } catch (e) {
        // The server's log is behind our cursor: another database. Start over.
        if (e instanceof HttpError && e.reason === 'sync.cursor_ahead' && resyncs++ < 2) {
          await this.#rt.resetSync();
          continue;
        }
        throw e;
      }
      const r = await this.#rt.applyPage(text);
      counts.pulled += r.applied + r.evicted;
      this.#report({ pulled: this.#progress.pulled + r.applied + r.evicted, cursor: r.next_cursor,
        pending: r.pending });
      if (r.rejected.length) {
        counts.rejected += r.rejected.length;
        this.#emit('rejection', await this.#rt.rejections());
      }
      if (r.resync) {
        if (resyncs++ >= 2) throw new Error('sync: the scope digest keeps disagreeing');
        continue;
      }
      if (!r.has_more) return;
    }
    throw new Error('sync: too many pages in one round');
  }
}

/** A SyncClient (see the file comment). */
export function createSyncClient(options) {
  return new SyncClient(options);
}
