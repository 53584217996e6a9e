// The mini-program: one Shell (lib/shell.js) holding the Weige runtime, the
// session and sync. Pages wait for `ready` before their first query.
const { Shell } = require('./lib/shell.js');
const createModule = require('./vendor/weige.js');
const config = require('./config.js');

App({
  onLaunch() {
    this.shell = new Shell({ wx, WXWebAssembly, createModule, apiBase: config.apiBase });
    this.ready = this.shell.start();
    this.ready.catch((e) => {
      this.startError = e;
      console.error('[weige] start failed', e);
    });
  },
  onShow() {
    if (this.shell && this.shell.network) this.shell.network.probe();
  },
});
