// The entry esbuild bundles into vendor/weige-offline.js (CommonJS, ES2017)
// for the mini-program: the runtime, the wechat host and SHA-256 - nothing
// that touches IndexedDB, OPFS, fetch or Node. build-miniprogram.sh adds the
// sync client's exports when offline/src/sync-client.js exists.
import { Runtime } from '../../../offline/src/runtime.js';
import { loadModule } from '../../../offline/src/module.js';
import { createWechatHost, wechatModuleParts } from '../../../offline/src/hosts/wechat.js';

export { WeigeError, unwrap } from '../../../offline/src/errors.js';
export { Runtime };
export { sha256 } from '@noble/hashes/sha2.js';

/** open({host: 'wechat', ...}) of offline/src/index.js, without its other hosts. */
export async function openWechat(options) {
  const host = createWechatHost(options);
  try {
    const mod = await loadModule({ ...wechatModuleParts(options), host });
    return await Runtime.open(mod, host, options.name, options);
  } catch (e) {
    if (host.shutdown) await host.shutdown();
    throw e;
  }
}
