// Sync for the page: @weige/offline's sync client (push, pull, rebase,
// photos, backoff, network detection) with the app's photo store, and a
// state shaped for the header: online, phase, pending, progress, rejections.
import { createSyncClient } from '../../offline/src/sync-client.js';
import { blobs, kv } from './idb.js';

const kPhases = { idle: 'idle', uploading: 'upload', pushing: 'push', pulling: 'pull',
  offline: 'idle', backoff: 'idle', auth: 'idle' };

export class Sync extends EventTarget {
  constructor({ rt, token, actor, base = '' }) {
    super();
    this.rt = rt;
    this.state = { online: navigator.onLine, phase: 'idle', pending: 0, pushed: 0, pulled: 0,
      rejected: 0, lastSync: 0, error: null, seeded: false, cursor: 0 };
    this.client = createSyncClient({
      rt,
      base,
      token,
      actor,
      blobs: {
        async get(sha) {
          const row = await blobs.get(sha);
          return row && !row.uploaded ? row.blob : null;
        },
        async markUploaded(sha) {
          const row = await blobs.get(sha);
          if (row) await blobs.put(sha, { ...row, uploaded: true });
        },
      },
    });
    this.client.on('progress', (p) => this.fromClient(p));
    this.client.on('synced', (counts) => {
      if (!this.state.seeded) {
        kv.set('seeded', true);
        this.set({ seeded: true });
        this.dispatchEvent(new Event('changed'));
      } else if (counts.pulled || counts.rejected) {
        this.dispatchEvent(new Event('changed'));
      }
    });
    this.client.on('rejection', (list) => this.set({ rejected: list.length }));
    this.client.on('auth', () => this.dispatchEvent(new Event('auth')));
  }

  fromClient(p) {
    this.set({
      online: p.online,
      phase: kPhases[p.state] || 'idle',
      pending: p.pending,
      pushed: p.pushed,
      pulled: p.pulled,
      rejected: p.rejections,
      cursor: p.cursor,
      lastSync: p.lastSync || this.state.lastSync,
      error: p.state === 'backoff' || p.state === 'auth' ? (p.error || p.state) : null,
    });
  }

  async start() {
    const st = await this.rt.syncState();
    this.state.seeded = !!(await kv.get('seeded')) || st.cursor > 0;
    this.state.pending = st.pending;
    this.state.rejected = st.rejected;
    this.state.cursor = st.cursor;
    this.client.start();
  }

  stop() {
    this.client.stop();
  }

  set(patch) {
    Object.assign(this.state, patch);
    this.dispatchEvent(new Event('state'));
  }

  /** Asks for a sync soon; after a command, shows the new pending count at once. */
  kick(delay = 200) {
    this.client.kick(delay);
    this.rt.syncState().then((st) => this.set({ pending: st.pending }), () => {});
  }

  /** One round now; resolves when it is done (errors are in the state). */
  run() {
    return this.client.sync().catch(() => {});
  }
}
