// Where the wasm module's code bytes go, by component, from a link with a
// name section (emcc --profiling-funcs; bench-wasm.sh makes one beside the
// shipped module, which has no names). Prints JSON lines {"bench": "wasm",
// "metric": "code_bytes_<component>", "value", "unit": "B"}, and the SQLite
// features that can be told apart by their functions' names.
//
//   node build-scripts/wasm-sizes.mjs build/wasm-prof/weige.wasm
import fs from 'node:fs';

const bytes = fs.readFileSync(process.argv[2]);
let p = 8;
const leb = () => {
  let r = 0;
  let s = 0;
  let x;
  do {
    x = bytes[p++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
  } while (x & 0x80);
  return r;
};
const skipLimits = () => {
  const flags = bytes[p++];
  leb();
  if (flags & 1) leb();
};
let imported = 0;
const bodies = [];
const names = new Map();
let dataBytes = 0;
while (p < bytes.length) {
  const id = bytes[p++];
  const size = leb();
  const start = p;
  if (id === 2) { // imports: functions come first in the index space
    for (let n = leb(); n > 0; --n) {
      const module = leb();
      p += module;  // (not `p += leb()`: p would be read before leb() moves it)
      const field = leb();
      p += field;
      const kind = bytes[p++];
      if (kind === 0) { leb(); ++imported; }
      else if (kind === 1) { ++p; skipLimits(); }
      else if (kind === 2) skipLimits();
      else if (kind === 3) p += 2;
    }
  } else if (id === 10) { // code
    for (let n = leb(); n > 0; --n) {
      const s = leb();
      bodies.push(s);
      p += s;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) { // custom: the "name" section's function names
    const len = leb();
    const name = bytes.subarray(p, p + len).toString();
    p += len;
    while (name === 'name' && p < start + size) {
      const sub = bytes[p++];
      const end = leb() + p;
      if (sub === 1) {
        for (let n = leb(); n > 0; --n) {
          const index = leb();
          const l = leb();
          names.set(index, bytes.subarray(p, p + l).toString());
          p += l;
        }
      }
      p = end;
    }
  }
  p = start + size;
}
if (names.size === 0) throw new Error(`${process.argv[2]} has no name section (link with --profiling-funcs)`);

// By the function's own name (before its parameters, which name types of
// every component).
const component = (full) => {
  const top = full.startsWith('(anonymous namespace)::');  // bindings/wasm's own
  const n = (top ? full.slice(23) : full).split('(')[0].replace(/^(void|bool|int|unsigned|char|long|auto) /, '');
  if (top) return 'bindings';
  if (n.startsWith('nlohmann')) return 'json_lib';
  if (n.startsWith('weige::sync') || n.includes(' weige::sync::')) return 'weige_sync';
  if (n.includes('weige::store::')) return 'weige_store';
  if (n.startsWith('weige::')) return 'weige_domain';
  if (/embind|^emscripten::/i.test(n)) return 'bindings';
  if (/std::__2|^std::|^operator (new|delete)|__cxa|__cxxabi/.test(n)) return 'libcxx';
  if (/^(__|em(scripten|malloc)|_emscripten|str|mem|printf_core|fmt_fp|pop_arg|getint|scalbn|frexp|fmod|qsort|log|exp|pow|sin|cos|tan|atan|sqrt|floor|ceil)/.test(n)) return 'libc';
  if (full.includes('::') || full.includes('(')) return 'cxx_other';
  return 'sqlite';
};
// SQLite's own parts, by function name (the rest is its core: VDBE, B-tree,
// pager, planner, parser).
const features = [['json', /json/i], ['rtree', /rtree|geopoly/i],
  ['session', /session|changeset|changegroup|rebaser/i], ['pragma', /pragma/i],
  ['alter', /alter|rename/i], ['analyze', /analy|stat4|loadStat/i], ['window', /window/i],
  ['datetime', /date|julian|time/i], ['wal', /wal/i]];
const sums = {};
const add = (k, v) => { sums[k] = (sums[k] || 0) + v; };
bodies.forEach((size, i) => {
  const n = names.get(i + imported) || '';
  const c = component(n);
  add(`code_bytes_${c}`, size);
  if (c === 'sqlite') {
    const f = features.find(([, re]) => re.test(n));
    if (f) add(`code_bytes_sqlite_${f[0]}`, size);
  }
});
const emit = (metric, value) => console.log(JSON.stringify({ bench: 'wasm', metric, value, unit: 'B' }));
emit('code_bytes_total', bodies.reduce((a, s) => a + s, 0));
emit('data_bytes_total', dataBytes);
for (const [k, v] of Object.entries(sums).sort((a, b) => b[1] - a[1])) emit(k, v);
