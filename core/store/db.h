// A thin RAII wrapper over the SQLite C API that reports errors as Status.
// Statements are prepared once per Db and cached by their SQL text.
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

#include "core/domain/result.h"
#include "core/store/transaction.h"

struct sqlite3;
struct sqlite3_stmt;

namespace weige::store {

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s, Status st = Status::Ok()) : s_(s), status_(std::move(st)) {}
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

  // Steps once: true when a row is available; false when done or on error.
  bool Step();
  // Steps to completion (for writes).
  Status Run();
  Status status() const { return status_; }

  bool IsNull(int col) const;
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;

 private:
  sqlite3_stmt* s_;
  Status status_;
};

class Db {
 public:
  ~Db();
  // Opens (creating) a database file; `vfs` may be nullptr for the default.
  static Status Open(const std::string& path, const char* vfs, std::unique_ptr<Db>* out);

  sqlite3* raw() const { return db_; }
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // Prepares (or reuses) a cached statement. A failed prepare yields a Stmt
  // whose Step() returns false and whose status() holds the error. One SQL
  // text must not be stepped twice at once (the statement is shared).
  Stmt Q(std::string_view sql);
  int64_t Changes() const;
  std::string ErrorMessage() const;

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
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  int savepoints_ = 0;  // savepoints Begin opened that are not yet ended
};

class Store;
// The connection of a store (core/store internals, and tests inspecting rows).
Db& DbOf(Store& store);

}  // namespace weige::store
