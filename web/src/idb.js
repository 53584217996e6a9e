// The app's own small IndexedDB (not the core's data): photos waiting to be
// uploaded or already fetched, rejected commands for the inbox, and the sync
// cursor. One database per signed-in person.
let dbPromise = null;
let dbName = null;

export function useDatabase(personId) {
  const name = `weige-app-${personId}`;
  if (name === dbName) return;
  dbName = name;
  dbPromise = new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('blobs');   // sha -> {blob, uploaded, at}
      db.createObjectStore('inbox');   // command id -> {id, type, code, reason, message, at}
      db.createObjectStore('kv');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, fn) {
  if (!dbPromise) throw new Error('no app database selected');
  const db = await dbPromise;
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const s = t.objectStore(store);
    let out;
    Promise.resolve(fn(s)).then((v) => { out = v; });
    t.oncomplete = () => resolve(out);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
  });
}

const req = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

export const kv = {
  get: (key) => tx('kv', 'readonly', (s) => req(s.get(key))),
  set: (key, value) => tx('kv', 'readwrite', (s) => { s.put(value, key); }),
};

export const blobs = {
  get: (sha) => tx('blobs', 'readonly', (s) => req(s.get(sha))),
  put: (sha, value) => tx('blobs', 'readwrite', (s) => { s.put(value, sha); }),
  /** Hashes of photos not yet uploaded, oldest first. */
  async waiting() {
    const all = await tx('blobs', 'readonly', (s) => req(s.getAll()));
    const keys = await tx('blobs', 'readonly', (s) => req(s.getAllKeys()));
    return keys.map((k, i) => ({ sha: k, ...all[i] })).filter((b) => !b.uploaded)
      .sort((a, b) => a.at - b.at);
  },
};

export const inbox = {
  all: async () => {
    const rows = await tx('inbox', 'readonly', (s) => req(s.getAll()));
    return rows.sort((a, b) => b.at - a.at);
  },
  put: (row) => tx('inbox', 'readwrite', (s) => { s.put(row, row.id); }),
  remove: (id) => tx('inbox', 'readwrite', (s) => { s.delete(id); }),
};
