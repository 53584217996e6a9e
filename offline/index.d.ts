// Types of @weige/offline.

/** A failed command, query or call: the core's stable code and reason. */
export class WeigeError extends Error {
  name: 'WeigeError';
  /** invalid_argument | not_found | failed_precondition | permission_denied | conflict | internal */
  code: string;
  /** A stable dotted key for the UI, e.g. "item.verifier_is_fixer". */
  reason: string;
  message: string;
}

/** Parses a core Result's JSON text: its value, or throws its WeigeError. */
export function unwrap(resultText: string): unknown;

/** A command: {id, type, actor, at, payload}; `id` a UUID made on the device. */
export interface Command {
  id: string;
  type: string;
  actor: string;
  at: number;
  payload: Record<string, unknown>;
}

export interface CommonOptions {
  /** The database's name (a file name on node/wechat, a key on idb/opfs). */
  name: string;
  /** "wal" (default; one write + one sync per commit) or "delete". */
  journal?: 'wal' | 'delete';
  /** SQLite page cache in KiB. */
  cacheKib?: number;
}

export interface NodeOptions extends CommonOptions {
  host: 'node';
  /** Folder of the database files (created if missing). */
  dir?: string;
  /** The web build's .wasm bytes, instead of reading dist/weige.wasm. */
  wasmBinary?: Uint8Array;
}

export interface IdbOptions extends CommonOptions {
  host: 'idb';
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  wasmUrl?: string | URL;
}

export interface OpfsOptions extends CommonOptions {
  host: 'opfs';
  /** OPFS folder of the database files (default "weige"). */
  directory?: string;
  /** Where opfs-worker.js is served, when bundling moves it. */
  workerUrl?: string | URL;
  wasmUrl?: string | URL;
}

export interface WechatOptions extends CommonOptions {
  host: 'wechat';
  /** The mini-program's wx object. */
  wx: unknown;
  /** The shell's WXWebAssembly (default: the global). */
  WXWebAssembly?: unknown;
  /** dist/wechat/weige.js as the mini-program required it. */
  createModule: (moduleArg: object) => Promise<unknown>;
  /** The packaged .wasm's path, for WXWebAssembly.instantiate. */
  wasmPath: string;
  /** Folder under wx.env.USER_DATA_PATH (default "weige"). */
  directory?: string;
}

export type OpenOptions = NodeOptions | IdbOptions | OpfsOptions | WechatOptions;

export interface ApplyPageResult {
  applied: number;
  evicted: number;
  /** Changes at or below the stored cursor (a page applied before). */
  skipped: number;
  next_cursor: number;
  has_more: boolean;
  head: number;
  digest: 'match' | 'mismatch' | 'none';
  /** The digest disagreed: pull again from cursor 0. */
  resync: boolean;
  /** Pending commands the page shows the server accepted. */
  accepted: string[];
  /** Pending commands that no longer apply on the server's state. */
  rejected: { id: string; code: string; reason: string; message: string }[];
  reapplied: number;
  unapplied: number;
  pending: number;
}

export interface SyncState {
  cursor: number;
  head: number;
  digest: { count: number; hash: string };
  resync: boolean;
  pending: number;
  accepted: number;
  rejected: number;
  unapplied: number;
}

export interface Rejection {
  id: string;
  type: string;
  actor: string;
  at: number;
  payload: Record<string, unknown>;
  code: string;
  reason: string;
  message: string;
  source: 'server' | 'rebase';
}

export interface WeigeRuntime {
  /** Executes one command; resolves with its value once the commit is durable on the host. */
  dispatch(command: Command | string): Promise<any>;
  /** Runs a named query (e.g. "worker.households_due"); params include `actor`. */
  query(name: string, params?: Record<string, unknown> | string): Promise<any>;
  /** The oldest `limit` commands not yet accepted by the server. */
  /** With `actor`, only that person's commands (what a push under their token may send). */
  pendingCommands(limit?: number, actor?: string): Promise<{ commands: Command[]; count: number }>;
  /** Marks a pending command accepted or rejected by the server. */
  settleCommand(commandId: string, accepted: boolean, detail?: string): Promise<null>;
  /** Records the server's push answers: its `results` array, or the whole response. */
  settlePush(answers: unknown[] | object | string): Promise<{ accepted: number; rejected: number; retry: number }>;
  /** Applies one pulled page atomically and rebases the pending commands on it. */
  applyPage(page: object | string): Promise<ApplyPageResult>;
  /** Where the next pull starts, the scope digest kept, and what waits. */
  syncState(): Promise<SyncState>;
  /** Commands the server (or a rebase) rejected, oldest first. */
  rejections(): Promise<Rejection[]>;
  /** Makes the next pull a full resync from cursor 0. */
  resetSync(): Promise<null>;
  /** Makes `personId` the first administrator of an empty store. */
  bootstrap(personId: string, name: string, at?: number): Promise<{ person_id: string }>;
  /** PRAGMA integrity_check. */
  integrityCheck(): Promise<{ integrity: 'ok' }>;
  /** Counts of VFS host calls since open, by kind (a promise for opfs). */
  hostCalls(): Record<string, number> | Promise<Record<string, number>>;
  /** Checkpoints and closes; later calls reject with runtime.closed. */
  close(): Promise<void>;
}

/** Opens (creating) a database on the given host. */
export function open(options: OpenOptions): Promise<WeigeRuntime>;

/** Progress of the sync client, for the UI. */
export interface SyncProgress {
  /** idle | pushing | uploading | pulling | offline | backoff | auth */
  state: string;
  online: boolean;
  /** Commands waiting for the server. */
  pending: number;
  /** Commands accepted by the server since the client started. */
  pushed: number;
  /** Changes pulled and applied since the client started. */
  pulled: number;
  /** Commands on the rejections list. */
  rejections: number;
  cursor: number;
  lastSync: number;
  error: string | null;
  /** After a failure: when the next try is (ms). */
  retryInMs?: number | null;
}

/** A request the transport makes; it throws NetworkError when no answer came. */
export interface SyncRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
}
export type SyncTransport = (request: SyncRequest) => Promise<{ status: number; text: string }>;

export interface SyncClientOptions {
  rt: WeigeRuntime;
  /** The server's origin ('' for the page's own). */
  base?: string;
  token: string | (() => string | Promise<string>);
  /** fetchTransport() by default; wxTransport(wx) in WeChat. */
  transport?: SyncTransport;
  /** Photos this device holds, by SHA-256; uploaded before the commands citing them. */
  blobs?: { get(sha: string): Uint8Array | ArrayBuffer | Blob | null | Promise<Uint8Array | ArrayBuffer | Blob | null>;
    markUploaded?(sha: string): void | Promise<void> };
  wx?: unknown;
  random?: () => number;
  batchSize?: number;
  pullLimit?: number;
  probeMs?: number;
  timeoutMs?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class NetworkError extends Error { name: 'NetworkError'; }
export class HttpError extends Error {
  name: 'HttpError';
  status: number;
  code?: string;
  reason?: string;
}

export class SyncClient {
  constructor(options: SyncClientOptions);
  readonly progress: SyncProgress;
  on(type: 'progress', fn: (p: SyncProgress) => void): () => void;
  on(type: 'rejection', fn: (list: Rejection[]) => void): () => void;
  on(type: 'auth', fn: (e: HttpError) => void): () => void;
  on(type: 'synced', fn: (counts: { pushed: number; rejected: number; pulled: number }) => void): () => void;
  off(type: string, fn: (...args: any[]) => void): void;
  /** Listens for the network (online events, wx), probes /healthz, syncs now. */
  start(): void;
  stop(): void;
  setToken(token: string | (() => string | Promise<string>)): void;
  kick(delayMs?: number): void;
  /** One round: push all pending, then pull until done. */
  sync(): Promise<{ pushed: number; rejected: number; pulled: number }>;
}

export function createSyncClient(options: SyncClientOptions): SyncClient;
export function fetchTransport(fetchImpl?: typeof fetch): SyncTransport;
export function wxTransport(wx: unknown): SyncTransport;
