// The host imports of core/store/host_vfs.c. Each forwards to the adapter the
// offline package passes in as Module.weigeHost (node, opfs, idb, wechat; see
// offline/src/hosts/). A host that throws gives the VFS a negative number
// (SQLite then reports an I/O error); the error is kept in
// Module.weigeHostError for the message. Views into HEAPU8 are made at call
// time, since memory growth replaces the buffer.
mergeInto(LibraryManager.library, {
  $weigeHostFail: function(e) {
    Module['weigeHostError'] = String(e && e.message || e);
    return -1;
  },
  weige_host_open__deps: ['$weigeHostFail'],
  weige_host_open: function(path, create) {
    try {
      return Module['weigeHost']['open'](UTF8ToString(path), create !== 0);
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_read__deps: ['$weigeHostFail'],
  weige_host_read: function(handle, buf, n, offset) {
    try {
      return Module['weigeHost']['read'](handle, HEAPU8.subarray(buf, buf + n), offset);
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_write__deps: ['$weigeHostFail'],
  weige_host_write: function(handle, buf, n, offset) {
    try {
      Module['weigeHost']['write'](handle, HEAPU8.subarray(buf, buf + n), offset);
      return 0;
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_truncate__deps: ['$weigeHostFail'],
  weige_host_truncate: function(handle, size) {
    try {
      Module['weigeHost']['truncate'](handle, size);
      return 0;
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_size__deps: ['$weigeHostFail'],
  weige_host_size: function(handle) {
    try {
      return Module['weigeHost']['size'](handle);
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_sync__deps: ['$weigeHostFail'],
  weige_host_sync: function(handle) {
    try {
      Module['weigeHost']['sync'](handle);
      return 0;
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_close__deps: ['$weigeHostFail'],
  weige_host_close: function(handle) {
    try {
      Module['weigeHost']['close'](handle);
      return 0;
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_delete__deps: ['$weigeHostFail'],
  weige_host_delete: function(path) {
    try {
      Module['weigeHost']['delete'](UTF8ToString(path));
      return 0;
    } catch (e) {
      return weigeHostFail(e);
    }
  },
  weige_host_access__deps: ['$weigeHostFail'],
  weige_host_access: function(path) {
    try {
      return Module['weigeHost']['exists'](UTF8ToString(path)) ? 1 : 0;
    } catch (e) {
      weigeHostFail(e);
      return 0;
    }
  },
  weige_host_random: function(buf, n) {
    Module['weigeHost']['random'](HEAPU8.subarray(buf, buf + n));
  },
  weige_host_time_ms: function() {
    return Module['weigeHost']['now']();
  },
});
