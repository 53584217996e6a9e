// The node host: fs sync calls, fsyncSync for durability. A file's creation
// and deletion also sync its folder, so a new WAL's directory entry survives a
// power cut along with the commits in it.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { handleTable, readAll, writeAll } from './common.js';

export function createNodeHost({ dir }) {
  fs.mkdirSync(dir, { recursive: true });
  const fds = handleTable(); // handle -> fd

  const syncDir = () => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  };
  const fdOf = (handle) => fds.get(handle);

  return {
    open(name, create) {
      const full = path.join(dir, name);
      let fd;
      try {
        fd = fs.openSync(full, 'r+');
      } catch (e) {
        if (e.code !== 'ENOENT' || !create) return -1;
        fd = fs.openSync(full, 'w+');
        syncDir();
      }
      return fds.add(fd);
    },
    read(handle, dest, offset) {
      const fd = fdOf(handle);
      return readAll(dest.length,
        (done) => fs.readSync(fd, dest, done, dest.length - done, offset + done));
    },
    write(handle, src, offset) {
      const fd = fdOf(handle);
      writeAll(src.length,
        (done) => fs.writeSync(fd, src, done, src.length - done, offset + done));
    },
    truncate(handle, size) {
      fs.ftruncateSync(fdOf(handle), size);
    },
    size(handle) {
      return fs.fstatSync(fdOf(handle)).size;
    },
    sync(handle) {
      fs.fsyncSync(fdOf(handle));
    },
    close(handle) {
      const fd = fdOf(handle);
      fds.delete(handle);
      fs.closeSync(fd);
    },
    delete(name) {
      try {
        fs.unlinkSync(path.join(dir, name));
      } catch (e) {
        if (e.code === 'ENOENT') return;
        throw e;
      }
      syncDir();
    },
    exists(name) {
      return fs.existsSync(path.join(dir, name));
    },
    random(dest) {
      crypto.randomFillSync(dest);
    },
    now() {
      return Date.now();
    },
    shutdown() {
      for (const fd of fds.values()) fs.closeSync(fd);
      fds.clear();
    },
  };
}
