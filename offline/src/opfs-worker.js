// The dedicated Worker behind open({host: 'opfs'}) on a page: it owns the
// module and the OPFS access handles; the page talks to it by messages
// {id, op, args} and gets {id, ok, value | error} back, in order.
import { open } from './index.js';

let rt = null;

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    let value = null;
    if (op === 'open') {
      rt = await open({ ...args[0], host: 'opfs' });
    } else if (!rt) {
      throw Object.assign(new Error('the runtime is closed'),
        { name: 'WeigeError', code: 'failed_precondition', reason: 'runtime.closed' });
    } else if (op === 'close') {
      const closing = rt;
      rt = null;
      await closing.close();
    } else {
      value = await rt[op](...args);
    }
    self.postMessage({ id, ok: true, value });
  } catch (e) {
    self.postMessage({ id, ok: false, error: { name: e && e.name, code: e && e.code,
      reason: e && e.reason, message: String(e && e.message || e) } });
  }
};
