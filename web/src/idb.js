// The app's own small IndexedDB (not the core's data): photos waiting to be
// uploaded or already fetched, and a few flags. One database per signed-in
// person.
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
};
