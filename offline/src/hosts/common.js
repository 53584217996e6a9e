// What the hosts share: the table of open handles, the loops that repeat a
// partial read or write until it is whole, and the in-memory copy of a file
// that the idb and opfs hosts read from and write to.

/**
 * Handles 1, 2, ... for open files: add(value) gives the next one; get()
 * throws "bad handle" for one that is not open.
 */
export function handleTable() {
  const values = new Map();
  let next = 1;
  return {
    add(value) {
      const handle = next++;
      values.set(handle, value);
      return handle;
    },
    get(handle) {
      const value = values.get(handle);
      if (value === undefined) throw new Error(`bad handle ${handle}`);
      return value;
    },
    delete(handle) {
      values.delete(handle);
    },
    values() {
      return values.values();
    },
    clear() {
      values.clear();
    },
  };
}

// Calls step(done) for the rest of `length` bytes until all are read or a
// step reads nothing (the end of the file); returns the bytes read.
export function readAll(length, step) {
  let done = 0;
  while (done < length) {
    const n = step(done);
    if (!n) break;
    done += n;
  }
  return done;
}

// Calls step(done) for the rest of `length` bytes until all are written.
export function writeAll(length, step) {
  let done = 0;
  while (done < length) done += step(done);
}

// A file's bytes in memory: data holds at least `size` bytes, zeros past it.
export class MemFile {
  constructor(data = new Uint8Array(0), size = data.length) {
    this.data = data;
    this.size = size;
  }

  ensure(n) {
    if (n <= this.data.length) return;
    const grown = new Uint8Array(Math.max(n, this.data.length * 2, 4096));
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }

  read(dest, offset) {
    const n = Math.max(0, Math.min(dest.length, this.size - offset));
    if (n > 0) dest.set(this.data.subarray(offset, offset + n));
    return n;
  }

  // Returns where the write ends.
  write(src, offset) {
    const end = offset + src.length;
    this.ensure(end);
    if (offset > this.size) this.data.fill(0, this.size, offset);
    this.data.set(src, offset);
    if (end > this.size) this.size = end;
    return end;
  }

  resize(size) {
    if (size < this.size) this.data.fill(0, size, this.size);
    else this.ensure(size);
    this.size = size;
  }
}
