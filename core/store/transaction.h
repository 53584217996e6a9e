// The store's one transaction type. Store::Begin opens one: a transaction
// when none is open on the store's connection, else a savepoint inside the
// open one, so a caller may wrap any store calls (Execute among them, which
// opens its own inside) and they commit or roll back together.
//
//   store::Transaction tx;
//   WEIGE_RETURN_IF_ERROR(store->Begin(&tx));
//   ... store calls ...
//   return tx.Commit();  // not committed: rolled back when tx goes away
//
// Transactions on one store end in the reverse order they began (RAII does
// this), and before the store is destroyed. A nested one is a savepoint: its Commit makes its work part of the
// enclosing transaction, its rollback takes back only its own work. Not
// thread-safe (one thread per Store).
#pragma once

#include <string>

#include "core/domain/result.h"

namespace weige::store {

class Db;

enum class TxMode {
  kDeferred,   // takes locks as statements need them
  kImmediate,  // takes the write lock at once (a writer that must not be
               // refused half way); for a nested transaction, as kDeferred
};

class Transaction {
 public:
  Transaction() = default;
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // Rollback() unless committed

  // Makes the work since Begin permanent (or, nested, part of the enclosing
  // transaction). The transaction is over either way: a failed commit rolls
  // its work back and returns the error (internal "store.full" when the
  // database cannot grow). failed_precondition "store.no_transaction" when
  // none is active.
  Status Commit();
  // Takes back the work since Begin; nothing when none is active.
  void Rollback();

  bool active() const { return db_ != nullptr; }
  // A savepoint inside an enclosing transaction.
  bool nested() const { return !savepoint_.empty(); }

 private:
  friend class Db;
  void End();

  Db* db_ = nullptr;
  std::string savepoint_;  // empty for the outermost transaction
};

}  // namespace weige::store
