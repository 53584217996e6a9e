// open({host: 'opfs'}) on a page: the runtime lives in a dedicated Worker
// (OPFS sync access handles exist only there); this proxy forwards calls to it
// and rebuilds WeigeErrors from its answers.
import { WeigeError } from './errors.js';

const kOps = ['dispatch', 'query', 'pendingCommands', 'settleCommand', 'settlePush',
  'applyPage', 'syncState', 'rejections', 'resetSync', 'bootstrap', 'integrityCheck', 'hostCalls'];

export async function openInWorker(options) {
  const { host, workerUrl, ...rest } = options;
  const worker = new Worker(workerUrl || new URL('./opfs-worker.js', import.meta.url),
    { type: 'module' });
  const waiting = new Map();
  let next = 1;
  let closed = false;
  const failAll = (message) => {
    for (const w of waiting.values()) {
      w.reject(new WeigeError({ code: 'internal', reason: 'runtime.worker_failed', message }));
    }
    waiting.clear();
  };
  worker.onmessage = ({ data }) => {
    const w = waiting.get(data.id);
    if (!w) return;
    waiting.delete(data.id);
    if (data.ok) {
      w.resolve(data.value);
    } else if (data.error.name === 'WeigeError' || data.error.reason) {
      w.reject(new WeigeError(data.error));
    } else {
      w.reject(new WeigeError({ code: 'internal', reason: 'runtime.worker_failed',
        message: data.error.message }));
    }
  };
  worker.onerror = (e) => failAll(e.message || 'the worker failed');
  const call = (op, ...args) => new Promise((resolve, reject) => {
    if (closed) {
      reject(new WeigeError({ code: 'failed_precondition', reason: 'runtime.closed',
        message: 'the runtime is closed' }));
      return;
    }
    const id = next++;
    waiting.set(id, { resolve, reject });
    try {
      worker.postMessage({ id, op, args });
    } catch (e) {
      waiting.delete(id);
      reject(new WeigeError({ code: 'invalid_argument', reason: 'json.malformed',
        message: `cannot send to the worker: ${e.message}` }));
    }
  });
  try {
    await call('open', rest);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  const rt = {};
  for (const op of kOps) rt[op] = (...args) => call(op, ...args);
  rt.close = async () => {
    try {
      await call('close');
    } finally {
      closed = true;
      worker.terminate();
    }
  };
  return rt;
}
