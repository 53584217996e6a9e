// A runtime: one open database in one module instance. Calls run one at a
// time, in order; dispatch resolves only once the host has made the commit
// durable (sync hosts before the call returns, idb when its transaction
// completes).
import { WeigeError, unwrap } from './errors.js';

function toJsonText(value, what) {
  if (typeof value === 'string') return value;
  try {
    const text = JSON.stringify(value === undefined ? null : value);
    return text === undefined ? 'null' : text;
  } catch (e) {
    throw new WeigeError({ code: 'invalid_argument', reason: 'json.malformed',
      message: `${what} cannot be serialized: ${e.message}` });
  }
}

export class Runtime {
  #mod;
  #host;
  #handle;
  #tail = Promise.resolve();
  #broken = null;

  constructor(mod, host, handle) {
    this.#mod = mod;
    this.#host = host;
    this.#handle = handle;
  }

  /** Opens `name` in a freshly loaded module over `host`. */
  static async open(mod, host, name, options = {}) {
    const opts = {};
    if (options.journal) opts.journal = options.journal;
    if (options.cacheKib) opts.cache_kib = options.cacheKib;
    if (options.synchronous) opts.synchronous = options.synchronous;
    let value;
    try {
      value = unwrap(mod.open(String(name), JSON.stringify(opts)));
    } catch (e) {
      if (mod.weigeHostError) e.message += ` (host: ${mod.weigeHostError})`;
      throw e;
    }
    const rt = new Runtime(mod, host, value.handle);
    if (host.durable) await host.durable();
    return rt;
  }

  // Runs fn after every earlier call; a host that failed to persist poisons
  // the runtime (memory is ahead of what is durable: reopen to recover).
  #run(fn) {
    const next = this.#tail.then(async () => {
      if (this.#broken) throw this.#broken;
      if (this.#handle === null) {
        throw new WeigeError({ code: 'failed_precondition', reason: 'runtime.closed',
          message: 'the runtime is closed' });
      }
      return fn();
    });
    this.#tail = next.catch(() => {});
    return next;
  }

  #call(text) {
    try {
      return unwrap(text);
    } catch (e) {
      const hostError = this.#mod.weigeHostError;
      if (hostError) e.message += ` (host: ${hostError})`;
      this.#mod.weigeHostError = undefined;
      throw e;
    }
  }

  async #durable() {
    if (!this.#host.durable) return;
    try {
      await this.#host.durable();
    } catch (e) {
      this.#broken = new WeigeError({ code: 'internal', reason: 'host.not_durable',
        message: `the host could not persist the commit: ${e && e.message || e}` });
      throw this.#broken;
    }
  }

  /** Executes one command; resolves with its value once it is durable. */
  dispatch(command) {
    return this.#run(async () => {
      const value = this.#call(this.#mod.dispatch(this.#handle, toJsonText(command, 'command')));
      await this.#durable();
      return value;
    });
  }

  /** Runs a named query. */
  query(name, params = {}) {
    return this.#run(async () =>
      this.#call(this.#mod.query(this.#handle, String(name), toJsonText(params, 'params'))));
  }

  /**
   * The oldest `limit` commands not yet accepted by the server; with `actor`,
   * only that person's (what a push under their token may send).
   */
  pendingCommands(limit = 100, actor = '') {
    return this.#run(async () =>
      this.#call(this.#mod.pendingCommands(this.#handle, Number(limit), String(actor || ''))));
  }

  /** Marks a pending command accepted or rejected by the server. */
  settleCommand(commandId, accepted, detail = '') {
    return this.#run(async () => {
      const v = this.#call(this.#mod.settleCommand(this.#handle, String(commandId), !!accepted,
        String(detail)));
      await this.#durable();
      return v;
    });
  }

  /** Records the server's push answers (its `results` array, or the whole response). */
  settlePush(answers) {
    return this.#run(async () => {
      const v = this.#call(this.#mod.settlePush(this.#handle, toJsonText(answers, 'answers')));
      await this.#durable();
      return v;
    });
  }

  /** Applies one pulled page atomically, then rebases the pending commands on it. */
  applyPage(page) {
    return this.#run(async () => {
      const v = this.#call(this.#mod.applyPage(this.#handle, toJsonText(page, 'page')));
      await this.#durable();
      return v;
    });
  }

  /** Where the next pull starts (cursor), the digest, and what waits. */
  syncState() {
    return this.#run(async () => this.#call(this.#mod.syncState(this.#handle)));
  }

  /** Commands the server (or a rebase) rejected, with code, reason and message. */
  rejections() {
    return this.#run(async () => this.#call(this.#mod.rejections(this.#handle)));
  }

  /** Makes the next pull a full resync from cursor 0. */
  resetSync() {
    return this.#run(async () => {
      const v = this.#call(this.#mod.resetSync(this.#handle));
      await this.#durable();
      return v;
    });
  }

  /** Makes `personId` the first administrator of an empty store. */
  bootstrap(personId, name, at = Date.now()) {
    return this.#run(async () => {
      const v = this.#call(this.#mod.bootstrap(this.#handle, String(personId), String(name),
        Number(at)));
      await this.#durable();
      return v;
    });
  }

  /** PRAGMA integrity_check: resolves {integrity: "ok"} or rejects. */
  integrityCheck() {
    return this.#run(async () => this.#call(this.#mod.integrityCheck(this.#handle)));
  }

  /** Counts of VFS host calls since open, by kind. */
  hostCalls() {
    return { ...this.#mod.hostCallCounts };
  }

  /** Checkpoints and closes the database; the runtime is unusable after. */
  close() {
    return this.#run(async () => {
      const handle = this.#handle;
      this.#handle = null;
      this.#call(this.#mod.close(handle));
      await this.#durable();
      if (this.#host.shutdown) await this.#host.shutdown();
    });
  }
}
