// The visiting cycle, kept once for the mini-program and the web app
// (CommonJS, as WeChat loads it; web/src/app.js imports it and esbuild
// bundles it): the month in Beijing time, "2026-11".
function currentCycle(now = Date.now()) {
  const d = new Date(now + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

module.exports = { currentCycle };
