#include "core/store/transaction.h"

#include <utility>

#include "core/store/db.h"

namespace weige::store {

// COMMIT, RELEASE and ROLLBACK [TO] read the same in SQLite and PostgreSQL;
// only the opening statement differs (Db::Begin).

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), savepoint_(std::move(other.savepoint_)) {
  other.savepoint_.clear();
}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    Rollback();
    db_ = std::exchange(other.db_, nullptr);
    savepoint_ = std::move(other.savepoint_);
    other.savepoint_.clear();
  }
  return *this;
}

Transaction::~Transaction() { Rollback(); }

void Transaction::End() {
  if (db_ != nullptr && nested()) --db_->savepoints_;
  db_ = nullptr;
  savepoint_.clear();
}

Status Transaction::Commit() {
  if (db_ == nullptr) {
    return FailedPrecondition("store.no_transaction", "no transaction is active");
  }
  Status s = db_->Q(nested() ? "RELEASE " + savepoint_ : std::string("COMMIT")).Run();
  if (!s.ok()) {
    Rollback();
    return s;
  }
  End();
  return Status::Ok();
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  // SQLite may have rolled the whole transaction back itself (a full disk,
  // an I/O error): then there is nothing left to take back.
  if (db_->InTransaction()) {
    if (nested()) {
      db_->Q("ROLLBACK TO " + savepoint_).Run();
      db_->Q("RELEASE " + savepoint_).Run();
    } else {
      db_->Q("ROLLBACK").Run();
    }
  }
  End();
}

}  // namespace weige::store
