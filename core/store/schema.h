// The SQLite schema as numbered migrations, applied in order on open and
// recorded in PRAGMA user_version.
#pragma once

#include "core/domain/result.h"
#include "core/store/db.h"

namespace weige::store {

// Applies every migration newer than the database's user_version, each in its
// own transaction. A database newer than this code gives failed_precondition.
Status Migrate(Db* db);

// The PostgreSQL schema (schema_pg.cc): its own numbered migrations,
// recorded in the table weige_schema, applied under an advisory lock so that
// servers starting together migrate once.
Status MigratePostgres(Db* db);

// The number of the newest migration this code knows (SQLite's, or the
// given engine's).
int LatestSchemaVersion();
int LatestSchemaVersion(Dialect dialect);

// Names of the tables that hold the store's content, for dumps and tests.
const char* const* ContentTables();

}  // namespace weige::store
