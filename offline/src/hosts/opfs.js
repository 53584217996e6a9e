// The opfs host, inside a dedicated Worker: OPFS sync access handles. Every
// access-handle call costs about 1.2 ms in headless Chromium, whatever its
// size up to 64 KB (even getSize()), so the host keeps each file in memory
// and the hot path makes two calls per commit:
//   - reads and sizes come from the in-memory copy (loaded once at open);
//   - writes land in the copy and are remembered as ranges; sync() writes the
//     ranges merged (gaps under 64 KB filled from the copy) and flushes once.
// With the VFS handing over a WAL commit as one run, a commit is one write()
// plus one flush().
//
// Access handles need async calls to make, so the files SQLite may open for
// a database (it, its -wal and its -journal) are made and opened up front.
// A "deleted" journal or WAL is truncated to zero and marked absent: to
// SQLite an empty one means the same as none. One Worker owns a database:
// a Web Lock is held until shutdown (and the handles are exclusive anyway).
import { MemFile, handleTable } from './common.js';

const kGap = 64 * 1024;

class OpfsFile extends MemFile {
  constructor(access, present) {
    const disk = access.getSize();
    super(new Uint8Array(Math.max(disk, 4096)), disk);
    this.access = access;
    this.disk = disk;
    if (this.size) access.read(this.data.subarray(0, this.size), { at: 0 });
    this.present = present;
    this.ranges = [];
    this.cut = null;
  }

  flush() {
    if (this.cut !== null && this.cut < this.disk) {
      this.access.truncate(this.cut);
      this.disk = this.cut;
    }
    this.cut = null;
    const ranges = this.ranges.sort((a, b) => a[0] - b[0]);
    this.ranges = [];
    let i = 0;
    while (i < ranges.length) {
      let [a, b] = ranges[i++];
      while (i < ranges.length && ranges[i][0] <= b + kGap) b = Math.max(b, ranges[i++][1]);
      b = Math.min(b, this.size);
      if (a < b) {
        this.access.write(this.data.subarray(a, b), { at: a });
        this.disk = Math.max(this.disk, b);
      }
    }
    if (this.size > this.disk) {
      this.access.truncate(this.size);
      this.disk = this.size;
    }
    this.access.flush();
  }
}

export async function createOpfsHost({ name, directory = 'weige' }) {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(directory, { create: true });

  let release = null;
  if (navigator.locks) {
    const held = await new Promise((resolve) => {
      navigator.locks.request(`weige:${directory}/${name}`, { ifAvailable: true }, (lock) => {
        resolve(!!lock);
        return lock ? new Promise((r) => { release = r; }) : undefined;
      });
    });
    if (!held) throw new Error(`${name} is open in another tab or worker`);
  }

  const existing = new Set();
  for await (const key of dir.keys()) existing.add(key);
  const files = new Map();
  try {
    for (const n of [name, `${name}-wal`, `${name}-journal`]) {
      const fh = await dir.getFileHandle(n, { create: true });
      files.set(n, new OpfsFile(await fh.createSyncAccessHandle(), existing.has(n)));
    }
  } catch (e) {
    for (const f of files.values()) f.access.close();
    if (release) release();
    throw e;
  }
  const handles = handleTable(); // handle -> path
  const fileOf = (handle) => {
    const f = files.get(handles.get(handle));
    if (!f) throw new Error(`bad handle ${handle}`);
    return f;
  };

  return {
    open(path, create) {
      const f = files.get(path);
      if (!f) throw new Error(`opfs host: no file ${path} was prepared`);
      if (!f.present && !create) return -1;
      f.present = true;
      return handles.add(path);
    },
    read(handle, dest, offset) {
      return fileOf(handle).read(dest, offset);
    },
    write(handle, src, offset) {
      const f = fileOf(handle);
      f.ranges.push([offset, f.write(src, offset)]);
    },
    truncate(handle, size) {
      const f = fileOf(handle);
      if (size < f.size) f.cut = f.cut === null ? size : Math.min(f.cut, size);
      f.resize(size);
    },
    size(handle) {
      return fileOf(handle).size;
    },
    sync(handle) {
      fileOf(handle).flush();
    },
    close(handle) {
      handles.delete(handle);
    },
    delete(path) {
      const f = files.get(path);
      if (!f || !f.present) return;
      f.present = false;
      f.resize(0);
      f.ranges = [];
      f.cut = 0;
      f.flush();
    },
    exists(path) {
      const f = files.get(path);
      return !!f && f.present;
    },
    random(dest) {
      crypto.getRandomValues(dest);
    },
    now() {
      return Date.now();
    },
    shutdown() {
      for (const f of files.values()) f.access.close();
      files.clear();
      if (release) release();
    },
  };
}
