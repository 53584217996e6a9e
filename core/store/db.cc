#include "core/store/db.h"

#include <sqlite3.h>

namespace weige::store {

Stmt::~Stmt() {
  if (s_ != nullptr) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  if (s_) sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  if (s_) sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  if (s_) sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int i, std::nullptr_t) {
  if (s_) sqlite3_bind_null(s_, i);
  return *this;
}
Stmt& Stmt::Bind(int i, const std::optional<std::string>& v) {
  return v ? Bind(i, std::string_view(*v)) : Bind(i, nullptr);
}
Stmt& Stmt::Bind(int i, const std::optional<int64_t>& v) {
  return v ? Bind(i, *v) : Bind(i, nullptr);
}
Stmt& Stmt::Bind(int i, const std::optional<double>& v) {
  return v ? Bind(i, *v) : Bind(i, nullptr);
}
Stmt& Stmt::BindOrNull(int i, std::string_view v) {
  return v.empty() ? Bind(i, nullptr) : Bind(i, v);
}

bool Stmt::Step() {
  if (s_ == nullptr) return false;
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE && status_.ok()) {
    const char* msg = sqlite3_errmsg(sqlite3_db_handle(s_));
    status_ = (rc & 0xff) == SQLITE_CONSTRAINT ? Conflict("store.constraint", msg)
              : (rc & 0xff) == SQLITE_FULL     ? Internal("store.full", msg)
                                               : Internal("store.sqlite", msg);
  }
  return false;
}

Status Stmt::Run() {
  while (Step()) {
  }
  return status_;
}

bool Stmt::IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
int64_t Stmt::Int(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(s_, col); }
std::string Stmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(s_, col);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_ != nullptr) sqlite3_close(db_);
}

Status Db::Open(const std::string& path, const char* vfs, std::unique_ptr<Db>* out) {
  std::unique_ptr<Db> db(new Db());
  int rc = sqlite3_open_v2(path.c_str(), &db->db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db->db_ ? sqlite3_errmsg(db->db_) : "cannot open database";
    return Internal("store.open_failed", msg);
  }
  sqlite3_extended_result_codes(db->db_, 1);
  *out = std::move(db);
  return Status::Ok();
}

Status Db::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Internal((rc & 0xff) == SQLITE_FULL ? "store.full" : "store.sqlite", msg);
  }
  return Status::Ok();
}

Stmt Db::Q(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return Stmt(nullptr, Internal("store.prepare", sqlite3_errmsg(db_)));
    it = cache_.emplace(std::move(key), s).first;
  }
  return Stmt(it->second);
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }
std::string Db::ErrorMessage() const { return sqlite3_errmsg(db_); }

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Db::Begin(TxMode mode, Transaction* tx) {
  tx->Rollback();
  if (!InTransaction()) {
    // The statements are cached: BEGIN is on the path of every command.
    WEIGE_RETURN_IF_ERROR(Q(mode == TxMode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN").Run());
    tx->db_ = this;
    tx->savepoint_.clear();
    return Status::Ok();
  }
  std::string name = "weige_sp" + std::to_string(savepoints_ + 1);
  WEIGE_RETURN_IF_ERROR(Q("SAVEPOINT " + name).Run());
  ++savepoints_;
  tx->db_ = this;
  tx->savepoint_ = std::move(name);
  return Status::Ok();
}

}  // namespace weige::store
