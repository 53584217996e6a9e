#include "core/store/device_store.h"

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <set>

#include "core/domain/json_reader.h"
#include "core/store/schema.h"
#include "core/store/store.h"

namespace weige::store {

namespace {

Status SqliteError(Db& db, const char* what) {
  return Internal("store.sqlite", std::string(what) + ": " + db.ErrorMessage());
}

// The tables a pulled page may write: the content tables but the outbox.
bool IsSyncedTable(std::string_view table) {
  if (table == "outbox") return false;
  for (const char* const* t = ContentTables(); *t != nullptr; ++t) {
    if (table == *t) return true;
  }
  return false;
}

int SessionFilter(void*, const char* table) {
  return table != nullptr && IsSyncedTable(table) ? 1 : 0;
}

// Undo meets rows as this device's own commands left them, so a conflict
// means something wrote outside a recorded command: prefer the recorded
// past (REPLACE) and skip what is already gone (OMIT).
int UndoConflict(void*, int conflict, sqlite3_changeset_iter*) {
  switch (conflict) {
    case SQLITE_CHANGESET_DATA:
    case SQLITE_CHANGESET_CONFLICT:
      return SQLITE_CHANGESET_REPLACE;
    default:
      return SQLITE_CHANGESET_OMIT;
  }
}

// Binds a JSON value as SQLite stores it: the change log's rows were written
// by json_object, so text is a string, integers and reals are numbers.
void BindJson(Stmt& s, int i, const Json& v) {
  if (v.is_null()) {
    s.Bind(i, nullptr);
  } else if (v.is_boolean()) {
    s.Bind(i, static_cast<int64_t>(v.get<bool>() ? 1 : 0));
  } else if (v.is_number_integer()) {
    s.Bind(i, v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>());
  } else if (v.is_number()) {
    s.Bind(i, v.get<double>());
  } else if (v.is_string()) {
    s.Bind(i, v.get_ref<const std::string&>());
  } else {
    s.Bind(i, DumpJson(v));
  }
}

Status BadChange(const std::string& why) { return InvalidArgument("sync.bad_change", why); }

}  // namespace

ChangeRecorder::~ChangeRecorder() {
  if (session_ != nullptr) sqlite3session_delete(session_);
}

Status ChangeRecorder::Start(Store& store) {
  Db& db = DbOf(store);
  if (session_ != nullptr) {
    sqlite3session_delete(session_);
    session_ = nullptr;
  }
  if (sqlite3session_create(db.raw(), "main", &session_) != SQLITE_OK) {
    session_ = nullptr;
    return SqliteError(db, "session");
  }
  sqlite3session_table_filter(session_, SessionFilter, nullptr);
  if (sqlite3session_attach(session_, nullptr) != SQLITE_OK) return SqliteError(db, "session");
  return Status::Ok();
}

Status ChangeRecorder::Finish(std::string* changeset) {
  changeset->clear();
  if (session_ == nullptr) return Internal("store.session", "no recording was started");
  int n = 0;
  void* p = nullptr;
  int rc = sqlite3session_changeset(session_, &n, &p);
  if (rc == SQLITE_OK && p != nullptr) changeset->assign(static_cast<const char*>(p), n);
  sqlite3_free(p);
  sqlite3session_delete(session_);
  session_ = nullptr;
  if (rc != SQLITE_OK) return Internal("store.session", "could not read the changeset");
  return Status::Ok();
}

Status UndoChangeset(Store& store, const std::string& changeset) {
  Db& db = DbOf(store);
  if (changeset.empty()) return Status::Ok();
  int n = 0;
  void* inverse = nullptr;
  int rc = sqlite3changeset_invert(static_cast<int>(changeset.size()),
                                   const_cast<char*>(changeset.data()), &n, &inverse);
  if (rc != SQLITE_OK) {
    sqlite3_free(inverse);
    return Internal("store.session", "could not invert a changeset");
  }
  rc = sqlite3changeset_apply(db.raw(), n, inverse, nullptr, UndoConflict, nullptr);
  sqlite3_free(inverse);
  if (rc != SQLITE_OK) return SqliteError(db, "undo");
  return Status::Ok();
}

Status LoadDeviceState(Store& store, DeviceSyncState* out) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "SELECT cursor, digest_count, digest_sum, head, resync FROM sync_device WHERE id = 1");
  *out = DeviceSyncState();
  if (s.Step()) {
    out->cursor = s.Int(0);
    out->digest_count = s.Int(1);
    out->digest_sum = static_cast<uint64_t>(s.Int(2));
    out->head = s.Int(3);
    out->resync = s.Int(4) != 0;
  }
  return s.status();
}

Status SaveDeviceState(Store& store, const DeviceSyncState& st) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "UPDATE sync_device SET cursor = ?, digest_count = ?, digest_sum = ?, head = ?, resync = ?"
      " WHERE id = 1");
  return s.Bind(1, st.cursor).Bind(2, st.digest_count)
      .Bind(3, static_cast<int64_t>(st.digest_sum)).Bind(4, st.head)
      .Bind(5, static_cast<int64_t>(st.resync ? 1 : 0)).Run();
}

Status SetRebasing(Store& store, bool on) {
  Db& db = DbOf(store);
  Stmt s = db.Q("UPDATE sync_device SET rebasing = ? WHERE id = 1");
  return s.Bind(1, static_cast<int64_t>(on ? 1 : 0)).Run();
}

Status LoadLocalCommands(Store& store, std::vector<LocalCommand>* out) {
  Db& db = DbOf(store);
  out->clear();
  Stmt s = db.Q(
      "SELECT l.command_id, COALESCE(o.state, ''), COALESCE(o.body, ''), COALESCE(o.seq, 0),"
      " l.changeset IS NOT NULL, l.changeset, l.accepted_seq"
      " FROM sync_local l LEFT JOIN outbox o ON o.command_id = l.command_id"
      " ORDER BY o.seq IS NULL, o.seq");
  while (s.Step()) {
    LocalCommand c;
    c.command_id = s.Text(0);
    c.state = s.Text(1);
    c.body = s.Text(2);
    c.outbox_seq = s.Int(3);
    c.applied = s.Int(4) != 0;
    c.changeset = s.Text(5);  // Text keeps the bytes (sqlite3_column_bytes)
    if (!s.IsNull(6)) c.accepted_seq = s.Int(6);
    out->push_back(std::move(c));
  }
  return s.status();
}

Status SaveLocalChangeset(Store& store, const std::string& command_id, const std::string* changeset) {
  Db& db = DbOf(store);
  // A changeset is bytes: bound as text (with its length), stored as a blob.
  Stmt s = db.Q(
      "INSERT INTO sync_local(command_id, changeset) VALUES(?1, CAST(?2 AS BLOB))"
      " ON CONFLICT(command_id) DO UPDATE SET changeset = excluded.changeset");
  s.Bind(1, command_id);
  if (changeset != nullptr) {
    s.Bind(2, std::string_view(*changeset));
  } else {
    s.Bind(2, nullptr);
  }
  return s.Run();
}

Status DropLocal(Store& store, const std::string& command_id) {
  Db& db = DbOf(store);
  Stmt s = db.Q("DELETE FROM sync_local WHERE command_id = ?");
  return s.Bind(1, command_id).Run();
}

Status MarkAccepted(Store& store, const std::string& command_id, std::optional<int64_t> seq,
                    bool* changed) {
  Db& db = DbOf(store);
  {
    Stmt s = db.Q(
        "UPDATE outbox SET state = 'accepted', result = json_set(result, '$.settled', ?)"
        " WHERE command_id = ? AND state <> 'accepted'");
    s.Bind(1, seq ? std::to_string(*seq) : std::string("pulled")).Bind(2, command_id);
    WEIGE_RETURN_IF_ERROR(s.Run());
    *changed = db.Changes() > 0;
  }
  if (!*changed) return Status::Ok();
  {
    Stmt s = db.Q("UPDATE sync_local SET accepted_seq = ? WHERE command_id = ?");
    WEIGE_RETURN_IF_ERROR(s.Bind(1, seq.value_or(0)).Bind(2, command_id).Run());
  }
  Stmt s = db.Q("DELETE FROM sync_rejections WHERE command_id = ?");
  return s.Bind(1, command_id).Run();
}

Status MarkRejected(Store& store, const std::string& command_id, const Status& why, const char* source,
                    bool* changed) {
  Db& db = DbOf(store);
  {
    Stmt s = db.Q(
        "UPDATE outbox SET state = 'rejected', result = json_set(result, '$.settled',"
        " json_object('code', ?, 'reason', ?, 'message', ?)) WHERE command_id = ?"
        " AND state = 'pending'");
    s.Bind(1, std::string(CodeName(why.code))).Bind(2, why.reason).Bind(3, why.message)
        .Bind(4, command_id);
    WEIGE_RETURN_IF_ERROR(s.Run());
    *changed = db.Changes() > 0;
  }
  if (!*changed) return Status::Ok();
  Stmt s = db.Q(
      "INSERT OR REPLACE INTO sync_rejections(command_id, code, reason, message, source)"
      " VALUES(?,?,?,?,?)");
  return s.Bind(1, command_id).Bind(2, std::string(CodeName(why.code))).Bind(3, why.reason)
      .Bind(4, why.message).Bind(5, source).Run();
}

Status CountOutbox(Store& store, OutboxCounts* out) {
  Db& db = DbOf(store);
  *out = OutboxCounts();
  {
    Stmt s = db.Q("SELECT state, COUNT(*) FROM outbox GROUP BY state");
    while (s.Step()) {
      std::string st = s.Text(0);
      if (st == "pending") out->pending = s.Int(1);
      if (st == "accepted") out->accepted = s.Int(1);
      if (st == "rejected") out->rejected = s.Int(1);
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  Stmt s = db.Q(
      "SELECT COUNT(*) FROM sync_local l JOIN outbox o ON o.command_id = l.command_id"
      " WHERE o.state = 'pending' AND l.changeset IS NULL");
  if (s.Step()) out->unapplied = s.Int(0);
  return s.status();
}

Status LoadRejections(Store& store, Json* out) {
  Db& db = DbOf(store);
  *out = Json::array();
  Stmt s = db.Q(
      "SELECT o.command_id, o.type, o.actor, o.at, o.body, r.code, r.reason, r.message, r.source,"
      " o.result ->> '$.settled'"
      " FROM outbox o LEFT JOIN sync_rejections r ON r.command_id = o.command_id"
      " WHERE o.state = 'rejected' ORDER BY o.seq");
  while (s.Step()) {
    Json body;
    if (!ParseJson(s.Text(4), kMaxCommandBytes, &body).ok() || !body.is_object()) body = {};
    Json entry = {{"id", s.Text(0)}, {"type", s.Text(1)}, {"actor", s.Text(2)},
                  {"at", s.Int(3)},  {"payload", body.contains("payload") ? body["payload"] : Json()}};
    if (!s.IsNull(5)) {
      entry["code"] = s.Text(5);
      entry["reason"] = s.Text(6);
      entry["message"] = s.Text(7);
      entry["source"] = s.Text(8);
    } else {
      // Settled by SettleCommand: its detail is free text, often JSON.
      Json detail;
      std::string text = s.Text(9);
      if (ParseJson(text, kMaxCommandBytes, &detail).ok() && detail.is_object()) {
        FieldReader r(detail, "detail");
        entry["code"] = r.OptStr("code", 64).value_or("failed_precondition");
        entry["reason"] = r.OptStr("reason", 200).value_or("sync.rejected");
        entry["message"] = r.OptStr("message", 4000).value_or("");
      } else {
        entry["code"] = "failed_precondition";
        entry["reason"] = "sync.rejected";
        entry["message"] = text;
      }
      entry["source"] = "server";
    }
    out->push_back(std::move(entry));
  }
  return s.status();
}

Status UnacceptedAmong(Store& store, const std::vector<std::pair<std::string, std::string>>& commands,
                       std::vector<std::string>* out) {
  Db& db = DbOf(store);
  out->clear();
  if (commands.empty()) return Status::Ok();
  Json pairs = Json::array();
  for (const auto& [actor, id] : commands) pairs.push_back(Json::array({actor, id}));
  Stmt s = db.Q(
      "SELECT command_id FROM outbox o WHERE state <> 'accepted' AND EXISTS"
      " (SELECT 1 FROM json_each(?) j WHERE j.value ->> 0 = o.actor"
      " AND j.value ->> 1 = o.command_id) ORDER BY seq");
  s.Bind(1, DumpJson(pairs));
  while (s.Step()) out->push_back(s.Text(0));
  return s.status();
}

Status LoadPendingBodies(Store& store, int64_t limit, const std::string& actor,
                         std::vector<std::string>* out) {
  out->clear();
  Stmt s = DbOf(store).Q(
      "SELECT body FROM outbox WHERE state = 'pending' AND (?2 = '' OR actor = ?2)"
      " ORDER BY seq LIMIT ?1");
  s.Bind(1, limit).Bind(2, actor);
  while (s.Step()) out->push_back(s.Text(0));
  return s.status();
}

Status SettleOutboxRow(Store& store, const std::string& command_id, bool accepted,
                       const std::string& detail, bool* changed) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "UPDATE outbox SET state = ?, result = json_set(result, '$.settled', ?) "
      "WHERE command_id = ? AND state = 'pending'");
  s.Bind(1, accepted ? "accepted" : "rejected").Bind(2, detail).Bind(3, command_id);
  WEIGE_RETURN_IF_ERROR(s.Run());
  *changed = db.Changes() > 0;
  return Status::Ok();
}

Status SetForeignKeys(Store& store, bool on) {
  Db& db = DbOf(store);
  if (db.InTransaction()) {
    return FailedPrecondition("sync.in_transaction",
                              "foreign keys are switched outside any transaction");
  }
  return db.Exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

PageWriter::PageWriter(Store& store) : db_(DbOf(store)) {}

Status PageWriter::Info(const std::string& table, const TableInfo** out) {
  if (!IsSyncedTable(table)) return BadChange("not a synced table: " + table);
  auto it = tables_.find(table);
  if (it == tables_.end()) {
    TableInfo info;
    Stmt s = db_.Q("SELECT name, pk FROM pragma_table_info(?)");
    s.Bind(1, table);
    std::map<int64_t, std::string> pk;
    while (s.Step()) {
      info.columns.insert(s.Text(0));
      if (s.Int(1) > 0) pk[s.Int(1)] = s.Text(0);
    }
    WEIGE_RETURN_IF_ERROR(s.status());
    for (auto& [n, name] : pk) info.pk.push_back(name);
    if (info.pk.empty()) return Internal("store.schema", "no primary key for " + table);
    it = tables_.emplace(table, std::move(info)).first;
  }
  *out = &it->second;
  return Status::Ok();
}

Status PageWriter::Upsert(const std::string& table, const Json& row) {
  const TableInfo* info = nullptr;
  WEIGE_RETURN_IF_ERROR(Info(table, &info));
  if (!row.is_object()) return BadChange("a row is a JSON object");
  for (const std::string& k : info->pk) {
    auto it = row.find(k);
    if (it == row.end() || it->is_null()) return BadChange(table + " row without its key " + k);
  }
  std::string cols, marks;
  std::vector<const Json*> values;
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (info->columns.count(it.key()) == 0) continue;  // a newer server's column
    if (!values.empty()) {
      cols += ", ";
      marks += ", ";
    }
    cols += '"' + it.key() + '"';
    marks += '?';
    values.push_back(&it.value());
  }
  Stmt s = db_.Q("INSERT OR REPLACE INTO " + table + "(" + cols + ") VALUES(" + marks + ")");
  for (size_t i = 0; i < values.size(); ++i) BindJson(s, static_cast<int>(i + 1), *values[i]);
  return s.Run();
}

Status PageWriter::Delete(const std::string& table, const Json& pk) {
  const TableInfo* info = nullptr;
  WEIGE_RETURN_IF_ERROR(Info(table, &info));
  if (!pk.is_array() || pk.size() != info->pk.size()) {
    return BadChange("the key of " + table + " has " + std::to_string(info->pk.size()) +
                     " parts");
  }
  std::string where;
  for (size_t i = 0; i < info->pk.size(); ++i) {
    if (i > 0) where += " AND ";
    where += '"' + info->pk[i] + "\" = ?";
  }
  Stmt s = db_.Q("DELETE FROM " + table + " WHERE " + where);
  for (size_t i = 0; i < pk.size(); ++i) BindJson(s, static_cast<int>(i + 1), pk[i]);
  return s.Run();
}

Status WipeSyncedTables(Store& store) {
  Db& db = DbOf(store);
  for (const char* const* t = ContentTables(); *t != nullptr; ++t) {
    if (!IsSyncedTable(*t)) continue;
    WEIGE_RETURN_IF_ERROR(db.Exec(std::string("DELETE FROM ") + *t));
  }
  return Status::Ok();
}

}  // namespace weige::store
