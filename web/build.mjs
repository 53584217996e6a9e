// Builds the web app into build/web (or the folder given as argv[2]):
//   app.js        the page (esbuild bundle of web/src/main.js, @weige/offline included)
//   db-worker.js  the database Worker (offline's opfs worker + gunzipped wasm)
//   weige.wasm.gz the core (offline/dist/weige.wasm, gzip -9: the server sends
//                 .wasm uncompressed, so the app inflates it itself)
//   app-<HASH>.css WeUI's rules the app's sources use (PurgeCSS drops the
//                 other ~86%), then web/src/app.css; named for its content
//   index.html, boot.js, manifest.webmanifest
//   icon.svg, icon-192.png, icon-512.png, icon-maskable-512.png (the icon on
//                 a full-bleed background inside the 80% safe zone),
//                 apple-touch-icon.png (180 px): PNGs drawn from icon.svg by
//                 rsvg-convert (Debian librsvg2-bin)
//   sw.js         the service worker with the precache list and a version hash
//   FILE.gz       beside each text file above (and the lazy chunks) where gzip
//                 -9 makes it smaller: weige-server sends it with
//                 Content-Encoding: gzip to a browser that accepts it
// Names with an 8+ character upper-case hash (chunk-XXXXXXXX.js,
// app-XXXXXXXXXX.css) are what weige-server caches as immutable.
import { build } from 'esbuild';
import { PurgeCSS } from 'purgecss';
import { execFileSync } from 'node:child_process';
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
// Leaflet (src/map-leaflet.js) is a chunk of its own, loaded only when a
// tile source is set; its stylesheet comes along as text it injects.
// It stays out of the precache (the first-load budget counts the precache):
// the service worker keeps it when a map first loads it.
const page = await build({ ...common, entryPoints: { app: path.join(here, 'src/main.js') }, outdir: out,
  splitting: true, chunkNames: 'chunk-[hash]', loader: { '.css': 'text' }, metafile: true });
const lazy = Object.entries(page.metafile.outputs)
  .filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes('node_modules/leaflet/')))
  .map(([f]) => `./${path.basename(f)}`);
await build({ ...common, entryPoints: { 'db-worker': path.join(here, 'src/db-worker.js') }, outdir: out });

const wasm = fs.readFileSync(path.join(root, 'offline/dist/weige.wasm'));
fs.writeFileSync(path.join(out, 'weige.wasm.gz'), zlib.gzipSync(wasm, { level: 9 }));
// One stylesheet: the WeUI rules whose classes appear in the app's sources
// (weui-btn_<kind> is built at run time), then the app's own.
const [weui] = await new PurgeCSS().purge({
  content: [path.join(here, 'src/**/*.js'), path.join(here, 'index.html'), path.join(here, 'boot.js')],
  css: [path.join(root, 'node_modules/weui/dist/style/weui.min.css')],
  safelist: { standard: [/^weui-btn_/] },
});
const css = `${weui.css}\n${fs.readFileSync(path.join(here, 'src/app.css'), 'utf8')}`;
const cssName = `app-${createHash('sha256').update(css).digest('hex').slice(0, 10).toUpperCase()}.css`;
fs.writeFileSync(path.join(out, cssName), css);
fs.writeFileSync(path.join(out, 'index.html'), fs.readFileSync(path.join(here, 'index.html'), 'utf8')
  .replace('__CSS__', `./${cssName}`));
for (const f of ['boot.js', 'manifest.webmanifest', 'icon.svg']) {
  fs.copyFileSync(path.join(here, f), path.join(out, f));
}

// The PNG icons, drawn from the SVG (size, padding to a full-bleed square).
const icons = [['icon-192.png', 192, 0], ['icon-512.png', 512, 0],
  ['icon-maskable-512.png', 512, 51], ['apple-touch-icon.png', 180, 18]];
for (const [name, size, pad] of icons) {
  execFileSync('rsvg-convert', ['-w', String(size - 2 * pad), '-h', String(size - 2 * pad),
    '--page-width', String(size), '--page-height', String(size), '--left', String(pad),
    '--top', String(pad), ...(pad ? ['--background-color', '#07c160'] : []),
    path.join(here, 'icon.svg'), '-o', path.join(out, name)]);
}

const chunks = fs.readdirSync(out).filter((f) => f.startsWith('chunk-')).sort().map((f) => `./${f}`)
  .filter((f) => !lazy.includes(f));
const files = ['./', './index.html', './boot.js', './app.js', './db-worker.js', './weige.wasm.gz',
  `./${cssName}`, './manifest.webmanifest', './icon.svg', ...chunks];  // not the PNGs: only an install uses them
const hash = createHash('sha256');
for (const f of files.slice(1)) hash.update(fs.readFileSync(path.join(out, f)));
const version = hash.digest('hex').slice(0, 12);
const sw = fs.readFileSync(path.join(here, 'sw.js'), 'utf8')
  .replace('__VERSION__', version).replace('__FILES__', JSON.stringify(files));
fs.writeFileSync(path.join(out, 'sw.js'), sw);

// Last, so that no listing above sees them and each is newer than its file
// (the server sends no sibling older than its file).
for (const f of fs.readdirSync(out)) {
  if (!/\.(html|js|css|webmanifest|svg|json)$/.test(f)) continue;
  const bytes = fs.readFileSync(path.join(out, f));
  const packed = zlib.gzipSync(bytes, { level: 9 });
  if (packed.length < bytes.length) fs.writeFileSync(path.join(out, `${f}.gz`), packed);
}

let raw = 0;
let gz = 0;
for (const f of [...files.slice(1), './sw.js']) {
  const bytes = fs.readFileSync(path.join(out, f));
  raw += bytes.length;
  gz += f.endsWith('.gz') ? bytes.length : zlib.gzipSync(bytes, { level: 9 }).length;
}
console.log(`build-web: ${out} version ${version}: ${raw} bytes, ${gz} gzip`);
for (const f of lazy) {
  const bytes = fs.readFileSync(path.join(out, f));
  console.log(`build-web: lazy (not precached) ${f}: ${bytes.length} bytes, ${zlib.gzipSync(bytes, { level: 9 }).length} gzip`);
}
