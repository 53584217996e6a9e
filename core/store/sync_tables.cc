// The table of synced tables and the change-log SQL generated from it (see
// sync_tables.h). Key expressions are SQL both engines accept, written over
// `@`, which stands for the row: NEW. or OLD. in a trigger, x. in the
// backfill, e. in a lookup of an event's entity.
#include "core/store/sync_tables.h"

#include "core/store/console_index.h"

#include <cstdio>
#include <vector>

#include "core/store/sync_store.h"

namespace weige::store {

namespace {

using List = std::vector<const char*>;

// Scope keys of a row: a list of tag expressions, or a query whose column
// `tag` gives them, or (events) the keys of the entity the row is about.
struct Keys {
  List tags;
  const char* query = nullptr;
  bool by_entity = false;
};

struct Table {
  const char* name;
  List pk;
  List columns;
  Keys keys;
  List old_keys;  // recorded by an update (the places a row may leave)
  const char* order = "";  // backfill order, over x (else the primary key's)
  // roles: deletes are recorded, and a grant or revoke re-records the
  // person's row (its keys follow the person's grants).
  bool grants = false;
  // events: append-only, never updated, so no update trigger.
  bool append_only = false;
};

const List kItemKeys = {"'m:' || @microgrid_id", "'b:' || @building_id", "'h:' || @household_id",
                        "'p:' || @owner_person", "'d:' || @owner_dept", "'d:' || @escalated_to",
                        "'p:' || (SELECT resident_id FROM reports WHERE item_id = @id)"};
const List kPatrolKeys = {"'m:' || (SELECT microgrid_id FROM buildings WHERE id = @building_id)",
                          "'b:' || @building_id"};
const char kPersonKeys[] =
    "SELECT 'p:' || @id AS tag UNION SELECT tag FROM sync_role_tags WHERE person_id = @id";

// Parents first: the backfill records them in this order.
const std::vector<Table>& Tables() {
  static const std::vector<Table> t = {
      {"regions",
       {"id"},
       {"id", "parent_id", "level", "name", "code", "district_id", "street_id", "community_id",
        "grid_id"},
       {{"'rs:' || @id"}},
       {},
       "ORDER BY CASE x.level WHEN 'district' THEN 0 WHEN 'street' THEN 1 WHEN 'community' THEN 2"
       " WHEN 'grid' THEN 3 ELSE 4 END, x.id"},
      {"departments", {"id"}, {"id", "name", "kind"}, {{"'all'"}}},
      {"buildings",
       {"id"},
       {"id", "microgrid_id", "name", "address", "units", "floors", "lat", "lng"},
       {{"'m:' || @microgrid_id", "'b:' || @id"}},
       {"'m:' || @microgrid_id"}},
      {"households",
       {"id"},
       {"id", "building_id", "microgrid_id", "unit", "floor", "room", "head_name", "members",
        "phone", "tags"},
       {{"'m:' || @microgrid_id", "'h:' || @id"}},
       {"'m:' || @microgrid_id"}},
      {"people", {"id"}, {"id", "name", "phone"}, {{}, kPersonKeys}},
      {"roles",
       {"person_id", "role", "scope_id"},
       {"person_id", "role", "scope_id"},
       {{},
        "SELECT tag FROM sync_role_tags WHERE person_id = @person_id AND role = @role"
        " AND scope_id = @scope_id"},
       {},
       "ORDER BY x.scope_id, x.role, x.person_id",  // as SQLite scanned it (roles_scope)
       true},
      {"templates", {"id", "version"}, {"id", "version", "body", "published_at"}, {{"'all'"}}},
      {"settings", {"key"}, {"key", "value", "updated_by", "updated_at"}, {{"'all'"}}},
      {"visits",
       {"id"},
       {"id", "household_id", "microgrid_id", "cycle", "outcome", "counts", "worker_id", "at",
        "template_id", "template_version", "answers", "notes", "photos", "lat", "lng"},
       {{"'m:' || @microgrid_id"}}},
      {"coverage",
       {"microgrid_id", "cycle", "household_id"},
       {"microgrid_id", "cycle", "household_id"},
       {{"'m:' || @microgrid_id"}}},
      {"patrols",
       {"id"},
       {"id", "building_id", "captain_id", "at", "notes", "photos"},
       {kPatrolKeys}},
      {"reports",
       {"id"},
       {"id", "resident_id", "household_id", "microgrid_id", "building_id", "unit", "room",
        "address", "category", "description", "phone", "photos", "item_id", "submitted_at",
        "rating", "eval_comment", "evaluated_at", "contact_ok", "evaluated_episode",
        "duplicate_of", "follow_state", "follow_episode"},
       {{"'m:' || @microgrid_id", "'p:' || @resident_id"}}},
      {"items",
       {"id"},
       {"id", "microgrid_id", "building_id", "household_id", "category", "title", "description",
        "state", "source", "source_id", "owner_person", "owner_dept", "deadline", "escalated_to",
        "escalation_deadline", "acknowledged_at", "opened_by", "opened_at", "fixed_by",
        "fixed_at", "closed_by", "closed_at", "reopen_count", "updated_at", "duplicate_of"},
       {kItemKeys},
       {"'p:' || @owner_person", "'d:' || @owner_dept", "'d:' || @escalated_to"}},
      {"events",
       {"seq"},
       {"seq", "command_id", "entity", "entity_id", "type", "actor", "at", "server_at", "reason",
        "data", "evidence"},
       {{}, nullptr, true},
       {},
       "ORDER BY x.seq",
       false,
       true},
  };
  return t;
}

// An event's keys are those of its entity: looked up in the entity's table
// (as `e`), or made from the event's entity id.
struct EntityKeys {
  const char* entity;
  const char* table;  // nullptr: no lookup, the keys are over the event row
  List keys;
};
const std::vector<EntityKeys>& EventEntities() {
  static const std::vector<EntityKeys> e = {
      {"item", "items", kItemKeys},
      {"visit", "visits", {"'m:' || @microgrid_id"}},
      {"report", "reports", {"'m:' || @microgrid_id", "'p:' || @resident_id"}},
      {"patrol", "patrols", kPatrolKeys},
      {"household", "households", {"'m:' || @microgrid_id", "'h:' || @id"}},
      {"building", "buildings", {"'m:' || @microgrid_id", "'b:' || @id"}},
      {"region", nullptr, {"'rs:' || @entity_id"}},
      {"person", nullptr, {"'p:' || @entity_id"}},
      {"department", nullptr, {"'all'"}},
      {"template", nullptr, {"'all'"}},
      {"setting", nullptr, {"'all'"}},
  };
  return e;
}

const Table& Find(const char* name) {
  for (const Table& t : Tables()) {
    if (std::string_view(t.name) == name) return t;
  }
  std::abort();  // a name of this file's own table
}

class Gen {
 public:
  explicit Gen(Dialect d) : pg_(d == Dialect::kPostgres) {}

  // A JSON array of SQL values, as text.
  std::string Array(const List& items, std::string_view row) const {
    std::string s = pg_ ? "json_build_array(" : "json_array(";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) s += ", ";
      s += Over(items[i], row);
    }
    return s + (pg_ ? ")::text" : ")");
  }

  std::string Pk(const Table& t, std::string_view row) const {
    List cols;
    std::vector<std::string> names;
    for (const char* c : t.pk) names.push_back(std::string("@") + c);
    for (const std::string& n : names) cols.push_back(n.c_str());
    return Array(cols, row);
  }

  std::string Row(const Table& t, std::string_view row) const {
    std::string s = pg_ ? "json_build_object(" : "json_object(";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i > 0) s += ", ";
      s += std::string("'") + t.columns[i] + "', " + std::string(row) + t.columns[i];
    }
    return s + (pg_ ? ")::text" : ")");
  }

  // A query's `tag` column as a JSON array (PostgreSQL: sorted, '[]' for none).
  std::string Agg(std::string_view query, std::string_view row) const {
    std::string q = Over(query, row);
    if (pg_) return "(SELECT COALESCE(json_agg(tag ORDER BY tag), '[]')::text FROM (" + q + ") t)";
    return "(SELECT json_group_array(tag) FROM (" + q + "))";
  }

  std::string KeysOf(const Table& t, std::string_view row) const {
    if (t.keys.query != nullptr) return Agg(t.keys.query, row);
    if (!t.keys.by_entity) return Array(t.keys.tags, row);
    std::string s = "COALESCE(CASE " + std::string(row) + "entity";
    for (const EntityKeys& e : EventEntities()) {
      s += std::string("\n    WHEN '") + e.entity + "' THEN ";
      if (e.table == nullptr) {
        s += Array(e.keys, row);
      } else {
        s += "(SELECT " + Array(e.keys, "e.") + " FROM " + e.table + " e WHERE e.id = " +
             std::string(row) + "entity_id)";
      }
    }
    return s + "\n  END, '[]')";
  }

  // An event's keys in a PostgreSQL trigger function: one statement per
  // entity, chosen by IF, into the variable k. (One CASE over all of them in
  // the INSERT, as the backfill has, is planned afresh for every row: its
  // custom plan folds the CASE and looks cheaper than the generic one, so
  // the plan cache never settles; 45 of the 65 us an event cost.)
  std::string EntityKeysInto(std::string_view row) const {
    std::string s;
    for (const EntityKeys& e : EventEntities()) {
      s += std::string(s.empty() ? "IF " : "ELSIF ") + std::string(row) + "entity = '" +
           e.entity + "' THEN k := ";
      if (e.table == nullptr) {
        s += Array(e.keys, row);
      } else {
        s += "(SELECT " + Array(e.keys, "e.") + " FROM " + e.table + " e WHERE e.id = " +
             std::string(row) + "entity_id)";
      }
      s += ";\n";
    }
    return s + "END IF;\n";
  }

  // INSERT INTO sync_changes of one row (a VALUES row over `row`); `keys`
  // replaces the row's keys expression when given.
  std::string Record(const Table& t, std::string_view row, const char* op, bool with_row,
                     const std::string& old_keys = "", const std::string& keys = "") const {
    std::string s = "INSERT INTO sync_changes(tbl, op, pk, row, keys";
    s += old_keys.empty() ? ")" : ", old_keys)";
    s += std::string("\n  VALUES('") + t.name + "', '" + op + "', " + Pk(t, row) + ",\n    " +
         (with_row ? Row(t, row) : std::string("NULL")) + ",\n    " +
         (keys.empty() ? KeysOf(t, row) : keys);
    if (!old_keys.empty()) s += ",\n    " + old_keys;
    s += ")";
    return Indexed(s, !old_keys.empty(), with_row ? Cited(t) : List{}, row);
  }

  // The person's row again after a grant or revoke (as p).
  std::string RecordPerson(std::string_view person_id, const std::string& old_keys) const {
    const Table& people = Find("people");
    std::string s = "INSERT INTO sync_changes(tbl, op, pk, row, keys";
    s += old_keys.empty() ? ")" : ", old_keys)";
    s += "\n  SELECT 'people', 'upsert', " + Pk(people, "p.") + ", " + Row(people, "p.") +
         ",\n    " + KeysOf(people, "p.");
    if (!old_keys.empty()) s += ",\n    " + old_keys;
    s += "\n  FROM people p WHERE p.id = " + std::string(person_id);
    return Indexed(s, !old_keys.empty(), {}, "p.");
  }
  // The columns of t whose JSON arrays cite photos (sync_blob_refs).
  static List Cited(const Table& t) {
    List out;
    for (const char* col : t.columns) {
      if (std::string_view(col) == "photos" || std::string_view(col) == "evidence") {
        out.push_back(col);
      }
    }
    return out;
  }

  // One recording statement. SQLite: the INSERT as it is; sync_changes' own
  // trigger indexes the change. PostgreSQL: the INSERT and its index in one
  // statement, with no trigger on sync_changes (that trigger was a second
  // function call a change, its statements planned apart): the tags of its
  // keys and old keys (a tag in both is live), and the photos its `cited`
  // columns name, read over `row` (NEW.) or, with no row, from the JSON
  // recorded (the backfill).
  std::string Indexed(const std::string& insert, bool old_keys, const List& cited,
                      std::string_view row) const {
    if (!pg_) return insert + ";\n";
    std::string s = "WITH c AS (" + insert + "\n  RETURNING seq, keys" +
                    (old_keys ? ", old_keys" : "") + (row.empty() && !cited.empty() ? ", row" : "") +
                    ")";
    for (size_t i = 0; i < cited.size(); ++i) {
      const std::string doc = row.empty() ? std::string("(c.row::json ->> '") + cited[i] + "')"
                                          : std::string(row) + cited[i];
      s += ",\nb" + std::to_string(i) + " AS (INSERT INTO sync_blob_refs(sha, seq)\n" +
           "  SELECT sha, c.seq FROM c, weige_json_strings(" + doc + ") sha WHERE " + doc +
           " <> '[]'\n  ON CONFLICT DO NOTHING)";
    }
    s += "\nINSERT INTO sync_change_tags(tag, seq, live)\n  ";
    if (!old_keys) {
      s += "SELECT e, c.seq, 1 FROM c, json_array_elements_text(c.keys::json) e WHERE e IS NOT NULL";
    } else {
      s += "SELECT k.e, c.seq, MAX(k.live) FROM c, LATERAL (\n"
           "    SELECT e, 1 AS live FROM json_array_elements_text(c.keys::json) e UNION ALL\n"
           "    SELECT e, 0 FROM json_array_elements_text(c.old_keys::json) e) k\n"
           "  WHERE k.e IS NOT NULL GROUP BY k.e, c.seq";
    }
    return s + "\n  ON CONFLICT DO NOTHING;\n";
  }

  std::string Triggers() const {
    std::string s = IndexTrigger();
    for (const Table& t : Tables()) {
      std::string old_keys = t.old_keys.empty() ? "" : Array(t.old_keys, "OLD.");
      std::string ins = pg_ && t.keys.by_entity
                            ? EntityKeysInto("NEW.") +
                                  Record(t, "NEW.", "upsert", true, "", "COALESCE(k, '[]')")
                            : Record(t, "NEW.", "upsert", true);
      if (t.grants) ins += RecordPerson("NEW.person_id", "");
      s += Trigger(t, "ins", "AFTER INSERT", "", ins, pg_ && t.keys.by_entity ? "k text;" : "");
      std::string changed;
      for (const char* c : t.columns) {
        if (!changed.empty()) changed += " OR ";
        changed += std::string("NEW.") + c + " IS NOT OLD." + c;
      }
      if (!t.append_only) {
        s += Trigger(t, "upd", "AFTER UPDATE", changed,
                     Record(t, "NEW.", "upsert", true, old_keys));
      }
      if (t.grants) {
        // Before the delete, while the grant's places can still be read.
        s += Trigger(t, "del", "BEFORE DELETE", "", Record(t, "OLD.", "delete", false));
        // After it, the person leaves the grant's places: the old keys are
        // those of the delete just recorded.
        s += Trigger(t, "deleted", "AFTER DELETE", "",
                     RecordPerson("OLD.person_id",
                                  "(SELECT keys FROM sync_changes WHERE seq = (SELECT MAX(seq) "
                                  "FROM sync_changes))"));
      }
    }
    return s;
  }

  // The backfill's order: the table's own, else its primary key (the order
  // SQLite scans a WITHOUT ROWID table in; PostgreSQL's heap has none).
  static std::string Order(const Table& t) {
    if (*t.order != '\0') return t.order;
    std::string s = "ORDER BY ";
    for (size_t i = 0; i < t.pk.size(); ++i) s += std::string(i ? ", x." : "x.") + t.pk[i];
    return s;
  }

  std::string Backfill() const {
    std::string s;
    for (const Table& t : Tables()) {
      s += Indexed(std::string("INSERT INTO sync_changes(tbl, op, pk, row, keys)\n  SELECT '") +
                       t.name + "', 'upsert', " + Pk(t, "x.") + ",\n    " + Row(t, "x.") +
                       ",\n    " + KeysOf(t, "x.") + "\n  FROM " + t.name + " x " + Order(t),
                   false, Cited(t), "");
    }
    return s;
  }

 private:
  static constexpr char kRecording[] = "(SELECT recording FROM sync_config WHERE id = 1)";

  std::string Trigger(const Table& t, const char* suffix, const char* when,
                      const std::string& changed, const std::string& body,
                      const std::string& declare = "") const {
    std::string name = std::string("sync_") + t.name + "_" + suffix;
    if (!pg_) {
      std::string s = "CREATE TRIGGER " + name + " " + when + " ON " + t.name + " WHEN " +
                      kRecording + (changed.empty() ? "" : " AND (" + changed + ")") +
                      " BEGIN\n" + body + "END;\n";
      return s;
    }
    // PostgreSQL: a trigger function per trigger. The lock makes seq order
    // commit order (sync_tables.h); taken only while the store records, in
    // the statement that reads the setting (as LockChangeLog).
    const bool before = std::string_view(when).starts_with("BEFORE");
    std::string s = "CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $fn$\n" +
                    (declare.empty() ? "" : "DECLARE " + declare + "\n") +
                    "BEGIN\nPERFORM " + kChangeLogLockSql +
                    " FROM sync_config WHERE id = 1 AND recording = 1;\nIF NOT FOUND THEN RETURN " +
                    (before ? "OLD" : "NULL") + "; END IF;\n" + body + "RETURN " +
                    (before ? "OLD" : "NULL") + ";\nEND\n$fn$;\n";
    s += "CREATE TRIGGER " + name + " " + when + " ON " + t.name + " FOR EACH ROW" +
         (changed.empty() ? "" : " WHEN (OLD.* IS DISTINCT FROM NEW.*)") +
         " EXECUTE FUNCTION " + name + "();\n";
    return s;
  }

  // SQLite: sync_changes -> sync_change_tags (live and old keys) and
  // sync_blob_refs; both engines: the change log is append-only.
  // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: SQLite lets an outer
  // UPSERT's conflict handling override a trigger's OR IGNORE, which made a
  // household or building upserted in place (old keys = new keys) fail.
  std::string IndexTrigger() const {
    if (!pg_) {
      std::string s = "CREATE TRIGGER sync_changes_index AFTER INSERT ON sync_changes BEGIN\n";
      for (const char* k : {"keys", "old_keys"}) {
        s += std::string("  INSERT INTO sync_change_tags(tag, seq, live)\n    SELECT value, NEW.seq, ") +
             (k[0] == 'k' ? "1" : "0") + " FROM json_each(NEW." + k +
             ") WHERE type = 'text' ON CONFLICT DO NOTHING;\n";
      }
      for (const char* c : {"photos", "evidence"}) {
        s += std::string("  INSERT INTO sync_blob_refs(sha, seq)\n    SELECT value, NEW.seq FROM") +
             " json_each(CASE WHEN json_valid(NEW.row ->> '$." + c + "') THEN NEW.row ->> '$." + c +
             "' END) WHERE type = 'text' ON CONFLICT DO NOTHING;\n";
      }
      return s + "END;\n"
                 "CREATE TRIGGER sync_changes_append_only BEFORE UPDATE ON sync_changes\n"
                 "  BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;\n";
    }
    // PostgreSQL: each recording statement indexes its own change (Indexed).
    return "CREATE FUNCTION sync_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS"
               " $fn$ BEGIN RAISE EXCEPTION 'the change log is append-only'; END $fn$;\n"
               "CREATE TRIGGER sync_changes_append_only BEFORE UPDATE ON sync_changes FOR EACH ROW"
               " EXECUTE FUNCTION sync_changes_append_only();\n";
  }

  bool pg_;
};

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string ChangeLogTriggerSql(Dialect dialect) { return Gen(dialect).Triggers(); }

std::string ChangeLogBackfillSql(Dialect dialect) { return Gen(dialect).Backfill(); }

std::vector<SyncedColumns> SyncedTableColumns() {
  std::vector<SyncedColumns> out;
  for (const Table& t : Tables()) {
    SyncedColumns c;
    c.table = t.name;
    for (const char* col : t.columns) c.columns.push_back(col);
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

// The fingerprint a store wants: the generated text's when it records, else
// kNoTriggers (a device: no trigger at all).
constexpr char kNoTriggers[] = "off";

// Inside the caller's write transaction: drops every sync_* trigger (the
// generated ones and any older hand-written ones, migrations 2 and 4) and,
// when the store records, creates the generated ones; stores `want`.
Status ReplaceTriggers(Db& db, bool recording, const std::string& ddl, const std::string& want) {
  const bool pg = db.dialect() == Dialect::kPostgres;
  std::vector<std::string> drops;
  Status s;
  {
    Stmt t = db.Q(PerEngine{
        "SELECT 'DROP TRIGGER ' || name FROM sqlite_schema WHERE type = 'trigger'"
        " AND name LIKE 'sync\\_%' ESCAPE '\\'",
        "SELECT 'DROP FUNCTION ' || p.proname || '() CASCADE' FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
        " AND p.proname LIKE 'sync\\_%' AND p.prorettype = 'trigger'::regtype"});
    if (pg) {
      // Another server may be installing the same triggers right now.
      s = db.Exec(std::string("SELECT ") + kChangeLogLockSql);
    }
    while (s.ok() && t.Step()) drops.push_back(t.Text(0));
    if (s.ok()) s = t.status();
  }
  for (const std::string& d : drops) {
    if (s.ok()) s = db.Exec(d);
  }
  if (s.ok() && recording) s = db.Exec(ddl);
  // Counts kept by triggers that were not there: recounted (a server).
  if (s.ok() && recording) s = db.Exec(RebuildConsoleIndexSql(db.dialect()));
  if (s.ok()) {
    Stmt f = db.Q(
        "INSERT INTO sync_triggers(id, fingerprint) VALUES(1, ?)"
        " ON CONFLICT(id) DO UPDATE SET fingerprint = excluded.fingerprint");
    s = f.Bind(1, want).Run();
  }
  return s;
}

// The change log's triggers and the console index's (console_index.h).
std::string TriggerSql(Dialect dialect) {
  return ChangeLogTriggerSql(dialect) + ConsoleIndexTriggerSql(dialect);
}

std::string Fingerprint(const std::string& ddl) {
  char want[17];
  std::snprintf(want, sizeof want, "%016llx", static_cast<unsigned long long>(Fnv(ddl)));
  return want;
}

}  // namespace

Status InstallChangeLogTriggers(Db& db) {
  bool recording = false;
  WEIGE_RETURN_IF_ERROR(Recording(db, &recording));
  const std::string ddl = recording ? TriggerSql(db.dialect()) : std::string();
  const std::string want = recording ? Fingerprint(ddl) : std::string(kNoTriggers);
  {
    Stmt s = db.Q("SELECT fingerprint FROM sync_triggers WHERE id = 1");
    if (s.Step() && s.Text(0) == want) return Status::Ok();
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  WEIGE_RETURN_IF_ERROR(db.Exec(PerEngine{"BEGIN IMMEDIATE", "BEGIN"}));
  // Again inside the transaction: another server may have turned it on.
  Status s = Recording(db, &recording);
  if (s.ok()) {
    const std::string text = recording ? TriggerSql(db.dialect()) : std::string();
    s = ReplaceTriggers(db, recording, text, recording ? Fingerprint(text) : kNoTriggers);
  }
  if (!s.ok()) {
    db.Exec("ROLLBACK");
    return s;
  }
  return db.Exec("COMMIT");
}

// `text` with @ replaced by the row prefix ("NEW.", "x.", ...).
std::string Over(std::string_view text, std::string_view row) {
  std::string out;
  for (char c : text) {
    if (c == '@') {
      out += row;
    } else {
      out += c;
    }
  }
  return out;
}

Status Recording(Db& db, bool* on) {
  Stmt s = db.Q("SELECT recording FROM sync_config WHERE id = 1");
  *on = s.Step() && s.Int(0) == 1;
  return s.status();
}

Status InstallChangeLogTriggersInTx(Db& db) {
  const std::string ddl = TriggerSql(db.dialect());
  return ReplaceTriggers(db, /*recording=*/true, ddl, Fingerprint(ddl));
}

}  // namespace weige::store
