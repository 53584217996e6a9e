// A test host that can lose power. Files live in memory, each as the bytes
// written so far and the bytes the last successful sync made durable (what a
// phone's flash holds). cut() is the power cut: every write since each
// file's last sync is thrown away, and every later call fails, as the dead
// process's would; the next boot (a new host over the same disk) sees only
// durable bytes. cutAfter(n) cuts at the n-th write, truncate or sync from
// now: in the middle of whatever the VFS is doing.
import crypto from 'node:crypto';
import { MemFile, handleTable } from '../../../offline/src/hosts/common.js';

const copy = (f) => new MemFile(f.data.slice(0, f.size), f.size);

/** The storage that outlives a power cut: name -> durable MemFile. */
export function createDisk() {
  return new Map();
}

export function createPowerLossHost(disk) {
  const files = new Map(); // name -> {current, durable}
  for (const [name, durable] of disk) files.set(name, { current: copy(durable), durable });
  const handles = handleTable(); // handle -> name
  let dead = false;
  let countdown = Infinity;
  const stats = { syncs: 0, cutDuring: null };

  const alive = (what) => {
    if (dead) throw new Error(`power is off (${what})`);
    if (--countdown <= 0) {
      host.cut(what);
      throw new Error(`power cut during ${what}`);
    }
  };
  const file = (handle) => files.get(handles.get(handle));

  const host = {
    stats,
    cut(during = 'idle') {
      if (dead) return;
      dead = true;
      stats.cutDuring = during;
      for (const f of files.values()) f.current = copy(f.durable);
    },
    cutAfter(n) {
      countdown = n;
    },
    get dead() {
      return dead;
    },
    open(name, create) {
      if (dead) throw new Error('power is off (open)');
      if (!files.has(name)) {
        if (!create) return -1;
        const durable = new MemFile();
        files.set(name, { current: new MemFile(), durable });
        disk.set(name, durable); // a new name is durable at once (empty)
      }
      return handles.add(name);
    },
    read(handle, dest, offset) {
      if (dead) throw new Error('power is off (read)');
      return file(handle).current.read(dest, offset);
    },
    write(handle, src, offset) {
      alive('write');
      file(handle).current.write(src, offset);
    },
    truncate(handle, size) {
      alive('truncate');
      file(handle).current.resize(size);
    },
    size(handle) {
      if (dead) throw new Error('power is off (size)');
      return file(handle).current.size;
    },
    sync(handle) {
      alive('sync');
      const name = handles.get(handle);
      const f = files.get(name);
      f.durable = copy(f.current);
      disk.set(name, f.durable);
      stats.syncs++;
    },
    close(handle) {
      handles.delete(handle);
    },
    delete(name) {
      if (dead) throw new Error('power is off (delete)');
      files.delete(name);
      disk.delete(name);
    },
    exists(name) {
      return files.has(name);
    },
    random(dest) {
      crypto.randomFillSync(dest);
    },
    now() {
      return Date.now();
    },
  };
  return host;
}
