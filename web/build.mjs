// Builds the web app into build/web (or the folder given as argv[2]):
//   app.js        the page (esbuild bundle of web/src/main.js, @weige/offline included)
//   db-worker.js  the database Worker (offline's opfs worker + gunzipped wasm)
//   weige.wasm.gz the core (offline/dist/weige.wasm, gzip -9: the server sends
//                 .wasm uncompressed, so the app inflates it itself)
//   weui.min.css, app.css, index.html, manifest, icon
//   sw.js         the service worker with the precache list and a version hash
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.resolve(process.argv[2] || path.join(root, 'build/web'));

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// The node and WeChat hosts never run in a browser: leave them out.
const browserOnly = {
  name: 'browser-only',
  setup(b) {
    b.onResolve({ filter: /hosts\/(node|wechat)\.js$|^node:/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export function createNodeHost() { throw new Error("not in a browser"); }\n'
        + 'export function createWechatHost() { throw new Error("not in a browser"); }\n'
        + 'export function wechatModuleParts() { throw new Error("not in a browser"); }\n'
        + 'export default {};\n',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  plugins: [browserOnly],
  logLevel: 'warning',
};

// Split: the page loads the Emscripten glue only on the IndexedDB fallback
// (with OPFS the Worker holds the module).
await build({ ...common, entryPoints: { app: path.join(here, 'src/main.js') }, outdir: out,
  splitting: true, chunkNames: 'chunk-[hash]' });
await build({ ...common, entryPoints: { 'db-worker': path.join(here, 'src/db-worker.js') }, outdir: out });

const wasm = fs.readFileSync(path.join(root, 'offline/dist/weige.wasm'));
fs.writeFileSync(path.join(out, 'weige.wasm.gz'), zlib.gzipSync(wasm, { level: 9 }));
fs.copyFileSync(path.join(root, 'node_modules/weui/dist/style/weui.min.css'), path.join(out, 'weui.min.css'));
for (const f of ['index.html', 'boot.js', 'manifest.webmanifest', 'icon.svg']) {
  fs.copyFileSync(path.join(here, f), path.join(out, f));
}
fs.copyFileSync(path.join(here, 'src/app.css'), path.join(out, 'app.css'));

const chunks = fs.readdirSync(out).filter((f) => f.startsWith('chunk-')).sort().map((f) => `./${f}`);
const files = ['./', './index.html', './boot.js', './app.js', './db-worker.js', './weige.wasm.gz', './weui.min.css',
  './app.css', './manifest.webmanifest', './icon.svg', ...chunks];
const hash = createHash('sha256');
for (const f of files.slice(1)) hash.update(fs.readFileSync(path.join(out, f)));
const version = hash.digest('hex').slice(0, 12);
const sw = fs.readFileSync(path.join(here, 'sw.js'), 'utf8')
  .replace('__VERSION__', version).replace('__FILES__', JSON.stringify(files));
fs.writeFileSync(path.join(out, 'sw.js'), sw);

let raw = 0;
let gz = 0;
for (const f of [...files.slice(1), './sw.js']) {
  const bytes = fs.readFileSync(path.join(out, f));
  raw += bytes.length;
  gz += f.endsWith('.gz') ? bytes.length : zlib.gzipSync(bytes, { level: 9 }).length;
}
console.log(`build-web: ${out} version ${version}: ${raw} bytes, ${gz} gzip`);
