// Sync on reconnect, for the page: photos first, then the pending commands
// oldest first, then the server's changes in the person's scope. Runs when
// the network comes back (online events and a periodic probe), after each
// command, and on demand; backs off with jitter on failure; reports progress
// as a 'state' event. Interrupting it at any point is safe: the server
// answers a re-pushed command as before, photos are content-addressed, and a
// pull page is applied atomically.
import { blobs, inbox, kv } from './idb.js';

const kPushBatch = 100;
const kPullLimit = 1000;
const kProbeMs = 15000;
const kMaxBackoffMs = 60000;

export class AuthError extends Error {}

export class Sync extends EventTarget {
  constructor({ rt, token, base = '' }) {
    super();
    this.rt = rt;
    this.token = token;
    this.base = base;
    this.state = { online: navigator.onLine, phase: 'idle', pending: 0, done: 0, total: 0,
      pulled: 0, rejected: 0, lastSync: 0, error: null, seeded: false };
    this.running = null;
    this.again = false;
    this.failures = 0;
    this.timer = null;
    this.kickTimer = null;
  }

  async start() {
    this.state.lastSync = (await kv.get('lastSync')) || 0;
    this.state.seeded = !!(await kv.get('seeded'));
    this.state.rejected = (await inbox.all()).length;
    await this.countPending();
    this.onOnline = () => { this.set({ online: true }); this.kick(0); };
    this.onOffline = () => this.set({ online: false });
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.probe = setInterval(() => this.kick(0), kProbeMs);
    this.kick(0);
  }

  stop() {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearInterval(this.probe);
    clearTimeout(this.timer);
    clearTimeout(this.kickTimer);
  }

  set(patch) {
    Object.assign(this.state, patch);
    this.dispatchEvent(new Event('state'));
  }

  async countPending() {
    try {
      const { count } = await this.rt.pendingCommands(10000);
      this.set({ pending: count });
    } catch (e) { /* closed runtime */ }
  }

  /** Asks for a sync soon (debounced); the network decides whether it runs. */
  kick(delay = 300) {
    clearTimeout(this.kickTimer);
    this.kickTimer = setTimeout(() => this.run(), delay);
    this.countPending();
  }

  /** One full sync; resolves when done (or failed). */
  run() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.once();
      } while (this.again);
    })().finally(() => { this.running = null; });
    return this.running;
  }

  async once() {
    if (!navigator.onLine) {
      this.set({ online: false, phase: 'idle' });
      return;
    }
    try {
      await this.uploadPhotos();
      const rejected = await this.push();
      const pulled = await this.pull();
      await kv.set('lastSync', Date.now());
      this.failures = 0;
      await this.countPending();
      this.set({ online: true, phase: 'idle', error: null, lastSync: Date.now() });
      if (rejected || pulled) this.dispatchEvent(new Event('changed'));
    } catch (e) {
      if (e instanceof AuthError) {
        this.set({ phase: 'idle', error: 'auth' });
        this.dispatchEvent(new Event('auth'));
        return;
      }
      this.failures++;
      const network = e instanceof TypeError;
      this.set({ online: network ? false : this.state.online, phase: 'idle',
        error: String(e && e.message || e) });
      const backoff = Math.min(kMaxBackoffMs, 1000 * 2 ** Math.min(this.failures, 6));
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), backoff / 2 + Math.random() * backoff / 2);
    }
  }

  async api(method, path, body, headers = {}) {
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...headers },
      body,
      cache: 'no-store',
    });
    if (res.status === 401) throw new AuthError('unauthenticated');
    return res;
  }

  async uploadPhotos() {
    const waiting = await blobs.waiting();
    if (!waiting.length) return;
    this.set({ phase: 'upload', done: 0, total: waiting.length });
    let done = 0;
    for (const b of waiting) {
      const res = await this.api('PUT', `/api/v1/blobs/${b.sha}`, b.blob,
        { 'Content-Type': 'application/octet-stream' });
      if (!res.ok && res.status !== 409) {
        const err = await res.json().catch(() => ({}));
        throw new Error(`photo upload: ${res.status} ${err.reason || ''}`);
      }
      await blobs.put(b.sha, { ...b, uploaded: true });
      this.set({ done: ++done });
    }
  }

  /** Pushes pending commands; returns how many were rejected. */
  async push() {
    let rejected = 0;
    let done = 0;
    for (;;) {
      const { commands, count } = await this.rt.pendingCommands(kPushBatch);
      if (!count) break;
      const total = done + (await this.rt.pendingCommands(10000)).count;
      this.set({ phase: 'push', done, total, pending: total - done });
      const res = await this.api('POST', '/api/v1/sync/push', JSON.stringify({ commands }),
        { 'Content-Type': 'application/json' });
      const body = await res.json();
      if (!res.ok) throw new Error(`push: ${res.status} ${body.reason || ''}`);
      let progressed = false;
      for (let i = 0; i < body.results.length; ++i) {
        const answer = body.results[i];
        const cmd = commands[i];
        if (answer.status === 'accepted') {
          await this.rt.settleCommand(answer.id, true, String(answer.seq ?? ''));
          progressed = true;
        } else if (answer.status === 'rejected') {
          await this.rt.settleCommand(answer.id, false, JSON.stringify(
            { code: answer.code, reason: answer.reason, message: answer.message }));
          await inbox.put({ id: answer.id, type: cmd && cmd.type, payload: cmd && cmd.payload,
            code: answer.code, reason: answer.reason, message: answer.message, at: Date.now() });
          rejected++;
          progressed = true;
        } else {
          break;  // retry: keep order, try again later
        }
        this.set({ done: ++done, pending: Math.max(0, this.state.pending - 1) });
      }
      if (!progressed) throw new Error('push: the server asked to retry');
    }
    if (rejected) this.set({ rejected: (await inbox.all()).length });
    return rejected;
  }

  /** Pulls the server's changes after the cursor; returns how many applied. */
  async pull() {
    if (typeof this.rt.applyPull !== 'function') return 0;
    let cursor = (await kv.get('cursor')) || 0;
    let applied = 0;
    this.set({ phase: 'pull', pulled: 0 });
    for (;;) {
      const res = await this.api('GET', `/api/v1/sync/pull?cursor=${cursor}&limit=${kPullLimit}`);
      const text = await res.text();
      if (!res.ok) {
        const err = JSON.parse(text || '{}');
        if (err.reason === 'sync.cursor_ahead') {
          cursor = 0;
          continue;
        }
        throw new Error(`pull: ${res.status} ${err.reason || ''}`);
      }
      const outcome = await this.rt.applyPull(text);
      const page = outcome && outcome.next_cursor !== undefined ? outcome : JSON.parse(text);
      applied += (outcome && outcome.applied) ?? (page.changes ? page.changes.length : 0);
      cursor = page.next_cursor;
      await kv.set('cursor', cursor);
      this.set({ pulled: applied });
      if (!page.has_more) break;
    }
    if (!this.state.seeded) {
      await kv.set('seeded', true);
      this.set({ seeded: true });
    }
    return applied;
  }
}
