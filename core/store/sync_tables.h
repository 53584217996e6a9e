// The change log's per-table SQL, generated for both engines from one table
// of synced tables (sync_tables.cc).
//
// Every state row a command inserts or updates (regions ... events) is copied
// by a trigger into sync_changes: a global sequence, the table, the primary
// key (a JSON array), the row after the change (a JSON object of its columns,
// values as stored) and its scope keys, tags such as "m:<microgrid>",
// "b:<building>", "h:<household>", "p:<person>", "d:<department>",
// "rs:<region>" (the region row itself) or "all" (see core/sync/scope.h). An
// update that moves a row out of a place also records the old keys, so the
// devices of that place learn to drop it. Each change is indexed, (tag, seq)
// into sync_change_tags for scoped pulls and the photos a row cites into
// sync_blob_refs: on SQLite by a trigger on sync_changes, on PostgreSQL by
// the recording statement itself (one statement, one trigger call a row).
// Recording is off unless sync_config.recording = 1 (the server), and a
// store that does not record has no triggers at all (a device pays nothing
// per row written); each trigger still checks the setting in its WHEN.
//
// The triggers are derived state, not a numbered migration: after the
// migrations, InstallChangeLogTriggers compares a fingerprint of the text
// generated here with the one stored in the database and, when they differ
// (a new column, a new key, older hand-written triggers), drops every
// sync_* trigger and creates the generated ones in one transaction. A column
// added to a synced table is added to the table in sync_tables.cc in the
// same change (ChangeLogTablesTest compares the table with the live schema
// of both engines).
//
// Cursors never skip (PostgreSQL, several servers). A device pulls the
// changes after its cursor, so a change numbered 101 that commits after 102
// was pulled would be missed for good. On PostgreSQL every write transaction
// takes one transaction-scoped advisory lock (kChangeLogLockSql) before its
// first write: Store::Execute takes it right after BEGIN (LockChangeLog), and
// every generated trigger takes it again before it inserts into sync_changes
// (a no-op when held), so no writer can skip it. The lock is held until
// commit or rollback, so sequence numbers are drawn by one transaction at a
// time and a transaction holding numbers commits before the next one draws
// any: seq order is commit order, and a reader that sees seq N sees every
// committed change below N (a rolled-back transaction leaves a gap that no
// one will ever fill). Writes are serialised per schema, which is the
// price: one district's writes go through one lock (measured in
// bench-server.sh). Each district in a schema of its own has its own lock
// and its own sequence, on one node or sharded (docs/SCALING.md). SQLite needs none of
// this: it has one writer at a time.
#pragma once

#include <string>

#include "core/domain/result.h"
#include "core/store/db.h"

namespace weige::store {

// The trigger (and on PostgreSQL, trigger function) DDL of the change log.
std::string ChangeLogTriggerSql(Dialect dialect);

// Every existing row as a change, parents first (run once, when recording is
// turned on for a database that already holds content).
std::string ChangeLogBackfillSql(Dialect dialect);

// Installs the generated triggers when the database's differ (see above), in
// a transaction of its own. A store that does not record (a device) gets
// none: a trigger fires a sub-program per row written even when its WHEN is
// false (visit.record with two findings: 514,000 to 434,000 instructions,
// build-scripts/bench-callgrind.sh), so only EnableChangeLog installs them.
Status InstallChangeLogTriggers(Db& db);

// Whether the store records its change log (sync_config.recording = 1: a
// server); the console's derived state is kept only then.
Status Recording(Db& db, bool* on);

// `text` with @ replaced by the row prefix ("NEW.", "x.", ...): the
// generators' row references (here and in console_index.cc).
std::string Over(std::string_view text, std::string_view row);

// The same inside the caller's write transaction, for a store that has just
// turned recording on (EnableChangeLog, before its backfill).
Status InstallChangeLogTriggersInTx(Db& db);

// The synced tables and their columns, as the generator knows them.
struct SyncedColumns {
  std::string table;
  std::vector<std::string> columns;
};
std::vector<SyncedColumns> SyncedTableColumns();

}  // namespace weige::store
