// A STAND-IN for the WeChat client, not the client. It extends the wasm
// suite's stand-in (tests/wasm/support/wx_standin.js: the file-system
// manager's sync calls on a temporary folder with Node's fs) with what the
// mini-program shell uses besides:
//   - file system: readFileSync, renameSync, and a storage quota: a write that
//     would grow the user-data folder past `quotaBytes` throws as the client
//     documents it, "<call>:fail the maximum size of the file storage limit
//     is exceeded" (errCode 1300202);
//   - wx.request over Node's http with the documented options (method,
//     header, data, timeout - default and most 60000 ms -, dataType,
//     responseType); with no network it fails at once; a server that does
//     not answer fails it with "request:fail timeout" (errno 5) when its
//     timeout passes (Jest's fake timers can advance it);
//   - wx.getNetworkType / wx.onNetworkStatusChange / offNetworkStatusChange,
//     driven by setOnline(bool) as a phone losing and finding its signal;
//   - wx.chooseMedia / getImageInfo / compressImage over pictures the test
//     queues (their "compression" writes new, smaller bytes to a temp file
//     and records the options it was given);
//   - wx.getLocation answering the position the test sets (setLocation),
//     in whatever `type` it is asked for (the stand-in converts nothing), and
//     failing as a refused permission does when none is set;
//   - WXWebAssembly.instantiate(path) of a .wasm or a brotli .wasm.br inside
//     the package folder, as the client accepts both;
//   - navigation and toast calls, recorded in `calls`.
// What only a real client can show: its real quota, its errMsg texts on each
// platform and language, its compressor's output, and rendering on a phone.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createWxStandIn } from '../../wasm/support/wx_standin.js';

export const kQuotaErrMsg = 'the maximum size of the file storage limit is exceeded';
export const kTimeoutErrMsg = 'request:fail timeout';
export const kOfflineErrMsg = 'request:fail net::ERR_INTERNET_DISCONNECTED';

function wxError(call, text, extra = {}) {
  const e = new Error(`${call}:fail ${text}`);
  e.errMsg = e.message;
  Object.assign(e, extra);
  return e;
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}

const toBuffer = (data) => (typeof data === 'string' ? Buffer.from(data)
  : Buffer.from(new Uint8Array(data)));

/**
 * @param {object} o
 * @param {string} o.dir a temporary folder of this client (user data, temp files)
 * @param {string} o.packageRoot the mini-program package (for WXWebAssembly)
 * @param {number} [o.quotaBytes] the user-data folder's limit
 */
export function createWxClient({ dir, packageRoot, quotaBytes = 200 * 1024 * 1024 }) {
  const userDataPath = path.join(dir, 'usr');
  const tempDir = path.join(dir, 'tmp');
  fs.mkdirSync(tempDir, { recursive: true });
  const base = createWxStandIn({ userDataPath, packageRoot });
  const manager = base.wx.getFileSystemManager();
  const calls = [];
  const state = { online: true, quotaBytes, tempN: 0 };
  const images = [];
  const imageInfo = new Map();
  let position = null;

  // ---- file system: quota on every write, two more sync calls ----
  const overQuota = (growth) => growth > 0 && folderBytes(userDataPath) + growth > state.quotaBytes;
  const { writeSync, writeFileSync } = manager;
  manager.writeSync = (o) => {
    const data = o.data;
    const n = typeof data === 'string' ? Buffer.byteLength(data)
      : (o.length === undefined ? data.byteLength - (o.offset || 0) : o.length);
    const size = fs.fstatSync(o.fd).size;
    const end = (o.position === undefined ? size : o.position) + n;
    if (overQuota(end - size)) throw wxError('writeSync', kQuotaErrMsg, { errCode: 1300202 });
    return writeSync(o);
  };
  manager.writeFileSync = (p, data, encoding) => {
    const old = fs.existsSync(p) ? fs.statSync(p).size : 0;
    if (p.startsWith(userDataPath) && overQuota(toBuffer(data).length - old)) {
      throw wxError('writeFileSync', kQuotaErrMsg, { errCode: 1300202 });
    }
    if (typeof data === 'string' && encoding && encoding !== 'utf8' && encoding !== 'utf-8') {
      throw wxError('writeFileSync', `unsupported encoding ${encoding} in the stand-in`);
    }
    return writeFileSync(p, data);
  };
  manager.readFileSync = (p, encoding) => {
    try {
      const b = fs.readFileSync(p);
      if (encoding) return b.toString(encoding === 'utf-8' ? 'utf8' : encoding);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    } catch (e) {
      throw wxError('readFileSync', e.code === 'ENOENT' ? `no such file or directory ${p}` : e.message);
    }
  };
  manager.renameSync = (from, to) => {
    try {
      fs.renameSync(from, to);
    } catch (e) {
      throw wxError('renameSync', e.code === 'ENOENT' ? `no such file or directory ${from}` : e.message);
    }
  };

  // ---- network ----
  const networkListeners = new Set();
  function request(o) {
    const method = (o.method || 'GET').toUpperCase();
    const timeout = Math.min(o.timeout || 60000, 60000);
    let done = false;
    let req = null;
    const finish = (fn, arg) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (fn) fn(arg);
      if (o.complete) o.complete(arg);
    };
    const fail = (errMsg, errno) => finish(o.fail, errno === undefined ? { errMsg } : { errMsg, errno });
    calls.push({ api: 'request', method, url: o.url, timeout: o.timeout });
    const timer = setTimeout(() => {
      if (req) req.destroy();
      fail(kTimeoutErrMsg, 5);
    }, timeout);
    if (!state.online) {
      Promise.resolve().then(() => fail(kOfflineErrMsg));
      return { abort() {} };
    }
    let body = o.data;
    const header = Object.assign({}, o.header || {});
    if (body !== undefined && body !== null && typeof body === 'object'
      && Object.prototype.toString.call(body) !== '[object ArrayBuffer]') {
      body = JSON.stringify(body);
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) {
        header['content-type'] = 'application/json';
      }
    }
    const payload = body === undefined || body === null ? null : toBuffer(body);
    try {
      req = http.request(o.url, { method, headers: header, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          let data;
          if (o.responseType === 'arraybuffer') {
            data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
          } else {
            data = all.toString('utf8');
            if ((o.dataType || 'json') === 'json') {
              try {
                data = JSON.parse(data);
              } catch (e) { /* left as text, as the client does */ }
            }
          }
          finish(o.success, { data, statusCode: res.statusCode, header: res.headers,
            errMsg: 'request:ok' });
        });
        res.on('error', (e) => fail(`request:fail ${e.message}`));
      });
      req.on('error', (e) => fail(`request:fail ${e.code || e.message}`));
      if (payload) req.write(payload);
      req.end();
    } catch (e) {
      Promise.resolve().then(() => fail(`request:fail ${e.message}`));
    }
    return { abort() {
      if (req) req.destroy();
      fail('request:fail abort');
    } };
  }

  // ---- media ----
  function tempFile(bytes, ext = 'jpg') {
    const p = path.join(tempDir, `tmp_${++state.tempN}.${ext}`);
    fs.writeFileSync(p, bytes);
    return p;
  }
  const asyncApi = (name, fn) => (o = {}) => {
    calls.push({ api: name, options: Object.fromEntries(Object.entries(o)
      .filter(([, v]) => typeof v !== 'function')) });
    Promise.resolve().then(() => {
      let res;
      try {
        res = fn(o);
      } catch (e) {
        const err = { errMsg: `${name}:fail ${e.message}` };
        if (o.fail) o.fail(err);
        if (o.complete) o.complete(err);
        return;
      }
      res.errMsg = `${name}:ok`;
      if (o.success) o.success(res);
      if (o.complete) o.complete(res);
    });
  };

  const wx = Object.assign(base.wx, {
    request,
    getNetworkType: asyncApi('getNetworkType', () => ({ networkType: state.online ? 'wifi' : 'none' })),
    onNetworkStatusChange: (fn) => networkListeners.add(fn),
    offNetworkStatusChange: (fn) => networkListeners.delete(fn),
    chooseMedia: asyncApi('chooseMedia', (o) => {
      if (!images.length) throw new Error('cancel');
      const picked = images.splice(0, o.count || 9);
      return { type: 'image', tempFiles: picked.map(({ bytes, width, height }) => {
        const p = tempFile(bytes);
        imageInfo.set(p, { width, height });
        return { tempFilePath: p, size: bytes.length, fileType: 'image' };
      }) };
    }),
    getImageInfo: asyncApi('getImageInfo', ({ src }) => {
      const info = imageInfo.get(src);
      if (!info) throw new Error('invalid image');
      return Object.assign({ path: src, type: 'jpeg', orientation: 'up' }, info);
    }),
    // Deterministic "compression": a header naming the options and every
    // fourth byte of the source, so the result is smaller and differs from it.
    compressImage: asyncApi('compressImage', ({ src, quality = 80, compressedWidth, compressedHeight }) => {
      const bytes = fs.readFileSync(src);
      const head = Buffer.from(`JPEG q=${quality} w=${compressedWidth || ''} h=${compressedHeight || ''};`);
      const body = Buffer.from(bytes.filter((b, i) => i % 4 === 0));
      const p = tempFile(Buffer.concat([head, body]));
      const info = imageInfo.get(src) || { width: 0, height: 0 };
      const scale = compressedWidth ? compressedWidth / info.width
        : compressedHeight ? compressedHeight / info.height : 1;
      imageInfo.set(p, { width: Math.round(info.width * scale), height: Math.round(info.height * scale) });
      return { tempFilePath: p };
    }),
    getLocation: asyncApi('getLocation', () => {
      if (!position) throw new Error('auth deny');
      return Object.assign({ speed: -1, altitude: 0, verticalAccuracy: 0 }, position,
        { horizontalAccuracy: position.accuracy });
    }),
    showToast: (o) => calls.push({ api: 'showToast', title: o.title, icon: o.icon }),
    showModal: (o) => {
      calls.push({ api: 'showModal', title: o.title, content: o.content });
      if (o.success) o.success({ confirm: true, cancel: false });
    },
    navigateTo: (o) => calls.push({ api: 'navigateTo', url: o.url }),
    pageScrollTo: (o) => calls.push({ api: 'pageScrollTo', selector: o.selector }),
    redirectTo: (o) => calls.push({ api: 'redirectTo', url: o.url }),
    reLaunch: (o) => calls.push({ api: 'reLaunch', url: o.url }),
    navigateBack: (o = {}) => calls.push({ api: 'navigateBack', delta: o.delta || 1 }),
    stopPullDownRefresh: () => calls.push({ api: 'stopPullDownRefresh' }),
  });

  const WXWebAssembly = {
    async instantiate(wasmPath, imports) {
      let bytes = fs.readFileSync(path.join(packageRoot, wasmPath));
      if (wasmPath.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
      return WebAssembly.instantiate(bytes, imports);
    },
    RuntimeError: WebAssembly.RuntimeError,
  };

  return {
    wx,
    WXWebAssembly,
    calls,
    userDataPath,
    /** The phone loses or finds its network; listeners hear it as the client tells them. */
    setOnline(online) {
      if (state.online === online) return;
      state.online = online;
      for (const fn of Array.from(networkListeners)) {
        fn({ isConnected: online, networkType: online ? 'wifi' : 'none' });
      }
    },
    get online() {
      return state.online;
    },
    setQuota(bytes) {
      state.quotaBytes = bytes;
    },
    usedBytes: () => folderBytes(userDataPath),
    /** Pictures the next chooseMedia returns (the person "takes" them). */
    queueImage(bytes, { width = 4032, height = 3024 } = {}) {
      images.push({ bytes: Buffer.from(bytes), width, height });
    },
    /** The fix the next wx.getLocation answers ({latitude, longitude, accuracy}); null refuses. */
    setLocation(pos) {
      position = pos ? Object.assign({ accuracy: 10 }, pos) : null;
    },
    callsOf: (api) => calls.filter((c) => c.api === api),
  };
}
