// The store's database connection, over one of two engines, reporting errors
// as Status:
//   - SQLite (devices and the embedded server): a thin RAII wrapper over the
//     C API; statements are prepared once per Db and cached by their text.
//   - PostgreSQL (the server only, built with WEIGE_WITH_POSTGRES): libpq;
//     each SQL text is prepared once per connection (named statements), its
//     `?` / `?N` placeholders rewritten to `$N`; parameters travel as text
//     (blobs as binary) and PostgreSQL infers their types from the statement,
//     so a parameter whose type the statement does not fix (`? IS NULL`, a
//     bare `?` in a SELECT list) is written `CAST(? AS TEXT)` or the like,
//     which both engines accept.
// One interface for the handlers: Q(sql) gives a Stmt to Bind, Step and read.
// Where the dialects disagree a handler passes both texts (PerEngine) and
// the Db picks its own. A Stmt dispatches on a tag (a null pointer), not a
// virtual call, so SQLite's hot path stays a direct call into sqlite3.
//
// Internal to core/store: nothing outside it sees a Db (callers use Store,
// Transaction and the functions of sync_store.h and device_store.h). Tests
// that must inspect rows with SQL reach it through DbOf.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/domain/result.h"
#include "core/store/transaction.h"

struct sqlite3;
struct sqlite3_stmt;

namespace weige::store {

enum class Dialect { kSqlite, kPostgres };

// The text of one statement (or fragment) in each dialect.
struct PerEngine {
  std::string_view sqlite, postgres;
};

namespace pg {
struct Conn;      // db_pg.cc
struct Prepared;  // one prepared statement of a Conn and its current use
}  // namespace pg

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s, Status st = Status::Ok()) : s_(s), status_(std::move(st)) {}
  explicit Stmt(pg::Prepared* p, Status st = Status::Ok()) : pg_(p), status_(std::move(st)) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();  // resets and clears bindings (the statement stays cached)

  // Binds by 1-based index; an empty optional or nullptr binds NULL.
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, std::nullptr_t);
  Stmt& Bind(int i, const std::optional<std::string>& v);
  Stmt& Bind(int i, const std::optional<int64_t>& v);
  Stmt& Bind(int i, const std::optional<double>& v);
  // Binds an empty string as NULL.
  Stmt& BindOrNull(int i, std::string_view v);
  // Binds bytes (a BLOB in SQLite, bytea in PostgreSQL).
  Stmt& BindBlob(int i, std::string_view bytes);

  // Steps once: true when a row is available; false when done or on error.
  bool Step();
  // Steps to completion (for writes). PostgreSQL, inside a transaction:
  // queued and sent with the next statement whose answer is needed (db_pg.cc,
  // "Deferred writes"); its error, if any, is then that statement's.
  Status Run();
  Status status() const { return status_; }

  int ColumnCount() const;
  bool IsNull(int col) const;
  int64_t Int(int col) const;  // PostgreSQL booleans read as 1 and 0
  double Double(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;  // bytes of a BLOB / bytea column

 private:
  sqlite3_stmt* s_ = nullptr;
  pg::Prepared* pg_ = nullptr;
  Status status_;
};

class Db {
 public:
  ~Db();
  // Opens (creating) an SQLite database file; `vfs` may be nullptr for the
  // default.
  static Status Open(const std::string& path, const char* vfs, std::unique_ptr<Db>* out);
  // Connects to PostgreSQL (a libpq URI or key=value string). internal
  // "store.no_postgres" in a build without it; unavailable-style internal
  // "store.connect" when the server cannot be reached.
  static Status OpenPostgres(const std::string& url, std::unique_ptr<Db>* out);
  // True for the URLs OpenPostgres takes (postgres:// and postgresql://).
  static bool IsPostgresUrl(std::string_view path);

  Dialect dialect() const { return dialect_; }
  std::string_view Pick(const PerEngine& sql) const {
    return dialect_ == Dialect::kPostgres ? sql.postgres : sql.sqlite;
  }
  // The SQLite handle (nullptr on PostgreSQL).
  sqlite3* raw() const { return db_; }
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Status Exec(const PerEngine& sql) { return Exec(Pick(sql)); }
  // Prepares (or reuses) a cached statement. A failed prepare yields a Stmt
  // whose Step() returns false and whose status() holds the error.
  // PostgreSQL: a lost connection is reconnected at the next statement,
  // unless it was lost inside a transaction: then every statement fails
  // (internal "store.connection") until the caller's ROLLBACK, which
  // succeeds, so nothing of that transaction runs outside it. One SQL
  // text must not be stepped twice at once (the statement is shared).
  Stmt Q(std::string_view sql);
  Stmt Q(const PerEngine& sql) { return Q(Pick(sql)); }
  // The SQLite statements prepared so far, by their text (empty on
  // PostgreSQL): tests read their query plans.
  std::vector<std::string> PreparedSql() const;
  // Rows changed by the last INSERT, UPDATE or DELETE (not by triggers).
  int64_t Changes() const;
  // The rowid the last INSERT gave (SQLite); 0 on PostgreSQL, which names
  // it with RETURNING. On SQLite, RETURNING buffers its rows in an
  // ephemeral B-tree, a cost a hot INSERT need not pay.
  int64_t LastInsertRowid() const;
  std::string ErrorMessage() const;
  // Sends the writes Run() queued on PostgreSQL now; their first error
  // (nothing on SQLite).
  Status Flush();
  // PostgreSQL's COPY ... FROM STDIN (bulk_load.cc): CopyBegin runs the COPY
  // statement, CopyData sends rows in COPY's text format, CopyEnd finishes it.
  // internal "store.postgres" on SQLite.
  Status CopyBegin(std::string_view copy_sql);
  Status CopyData(std::string_view rows);
  Status CopyEnd();

  // Whether a transaction is open on this connection (a Transaction's, or
  // one begun with SQL).
  bool InTransaction() const;
  // Opens *tx (any active one is rolled back first): BEGIN (kImmediate:
  // BEGIN IMMEDIATE, the one engine-specific statement) when no transaction
  // is open, else a SAVEPOINT named after its depth, which no open savepoint
  // shares. Transaction ends it.
  Status Begin(TxMode mode, Transaction* tx);

 private:
  friend class Transaction;
  Db() = default;
  Dialect dialect_ = Dialect::kSqlite;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  int savepoints_ = 0;  // savepoints Begin opened that are not yet ended
  pg::Conn* pg_ = nullptr;  // owned (pg::Close)
};

class Store;
// The connection of a store (core/store internals, and tests inspecting rows).
Db& DbOf(Store& store);

// `?` and `?N` placeholders (outside quotes and comments) as `$N`, numbered
// as SQLite numbers them (a bare `?` is one more than the largest so far);
// *params gets the largest number. Exposed for its test.
std::string PlaceholdersToDollar(std::string_view sql, int* params);

}  // namespace weige::store
