// The floor a durable commit on OPFS cannot beat: one bare 4 KB write at a
// fixed offset plus one flush on a sync access handle, timed n times.
self.onmessage = async ({ data: { n } }) => {
  try {
    const root = await navigator.storage.getDirectory();
    const fh = await root.getFileHandle('weige-floor.bin', { create: true });
    const access = await fh.createSyncAccessHandle();
    const page = new Uint8Array(4096).fill(7);
    const times = [];
    for (let i = 0; i < n; ++i) {
      const t0 = performance.now();
      access.write(page, { at: (i % 16) * 4096 });
      access.flush();
      times.push(performance.now() - t0);
    }
    access.close();
    await root.removeEntry('weige-floor.bin');
    self.postMessage({ times });
  } catch (e) {
    self.postMessage({ error: String(e && e.message || e) });
  }
};
