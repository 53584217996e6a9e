#include "core/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

#include "core/domain/json_reader.h"
#include "core/store/internal.h"
#include "core/store/schema.h"
#include "core/store/sync_store.h"

namespace weige::store {

namespace {

// weige_overdue(state, deadline, escalation_deadline, acknowledged_at, now):
// the domain's IsOverdue, so SQL orderings use the one rule.
void OverdueFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const char* state = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  auto s = ParseItemState(state ? state : "");
  if (!s) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  bool acked = sqlite3_value_type(argv[3]) != SQLITE_NULL;
  sqlite3_result_int(ctx, IsOverdue(*s, sqlite3_value_int64(argv[1]),
                                    sqlite3_value_int64(argv[2]), acked,
                                    sqlite3_value_int64(argv[4]))
                              ? 1
                              : 0);
}

uint64_t Fnv(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

Store::~Store() = default;

Db& DbOf(Store& store) { return *store.db_; }

Status Store::Open(const std::string& path, const OpenOptions& options,
                   std::unique_ptr<Store>* out) {
  std::unique_ptr<Store> store(new Store());
  if (Db::IsPostgresUrl(path)) {
    // The server's engine: durability and the overdue rule live in the
    // server's configuration and the migration (weige_overdue in SQL).
    WEIGE_RETURN_IF_ERROR(Db::OpenPostgres(path, &store->db_));
    WEIGE_RETURN_IF_ERROR(MigratePostgres(store->db_.get()));
  } else {
    WEIGE_RETURN_IF_ERROR(Db::Open(path, options.vfs, &store->db_));
    Db& db = *store->db_;
    WEIGE_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
    if (options.exclusive) WEIGE_RETURN_IF_ERROR(db.Exec("PRAGMA locking_mode = EXCLUSIVE"));
    WEIGE_RETURN_IF_ERROR(db.Exec(options.wal ? "PRAGMA journal_mode = WAL"
                                              : "PRAGMA journal_mode = DELETE"));
    WEIGE_RETURN_IF_ERROR(db.Exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                                           : "PRAGMA synchronous = NORMAL"));
    if (options.busy_timeout_ms > 0) {
      WEIGE_RETURN_IF_ERROR(
          db.Exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms)));
    }
    if (options.cache_kib > 0) WEIGE_RETURN_IF_ERROR(store->SetCacheKib(options.cache_kib));
    if (options.mmap_bytes > 0) {
      WEIGE_RETURN_IF_ERROR(db.Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes)));
    }
    sqlite3_create_function(db.raw(), "weige_overdue", 5,
                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                            OverdueFn, nullptr, nullptr);
    WEIGE_RETURN_IF_ERROR(Migrate(&db));
  }
  Db& db = *store->db_;
  if (options.record_changes) {
    WEIGE_RETURN_IF_ERROR(EnableChangeLog(*store));
  }
  if (options.max_db_bytes > 0 && db.dialect() == Dialect::kSqlite) {
    // SQLite's own bound on the file: past it, writes fail SQLITE_FULL.
    int64_t page = 4096;
    {
      Stmt q = db.Q("PRAGMA page_size");
      if (q.Step()) page = q.Int(0);
      WEIGE_RETURN_IF_ERROR(q.status());
    }
    WEIGE_RETURN_IF_ERROR(db.Exec("PRAGMA max_page_count = " +
                                  std::to_string(std::max<int64_t>(1, options.max_db_bytes / page))));
  }
  RegisterDirectoryCommands(&store->commands_);
  RegisterItemCommands(&store->commands_);
  RegisterFieldCommands(&store->commands_);
  RegisterDuplicateCommands(&store->commands_);
  RegisterQueries(&store->queries_);
  RegisterStatsQueries(&store->queries_);
  RegisterDuplicateQueries(&store->queries_);
  RegisterConsoleQueries(&store->queries_);
  RegisterPlaceCommands(&store->commands_);
  RegisterPlaceQueries(&store->queries_);
  RegisterMapQueries(&store->queries_);
  RegisterMapCommands(&store->commands_);
  store->templates_ = std::make_unique<TemplateCache>();
  *out = std::move(store);
  return Status::Ok();
}

Status Store::Bootstrap(const std::string& person_id, const std::string& name, int64_t at) {
  if (!IsValidId(person_id) || TrimSpace(name).empty() ||
      !CheckText(TrimSpace(name), kNameBytes, TextLines::kOne, "name").ok()) {
    return InvalidArgument("bootstrap.invalid", "the first administrator needs an id and a name");
  }
  bool empty = false;
  WEIGE_RETURN_IF_ERROR(IsEmpty(&empty));
  if (!empty) return FailedPrecondition("store.not_empty", "the store has people already");
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(Begin(&tx));
  Stmt p = db_->Q("INSERT INTO people(id, name) VALUES(?, ?)");
  Status s = p.Bind(1, person_id).Bind(2, std::string(TrimSpace(name))).Run();
  if (s.ok()) {
    Stmt g = db_->Q("INSERT INTO roles(person_id, role, scope_id) VALUES(?, 'admin', '*')");
    s = g.Bind(1, person_id).Run();
  }
  if (s.ok()) {
    Stmt e = db_->Q(
        "INSERT INTO events(command_id, entity, entity_id, type, actor, at) "
        "VALUES('bootstrap', 'person', ?1, 'store.bootstrapped', ?1, ?2)");
    s = e.Bind(1, person_id).Bind(2, at).Run();
  }
  return s.ok() ? tx.Commit() : s;
}

Status Store::IsEmpty(bool* empty) {
  Stmt any = db_->Q("SELECT 1 FROM people LIMIT 1");
  *empty = !any.Step();
  return any.status();
}

Status Store::Begin(Transaction* tx, TxMode mode) { return db_->Begin(mode, tx); }

bool Store::InTransaction() const { return db_->InTransaction(); }

Status Store::SetCacheKib(int64_t kib) {
  if (kib < 0) return InvalidArgument("store.bad_cache", "the cache size is 0 or more KiB");
  if (db_->dialect() == Dialect::kPostgres) return Status::Ok();  // the server's own cache
  return db_->Exec("PRAGMA cache_size = -" + std::to_string(kib > 0 ? kib : 2000));
}

Status Store::IntegrityCheck() {
  if (db_->dialect() == Dialect::kPostgres) return db_->Exec("SELECT 1");  // the server checks its own
  Stmt s = db_->Q("PRAGMA integrity_check");
  std::string found;
  while (s.Step()) {
    if (!found.empty()) found += "; ";
    found += s.Text(0);
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  if (found != "ok") return Internal("store.integrity", found);
  return Status::Ok();
}

Result Store::Execute(std::string_view command_json, const ExecOptions& options,
                      ExecReport* report) {
  if (report != nullptr) *report = ExecReport();
  Json command;
  Status s = ParseJson(command_json, kMaxCommandBytes, &command);
  if (!s.ok()) return Result::Fail(s);
  return ExecuteParsed(command, std::string(command_json), options, report);
}

Result Store::Execute(const Json& command, const ExecOptions& options, ExecReport* report) {
  if (report != nullptr) *report = ExecReport();
  return ExecuteParsed(command, DumpJson(command), options, report);
}

Result Store::ExecuteParsed(const Json& command, const std::string& body,
                            const ExecOptions& options, ExecReport* report) {
  if (body.size() > kMaxCommandBytes) {
    return Result::Fail(InvalidArgument("json.too_large", "the command is too large"));
  }
  FieldReader r(command, "command");
  std::string id = r.Id("id");
  std::string type = r.Str("type", 64);
  std::string actor_id = r.Id("actor");
  int64_t at = r.Int("at", 0, kMaxTime);
  const Json* payload = r.Object("payload");
  if (!r.ok()) return Result::Fail(r.status());
  if (report != nullptr) report->command_id = id;

  // One transaction from the duplicate check to the outbox row (a savepoint
  // inside the caller's, if any). The reads before the first write share its
  // read lock instead of taking one each (a visit.record went from 10 fcntl
  // calls to 6), and the check and the write see the same snapshot. On
  // PostgreSQL it takes the change log's lock first (sync_tables.h: cursors
  // never skip).
  Transaction tx;
  Status b = Begin(&tx);
  if (b.ok()) b = LockChangeLog(*db_);
  if (!b.ok()) return Result::Fail(b);
  ExecReport did;
  Result result = ExecuteInTx(body, options, id, type, actor_id, at, payload, &did);
  if (result.ok()) {
    // PostgreSQL: the command's queued writes answer now, so a failure among
    // them is this command's (a no-op after the outbox row's RETURNING).
    Status c = db_->Flush();
    if (c.ok()) c = tx.Commit();
    if (!c.ok()) return Result::Fail(c);
    if (report != nullptr) {
      report->replayed = did.replayed;
      report->outbox_seq = did.outbox_seq;
    }
  }
  return result;
}

Result Store::ExecuteInTx(const std::string& body, const ExecOptions& options,
                          const std::string& id, const std::string& type,
                          const std::string& actor_id, int64_t at, const Json* payload,
                          ExecReport* report) {
  // A command this actor sent before: the same answer, nothing written (or,
  // to rerun it, the handler again and the row left as it is).
  // Ids are the actor's own: another person's command with the same id is a
  // different command (else anyone who learns an id could block it).
  bool stored = false;
  {
    Stmt seen = db_->Q(
        "SELECT type, actor, at, result, body FROM outbox WHERE actor = ? AND command_id = ?");
    seen.Bind(1, actor_id).Bind(2, id);
    if (seen.Step()) {
      Json before;
      bool same_payload = ParseJson(seen.Text(4), kMaxCommandBytes, &before).ok() &&
                          before.is_object() && before.contains("payload") &&
                          before["payload"] == *payload;
      if (seen.Text(0) != type || seen.Int(2) != at ||
          !same_payload) {
        return Result::Fail(Conflict("command.id_reused",
                                     "another command was already recorded with this id"));
      }
      stored = true;
      if (!options.rerun) {
        Json value;
        if (!ParseJson(seen.Text(3), kMaxCommandBytes, &value).ok()) value = nullptr;
        report->replayed = true;
        return Result::Ok(value);
      }
    }
    if (!seen.status().ok()) return Result::Fail(seen.status());
  }
  if (options.rerun && !stored) {
    return Result::Fail(NotFound("outbox.not_found", "no command " + id + " in the outbox"));
  }

  auto handler = commands_.find(type);
  if (handler == commands_.end()) {
    return Result::Fail(InvalidArgument("command.unknown_type", "unknown command type: " + type));
  }
  Actor actor;
  Status s = LoadActor(*db_, actor_id, &actor);
  if (!s.ok()) return Result::Fail(s);

  Tx tx(*db_, actor, options);
  tx.id = id;
  tx.type = type;
  tx.at = at;
  tx.payload = payload;
  tx.templates = templates_.get();
  Result result = handler->second(tx);
  if (result.ok() && !stored) {
    // The outbox row's seq: its rowid on SQLite (RETURNING would cost an
    // ephemeral table a command), RETURNING on PostgreSQL.
    Stmt ob = db_->Q(PerEngine{
        "INSERT INTO outbox(command_id, type, actor, at, body, result, state) "
        "VALUES(?,?,?,?,?,?,?)",
        "INSERT INTO outbox(command_id, type, actor, at, body, result, state) "
        "VALUES(?,?,?,?,?,?,?) RETURNING seq"});
    ob.Bind(1, id).Bind(2, type).Bind(3, actor_id).Bind(4, at).Bind(5, body)
        .Bind(6, DumpJson(result.value))
        .Bind(7, options.server_time ? "accepted" : "pending");
    const bool pg = db_->dialect() == Dialect::kPostgres;
    if (pg && ob.Step()) report->outbox_seq = ob.Int(0);
    Status w = ob.Run();
    if (w.ok() && !pg) report->outbox_seq = db_->LastInsertRowid();
    if (!w.ok()) result = Result::Fail(w);
  }
  return result;
}

Result Store::Query(std::string_view name, std::string_view params_json) {
  Json params;
  Status s = ParseJson(params_json.empty() ? std::string_view("{}") : params_json,
                       kMaxQueryBytes, &params);
  if (!s.ok()) return Result::Fail(s);
  return Query(name, params);
}

Result Store::Query(std::string_view name, const Json& params) {
  auto handler = queries_.find(std::string(name));
  if (handler == queries_.end()) {
    return Result::Fail(InvalidArgument("query.unknown", "unknown query: " + std::string(name)));
  }
  FieldReader r(params, "params");
  std::string actor_id = r.Id("actor");
  if (!r.ok()) return Result::Fail(r.status());
  Actor actor;
  Status s = LoadActor(*db_, actor_id, &actor);
  if (!s.ok()) return Result::Fail(s);
  // Reads see one consistent snapshot (a read-only transaction: what it
  // ends with makes no difference).
  Transaction snapshot;
  if (!InTransaction()) {
    s = Begin(&snapshot, TxMode::kSnapshot);
    if (!s.ok()) return Result::Fail(s);
  }
  QueryCtx ctx(*db_, actor, params);
  return handler->second(ctx);
}

std::string Store::ContentDigest() {
  uint64_t h = 1469598103934665603ull;
  for (const char* const* t = ContentTables(); *t != nullptr; ++t) {
    sqlite3_stmt* s = nullptr;
    std::string sql = std::string("SELECT * FROM ") + *t + " ORDER BY 1, 2";
    if (db_->raw() == nullptr) {  // PostgreSQL: each value's text, NULL apart
      h = Fnv(h, *t, std::char_traits<char>::length(*t));
      Stmt rows = db_->Q(sql);
      while (rows.Step()) {
        for (int i = 0; i < rows.ColumnCount(); ++i) {
          std::string v = rows.IsNull(i) ? std::string("\xff", 1) : rows.Text(i);
          size_t bytes = v.size();
          h = Fnv(h, &bytes, sizeof bytes);
          h = Fnv(h, v.data(), v.size());
        }
      }
      continue;
    }
    if (sqlite3_prepare_v2(db_->raw(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) continue;
    h = Fnv(h, *t, std::char_traits<char>::length(*t));
    while (sqlite3_step(s) == SQLITE_ROW) {
      int n = sqlite3_column_count(s);
      for (int i = 0; i < n; ++i) {
        int type = sqlite3_column_type(s, i);
        h = Fnv(h, &type, sizeof type);
        const void* p = sqlite3_column_blob(s, i);
        int bytes = sqlite3_column_bytes(s, i);
        h = Fnv(h, &bytes, sizeof bytes);
        if (p != nullptr) h = Fnv(h, p, static_cast<size_t>(bytes));
      }
    }
    sqlite3_finalize(s);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace weige::store
