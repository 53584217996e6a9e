// The peer beside our OPFS figures: the official SQLite wasm build
// (@sqlite.org/sqlite-wasm, pinned in package.json) on its fastest durable
// setting, the opfs-sahpool VFS with locking_mode=EXCLUSIVE, WAL and
// synchronous=FULL, doing the bare SQL of a visit with two findings: one
// transaction of 12 INSERTs into 6 tables (visit, coverage, two items, six
// events, the outbox row, the answers), indexed as a store like ours would
// be. Timed here, in the worker, per transaction; no Weige code runs.
import sqlite3InitModule from '../../../node_modules/@sqlite.org/sqlite-wasm/dist/index.mjs';

const kSchema = `
  CREATE TABLE visits(id TEXT PRIMARY KEY, household_id TEXT NOT NULL, worker_id TEXT NOT NULL,
    cycle TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE INDEX visits_household ON visits(household_id, at);
  CREATE TABLE coverage(household_id TEXT NOT NULL, cycle TEXT NOT NULL, visit_id TEXT NOT NULL,
    PRIMARY KEY(household_id, cycle)) WITHOUT ROWID;
  CREATE TABLE items(id TEXT PRIMARY KEY, household_id TEXT NOT NULL, state TEXT NOT NULL,
    title TEXT NOT NULL, deadline INTEGER NOT NULL, opened_at INTEGER NOT NULL);
  CREATE INDEX items_household ON items(household_id, state);
  CREATE INDEX items_state ON items(state, deadline);
  CREATE TABLE events(seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, type TEXT NOT NULL,
    actor TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL);
  CREATE INDEX events_subject ON events(subject, seq);
  CREATE TABLE outbox(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
    state TEXT NOT NULL);
  CREATE TABLE answers(visit_id TEXT PRIMARY KEY, body TEXT NOT NULL);`;

self.onmessage = async ({ data: { n } }) => {
  try {
    const sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
    const pool = await sqlite3.installOpfsSAHPoolVfs({ name: 'weige-peer', clearOnInit: true });
    const db = new pool.OpfsSAHPoolDb('/peer.db');
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    db.exec(kSchema);
    const body = JSON.stringify({ answers: { q1: 'no', q2: 'no', q3: 'yes' }, note: '楼道堆物，消防通道堵塞' });
    const times = [];
    for (let i = 0; i < n; ++i) {
      const v = `v${i}`, h = `h${i % 3}`, at = 1795000000000 + i;
      const t0 = performance.now();
      db.transaction(() => {
        db.exec({ sql: 'INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?)', bind: [v, h, 'w1', '2026-12', at, body] });
        db.exec({ sql: 'INSERT INTO coverage VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET visit_id = excluded.visit_id',
          bind: [h, '2026-12', v] });
        for (const k of [1, 2]) {
          db.exec({ sql: 'INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)',
            bind: [`${v}.${k}`, h, 'open', '楼道堆物', at + 7 * 86400000, at] });
        }
        for (const [subject, type] of [[v, 'visit.recorded'], [h, 'household.visited'],
          [`${v}.1`, 'item.opened'], [`${v}.1`, 'item.assigned'], [`${v}.2`, 'item.opened'],
          [`${v}.2`, 'item.assigned']]) {
          db.exec({ sql: 'INSERT INTO events(subject, type, actor, at, payload) VALUES (?, ?, ?, ?, ?)',
            bind: [subject, type, 'w1', at, '{}'] });
        }
        db.exec({ sql: 'INSERT INTO outbox(id, body, state) VALUES (?, ?, ?)', bind: [v, body, 'pending'] });
        db.exec({ sql: 'INSERT INTO answers VALUES (?, ?)', bind: [v, body] });
      });
      times.push(performance.now() - t0);
    }
    db.close();
    await pool.removeVfs();
    self.postMessage({ times, version: sqlite3.version.libVersion });
  } catch (e) {
    self.postMessage({ error: String((e && e.message) || e) });
  }
};
