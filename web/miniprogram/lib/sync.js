// Wires the offline package's sync client (offline/src/sync-client.js,
// bundled into vendor/weige-offline.js) to the mini-program:
//   transport  wx.request through net.js's createWxFetch (60 s timeout; no
//              answer -> the client's NetworkError, so it backs off)
//   network    the client listens to wx.onNetworkStatusChange itself (it is
//              handed this shell's wx) and probes /healthz
//   photos     the file store (photos.js): it hands over the bytes of photos
//              not yet uploaded and is told when one is
//   token      the session's
// Returns null when the build has no sync client: the pages then work
// offline and show what waits to be sent.

const kTimeoutMs = 60000;

/** The sync client's transport ({method, url, headers, body, timeoutMs} -> {status, text}) over wx.request. */
function wxRequestTransport(fetch, NetworkError) {
  return async ({ method, url, headers, body, timeoutMs }) => {
    let res;
    try {
      res = await fetch(url, { method, headers, body, timeout: timeoutMs || kTimeoutMs });
    } catch (e) {
      const err = new NetworkError(e && e.message);
      err.errMsg = e && e.errMsg;
      throw err;
    }
    return { status: res.status, text: await res.text() };
  };
}

function createSync({ offline, wx, rt, fetch, photos, session, onState, onChanged }) {
  if (typeof offline.createSyncClient !== 'function') return null;
  const client = offline.createSyncClient({
    rt,
    wx,
    base: session.api_base,
    token: () => session.token,
    actor: session.person_id,
    transport: wxRequestTransport(fetch, offline.NetworkError),
    timeoutMs: kTimeoutMs,
    blobs: {
      get: (sha) => (photos.waiting().some((p) => p.sha === sha) ? photos.read(sha) : null),
      markUploaded: (sha) => photos.markUploaded(sha),
    },
  });
  const phase = { pushing: 'push', pulling: 'pull', uploading: 'upload' };
  client.on('progress', (p) => onState({ online: p.online, pending: p.pending,
    rejected: p.rejections, phase: phase[p.state] || 'idle',
    error: p.state === 'auth' ? 'auth' : p.error,
    syncState: p.state }));
  client.on('synced', (counts) => {
    if (counts.pulled || counts.rejected) onChanged();
  });
  return {
    client,
    start: () => client.start(),
    stop: () => client.stop(),
    kick: (ms = 300) => client.kick(ms),
    run: () => client.sync().then(() => true, () => false),
    setRuntime: () => {},
  };
}

module.exports = { createSync, wxRequestTransport };
