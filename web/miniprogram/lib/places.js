// Names of places a device has no row for. A resident's device holds their
// household but not its building's row (a building is outside a resident's
// sync scope), so directory.context on the device has no building_name; the
// name comes from the server's answer to the same query and is kept by the
// shell for starts with no signal. CommonJS, shared by the mini-program
// (lib/shell.js) and the web app (web/src/app.js, bundled by esbuild).

/**
 * Fills building_name of `households` where it is missing. io: {load()
 * -> {building_id: name} | null, save(names), online() -> bool,
 * serverContext() -> Promise of the server's directory.context}.
 */
async function fillBuildingNames(households, io) {
  const missing = (households || []).filter((h) => h.building_id && !h.building_name);
  if (!missing.length) return;
  const names = Object.assign({}, io.load() || {});
  if (missing.some((h) => !names[h.building_id]) && io.online()) {
    try {
      const server = await io.serverContext();
      for (const h of server.households || []) {
        if (h.building_id && h.building_name) names[h.building_id] = h.building_name;
      }
      io.save(names);
    } catch (e) { /* offline or refused: the form says "the household's building" */ }
  }
  for (const h of missing) h.building_name = names[h.building_id] || null;
}

module.exports = { fillBuildingNames };
