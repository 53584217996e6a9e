#include "core/store/schema.h"

#include <iterator>
#include <string>

namespace weige::store {

// Migration 2, the change log and the server's tables (sync_schema.cc).
extern const char kSyncMigration[];
// Migration 3, the device's sync state and rebase records (device_schema.cc).
extern const char kDeviceMigration[];

namespace {

// Times are integer milliseconds since the epoch; JSON columns hold text.
constexpr const char* kMigrations[] = {
    // 1: the domain.
    R"sql(
CREATE TABLE regions(
  id TEXT PRIMARY KEY, parent_id TEXT REFERENCES regions(id), level TEXT NOT NULL,
  name TEXT NOT NULL, code TEXT,
  district_id TEXT, street_id TEXT, community_id TEXT, grid_id TEXT
) WITHOUT ROWID;
CREATE INDEX regions_parent ON regions(parent_id);
CREATE TABLE departments(id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL)
  WITHOUT ROWID;
CREATE TABLE buildings(
  id TEXT PRIMARY KEY, microgrid_id TEXT NOT NULL REFERENCES regions(id),
  name TEXT NOT NULL, address TEXT, units INTEGER, floors INTEGER
) WITHOUT ROWID;
CREATE INDEX buildings_mg ON buildings(microgrid_id);
CREATE TABLE households(
  id TEXT PRIMARY KEY, building_id TEXT NOT NULL REFERENCES buildings(id),
  microgrid_id TEXT NOT NULL, unit TEXT, floor INTEGER, room TEXT,
  head_name TEXT, members INTEGER, phone TEXT, tags TEXT
) WITHOUT ROWID;
CREATE INDEX households_mg ON households(microgrid_id, building_id);
CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT) WITHOUT ROWID;
CREATE TABLE roles(
  person_id TEXT NOT NULL REFERENCES people(id), role TEXT NOT NULL, scope_id TEXT NOT NULL,
  PRIMARY KEY(person_id, role, scope_id)
) WITHOUT ROWID;
CREATE INDEX roles_scope ON roles(scope_id, role);
CREATE TABLE templates(
  id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL, published_at INTEGER NOT NULL,
  PRIMARY KEY(id, version)
) WITHOUT ROWID;
CREATE TABLE visits(
  id TEXT PRIMARY KEY, household_id TEXT NOT NULL REFERENCES households(id),
  microgrid_id TEXT NOT NULL, cycle TEXT NOT NULL, outcome TEXT NOT NULL,
  counts INTEGER NOT NULL, worker_id TEXT NOT NULL, at INTEGER NOT NULL,
  template_id TEXT, template_version INTEGER, answers TEXT, notes TEXT, photos TEXT,
  lat REAL, lng REAL
) WITHOUT ROWID;
CREATE INDEX visits_mg ON visits(microgrid_id, cycle, at);
CREATE INDEX visits_hh ON visits(household_id, at);
CREATE TABLE coverage(
  microgrid_id TEXT NOT NULL, cycle TEXT NOT NULL, household_id TEXT NOT NULL,
  PRIMARY KEY(microgrid_id, cycle, household_id)
) WITHOUT ROWID;
CREATE TABLE patrols(
  id TEXT PRIMARY KEY, building_id TEXT NOT NULL REFERENCES buildings(id),
  captain_id TEXT NOT NULL, at INTEGER NOT NULL, notes TEXT, photos TEXT
) WITHOUT ROWID;
CREATE INDEX patrols_building ON patrols(building_id, at);
CREATE TABLE items(
  id TEXT PRIMARY KEY, microgrid_id TEXT NOT NULL REFERENCES regions(id),
  building_id TEXT, household_id TEXT, category TEXT NOT NULL, title TEXT NOT NULL,
  description TEXT, state TEXT NOT NULL, source TEXT NOT NULL, source_id TEXT,
  owner_person TEXT, owner_dept TEXT, deadline INTEGER,
  escalated_to TEXT, escalation_deadline INTEGER, acknowledged_at INTEGER,
  opened_by TEXT NOT NULL, opened_at INTEGER NOT NULL,
  fixed_by TEXT, fixed_at INTEGER, closed_by TEXT, closed_at INTEGER,
  reopen_count INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX items_mg ON items(microgrid_id, state);
CREATE INDEX items_building ON items(building_id, state) WHERE building_id IS NOT NULL;
CREATE INDEX items_owner_person ON items(owner_person) WHERE owner_person IS NOT NULL;
CREATE INDEX items_owner_dept ON items(owner_dept) WHERE owner_dept IS NOT NULL;
CREATE INDEX items_escalated ON items(escalated_to) WHERE escalated_to IS NOT NULL;
CREATE TABLE reports(
  id TEXT PRIMARY KEY, resident_id TEXT NOT NULL, household_id TEXT NOT NULL,
  microgrid_id TEXT NOT NULL, building_id TEXT, unit TEXT, room TEXT, address TEXT,
  category TEXT NOT NULL, description TEXT NOT NULL, phone TEXT, photos TEXT,
  item_id TEXT NOT NULL, submitted_at INTEGER NOT NULL,
  rating INTEGER, eval_comment TEXT, evaluated_at INTEGER
) WITHOUT ROWID;
CREATE INDEX reports_resident ON reports(resident_id, submitted_at);
CREATE INDEX reports_item ON reports(item_id);
CREATE INDEX reports_mg ON reports(microgrid_id);
CREATE TABLE events(
  seq INTEGER PRIMARY KEY, command_id TEXT NOT NULL, entity TEXT NOT NULL,
  entity_id TEXT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, at INTEGER NOT NULL,
  server_at INTEGER, reason TEXT, data TEXT, evidence TEXT
);
CREATE INDEX events_entity ON events(entity, entity_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY, command_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
  actor TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL, result TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX outbox_state ON outbox(state, seq);
)sql",
    // 2: the server's change log, push answers, credentials, tokens, blobs.
    kSyncMigration,
    // 3: the device's pull cursor, rebase changesets, rejections.
    kDeviceMigration,
};

constexpr const char* kContentTables[] = {
    "regions", "departments", "buildings", "households", "people", "roles",  "templates",
    "visits",  "coverage",    "patrols",   "items",      "reports", "events", "outbox",
    nullptr};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

const char* const* ContentTables() { return kContentTables; }

Status Migrate(Db* db) {
  int64_t current = 0;
  {
    Stmt s = db->Q("PRAGMA user_version");
    if (s.Step()) current = s.Int(0);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  if (current > LatestSchemaVersion()) {
    return FailedPrecondition("store.schema_too_new",
                              "the database was written by a newer Weige (schema " +
                                  std::to_string(current) + ")");
  }
  for (int v = static_cast<int>(current); v < LatestSchemaVersion(); ++v) {
    WEIGE_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    Status s = db->Exec(kMigrations[v]);
    if (s.ok()) s = db->Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!s.ok()) {
      db->Exec("ROLLBACK");
      return s;
    }
    WEIGE_RETURN_IF_ERROR(db->Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace weige::store
