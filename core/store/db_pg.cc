// The PostgreSQL engine through libpq (no exceptions, plain C). One Conn is
// one connection; its statements are named "w<N>", prepared the first time
// their text is seen and again after a reconnect (a reset connection has
// forgotten them).
//
// Deferred writes. Inside a transaction, a statement run for its effect
// alone (Stmt::Run: an INSERT, a SAVEPOINT, a RELEASE) is not sent at once:
// it is queued with its parameters and sent, in libpq's pipeline mode, in
// front of the next statement whose answer is needed (a Step that reads
// rows, Changes(), Exec, a COMMIT), all in one round trip. A push of 20
// visit.record commands went from 17 round trips per command to 8 (with
// LoadActor's one statement; see
// bench-server.sh, push_rate_pg). What a caller sees is unchanged except
// *when* a queued statement's error arrives: it is the error of the
// statement that sent it (and that statement does not run), so the
// transaction still fails as a whole; the store's savepoints that decide a
// command's fate (Store::Execute's) are released synchronously
// (ReleaseNow), so a command's own failure is still its own. COMMIT,
// ROLLBACK and BEGIN are never queued; a ROLLBACK first sends what is
// queued and ignores its errors.
#include "core/store/db_pg.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/store/db.h"

namespace weige::store::pg {

struct Prepared {
  Conn* conn = nullptr;
  std::string name, text;  // text: with $N placeholders
  int params = 0;
  int64_t generation = -1;  // the connection generation it was prepared on
  std::vector<std::string> values;
  std::vector<char> set;     // 1: bound (else NULL)
  std::vector<int> formats;  // 1: binary (bytea)
  PGresult* res = nullptr;
  int row = -1;
  bool executed = false;
};

// A queued statement (see the top of the file): its name and parameters.
struct Queued {
  Prepared* p = nullptr;
  std::vector<std::string> values;
  std::vector<char> set;
  std::vector<int> formats;
};

struct Conn {
  PGconn* c = nullptr;
  std::vector<Queued> queued;
  std::unordered_map<std::string, std::unique_ptr<Prepared>> cache;
  int64_t changes = 0;
  int64_t generation = 0;  // bumped by each reconnect
  int next_name = 0;
  // The connection broke inside a transaction: everything fails until the
  // caller's ROLLBACK, so no later statement of that transaction can run on
  // a new connection (outside it) and commit alone.
  bool lost_txn = false;
};

namespace {

void Quiet(void*, const char*) {}  // NOTICEs (e.g. "relation exists, skipping")

Status ErrorOf(const PGresult* res, PGconn* c) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  std::string_view s = state ? state : "";
  if (s.starts_with("23")) return Conflict("store.constraint", msg);
  if (s == "53100") return Internal("store.full", msg);
  // Serialization failures and deadlocks: the transaction may be retried.
  if (s == "40001" || s == "40P01") return Internal("store.busy", msg);
  if (PQstatus(c) == CONNECTION_BAD || s.starts_with("08") || s.starts_with("57P")) {
    return Internal("store.connection", msg);
  }
  return Internal("store.postgres", msg);
}

void NoteChanges(Conn* conn, const PGresult* res) {
  const char* tag = PQcmdStatus(const_cast<PGresult*>(res));
  if (std::strncmp(tag, "INSERT", 6) == 0 || std::strncmp(tag, "UPDATE", 6) == 0 ||
      std::strncmp(tag, "DELETE", 6) == 0 || std::strncmp(tag, "MERGE", 5) == 0) {
    conn->changes = std::atoll(PQcmdTuples(const_cast<PGresult*>(res)));
  }
}

// A connection is usable when it is open and out of pipeline mode (one
// left in it, see SendQueued, refuses every synchronous call).
bool Healthy(PGconn* c) {
  return PQstatus(c) == CONNECTION_OK && PQpipelineStatus(c) == PQ_PIPELINE_OFF;
}

// A lost connection is reset when no transaction was lost with it.
bool Usable(Conn* conn) {
  if (Healthy(conn->c)) return true;
  if (conn->lost_txn) return false;
  PQreset(conn->c);
  if (!Healthy(conn->c)) return false;
  ++conn->generation;
  return true;
}

Status LostTxn() {
  return Internal("store.connection",
                  "the connection to PostgreSQL was lost inside a transaction: roll it back");
}

// Runs before each statement: false (with *status) when it must not run.
// The ROLLBACK that ends a lost transaction succeeds without the server.
bool Admit(Conn* conn, std::string_view sql, Status* status) {
  if (!conn->lost_txn) return true;
  if (sql == "ROLLBACK") {
    conn->lost_txn = false;
    *status = Status::Ok();
  } else {
    *status = LostTxn();
  }
  return false;
}

// COMMIT and the outermost ROLLBACK end the transaction, failed or not.
bool EndsTransaction(std::string_view sql) { return sql == "COMMIT" || sql == "ROLLBACK"; }

// After a failed statement: a broken connection (or a server that said it
// is closing it) inside a transaction loses the transaction, unless the
// statement was the one ending it: a ROLLBACK or COMMIT that meets the
// broken connection leaves nothing owed (the server rolls back what a lost
// connection held), and marking it lost then would wait for a ROLLBACK
// that never comes.
void NoteFailure(Conn* conn, PGTransactionStatusType before, const Status& error,
                 std::string_view sql) {
  if (EndsTransaction(sql)) {
    conn->lost_txn = false;
  } else if (error.reason == "store.connection" && before != PQTRANS_IDLE) {
    conn->lost_txn = true;
  }
}

// A statement that met a broken connection outside a transaction, and that
// is a BEGIN or a read, had nothing run: the connection died while it sat
// idle in the pool (PostgreSQL restarted, the backend terminated), and
// libpq finds that out only when it next sends. It is reset and the
// statement runs again, once. A write is not sent twice: whether it ran
// before the connection broke cannot be known.
bool RunsAgain(Conn* conn, std::string_view sql, PGTransactionStatusType before,
               const Status& error) {
  if (error.reason != "store.connection" || before != PQTRANS_IDLE || conn->lost_txn ||
      !conn->queued.empty()) {
    return false;
  }
  if (!sql.starts_with("BEGIN") && !sql.starts_with("SELECT")) return false;
  return Usable(conn);
}

Status EnsurePrepared(Prepared* p) {
  Conn* conn = p->conn;
  if (p->generation == conn->generation && Healthy(conn->c)) {
    return Status::Ok();
  }
  if (!Usable(conn)) return ErrorOf(nullptr, conn->c);
  const PGTransactionStatusType before = PQtransactionStatus(conn->c);
  auto prepare = [&] {
    PGresult* r = PQprepare(conn->c, p->name.c_str(), p->text.c_str(), 0, nullptr);
    Status s = PQresultStatus(r) == PGRES_COMMAND_OK ? Status::Ok() : ErrorOf(r, conn->c);
    PQclear(r);
    return s;
  };
  Status s = prepare();
  if (!s.ok() && RunsAgain(conn, p->text, before, s)) s = prepare();
  if (!s.ok()) NoteFailure(conn, before, s, p->text);
  if (s.ok()) p->generation = conn->generation;
  return s;
}

// PostgreSQL answers COMMIT in a failed transaction with success and the tag
// ROLLBACK: that is a failure to commit (a queued write's error may not have
// been read by anyone before it).
Status CheckCommitted(std::string_view sql, const PGresult* r) {
  if (sql == "COMMIT" && std::strcmp(PQcmdStatus(const_cast<PGresult*>(r)), "ROLLBACK") == 0) {
    return Internal("store.rolled_back", "the transaction had failed; COMMIT rolled it back");
  }
  return Status::Ok();
}

void Arrays(const std::vector<std::string>& v, const std::vector<char>& set,
            std::vector<const char*>* values, std::vector<int>* lengths) {
  values->resize(v.size());
  lengths->resize(v.size());
  for (size_t k = 0; k < v.size(); ++k) {
    (*values)[k] = set[k] ? v[k].data() : nullptr;
    (*lengths)[k] = static_cast<int>(v[k].size());
  }
}

bool IsEnding(std::string_view text) {
  return text.starts_with("ROLLBACK");
}

// Before a ROLLBACK (or ROLLBACK TO): sends what is queued, whose errors do
// not matter (rolled back anyway). A lost connection met there is owed no
// ROLLBACK when this one ends the transaction.
void FlushBeforeRollback(Conn* conn, std::string_view sql) {
  Flush(conn);
  if (EndsTransaction(sql)) conn->lost_txn = false;
}

// Sends the queued statements and then `last` (when given, with its bound
// values) in one pipeline and reads every answer. The first error is
// returned (later statements were skipped by the server); `last`'s result,
// when it ran, is left in last->res. The queue is empty afterwards.
Status SendQueued(Conn* conn, Prepared* last) {
  std::vector<Queued> queued = std::move(conn->queued);
  conn->queued.clear();
  if (queued.empty() && last == nullptr) return Status::Ok();
  const PGTransactionStatusType before = PQtransactionStatus(conn->c);
  const std::string_view sent_last = last != nullptr ? std::string_view(last->text) : "";
  if (PQenterPipelineMode(conn->c) != 1) {  // not idle: as lost as above
    Status lost = Internal("store.connection", std::string("cannot send to PostgreSQL: ") +
                                                   PQerrorMessage(conn->c));
    NoteFailure(conn, before, lost, sent_last);
    return lost;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  bool sent = true;
  for (const Queued& q : queued) {
    Arrays(q.values, q.set, &values, &lengths);
    sent = sent && PQsendQueryPrepared(conn->c, q.p->name.c_str(), q.p->params, values.data(),
                                       lengths.data(), q.formats.data(), 0) == 1;
  }
  if (last != nullptr) {
    Arrays(last->values, last->set, &values, &lengths);
    sent = sent && PQsendQueryPrepared(conn->c, last->name.c_str(), last->params, values.data(),
                                       lengths.data(), last->formats.data(), 0) == 1;
  }
  sent = sent && PQpipelineSync(conn->c) == 1;
  Status first = sent ? Status::Ok() : ErrorOf(nullptr, conn->c);
  // The answers, in order: each statement's result(s) then a NULL, and the
  // sync's PGRES_PIPELINE_SYNC at the end.
  const size_t total = queued.size() + (last != nullptr ? 1 : 0);
  for (size_t k = 0; sent && k <= total; ++k) {
    PGresult* r = nullptr;
    PGresult* kept = nullptr;
    bool sync = false;
    while ((r = PQgetResult(conn->c)) != nullptr) {
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_PIPELINE_SYNC) {
        sync = true;
        PQclear(r);
        break;
      }
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        NoteChanges(conn, r);
      } else if (st != PGRES_PIPELINE_ABORTED && first.ok()) {
        first = ErrorOf(r, conn->c);
      }
      if (k == queued.size() && last != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) &&
          kept == nullptr) {
        kept = r;
      } else {
        PQclear(r);
      }
    }
    if (kept != nullptr) {
      if (first.ok()) {
        last->res = kept;
      } else {
        PQclear(kept);
      }
    }
    if (sync) break;
    if (PQstatus(conn->c) == CONNECTION_BAD) {
      if (first.ok()) first = ErrorOf(nullptr, conn->c);
      break;
    }
  }
  // A pipeline that could not be read to its end (the server went away
  // mid-answer, or the send failed: seen under PostgreSQL's restart as
  // "cannot exit pipeline mode while busy", the connection still
  // CONNECTION_OK) leaves the connection in pipeline mode, where every
  // synchronous call fails. It is given up as lost, without waiting on it:
  // the transaction with it, and Usable resets it before the next
  // statement runs.
  if (PQexitPipelineMode(conn->c) != 1 && first.reason != "store.connection") {
    first = Internal("store.connection", std::string("the connection to PostgreSQL broke mid-pipeline: ") +
                                             PQerrorMessage(conn->c));
  }
  if (!first.ok()) NoteFailure(conn, before, first, sent_last);
  return first;
}

}  // namespace

Status Flush(Conn* conn) {
  if (conn->queued.empty()) return Status::Ok();
  return SendQueued(conn, nullptr);
}

Status Connect(const std::string& url, Conn** out) {
  PGconn* c = PQconnectdb(url.c_str());
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    std::string msg = c ? PQerrorMessage(c) : "out of memory";
    PQfinish(c);
    return Internal("store.connect", "cannot connect to PostgreSQL: " + msg);
  }
  PQsetNoticeProcessor(c, Quiet, nullptr);
  auto* conn = new Conn();
  conn->c = c;
  *out = conn;
  return Status::Ok();
}

void Close(Conn* conn) {
  for (auto& [text, p] : conn->cache) PQclear(p->res);
  PQfinish(conn->c);
  delete conn;
}

Status Exec(Conn* conn, std::string_view sql) {
  Status admitted;
  if (!Admit(conn, sql, &admitted)) return admitted;
  if (!conn->queued.empty()) {
    if (IsEnding(sql)) {
      FlushBeforeRollback(conn, sql);
    } else {
      WEIGE_RETURN_IF_ERROR(Flush(conn));
    }
  }
  if (!Usable(conn)) return ErrorOf(nullptr, conn->c);
  const PGTransactionStatusType before = PQtransactionStatus(conn->c);
  PGresult* r = PQexec(conn->c, std::string(sql).c_str());
  ExecStatusType st = PQresultStatus(r);
  Status s = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY
                 ? Status::Ok()
                 : ErrorOf(r, conn->c);
  if (s.ok()) s = CheckCommitted(sql, r);
  if (!s.ok()) NoteFailure(conn, before, s, sql);
  if (s.ok()) NoteChanges(conn, r);
  PQclear(r);
  return s;
}

Prepared* Prepare(Conn* conn, std::string_view sql, Status* error) {
  if (conn->lost_txn) {  // nothing runs; a ROLLBACK "succeeds" (see Admit)
    Admit(conn, sql, error);
    return nullptr;
  }
  auto it = conn->cache.find(std::string(sql));
  if (it == conn->cache.end()) {
    auto p = std::make_unique<Prepared>();
    p->conn = conn;
    p->name = "w" + std::to_string(++conn->next_name);
    p->text = PlaceholdersToDollar(sql, &p->params);
    p->values.resize(static_cast<size_t>(p->params));
    p->set.assign(static_cast<size_t>(p->params), 0);
    p->formats.assign(static_cast<size_t>(p->params), 0);
    *error = EnsurePrepared(p.get());
    if (!error->ok()) return nullptr;
    it = conn->cache.emplace(std::string(sql), std::move(p)).first;
  } else {
    *error = EnsurePrepared(it->second.get());
    if (!error->ok()) return nullptr;
  }
  return it->second.get();
}

int64_t Changes(Conn* conn) {
  Flush(conn);  // an error stays the transaction's: the next statement reports it
  return conn->changes;
}

bool Defer(Prepared* p, Status* status) {
  Conn* conn = p->conn;
  if (p->executed || !status->ok() || conn->lost_txn) return false;
  if (PQstatus(conn->c) != CONNECTION_OK || PQtransactionStatus(conn->c) != PQTRANS_INTRANS) {
    return false;
  }
  std::string_view t = p->text;
  if (t == "COMMIT" || t.starts_with("ROLLBACK") || t.starts_with("BEGIN")) return false;
  Status ready = EnsurePrepared(p);
  if (!ready.ok()) {
    *status = ready;
    p->executed = true;
    return true;
  }
  conn->queued.push_back({p, p->values, p->set, p->formats});
  p->executed = true;  // nothing to read: Step answers false
  return true;
}

// A broken connection (PQTRANS_UNKNOWN) is in a transaction only when one
// was lost with it (it awaits the caller's ROLLBACK); else the next BEGIN
// must be a BEGIN on the reset connection, not a SAVEPOINT (which would
// fail there, "SAVEPOINT can only be used in transaction blocks"). A lost
// transaction is one whatever libpq says (a connection left in pipeline
// mode can report itself idle), so the caller's Rollback sends its ROLLBACK.
bool InTransaction(const Conn* conn) {
  if (conn->lost_txn) return true;
  const PGTransactionStatusType status = PQtransactionStatus(conn->c);
  return status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN;
}

std::string ErrorMessage(const Conn* conn) { return PQerrorMessage(conn->c); }

Status CopyBegin(Conn* conn, std::string_view sql) {
  Status admitted;
  if (!Admit(conn, sql, &admitted)) return admitted;
  WEIGE_RETURN_IF_ERROR(Flush(conn));
  if (!Usable(conn)) return ErrorOf(nullptr, conn->c);
  const PGTransactionStatusType before = PQtransactionStatus(conn->c);
  PGresult* r = PQexec(conn->c, std::string(sql).c_str());
  Status s = PQresultStatus(r) == PGRES_COPY_IN ? Status::Ok() : ErrorOf(r, conn->c);
  PQclear(r);
  if (!s.ok()) NoteFailure(conn, before, s, sql);
  return s;
}

Status CopyData(Conn* conn, std::string_view data) {
  if (data.empty()) return Status::Ok();
  if (PQputCopyData(conn->c, data.data(), static_cast<int>(data.size())) != 1) {
    Status s = ErrorOf(nullptr, conn->c);
    NoteFailure(conn, PQTRANS_INTRANS, s, "");
    return s;
  }
  return Status::Ok();
}

Status CopyEnd(Conn* conn) {
  const PGTransactionStatusType before = PQTRANS_INTRANS;
  if (PQputCopyEnd(conn->c, nullptr) != 1) {
    Status s = ErrorOf(nullptr, conn->c);
    NoteFailure(conn, before, s, "");
    return s;
  }
  Status s = Status::Ok();
  while (PGresult* r = PQgetResult(conn->c)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && s.ok()) s = ErrorOf(r, conn->c);
    if (s.ok()) NoteChanges(conn, r);
    PQclear(r);
  }
  if (!s.ok()) NoteFailure(conn, before, s, "");
  return s;
}

void BindText(Prepared* p, int i, std::string_view v) {
  if (i < 1 || i > p->params) return;
  p->values[i - 1].assign(v);
  p->set[i - 1] = 1;
  p->formats[i - 1] = 0;
}

void BindBlob(Prepared* p, int i, std::string_view bytes) {
  BindText(p, i, bytes);
  if (i >= 1 && i <= p->params) p->formats[i - 1] = 1;
}

void BindNull(Prepared* p, int i) {
  if (i < 1 || i > p->params) return;
  p->set[i - 1] = 0;
}

bool Step(Prepared* p, Status* status) {
  if (!p->executed) {
    p->executed = true;
    if (!status->ok()) return false;
    if (!Admit(p->conn, p->text, status)) return false;
    Status ready = EnsurePrepared(p);
    if (!ready.ok()) {
      *status = ready;
      return false;
    }
    if (!p->conn->queued.empty()) {
      if (IsEnding(p->text)) {
        FlushBeforeRollback(p->conn, p->text);
      } else {
        *status = SendQueued(p->conn, p);
        if (!status->ok()) return false;
        p->row = -1;
        return p->res != nullptr && PQntuples(p->res) > 0 && (++p->row, true);
      }
    }
    const size_t n = static_cast<size_t>(p->params);
    std::vector<const char*> values(n);
    std::vector<int> lengths(n);
    for (size_t k = 0; k < n; ++k) {
      values[k] = p->set[k] ? p->values[k].data() : nullptr;
      lengths[k] = static_cast<int>(p->values[k].size());
    }
    const PGTransactionStatusType before = PQtransactionStatus(p->conn->c);
    auto exec = [&] {
      p->res = PQexecPrepared(p->conn->c, p->name.c_str(), p->params, values.data(),
                              lengths.data(), p->formats.data(), 0);
      return PQresultStatus(p->res);
    };
    ExecStatusType st = exec();
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
        RunsAgain(p->conn, p->text, before, ErrorOf(p->res, p->conn->c)) &&
        EnsurePrepared(p).ok()) {
      PQclear(p->res);
      st = exec();
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      *status = ErrorOf(p->res, p->conn->c);
      NoteFailure(p->conn, before, *status, p->text);
      PQclear(p->res);
      p->res = nullptr;
      return false;
    }
    *status = CheckCommitted(p->text, p->res);
    if (!status->ok()) return false;
    NoteChanges(p->conn, p->res);
    p->row = -1;
  }
  if (p->res == nullptr) return false;
  if (p->row + 1 >= PQntuples(p->res)) return false;
  ++p->row;
  return true;
}

void Reset(Prepared* p) {
  PQclear(p->res);
  p->res = nullptr;
  p->row = -1;
  p->executed = false;
  std::fill(p->set.begin(), p->set.end(), 0);
}

int Columns(const Prepared* p) { return p->res ? PQnfields(p->res) : 0; }

bool IsNull(const Prepared* p, int col) {
  if (p->res == nullptr || p->row < 0 || col < 0 || col >= PQnfields(p->res)) return true;
  return PQgetisnull(p->res, p->row, col) != 0;
}

std::string_view Value(const Prepared* p, int col) {
  if (IsNull(p, col)) return {};
  return std::string_view(PQgetvalue(p->res, p->row, col),
                          static_cast<size_t>(PQgetlength(p->res, p->row, col)));
}

std::string Blob(const Prepared* p, int col) {
  if (IsNull(p, col)) return {};
  size_t n = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(p->res, p->row, col)), &n);
  if (bytes == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(bytes), n);
  PQfreemem(bytes);
  return out;
}

}  // namespace weige::store::pg
