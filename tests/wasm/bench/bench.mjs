// The wasm benchmarks: prints one JSON object per line,
// {"bench", "metric", "value", "unit"}; progress on stderr.
// Run through build-scripts/bench-wasm.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { open } from '../../../offline/src/index.js';
import { percentile, setUpWorkload, visitCommand } from './workload.js';
import { buildWorld, kSetupAt, visitWithTwoFindings } from '../support/world.js';
import { launchPersistent, serveRepo } from '../support/serve.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const commands = Number(process.env.WEIGE_BENCH_COMMANDS || 2000);
const emit = (bench, metric, value, unit) => {
  process.stdout.write(`${JSON.stringify({ bench, metric, value: Number(value.toFixed ? value.toFixed(3) : value), unit })}\n`);
};
const log = (...a) => console.error('[bench-wasm]', ...a);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-bench-'));

// 1. Module size, both builds, and the peer's sqlite3.wasm (SQLite alone).
const brotli = (b) => zlib.brotliCompressSync(b, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
}).length;
for (const [variant, dir] of [['web', 'offline/dist'], ['wechat', 'offline/dist/wechat']]) {
  const wasm = fs.readFileSync(path.join(root, dir, 'weige.wasm'));
  const js = fs.readFileSync(path.join(root, dir, 'weige.js'));
  emit('wasm.size', `${variant}_wasm_raw`, wasm.length, 'bytes');
  emit('wasm.size', `${variant}_wasm_gzip`, zlib.gzipSync(wasm, { level: 9 }).length, 'bytes');
  emit('wasm.size', `${variant}_wasm_brotli`, brotli(wasm), 'bytes');
  emit('wasm.size', `${variant}_js_gzip`, zlib.gzipSync(js, { level: 9 }).length, 'bytes');
}
const peerWasm = path.join(root, 'node_modules/@sqlite.org/sqlite-wasm/dist/sqlite3.wasm');
if (fs.existsSync(peerWasm)) {
  const wasm = fs.readFileSync(peerWasm);
  emit('wasm.size', 'peer_sqlite_wasm_raw', wasm.length, 'bytes');
  emit('wasm.size', 'peer_sqlite_wasm_gzip', zlib.gzipSync(wasm, { level: 9 }).length, 'bytes');
  emit('wasm.size', 'peer_sqlite_wasm_brotli', brotli(wasm), 'bytes');
}

// 2. visit.record in wasm on the node host, one command per transaction.
async function visitRun(synchronous, run) {
  const dir = fs.mkdtempSync(path.join(tmp, 'visit-'));
  const rt = await open({ host: 'node', name: 'visit.db', dir, synchronous });
  await setUpWorkload(rt);
  const texts = Array.from({ length: commands }, (_, i) => visitCommand(run, i));
  const before = rt.hostCalls();
  const lat = [];
  const t0 = performance.now();
  for (const text of texts) {
    const s = performance.now();
    const v = await rt.dispatch(text);
    lat.push(performance.now() - s);
    if (v.items.length !== 2) throw new Error('expected two findings');
  }
  const secs = (performance.now() - t0) / 1000;
  const after = rt.hostCalls();
  await rt.close();
  const perCommand = {};
  for (const k of Object.keys(after)) perCommand[k] = (after[k] - before[k]) / commands;
  return { rate: commands / secs, lat, perCommand };
}

const normal = [];
for (let run = 0; run < 3; ++run) normal.push((await visitRun('normal', run)).rate);
normal.sort((a, b) => a - b);
const wasmRate = normal[1];
emit('wasm.visit.record', 'node_commands_per_s_median_sync_normal', wasmRate, 'commands/s');
const full = await visitRun('full', 0);
emit('wasm.visit.record', 'node_commands_per_s_sync_full', full.rate, 'commands/s');
emit('wasm.dispatch', 'node_durable_p50', percentile(full.lat, 50), 'ms');
emit('wasm.dispatch', 'node_durable_p99', percentile(full.lat, 99), 'ms');
emit('wasm.dispatch', 'node_host_writes_per_commit', full.perCommand.write, 'calls');
emit('wasm.dispatch', 'node_host_syncs_per_commit', full.perCommand.sync, 'calls');
log('host calls per durable visit.record (WAL):', full.perCommand);

// The same in rollback-journal mode, for the choice of WAL (host calls per commit).
{
  const dir = fs.mkdtempSync(path.join(tmp, 'journal-'));
  const rt = await open({ host: 'node', name: 'visit.db', dir, journal: 'delete' });
  await setUpWorkload(rt);
  const before = rt.hostCalls();
  const n = 300;
  const lat = [];
  for (let i = 0; i < n; ++i) {
    const s = performance.now();
    await rt.dispatch(visitCommand(0, i));
    lat.push(performance.now() - s);
  }
  const after = rt.hostCalls();
  await rt.close();
  const calls = Object.keys(after).reduce((sum, k) => sum + after[k] - before[k], 0) / n;
  emit('wasm.dispatch', 'node_durable_p50_journal_delete', percentile(lat, 50), 'ms');
  emit('wasm.dispatch', 'node_host_calls_per_commit_journal_delete', calls, 'calls');
  const walCalls = Object.values(full.perCommand).reduce((a, b) => a + b, 0);
  emit('wasm.dispatch', 'node_host_calls_per_commit_wal', walCalls, 'calls');
}

// Native, on the same work: the setup and the visit commands above, written
// out and replayed by weige_bench --replay through sync::ExecuteLocal (as
// dispatch) on a file-backed device store with the same synchronous setting,
// WAL and EXCLUSIVE locking, changesets recorded on both sides.
const nativeBin = path.join(root, 'build/native/weige_bench');
if (fs.existsSync(nativeBin)) {
  const setup = [];
  const recorder = {
    bootstrap: (person_id, name, at) => { setup.push(JSON.stringify({ bootstrap: { person_id, name, at } })); },
    dispatch: (c) => { setup.push(typeof c === 'string' ? c : JSON.stringify(c)); },
  };
  await setUpWorkload(recorder);
  const setupFile = path.join(tmp, 'replay-setup.jsonl');
  const commandsFile = path.join(tmp, 'replay-commands.jsonl');
  fs.writeFileSync(setupFile, `${setup.join('\n')}\n`);
  fs.writeFileSync(commandsFile,
    `${Array.from({ length: commands }, (_, i) => visitCommand(1, i)).join('\n')}\n`);
  log('running the native replay of the same work for the ratio');
  const out = spawnSync(nativeBin, ['--dir', tmp, '--replay', setupFile, commandsFile,
    '--sync', 'normal', '--runs', '3'], { encoding: 'utf8' });
  const line = out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .find((j) => j.bench === 'replay' && j.metric === 'commands_per_s_median');
  if (line) {
    emit('wasm.visit.record', 'native_same_work_commands_per_s_median', line.value, 'commands/s');
    emit('wasm.visit.record', 'wasm_over_native_time_ratio', line.value / wasmRate, 'x');
  } else {
    log('native replay failed:', out.stderr.slice(-2000));
  }
} else {
  log('no build/native/weige_bench: native ratio skipped (build-scripts/bench-core.sh builds it)');
}

// 3. Cold start: instantiate + open a 5 MB database + first query, in a
// fresh process (nothing compiled or cached).
{
  const dir = fs.mkdtempSync(path.join(tmp, 'cold-'));
  const rt = await open({ host: 'node', name: 'cold.db', dir });
  await buildWorld(rt, 40);
  let i = 0;
  // The database file itself past 5 MB (it grows at each checkpoint).
  while (fs.statSync(path.join(dir, 'cold.db')).size < 5.0e6) {
    for (let k = 0; k < 200; ++k, ++i) {
      await rt.dispatch(visitWithTwoFindings(`cv${i}`, `hx${i % 40}`, kSetupAt + i));
    }
  }
  await rt.close();
  const size = fs.statSync(path.join(dir, 'cold.db')).size;
  const script = `
    const t0 = performance.now();
    const { open } = await import(${JSON.stringify(path.join(root, 'offline/src/index.js'))});
    const rt = await open({ host: 'node', name: 'cold.db', dir: ${JSON.stringify(dir)} });
    const t1 = performance.now();
    const r = await rt.query('worker.households_due', { actor: 'worker1', microgrid_id: 'mg1', cycle: '2026-11' });
    const t2 = performance.now();
    console.log(JSON.stringify({ open: t1 - t0, total: t2 - t0 }));`;
  const runs = [];
  for (let k = 0; k < 5; ++k) {
    runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script],
      { encoding: 'utf8' }).trim()));
  }
  runs.sort((a, b) => a.total - b.total);
  emit('wasm.cold_start', 'db_bytes', size, 'bytes');
  emit('wasm.cold_start', 'node_instantiate_open_first_query_median', runs[2].total, 'ms');
}

// 4. Chromium: durable dispatch on opfs and idb, and the bare OPFS floor, in
// a persistent on-disk profile (a fresh folder per run): an incognito context
// keeps OPFS in memory (4,000 flush() calls reached the disk as ~225 there).
if (process.env.WEIGE_BENCH_BROWSER !== '0') {
  const server = await serveRepo();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'weige-bench-profile-'));
  const browser = await launchPersistent(profile);
  log(`chromium profile: persistent, on disk in ${profile}`);
  emit('wasm.dispatch', 'chromium_profile_persistent_on_disk', 1, 'bool');
  try {
    for (const adapter of ['opfs', 'idb']) {
      const page = await browser.newPage();
      await page.goto(`${server.base}/tests/wasm/browser/page.html?adapter=${adapter}&name=bench-${adapter}-${Date.now()}`);
      await page.waitForFunction(() => window.weigeReady === true);
      const { times, calls } = await page.evaluate((n) => window.weigeBench(n), 300);
      emit('wasm.dispatch', `chromium_${adapter}_durable_p50`, percentile(times, 50), 'ms');
      emit('wasm.dispatch', `chromium_${adapter}_durable_p99`, percentile(times, 99), 'ms');
      log(`chromium ${adapter} host calls (whole run):`, calls);
      if (adapter === 'opfs') {
        const floor = await page.evaluate((n) => window.weigeOpfsFloor(n), 300);
        emit('wasm.dispatch', 'chromium_opfs_floor_4k_write_flush_p50', percentile(floor, 50), 'ms');
        emit('wasm.dispatch', 'chromium_opfs_dispatch_over_floor_p50',
          percentile(times, 50) / percentile(floor, 50), 'x');
        // The peer, same run, same profile: the official SQLite wasm build
        // on opfs-sahpool (EXCLUSIVE, WAL, synchronous=FULL) doing only the
        // bare SQL of a visit with two findings (12 INSERTs, 6 tables).
        const peer = await page.evaluate((n) => window.weigePeer(n), 300);
        log(`peer: @sqlite.org/sqlite-wasm, SQLite ${peer.version}, opfs-sahpool`);
        emit('wasm.dispatch', 'chromium_peer_sqlite_wasm_sahpool_p50', percentile(peer.times, 50), 'ms');
        emit('wasm.dispatch', 'chromium_peer_sqlite_wasm_sahpool_p99', percentile(peer.times, 99), 'ms');
        emit('wasm.dispatch', 'chromium_peer_over_floor_p50',
          percentile(peer.times, 50) / percentile(floor, 50), 'x');
        emit('wasm.dispatch', 'chromium_opfs_dispatch_over_peer_p50',
          percentile(times, 50) / percentile(peer.times, 50), 'x');
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
