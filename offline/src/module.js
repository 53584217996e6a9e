// Instantiates the Emscripten module around a host adapter. The wasm is never
// fetched by the glue: `instantiate(imports)` (node: compiled from the file,
// browser: compileStreaming, wechat: WXWebAssembly) is given as the
// instantiateWasm hook.

const kHostCalls = ['open', 'read', 'write', 'truncate', 'size', 'sync', 'close', 'delete',
  'exists'];

// Wraps a host so each VFS call is counted (runtime.hostCalls()).
function counted(host, counts) {
  const wrapped = Object.create(host);
  for (const name of kHostCalls) {
    counts[name] = 0;
    const fn = host[name].bind(host);
    wrapped[name] = (...args) => {
      counts[name]++;
      return fn(...args);
    };
  }
  wrapped.random = host.random.bind(host);
  wrapped.now = host.now.bind(host);
  return wrapped;
}

/**
 * @param {object} o
 * @param {(arg: object) => Promise<object>} o.factory the glue's createWeigeModule
 * @param {object} o.host the host adapter (see hosts/)
 * @param {(imports: object) => Promise<WebAssembly.Instance>} o.instantiate
 */
export function loadModule({ factory, host, instantiate }) {
  const counts = {};
  return new Promise((resolve, reject) => {
    factory({
      weigeHost: counted(host, counts),
      instantiateWasm(imports, done) {
        instantiate(imports).then((instance) => done(instance), reject);
        return {};
      },
      print: () => {},
      printErr: (text) => console.warn('[weige]', text),
    }).then((mod) => {
      mod.hostCallCounts = counts;
      resolve(mod);
    }, reject);
  });
}
