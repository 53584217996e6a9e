// @weige/offline: the Weige core in WebAssembly, its SQLite kept durable by
// the host it runs in.
//
//   const rt = await open({ host: 'node', name: 'weige.db', dir: './data' });
//   await rt.dispatch({ id, type: 'visit.record', actor, at, payload });
//   const due = await rt.query('worker.households_due', { actor, microgrid_id, cycle });
//   await rt.close();
//
// Hosts: 'node' (fs sync calls + fsync), 'idb' (in memory, each commit's
// changed pages written to IndexedDB in one transaction), 'opfs' (OPFS sync
// access handles in a dedicated Worker; from inside a Worker it runs in
// place), 'wechat' (wx.getFileSystemManager(), WXWebAssembly).
import { Runtime } from './runtime.js';

export { WeigeError, unwrap } from './errors.js';
export { Runtime } from './runtime.js';
export { createSyncClient, SyncClient, fetchTransport, wxTransport, NetworkError, HttpError }
  from './sync-client.js';

const webCompiled = new Map();

// The web variant's factory and an instantiate() for it.
async function webModuleParts(options) {
  const { default: factory } = await import('../dist/weige.js');
  if (options.wasmBinary || typeof process === 'object' && process.versions && process.versions.node
      && typeof window === 'undefined' && typeof importScripts === 'undefined') {
    const key = 'node';
    let compiled = webCompiled.get(key);
    if (!compiled) {
      let bytes = options.wasmBinary;
      if (!bytes) {
        const fs = await import('node:fs');
        bytes = fs.readFileSync(new URL('../dist/weige.wasm', import.meta.url));
      }
      compiled = WebAssembly.compile(bytes);
      webCompiled.set(key, compiled);
    }
    return { factory, instantiate: async (imports) => WebAssembly.instantiate(await compiled, imports) };
  }
  const url = String(options.wasmUrl || new URL('../dist/weige.wasm', import.meta.url));
  let compiled = webCompiled.get(url);
  if (!compiled) {
    compiled = WebAssembly.compileStreaming(fetch(url));
    webCompiled.set(url, compiled);
  }
  return { factory, instantiate: async (imports) => WebAssembly.instantiate(await compiled, imports) };
}

/**
 * Opens (creating) a database and returns its runtime.
 * @param {import('../index').OpenOptions} options
 * @returns {Promise<import('../index').WeigeRuntime>}
 */
export async function open(options) {
  const { host, name } = options || {};
  if (!name) throw new TypeError('open: a database name is required');
  const { loadModule } = await import('./module.js');
  let hostImpl;
  let parts;
  if (host === 'node') {
    const { createNodeHost } = await import('./hosts/node.js');
    hostImpl = createNodeHost({ dir: options.dir || '.' });
    parts = await webModuleParts(options);
  } else if (host === 'idb') {
    const { createIdbHost } = await import('./hosts/idb.js');
    hostImpl = await createIdbHost({ name, indexedDB: options.indexedDB,
      IDBKeyRange: options.IDBKeyRange });
    parts = await webModuleParts(options);
  } else if (host === 'opfs') {
    if (typeof WorkerGlobalScope === 'undefined' || !(globalThis instanceof WorkerGlobalScope)) {
      const { openInWorker } = await import('./opfs-client.js');
      return openInWorker(options);
    }
    const { createOpfsHost } = await import('./hosts/opfs.js');
    hostImpl = await createOpfsHost({ name, directory: options.directory });
    parts = await webModuleParts(options);
  } else if (host === 'wechat') {
    const { wechatModuleParts, createWechatHost } = await import('./hosts/wechat.js');
    hostImpl = createWechatHost(options);
    parts = wechatModuleParts(options);
  } else if (host && typeof host === 'object') {
    hostImpl = host;
    parts = await webModuleParts(options);
  } else {
    throw new TypeError(`open: unknown host ${host}`);
  }
  try {
    const mod = await loadModule({ ...parts, host: hostImpl });
    return await Runtime.open(mod, hostImpl, name, options);
  } catch (e) {
    if (hostImpl.shutdown) await hostImpl.shutdown();
    throw e;
  }
}
