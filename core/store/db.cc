#include "core/store/db.h"

#include <sqlite3.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "core/store/db_pg.h"

namespace weige::store {

namespace {

// Decimal text of a number for PostgreSQL's text-format parameters.
std::string_view IntText(int64_t v, char (&buf)[24]) {
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

}  // namespace

Stmt::~Stmt() {
  if (s_ != nullptr) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  } else if (pg_ != nullptr) {
    pg::Reset(pg_);
  }
}

Stmt& Stmt::Bind(int i, int64_t v) {
  if (s_) {
    sqlite3_bind_int64(s_, i, v);
  } else if (pg_) {
    char buf[24];
    pg::BindText(pg_, i, IntText(v, buf));
  }
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  if (s_) {
    sqlite3_bind_double(s_, i, v);
  } else if (pg_) {
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%.17g", v);  // round-trips
    pg::BindText(pg_, i, std::string_view(buf, static_cast<size_t>(n)));
  }
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  if (s_) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  } else if (pg_) {
    pg::BindText(pg_, i, v);
  }
  return *this;
}
Stmt& Stmt::Bind(int i, std::nullptr_t) {
  if (s_) {
    sqlite3_bind_null(s_, i);
  } else if (pg_) {
    pg::BindNull(pg_, i);
  }
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
Stmt& Stmt::BindBlob(int i, std::string_view bytes) {
  if (s_) {
    sqlite3_bind_blob64(s_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  } else if (pg_) {
    pg::BindBlob(pg_, i, bytes);
  }
  return *this;
}

bool Stmt::Step() {
  if (pg_ != nullptr) return pg::Step(pg_, &status_);
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
  if (pg_ != nullptr && pg::Defer(pg_, &status_)) return status_;
  while (Step()) {
  }
  return status_;
}

int Stmt::ColumnCount() const {
  if (s_) return sqlite3_column_count(s_);
  return pg_ ? pg::Columns(pg_) : 0;
}
bool Stmt::IsNull(int col) const {
  if (s_) return sqlite3_column_type(s_, col) == SQLITE_NULL;
  return pg_ == nullptr || pg::IsNull(pg_, col);
}
int64_t Stmt::Int(int col) const {
  if (s_) return sqlite3_column_int64(s_, col);
  if (pg_ == nullptr) return 0;
  std::string_view v = pg::Value(pg_, col);
  if (v == "t") return 1;
  int64_t n = 0;
  if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc()) {
    return static_cast<int64_t>(Double(col));  // a numeric or real column
  }
  return n;
}
double Stmt::Double(int col) const {
  if (s_) return sqlite3_column_double(s_, col);
  if (pg_ == nullptr) return 0;
  return std::strtod(std::string(pg::Value(pg_, col)).c_str(), nullptr);
}
std::string Stmt::Text(int col) const {
  if (pg_ != nullptr) return std::string(pg::Value(pg_, col));
  const unsigned char* t = sqlite3_column_text(s_, col);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}
std::string Stmt::Blob(int col) const {
  if (pg_ != nullptr) return pg::Blob(pg_, col);
  const void* p = sqlite3_column_blob(s_, col);
  int n = sqlite3_column_bytes(s_, col);
  return std::string(static_cast<const char*>(p ? p : ""), static_cast<size_t>(n));
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_ != nullptr) sqlite3_close(db_);
  if (pg_ != nullptr) pg::Close(pg_);
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

bool Db::IsPostgresUrl(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

Status Db::OpenPostgres(const std::string& url, std::unique_ptr<Db>* out) {
  std::unique_ptr<Db> db(new Db());
  db->dialect_ = Dialect::kPostgres;
  WEIGE_RETURN_IF_ERROR(pg::Connect(url, &db->pg_));
  *out = std::move(db);
  return Status::Ok();
}

Status Db::Exec(std::string_view sql) {
  if (pg_ != nullptr) return pg::Exec(pg_, sql);
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
  if (pg_ != nullptr) {
    Status error;
    pg::Prepared* p = pg::Prepare(pg_, sql, &error);
    return p ? Stmt(p) : Stmt(static_cast<sqlite3_stmt*>(nullptr), error);
  }
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) {
      return Stmt(static_cast<sqlite3_stmt*>(nullptr), Internal("store.prepare", sqlite3_errmsg(db_)));
    }
    it = cache_.emplace(std::move(key), s).first;
  }
  return Stmt(it->second);
}

std::vector<std::string> Db::PreparedSql() const {
  std::vector<std::string> out;
  for (const auto& [sql, stmt] : cache_) out.push_back(sql);
  return out;
}

int64_t Db::Changes() const { return pg_ ? pg::Changes(pg_) : sqlite3_changes64(db_); }

int64_t Db::LastInsertRowid() const { return pg_ ? 0 : sqlite3_last_insert_rowid(db_); }
bool Db::InTransaction() const {
  return pg_ ? pg::InTransaction(pg_) : sqlite3_get_autocommit(db_) == 0;
}
std::string Db::ErrorMessage() const { return pg_ ? pg::ErrorMessage(pg_) : sqlite3_errmsg(db_); }

Status Db::Flush() { return pg_ ? pg::Flush(pg_) : Status::Ok(); }

Status Db::CopyBegin(std::string_view copy_sql) {
  if (pg_ == nullptr) return Internal("store.postgres", "COPY is PostgreSQL's");
  return pg::CopyBegin(pg_, copy_sql);
}
Status Db::CopyData(std::string_view rows) {
  if (pg_ == nullptr) return Internal("store.postgres", "COPY is PostgreSQL's");
  return pg::CopyData(pg_, rows);
}
Status Db::CopyEnd() {
  if (pg_ == nullptr) return Internal("store.postgres", "COPY is PostgreSQL's");
  return pg::CopyEnd(pg_);
}

std::string PlaceholdersToDollar(std::string_view sql, int* params) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  size_t i = 0;
  auto copy_until = [&](char close) {  // a quoted run, '' / "" escapes included
    out += sql[i++];
    while (i < sql.size()) {
      char c = sql[i++];
      out += c;
      if (c == close) {
        if (i < sql.size() && sql[i] == close) {
          out += sql[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_until(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      ++i;
      int n = 0;
      size_t digits = 0;
      while (i < sql.size() && sql[i] >= '0' && sql[i] <= '9') {
        n = n * 10 + (sql[i++] - '0');
        ++digits;
      }
      if (digits == 0) n = highest + 1;
      if (n > highest) highest = n;
      out += '$';
      out += std::to_string(n);
    } else {
      out += c;
      ++i;
    }
  }
  *params = highest;
  return out;
}

Status Db::Begin(TxMode mode, Transaction* tx) {
  tx->Rollback();
  if (!InTransaction()) {
    // The statements are cached: BEGIN is on the path of every command.
    const char* begin = "BEGIN";
    if (mode == TxMode::kImmediate && dialect_ == Dialect::kSqlite) begin = "BEGIN IMMEDIATE";
    if (mode == TxMode::kSnapshot && dialect_ == Dialect::kPostgres) {
      begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    }
    WEIGE_RETURN_IF_ERROR(Q(begin).Run());
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
