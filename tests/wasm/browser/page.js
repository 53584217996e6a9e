// The page the browser runs drive: ?adapter=opfs|idb&name=DB. It exposes
//   weigeRunStep(i)       step i of the conformance suite (support/scenario.js)
//   weigeStream(n)        dispatches visits, calling weigeAcked(id) per resolve
//   weigeCheckAcked(ids)  reopens and reports which ids are missing
//   weigeBench(n)         durable dispatch latencies (ms) of n visit.records
//   weigeOpfsFloor(n)     a bare 4 KB OPFS write + flush, n times (ms each)
//   weigePeer(n)          @sqlite.org/sqlite-wasm, opfs-sahpool: a visit's bare SQL, n times
import { open, WeigeError } from '../../../offline/src/index.js';
import { steps } from '../support/scenario.js';
import { buildWorld, kSetupAt, visitWithTwoFindings } from '../support/world.js';

const params = new URLSearchParams(location.search);
const adapter = params.get('adapter');
const name = params.get('name');
const ctx = { WeigeError, open: () => open({ host: adapter, name }) };
const state = {};

window.weigeRunStep = async (i) => {
  await steps[i][1](ctx, state);
  return steps[i][0];
};

window.weigeStream = async (prefix, n, build) => {
  const rt = await ctx.open();
  if (build) await buildWorld(rt);
  for (let i = 0; i < n; ++i) {
    const id = `${prefix}-${i}`;
    await rt.dispatch(visitWithTwoFindings(id, 'h1', kSetupAt + i));
    await window.weigeAcked(id);
  }
  return n;
};

window.weigeCheckAcked = async (ids) => {
  const rt = await ctx.open();
  const integrity = (await rt.integrityCheck()).integrity;
  const missing = [];
  for (const id of ids) {
    try {
      await rt.query('item.detail', { actor: 'admin', item_id: `${id}.2` });
    } catch (e) {
      missing.push(id);
    }
  }
  await rt.close();
  return { integrity, missing };
};

window.weigeBench = async (n) => {
  const rt = await ctx.open();
  await buildWorld(rt);
  const times = [];
  for (let i = 0; i < n; ++i) {
    const t0 = performance.now();
    await rt.dispatch(visitWithTwoFindings(`b${i}`, `h${1 + (i % 3)}`, kSetupAt + i));
    times.push(performance.now() - t0);
  }
  const calls = await rt.hostCalls();
  await rt.close();
  return { times, calls };
};

// Runs a measuring worker once: resolves its answer ({times, ...}).
const runWorker = (file, n) => new Promise((resolve, reject) => {
  const worker = new Worker(new URL(file, import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    worker.terminate();
    if (data.error) reject(new Error(data.error)); else resolve(data);
  };
  worker.postMessage({ n });
});
window.weigeOpfsFloor = async (n) => (await runWorker('./opfs-floor-worker.js', n)).times;
// The official SQLite wasm build doing the bare SQL of a visit (peer-worker.js).
window.weigePeer = (n) => runWorker('./peer-worker.js', n);

window.weigeReady = true;
