// The idb host, for browsers without OPFS: the files live in memory; each
// sync writes the file's changed 4 KB chunks (and its size) to IndexedDB in
// one readwrite transaction with strict durability. Transactions on the same
// stores commit in the order they were made, so what IndexedDB holds is
// always the state as of some sync: with WAL, a whole number of commits.
// durable() resolves once every transaction made so far has completed (a
// runtime's dispatch awaits it), and rejects if one failed.
import { MemFile, handleTable } from './common.js';

const kChunk = 4096;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

class IdbFile extends MemFile {
  constructor(data, size) {
    super(data, size);
    this.dirty = new Set();
    this.truncated = false; // chunks past size must be deleted
  }
}

export async function createIdbHost({ name, indexedDB = globalThis.indexedDB,
  IDBKeyRange = globalThis.IDBKeyRange }) {
  if (!indexedDB || !IDBKeyRange) throw new Error('idb host: no IndexedDB here');
  const open = indexedDB.open(`weige:${name}`, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('chunks');
    open.result.createObjectStore('files');
  };
  const db = await request(open);

  // Load every file into memory.
  const files = new Map();
  {
    const tx = db.transaction(['files', 'chunks'], 'readonly');
    const names = await request(tx.objectStore('files').getAllKeys());
    const sizes = await request(tx.objectStore('files').getAll());
    for (let i = 0; i < names.length; ++i) {
      const size = sizes[i].size;
      const file = new IdbFile(new Uint8Array(Math.max(size, kChunk)), size);
      const range = IDBKeyRange.bound([names[i], 0], [names[i], Infinity]);
      const keys = await request(tx.objectStore('chunks').getAllKeys(range));
      const chunks = await request(tx.objectStore('chunks').getAll(range));
      for (let k = 0; k < keys.length; ++k) {
        const at = keys[k][1] * kChunk;
        if (at >= size) continue;
        const bytes = new Uint8Array(chunks[k]);
        file.data.set(bytes.subarray(0, Math.min(bytes.length, size - at)), at);
      }
      files.set(names[i], file);
    }
  }

  const handles = handleTable(); // handle -> path
  let last = Promise.resolve();
  let failure = null;

  // Queues one transaction; `fill(chunks, meta)` issues its requests.
  const persist = (fill) => {
    const tx = db.transaction(['chunks', 'files'], 'readwrite', { durability: 'strict' });
    fill(tx.objectStore('chunks'), tx.objectStore('files'));
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    });
    last = done.catch((e) => {
      failure = failure || e;
    });
  };
  const fileOf = (handle) => {
    const file = files.get(handles.get(handle));
    if (!file) throw new Error(`bad handle ${handle}`);
    return file;
  };

  return {
    open(path, create) {
      if (!files.has(path)) {
        if (!create) return -1;
        const file = new IdbFile();
        file.truncated = true; // write the (empty) size on first sync
        files.set(path, file);
      }
      return handles.add(path);
    },
    read(handle, dest, offset) {
      return fileOf(handle).read(dest, offset);
    },
    write(handle, src, offset) {
      const file = fileOf(handle);
      const end = file.write(src, offset);
      for (let c = Math.floor(offset / kChunk); c * kChunk < end; ++c) file.dirty.add(c);
    },
    truncate(handle, size) {
      const file = fileOf(handle);
      if (size < file.size) {
        if (size % kChunk) file.dirty.add(Math.floor(size / kChunk));
      } else {
        for (let c = Math.floor(file.size / kChunk); c * kChunk < size; ++c) file.dirty.add(c);
      }
      file.resize(size);
      file.truncated = true;
    },
    size(handle) {
      return fileOf(handle).size;
    },
    sync(handle) {
      const file = fileOf(handle);
      const path = handles.get(handle);
      if (file.dirty.size === 0 && !file.truncated) return;
      const puts = [];
      for (const c of file.dirty) {
        if (c * kChunk >= file.size) continue;
        puts.push([c, file.data.slice(c * kChunk, Math.min((c + 1) * kChunk, file.size)).buffer]);
      }
      const size = file.size;
      const cut = file.truncated;
      file.dirty.clear();
      file.truncated = false;
      persist((chunks, meta) => {
        meta.put({ size }, path);
        if (cut) {
          chunks.delete(IDBKeyRange.bound([path, Math.ceil(size / kChunk)],
            [path, Infinity]));
        }
        for (const [c, bytes] of puts) chunks.put(bytes, [path, c]);
      });
    },
    close(handle) {
      handles.delete(handle);
    },
    delete(path) {
      if (!files.has(path)) return;
      files.delete(path);
      persist((chunks, meta) => {
        meta.delete(path);
        chunks.delete(IDBKeyRange.bound([path, 0], [path, Infinity]));
      });
    },
    exists(path) {
      return files.has(path);
    },
    random(dest) {
      crypto.getRandomValues(dest);
    },
    now() {
      return Date.now();
    },
    async durable() {
      await last;
      if (failure) throw failure;
    },
    async shutdown() {
      await last;
      db.close();
    },
  };
}
