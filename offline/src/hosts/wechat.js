// The wechat host: wx.getFileSystemManager() sync calls on files under
// wx.env.USER_DATA_PATH, and the wasm loaded through WXWebAssembly via the
// instantiateWasm hook. Reads and writes go straight between the file and
// wasm memory (readSync/writeSync take an ArrayBuffer with offset/length).
//
// Durability: the FileSystemManager API has no fsync. sync() has nothing to
// call, so a commit is as durable as the shell's writeSync makes it: it
// survives the mini-program being killed (the bytes are in the OS), not a
// power cut before the OS writes them back.
//
// Randomness: no crypto.getRandomValues in the shell; SQLite wants random
// bytes only for WAL salts and temporary names, so Math.random serves.
import { handleTable, readAll, writeAll } from './common.js';

/**
 * The WeChat variant's factory and instantiate():
 *   createModule: the glue of dist/wechat/weige.js, as the mini-program
 *     required it (CommonJS);
 *   WXWebAssembly, wasmPath: the shell's loader and the packaged .wasm path.
 */
export function wechatModuleParts({ createModule, WXWebAssembly, wasmPath }) {
  if (typeof createModule !== 'function') throw new TypeError('wechat: createModule is required');
  const loader = WXWebAssembly || globalThis.WXWebAssembly;
  if (!loader) throw new TypeError('wechat: WXWebAssembly is required');
  return {
    factory: createModule,
    instantiate: async (imports) => {
      const out = await loader.instantiate(wasmPath, imports);
      return out.instance || out;
    },
  };
}

export function createWechatHost({ wx, directory = 'weige' }) {
  if (!wx || typeof wx.getFileSystemManager !== 'function') {
    throw new TypeError('wechat: a wx object is required');
  }
  const fs = wx.getFileSystemManager();
  const dir = `${wx.env.USER_DATA_PATH}/${directory}`;
  const fullPath = (name) => `${dir}/${name}`;
  const exists = (p) => {
    try {
      fs.accessSync(p);
      return true;
    } catch (e) {
      return false;
    }
  };
  if (!exists(dir)) fs.mkdirSync(dir, true);
  const fds = handleTable(); // handle -> fd
  const fdOf = (handle) => fds.get(handle);

  return {
    open(name, create) {
      const p = fullPath(name);
      if (!exists(p)) {
        if (!create) return -1;
        fs.writeFileSync(p, new ArrayBuffer(0));
      }
      const fd = fs.openSync({ filePath: p, flag: 'r+' });
      return fds.add(fd);
    },
    read(handle, dest, offset) {
      const fd = fdOf(handle);
      return readAll(dest.length, (done) => fs.readSync({ fd, arrayBuffer: dest.buffer,
        offset: dest.byteOffset + done, length: dest.length - done, position: offset + done,
      }).bytesRead);
    },
    write(handle, src, offset) {
      const fd = fdOf(handle);
      writeAll(src.length, (done) => {
        const { bytesWritten } = fs.writeSync({ fd, data: src.buffer,
          offset: src.byteOffset + done, length: src.length - done, position: offset + done });
        if (!bytesWritten) throw new Error('writeSync wrote nothing');
        return bytesWritten;
      });
    },
    truncate(handle, size) {
      fs.ftruncateSync({ fd: fdOf(handle), length: size });
    },
    size(handle) {
      return fs.fstatSync({ fd: fdOf(handle) }).stats.size;
    },
    sync(handle) {
      fdOf(handle); // no fsync in the FileSystemManager API (see above)
    },
    close(handle) {
      const fd = fdOf(handle);
      fds.delete(handle);
      fs.closeSync({ fd });
    },
    delete(name) {
      const p = fullPath(name);
      if (exists(p)) fs.unlinkSync(p);
    },
    exists(name) {
      return exists(fullPath(name));
    },
    random(dest) {
      for (let i = 0; i < dest.length; ++i) dest[i] = Math.floor(Math.random() * 256);
    },
    now() {
      return Date.now();
    },
    shutdown() {
      for (const fd of fds.values()) fs.closeSync({ fd });
      fds.clear();
    },
  };
}
