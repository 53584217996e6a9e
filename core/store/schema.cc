#include "core/store/schema.h"

#include <iterator>
#include <string>

#include "core/store/sync_tables.h"

namespace weige::store {

// Migration 2, the change log and the server's tables (sync_schema.cc).
extern const char kSyncMigration[];
// Its view of where grants place people (sync_schema.cc).
extern const char kSyncRoleTagsView[];
// Migration 3, the device's sync state and rebase records (device_schema.cc).
extern const char kDeviceMigration[];

namespace {

// 4: command ids are unique per actor, not globally (one person's id can no
// longer block another's): the outbox and the server's push answers are
// keyed by (actor, command id). Reports record the closure episode they
// evaluated (the item's reopen_count, the store's own order, instead of
// comparing device times) and whether the resident may be contacted. The
// reports change-log triggers of migration 2 are replaced to carry the two
// new columns. Existing rows stay valid: ids were globally unique, so they
// are unique per actor; an evaluated report gets the episode the old rule
// counted it for.
constexpr char kTrustMigration[] = R"sql(
CREATE TABLE outbox_v4(
  seq INTEGER PRIMARY KEY, command_id TEXT NOT NULL, type TEXT NOT NULL,
  actor TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL, result TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', UNIQUE(actor, command_id)
);
INSERT INTO outbox_v4(seq, command_id, type, actor, at, body, result, state)
  SELECT seq, command_id, type, actor, at, body, result, state FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_state ON outbox(state, seq);
CREATE INDEX outbox_command ON outbox(command_id);

CREATE TABLE sync_push_answers_v4(
  person_id TEXT NOT NULL, command_id TEXT NOT NULL, body TEXT NOT NULL,
  answer TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(person_id, command_id)
) WITHOUT ROWID;
INSERT INTO sync_push_answers_v4(person_id, command_id, body, answer, at)
  SELECT person_id, command_id, body, answer, at FROM sync_push_answers;
DROP TABLE sync_push_answers;
ALTER TABLE sync_push_answers_v4 RENAME TO sync_push_answers;

DROP TRIGGER IF EXISTS sync_reports_ins;
DROP TRIGGER IF EXISTS sync_reports_upd;
ALTER TABLE reports ADD COLUMN contact_ok INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN evaluated_episode INTEGER;
CREATE TRIGGER sync_reports_ins AFTER INSERT ON reports WHEN (SELECT recording FROM sync_config
    WHERE id = 1) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('reports', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'resident_id', NEW.resident_id, 'household_id', NEW.household_id,
        'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id, 'unit', NEW.unit,
        'room', NEW.room, 'address', NEW.address, 'category', NEW.category, 'description',
        NEW.description, 'phone', NEW.phone, 'photos', NEW.photos, 'item_id', NEW.item_id,
        'submitted_at', NEW.submitted_at, 'rating', NEW.rating, 'eval_comment', NEW.eval_comment,
        'evaluated_at', NEW.evaluated_at, 'contact_ok', NEW.contact_ok, 'evaluated_episode',
        NEW.evaluated_episode),
    json_array('m:' || NEW.microgrid_id, 'p:' || NEW.resident_id));
END;
CREATE TRIGGER sync_reports_upd AFTER UPDATE ON reports WHEN (SELECT recording FROM sync_config
    WHERE id = 1) AND (NEW.id IS NOT OLD.id OR NEW.resident_id IS NOT OLD.resident_id OR
    NEW.household_id IS NOT OLD.household_id OR NEW.microgrid_id IS NOT OLD.microgrid_id OR
    NEW.building_id IS NOT OLD.building_id OR NEW.unit IS NOT OLD.unit OR NEW.room IS NOT OLD.room
    OR NEW.address IS NOT OLD.address OR NEW.category IS NOT OLD.category OR NEW.description IS
    NOT OLD.description OR NEW.phone IS NOT OLD.phone OR NEW.photos IS NOT OLD.photos OR
    NEW.item_id IS NOT OLD.item_id OR NEW.submitted_at IS NOT OLD.submitted_at OR NEW.rating IS
    NOT OLD.rating OR NEW.eval_comment IS NOT OLD.eval_comment OR NEW.evaluated_at IS NOT
    OLD.evaluated_at OR NEW.contact_ok IS NOT OLD.contact_ok OR NEW.evaluated_episode IS NOT
    OLD.evaluated_episode) BEGIN
INSERT INTO sync_changes(tbl, op, pk, row, keys)
  VALUES('reports', 'upsert', json_array(NEW.id),
    json_object('id', NEW.id, 'resident_id', NEW.resident_id, 'household_id', NEW.household_id,
        'microgrid_id', NEW.microgrid_id, 'building_id', NEW.building_id, 'unit', NEW.unit,
        'room', NEW.room, 'address', NEW.address, 'category', NEW.category, 'description',
        NEW.description, 'phone', NEW.phone, 'photos', NEW.photos, 'item_id', NEW.item_id,
        'submitted_at', NEW.submitted_at, 'rating', NEW.rating, 'eval_comment', NEW.eval_comment,
        'evaluated_at', NEW.evaluated_at, 'contact_ok', NEW.contact_ok, 'evaluated_episode',
        NEW.evaluated_episode),
    json_array('m:' || NEW.microgrid_id, 'p:' || NEW.resident_id));
END;
UPDATE reports SET evaluated_episode = (
  SELECT CASE WHEN i.state = 'closed' AND reports.evaluated_at >= i.closed_at
    THEN i.reopen_count ELSE i.reopen_count - 1 END
  FROM items i WHERE i.id = reports.item_id)
WHERE evaluated_at IS NOT NULL;
)sql";

// 5: the change log's triggers are generated (sync_tables.h) and installed
// after the migrations; this table holds the fingerprint of the installed
// text. The hand-written triggers of migrations 2 and 4 are replaced on the
// first open.
constexpr char kGeneratedTriggersMigration[] = R"sql(
CREATE TABLE sync_triggers(id INTEGER PRIMARY KEY CHECK(id = 1), fingerprint TEXT NOT NULL);
)sql";

// 6: the console's derived state on a server (console_index.h): counts per
// micro-grid for the tree, bigrams of names and addresses for the search,
// kept by generated triggers while the store records.
constexpr char kConsoleIndexMigration[] = R"sql(
CREATE TABLE microgrid_counts(
  microgrid_id TEXT PRIMARY KEY, households INTEGER NOT NULL, people INTEGER NOT NULL,
  open_items INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE household_grams(
  gram TEXT NOT NULL, household_id TEXT NOT NULL, PRIMARY KEY(gram, household_id)
) WITHOUT ROWID;
CREATE INDEX household_grams_id ON household_grams(household_id);
CREATE TABLE building_grams(
  gram TEXT NOT NULL, building_id TEXT NOT NULL, PRIMARY KEY(gram, building_id)
) WITHOUT ROWID;
CREATE INDEX building_grams_id ON building_grams(building_id);
)sql";

// 7: places (issue 12). Buildings carry WGS-84 coordinates (degrees,
// nullable: both or neither, checked by the commands). building_rtree is
// an R-tree over them (a point is a box of no size; its 32-bit floats are
// rounded outward, so the box holds the point); building_geo gives each
// building with coordinates the integer id the R-tree keys on (its rows'
// triggers keep the R-tree). Plain triggers keep both whatever writes
// buildings (commands, a pulled page, a rebase's undo), recording or not: a
// device routes by location offline over the buildings it holds.
constexpr char kPlacesMigration[] = R"sql(
ALTER TABLE buildings ADD COLUMN lat REAL;
ALTER TABLE buildings ADD COLUMN lng REAL;
CREATE TABLE building_geo(rid INTEGER PRIMARY KEY, building_id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE building_rtree USING rtree(id, min_lat, max_lat, min_lng, max_lng,
  +building_id);
CREATE TRIGGER geo_buildings_ins AFTER INSERT ON buildings BEGIN
  DELETE FROM building_geo WHERE building_id = NEW.id;
  INSERT INTO building_geo(building_id) SELECT NEW.id
    WHERE NEW.lat IS NOT NULL AND NEW.lng IS NOT NULL;
END;
CREATE TRIGGER geo_buildings_upd AFTER UPDATE OF id, lat, lng ON buildings BEGIN
  DELETE FROM building_geo WHERE building_id = OLD.id;
  INSERT INTO building_geo(building_id) SELECT NEW.id
    WHERE NEW.lat IS NOT NULL AND NEW.lng IS NOT NULL;
END;
CREATE TRIGGER geo_buildings_del AFTER DELETE ON buildings BEGIN
  DELETE FROM building_geo WHERE building_id = OLD.id;
END;
CREATE TRIGGER geo_rtree_ins AFTER INSERT ON building_geo BEGIN
  INSERT INTO building_rtree(id, min_lat, max_lat, min_lng, max_lng, building_id)
    SELECT NEW.rid, b.lat, b.lat, b.lng, b.lng, b.id FROM buildings b WHERE b.id = NEW.building_id;
END;
CREATE TRIGGER geo_rtree_del AFTER DELETE ON building_geo BEGIN
  DELETE FROM building_rtree WHERE id = OLD.rid;
END;
)sql";

// 8: duplicate reports (duplicate_commands.cc). A duplicate report names
// its original report; its item names the original's item and is parked
// (its state kept, not worked) while marked; the report follows the
// original's state and closure episode so its resident sees and evaluates it.
constexpr char kDuplicatesMigration[] = R"sql(
ALTER TABLE reports ADD COLUMN duplicate_of TEXT;
ALTER TABLE reports ADD COLUMN follow_state TEXT;
ALTER TABLE reports ADD COLUMN follow_episode INTEGER;
ALTER TABLE items ADD COLUMN duplicate_of TEXT;
CREATE INDEX reports_duplicate_of ON reports(duplicate_of) WHERE duplicate_of IS NOT NULL;
)sql";

// 9: one index for the outbox's command lookups instead of two (issue 14).
// UNIQUE(command_id, actor) answers the lookup by (actor, command id) and,
// by its prefix, the device's lookups by command id alone (settling, rebase),
// which outbox_command answered: a visit.record with two findings commits
// 1.2 WAL pages fewer (weige_bench's wal_frames_per_command, 20.8 -> 19.6).
constexpr char kOutboxIndexMigration[] = R"sql(
CREATE TABLE outbox_v7(
  seq INTEGER PRIMARY KEY, command_id TEXT NOT NULL, type TEXT NOT NULL,
  actor TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL, result TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', UNIQUE(command_id, actor)
);
INSERT INTO outbox_v7(seq, command_id, type, actor, at, body, result, state)
  SELECT seq, command_id, type, actor, at, body, result, state FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_state ON outbox(state, seq);
)sql";

// 10: attempts counted against sliding-window limits (failed sign-ins), in
// the store so that a fleet's servers share them (sync_store.h RateReserve).
// n attempts of a key in the bucket starting at `at`; `at` alone answers the purge.
constexpr char kRateHitsMigration[] = R"sql(
CREATE TABLE rate_hits(
  key TEXT NOT NULL, at INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(key, at)
) WITHOUT ROWID;
CREATE INDEX rate_hits_at ON rate_hits(at);
)sql";

// 11: settings an administrator makes for every device (map_queries.cc):
// one row per key, its value JSON text (NULL: the setting is cleared, kept
// as a row so the change reaches devices as an upsert). Synced to every
// device ("all", as departments and templates are). The first key is
// "map.tiles", the base map's tile source.
constexpr char kSettingsMigration[] = R"sql(
CREATE TABLE settings(
  key TEXT PRIMARY KEY, value TEXT, updated_by TEXT NOT NULL, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// 12: Open311 GeoReport v2 (open311_store.h): partner API keys (the hex
// SHA-256 of each key, never the key; their calls are counted in rate_hits,
// migration 10, so a fleet shares them), the token of each request a partner
// submitted; an index for GET requests' window (newest first) and a partial
// one for the status changes servicerequestupdates reads by the server's
// time of each event.
constexpr char kOpen311Migration[] = R"sql(
CREATE TABLE open311_keys(
  id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, partner_id TEXT NOT NULL,
  region_id TEXT NOT NULL, label TEXT NOT NULL, created_by TEXT NOT NULL,
  rate_per_minute INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER
) WITHOUT ROWID;
CREATE TABLE open311_tokens(
  token TEXT PRIMARY KEY, report_id TEXT NOT NULL, key_id TEXT NOT NULL, at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reports_submitted ON reports(submitted_at);
CREATE INDEX events_status_changes ON events(server_at) WHERE entity = 'item' AND type IN
  ('item.assigned', 'item.fixed', 'item.closed', 'item.fix_rejected', 'item.reopened');
)sql";

// 13: Open311's times are the server's (open311_store.h): a request is
// dated by when the server took it, its report.submitted event's server_at
// (the recorded `at` only where a row never met a server, e.g. a generated
// district), not by the device's submitted_at; that index goes.
constexpr char kReceivedMigration[] = R"sql(
DROP INDEX reports_submitted;
CREATE INDEX events_reports_received ON events(COALESCE(server_at, at))
  WHERE entity = 'report' AND type = 'report.submitted';
)sql";

// 14: servicerequestupdates reads a partner's reports' item status changes
// from each report's item (reports, then this index by item and server
// time), not every item's status changes by time then filtered to reports'
// (a district's visits make ~93% of its items: 1.4 s for a 90-day window of
// the full-scale district, where this reads 1,000 in ~40 ms). And the
// submissions' index of migration 13 carries the report id, so a filtered
// window (one service_code, open only) reads the reports it keeps, not
// every submission event too.
constexpr char kItemStatusMigration[] = R"sql(
DROP INDEX events_status_changes;
DROP INDEX events_reports_received;
CREATE INDEX events_reports_received ON events(COALESCE(server_at, at), entity_id)
  WHERE entity = 'report' AND type = 'report.submitted';
CREATE INDEX events_item_status ON events(entity_id, server_at, type) WHERE entity = 'item' AND type IN
  ('item.assigned', 'item.fixed', 'item.closed', 'item.fix_rejected', 'item.reopened');
)sql";

// 15: an entity's events are found by its id alone (issue 14): the index is
// (entity_id, seq), not (entity, entity_id, seq), and every lookup by
// entity and id checks the entity on the row, so an id that two kinds of
// entity share costs a few more rows read, never a wrong answer (the apps'
// ids are UUIDs with their kind's prefix). A visit's items take their ids from
// the visit's ("v-....1"), so the visit's event and its items' events now
// land in one leaf instead of two regions of the index: a visit.record with
// two findings commits one WAL page fewer (weige_bench's
// wal_frames_per_command, 19.9 -> 18.9), and each entry is shorter by its
// entity name. PostgreSQL keeps its index (its migrations are its own).
// And migration 14's status-change index names its types as equalities
// joined by OR, not as an IN list: SQLite evaluates a partial index's WHERE
// on every insert into events, and an IN list of more than two constants
// builds an ephemeral B-tree each time (three times a visit.record with two
// findings). The same rows are indexed; open311_store.cc's query names the
// same OR terms, as SQLite uses a partial index only for a query that has
// its terms. 465,287 -> 422,868 instructions a visit.record
// (bench-callgrind.sh), -9%.
constexpr char kEventsByIdMigration[] = R"sql(
DROP INDEX events_entity;
CREATE INDEX events_entity ON events(entity_id, seq);
DROP INDEX events_item_status;
CREATE INDEX events_item_status ON events(entity_id, server_at, type) WHERE entity = 'item' AND
  (type = 'item.assigned' OR type = 'item.fixed' OR type = 'item.closed'
   OR type = 'item.fix_rejected' OR type = 'item.reopened');
)sql";

// Times are integer milliseconds since the epoch; JSON columns hold text.
// A migration is one or two texts, run in one transaction.
struct Migration {
  const char* sql;
  const char* more = nullptr;
};
constexpr Migration kMigrations[] = {
    // 1: the domain.
    {R"sql(
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
)sql"},
    // 2: the server's change log, push answers, credentials, tokens, blobs.
    {kSyncMigration, kSyncRoleTagsView},
    // 3: the device's pull cursor, rebase changesets, rejections.
    {kDeviceMigration},
    // 4: issue 11 ("Trust"), above.
    {kTrustMigration},
    // 5: generated change-log triggers, above.
    {kGeneratedTriggersMigration},
    // 6: the console's derived state, above.
    {kConsoleIndexMigration},
    // 7: building coordinates and their R-tree, above.
    {kPlacesMigration},
    // 8: duplicate reports, above.
    {kDuplicatesMigration},
    // 9: the outbox's command index, above.
    {kOutboxIndexMigration},
    // 10: rate-limit attempts, above.
    {kRateHitsMigration},
    // 11: settings, above.
    {kSettingsMigration},
    // 12: Open311, above.
    {kOpen311Migration},
    // 13: requests dated by the server, above.
    {kReceivedMigration},
    // 14: status changes by item, above.
    {kItemStatusMigration},
    // 15: events by entity id, status changes without an IN list, above.
    {kEventsByIdMigration},
};

constexpr const char* kContentTables[] = {
    "regions", "departments", "buildings", "households", "people", "roles",  "templates",
    "visits",  "coverage",    "patrols",   "items",      "reports", "events", "outbox",
    "settings", nullptr};

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
    Transaction tx;
    WEIGE_RETURN_IF_ERROR(db->Begin(TxMode::kImmediate, &tx));
    WEIGE_RETURN_IF_ERROR(db->Exec(kMigrations[v].sql));
    if (kMigrations[v].more != nullptr) WEIGE_RETURN_IF_ERROR(db->Exec(kMigrations[v].more));
    WEIGE_RETURN_IF_ERROR(db->Exec("PRAGMA user_version = " + std::to_string(v + 1)));
    WEIGE_RETURN_IF_ERROR(tx.Commit());
  }
  return InstallChangeLogTriggers(*db);
}

}  // namespace weige::store
