// The network of the mini-program: every request through wx.request (the
// shell has no fetch and no XMLHttpRequest), and the network state from
// wx.getNetworkType / wx.onNetworkStatusChange plus a periodic probe.
//
// createWxFetch(wx) returns a fetch-shaped function, so a transport written
// for fetch (the sync client's) runs unchanged: it resolves {ok, status,
// headers, text(), json(), arrayBuffer()} for any HTTP answer and rejects
// with a TypeError (as fetch does) when there is no answer: offline, DNS,
// refused, or the 60 s timeout. The client's errMsg differs by platform and
// language ("request:fail timeout", "请求超时", ...), so no decision here
// depends on its text; it is kept on the error as errMsg/errno for logs.

const { utf8Encode, utf8Decode } = require('./utf8.js');

const kRequestTimeoutMs = 60000;  // the most wx.request allows, and its default
const kProbeMs = 15000;

// By tag, not instanceof: a buffer may come from another realm (the
// client's native bridge, or a test's Node side).
const isArrayBuffer = (x) => Object.prototype.toString.call(x) === '[object ArrayBuffer]';

function toArrayBuffer(body) {
  if (isArrayBuffer(body)) return body;
  if (ArrayBuffer.isView(body)) {
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  }
  return body;
}

/**
 * A fetch(url, init) over wx.request. init: {method, headers, body (string,
 * ArrayBuffer or a typed array), timeout (ms, at most 60000)}. The response
 * body is read as bytes, so text(), json() and arrayBuffer() all work.
 */
function createWxFetch(wx, { timeout = kRequestTimeoutMs } = {}) {
  return function wxFetch(url, init = {}) {
    const method = (init.method || 'GET').toUpperCase();
    const header = Object.assign({}, init.headers || {});
    return new Promise((resolve, reject) => {
      wx.request({
        url: String(url),
        method,
        header,
        data: init.body === undefined || init.body === null ? undefined : toArrayBuffer(init.body),
        timeout: Math.min(init.timeout || timeout, kRequestTimeoutMs),
        dataType: 'other',  // anything but 'json': the body is left as it came
        responseType: 'arraybuffer',
        success(res) {
          const bytes = isArrayBuffer(res.data) ? res.data
            : typeof res.data === 'string' ? res.data : new ArrayBuffer(0);
          const text = () => Promise.resolve(typeof bytes === 'string' ? bytes : utf8Decode(bytes));
          resolve({
            ok: res.statusCode >= 200 && res.statusCode < 300,
            status: res.statusCode,
            headers: {
              get: (name) => {
                const h = res.header || {};
                const key = Object.keys(h).find((k) => k.toLowerCase() === String(name).toLowerCase());
                return key === undefined ? null : h[key];
              },
            },
            text,
            json: () => text().then((s) => JSON.parse(s)),
            arrayBuffer: () => Promise.resolve(typeof bytes === 'string'
              ? utf8Encode(bytes).buffer : bytes),
          });
        },
        fail(err) {
          const e = new TypeError(`${method} ${url}: ${(err && err.errMsg) || 'request:fail'}`);
          e.errMsg = err && err.errMsg;
          e.errno = err && err.errno;
          reject(e);
        },
      });
    });
  };
}

/**
 * The network state: `online` from the shell's events, `reachable` from the
 * last probe of the server (GET `probeUrl`, any HTTP answer counts).
 * subscribe(fn) calls fn({online, reachable, cause}) on each change and when
 * a probe succeeds after a failure: the moment to sync. probeMs 0: probe
 * only when asked (probe()) and when the network comes back. stop() removes
 * the listener and the timer.
 */
function createWxNetwork(wx, { fetch, probeUrl, probeMs = kProbeMs } = {}) {
  const listeners = new Set();
  const state = { online: true, reachable: null };
  const emit = (cause) => {
    for (const fn of Array.from(listeners)) fn(Object.assign({ cause }, state));
  };
  const onStatus = (res) => {
    const online = !!(res && res.isConnected) && res.networkType !== 'none';
    if (online === state.online) return;
    state.online = online;
    if (!online) state.reachable = false;
    emit('network');
    if (online) probe();
  };
  let probing = null;
  function probe() {
    if (!fetch || !probeUrl) return Promise.resolve(state.reachable);
    if (probing) return probing;
    probing = fetch(probeUrl, { method: 'GET', timeout: 10000 }).then(() => true, () => false)
      .then((reachable) => {
        probing = null;
        const was = state.reachable;
        state.reachable = reachable;
        if (reachable && !state.online) state.online = true;  // the event was missed
        if (reachable !== was) emit('probe');
        return reachable;
      });
    return probing;
  }
  wx.getNetworkType({
    success(res) {
      const online = res.networkType !== 'none';
      if (!online) state.reachable = false;
      if (online !== state.online) {
        state.online = online;
        emit('network');
      }
    },
  });
  wx.onNetworkStatusChange(onStatus);
  const timer = probeMs > 0 ? setInterval(probe, probeMs) : null;
  return {
    get online() {
      return state.online;
    },
    get reachable() {
      return state.reachable;
    },
    probe,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop() {
      if (timer) clearInterval(timer);
      if (typeof wx.offNetworkStatusChange === 'function') wx.offNetworkStatusChange(onStatus);
      listeners.clear();
    },
  };
}

module.exports = { createWxFetch, createWxNetwork, kRequestTimeoutMs };
