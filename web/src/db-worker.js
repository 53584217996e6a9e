// The app's database Worker: @weige/offline's opfs worker, with the wasm
// fetched gzipped and inflated here (the server sends .wasm uncompressed:
// 737 KB against 340 KB).
import '../../offline/src/opfs-worker.js';

const inner = self.onmessage;

async function inflate(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const stream = res.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

self.onmessage = async (event) => {
  const { data } = event;
  if (data && data.op === 'open' && data.args && data.args[0] && data.args[0].wasmGzUrl) {
    try {
      const { wasmGzUrl, ...options } = data.args[0];
      options.wasmBinary = await inflate(wasmGzUrl);
      return inner.call(self, { data: { ...data, args: [options] } });
    } catch (e) {
      self.postMessage({ id: data.id, ok: false, error: { name: 'Error', code: 'internal',
        reason: 'runtime.wasm_fetch', message: String(e && e.message || e) } });
      return undefined;
    }
  }
  return inner.call(self, event);
};
