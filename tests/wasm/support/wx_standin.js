// A STAND-IN for the WeChat client, not the client: a `wx` object whose
// getFileSystemManager() implements the sync calls the wechat host uses
// (accessSync, mkdirSync, writeFileSync, openSync, readSync, writeSync,
// ftruncateSync, fstatSync, closeSync, unlinkSync) on a temporary folder with
// Node's fs, with WeChat's call shapes (one object argument, errors thrown
// as "<call>:fail ..."), and a WXWebAssembly whose instantiate(path, imports)
// loads a .wasm from a path inside the "code package" folder. It has no
// fsync, as the real API has none.
//
// The WeChat glue itself is evaluated in a vm context with code generation
// from strings disabled (no eval / new Function, as in the shell) and no
// WebAssembly global (the shell has only WXWebAssembly).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

// Realm-independent (Jest runs tests in a vm context of its own).
const isArrayBuffer = (x) => Object.prototype.toString.call(x) === '[object ArrayBuffer]';

function fail(call, e) {
  const err = new Error(`${call}:fail ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  err.errMsg = err.message;
  return err;
}

export function createWxStandIn({ userDataPath, packageRoot }) {
  fs.mkdirSync(userDataPath, { recursive: true });
  const wrap = (call, fn) => (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      throw fail(call, e);
    }
  };
  const manager = {
    accessSync: wrap('accessSync', (p) => {
      fs.accessSync(p);
    }),
    mkdirSync: wrap('mkdirSync', (p, recursive) => {
      fs.mkdirSync(p, { recursive: !!recursive });
    }),
    writeFileSync: wrap('writeFileSync', (p, data) => {
      fs.writeFileSync(p, typeof data === 'string' ? data : new Uint8Array(data));
    }),
    openSync: wrap('openSync', ({ filePath, flag = 'r' }) => fs.openSync(filePath, flag)),
    readSync: wrap('readSync', ({ fd, arrayBuffer, offset = 0, length, position }) => {
      if (!isArrayBuffer(arrayBuffer)) throw new Error('arrayBuffer must be an ArrayBuffer');
      const n = length === undefined ? arrayBuffer.byteLength - offset : length;
      return { bytesRead: fs.readSync(fd, new Uint8Array(arrayBuffer, offset, n), 0, n,
        position === undefined ? null : position) };
    }),
    writeSync: wrap('writeSync', ({ fd, data, offset = 0, length, position }) => {
      if (typeof data === 'string') return { bytesWritten: fs.writeSync(fd, data, position) };
      if (!isArrayBuffer(data)) throw new Error('data must be a string or ArrayBuffer');
      const n = length === undefined ? data.byteLength - offset : length;
      return { bytesWritten: fs.writeSync(fd, new Uint8Array(data, offset, n), 0, n,
        position === undefined ? null : position) };
    }),
    ftruncateSync: wrap('ftruncateSync', ({ fd, length }) => {
      fs.ftruncateSync(fd, length);
    }),
    fstatSync: wrap('fstatSync', ({ fd }) => ({ stats: { size: fs.fstatSync(fd).size } })),
    closeSync: wrap('closeSync', ({ fd }) => {
      fs.closeSync(fd);
    }),
    unlinkSync: wrap('unlinkSync', (p) => {
      fs.unlinkSync(p);
    }),
  };
  const wx = {
    env: { USER_DATA_PATH: userDataPath },
    getFileSystemManager: () => manager,
  };
  const WXWebAssembly = {
    async instantiate(wasmPath, imports) {
      const bytes = fs.readFileSync(path.join(packageRoot, wasmPath));
      return WebAssembly.instantiate(bytes, imports);
    },
    RuntimeError: WebAssembly.RuntimeError,
  };
  return { wx, WXWebAssembly };
}

/** Evaluates the CommonJS glue as the shell would: no eval, no WebAssembly. */
export function loadWechatGlue(gluePath, WXWebAssembly) {
  const context = vm.createContext({ console, setTimeout, clearTimeout, WXWebAssembly },
    { codeGeneration: { strings: false, wasm: true } });
  vm.runInContext('delete globalThis.WebAssembly;', context);
  const module = { exports: {} };
  context.module = module;
  context.exports = module.exports;
  vm.runInContext(fs.readFileSync(gluePath, 'utf8'), context, { filename: gluePath });
  return module.exports;
}
