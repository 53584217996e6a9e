// The Db/Stmt interface on both engines: the same calls give the same rows.
// PostgreSQL runs when WEIGE_TEST_PG_URL names a server (build-scripts/
// test-pg.sh); each test then works in a schema of its own.
#include "core/store/db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "tests/core/test_util.h"

namespace weige::store {
namespace {

TEST(PlaceholdersTest, NumbersAsSqliteDoes) {
  int n = 0;
  EXPECT_EQ(PlaceholdersToDollar("SELECT ?, ?, ?", &n), "SELECT $1, $2, $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(PlaceholdersToDollar("a = ?2 AND b = ?1 AND c = ?", &n), "a = $2 AND b = $1 AND c = $3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(PlaceholdersToDollar("?1 IS NULL OR x = ?1", &n), "$1 IS NULL OR x = $1");
  EXPECT_EQ(n, 1);
}

TEST(PlaceholdersTest, LeavesQuotesAndCommentsAlone) {
  int n = 0;
  EXPECT_EQ(PlaceholdersToDollar("SELECT '?', 'it''s ?', \"q?\", ? -- why?\n, ?", &n),
            "SELECT '?', 'it''s ?', \"q?\", $1 -- why?\n, $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(PlaceholdersToDollar("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

class DbTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres) {
      tmp_ = std::make_unique<testing::TempDb>(true);
      if (!Db::IsPostgresUrl(tmp_->path())) GTEST_SKIP() << "WEIGE_TEST_PG_URL is not set";
      ASSERT_TRUE(Db::OpenPostgres(tmp_->path(), &db_).ok());
    } else {
      tmp_ = std::make_unique<testing::TempDb>();
      ASSERT_TRUE(Db::Open(tmp_->path(), nullptr, &db_).ok());
    }
    ASSERT_TRUE(db_->Exec("CREATE TABLE t(id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION,"
                          " b BYTEA)").ok());
  }
  // Terminates db_'s PostgreSQL backend from another connection, waiting
  // (up to 5 s) for it to be gone.
  void KillBackend() {
    int64_t pid = 0;
    {
      Stmt s = db_->Q("SELECT pg_backend_pid()");
      ASSERT_TRUE(s.Step());
      pid = s.Int(0);
    }
    std::unique_ptr<Db> admin;
    ASSERT_TRUE(Db::OpenPostgres(tmp_->path(), &admin).ok());
    Stmt k = admin->Q("SELECT pg_terminate_backend(?, 5000)");
    ASSERT_TRUE(k.Bind(1, pid).Step()) << k.status().message;
    EXPECT_EQ(k.Int(0), 1);
  }

  std::unique_ptr<testing::TempDb> tmp_;
  std::unique_ptr<Db> db_;
};

TEST_P(DbTest, BindsStepsAndReads) {
  EXPECT_EQ(db_->dialect(), GetParam());
  for (int i = 0; i < 3; ++i) {
    Stmt s = db_->Q("INSERT INTO t(id, n, x) VALUES(?, ?, ?)");
    ASSERT_TRUE(s.Bind(1, "r" + std::to_string(i)).Bind(2, int64_t{1} << (40 + i)).Bind(3, 0.5 * i)
                    .Run().ok());
    EXPECT_EQ(db_->Changes(), 1);
  }
  Stmt s = db_->Q("SELECT id, n, x, n > ?, CAST(? AS TEXT) IS NULL FROM t WHERE n >= ?1 ORDER BY id");
  s.Bind(1, int64_t{1} << 41).Bind(2, nullptr);
  ASSERT_TRUE(s.Step()) << s.status().message;
  EXPECT_EQ(s.ColumnCount(), 5);
  EXPECT_EQ(s.Text(0), "r1");
  EXPECT_EQ(s.Int(1), int64_t{1} << 41);
  EXPECT_DOUBLE_EQ(s.Double(2), 0.5);
  EXPECT_EQ(s.Int(3), 0);
  EXPECT_EQ(s.Int(4), 1);
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Text(0), "r2");
  EXPECT_EQ(s.Int(3), 1);
  EXPECT_FALSE(s.Step());
  EXPECT_TRUE(s.status().ok());
}

TEST_P(DbTest, ReusesTheStatementAfterReset) {
  for (int round = 0; round < 3; ++round) {
    {
      Stmt w = db_->Q("INSERT INTO t(id) VALUES(?) ON CONFLICT(id) DO NOTHING");
      ASSERT_TRUE(w.Bind(1, "same").Run().ok());
      EXPECT_EQ(db_->Changes(), round == 0 ? 1 : 0);
    }
    Stmt r = db_->Q("SELECT COUNT(*), MAX(n) FROM t");
    ASSERT_TRUE(r.Step());
    EXPECT_EQ(r.Int(0), 1);
    EXPECT_TRUE(r.IsNull(1));  // bindings and rows do not leak into the next use
  }
}

TEST_P(DbTest, BlobsRoundTrip) {
  std::string bytes("\0\x01\xff\\x'\"", 7);
  ASSERT_TRUE(db_->Q("INSERT INTO t(id, b) VALUES('p', ?)").BindBlob(1, bytes).Run().ok());
  Stmt s = db_->Q("SELECT b FROM t WHERE id = 'p'");
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Blob(0), bytes);
}

TEST_P(DbTest, ConstraintIsConflictAndTransactionsNest) {
  EXPECT_FALSE(db_->InTransaction());
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  EXPECT_TRUE(db_->InTransaction());
  ASSERT_TRUE(db_->Q("INSERT INTO t(id) VALUES('a')").Run().ok());
  ASSERT_TRUE(db_->Exec("SAVEPOINT sp").ok());
  // Inside a transaction PostgreSQL queues a write (db_pg.cc, "Deferred
  // writes"): its error is the next answer's, or Flush's.
  Status dup = db_->Q("INSERT INTO t(id) VALUES('a')").Run();
  if (dup.ok()) dup = db_->Flush();
  EXPECT_EQ(dup.code, Code::kConflict) << dup.message;
  EXPECT_EQ(dup.reason, "store.constraint");
  ASSERT_TRUE(db_->Exec("ROLLBACK TO sp; RELEASE sp").ok());
  ASSERT_TRUE(db_->Exec("COMMIT").ok());
  EXPECT_FALSE(db_->InTransaction());
  Stmt s = db_->Q("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Int(0), 1);
}

TEST_P(DbTest, BadSqlIsAnErrorNotACrash) {
  Stmt s = db_->Q("SELECT nope FROM nowhere WHERE ? = 1");
  s.Bind(1, 1);
  EXPECT_FALSE(s.Step());
  EXPECT_EQ(s.status().code, Code::kInternal);
  EXPECT_FALSE(db_->Exec("NOT SQL").ok());
  Stmt ok = db_->Q("SELECT 1");  // the connection still serves
  EXPECT_TRUE(ok.Step());
}

TEST_P(DbTest, PicksItsDialectsText) {
  Stmt s = db_->Q(PerEngine{"SELECT 'sqlite'", "SELECT 'postgres'"});
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Text(0), GetParam() == Dialect::kPostgres ? "postgres" : "sqlite");
}

// PostgreSQL restarted, or the backend killed: a transaction in flight is
// lost as a whole (never finished on a new connection), and the Db
// reconnects at the next transaction.
TEST_P(DbTest, ALostConnectionLosesTheTransactionAndReconnects) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "SQLite has no connection";
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  ASSERT_TRUE(db_->Q("INSERT INTO t(id) VALUES('lost')").Run().ok());
  KillBackend();
  Status s = db_->Q("INSERT INTO t(id) VALUES('after')").Run();
  EXPECT_EQ(s.reason, "store.connection") << s.message;
  EXPECT_EQ(db_->Q("INSERT INTO t(id) VALUES('later')").Run().reason, "store.connection");
  EXPECT_FALSE(db_->Exec("COMMIT").ok());
  EXPECT_TRUE(db_->Exec("ROLLBACK").ok());
  // Reconnected: nothing of the lost transaction is there.
  Stmt n = db_->Q("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(n.Step()) << n.status().message;
  EXPECT_EQ(n.Int(0), 0);
  // Outside a transaction, a write that meets the broken connection fails
  // (it is not sent twice) and the next statement reconnects.
  KillBackend();
  EXPECT_EQ(db_->Q("INSERT INTO t(id) VALUES('unsure')").Run().reason, "store.connection");
  Stmt again = db_->Q("INSERT INTO t(id) VALUES('fresh')");
  EXPECT_TRUE(again.Run().ok()) << again.status().message;
}

// A pooled connection whose backend went away while it sat idle (PostgreSQL
// restarted, an idle timeout, a terminated backend) is met first by the
// next request's BEGIN or read. Nothing had run on it, so that statement
// reconnects and runs, rather than failing one request per pooled
// connection after every restart (the fleet's race test, just after the
// restart test, once got such a failure).
TEST_P(DbTest, AConnectionLostWhileIdleIsReopenedByTheNextBeginOrRead) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "SQLite has no connection";
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    KillBackend();
    if (round == 1) {
      Stmt n = db_->Q("SELECT COUNT(*) FROM t");
      ASSERT_TRUE(n.Step()) << n.status().message;
      EXPECT_EQ(n.Int(0), 0);
      continue;
    }
    Transaction tx;
    Status b = db_->Begin(round == 0 ? TxMode::kImmediate : TxMode::kSnapshot, &tx);
    ASSERT_TRUE(b.ok()) << b.message;
    Stmt n = db_->Q("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(n.Step()) << n.status().message;
    EXPECT_EQ(n.Int(0), 0);
    tx.Rollback();
  }
}

// The same, when the lost connection is met by queued writes sent in one
// pipeline (db_pg.cc, "Deferred writes"), every statement already prepared,
// the backend killed before the pipeline is sent or while it runs. libpq
// can keep such a connection in pipeline mode, reporting CONNECTION_OK, and
// every later statement would fail there ("not allowed in pipeline mode")
// unless the Db resets it. PostgreSQL's restart under a fleet's load
// (tests/fleet/faults.test.js) once left servers answering 500.
TEST_P(DbTest, ALostConnectionMetByAPipelineIsResetToo) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "SQLite has no connection";
  const char* kInsert = "INSERT INTO t(id) VALUES(?)";
  const char* kSleep = "SELECT pg_sleep(?)";
  const char* kCount = "SELECT COUNT(*) FROM t";
  auto pid_of = [&] {
    Stmt s = db_->Q("SELECT pg_backend_pid()");
    EXPECT_TRUE(s.Step());
    return s.Int(0);
  };
  auto kill = [&](int64_t pid) {
    std::unique_ptr<Db> admin;
    ASSERT_TRUE(Db::OpenPostgres(tmp_->path(), &admin).ok());
    Stmt k = admin->Q("SELECT pg_terminate_backend(?, 5000)");
    ASSERT_TRUE(k.Bind(1, pid).Step()) << k.status().message;
  };
  for (int round = 0; round < 4; ++round) {
    const bool during = round % 2 == 1;  // else before the pipeline is sent
    SCOPED_TRACE(during ? "killed while the pipeline runs" : "killed before it is sent");
    ASSERT_TRUE(db_->Exec("BEGIN").ok());
    ASSERT_TRUE(db_->Q(kInsert).Bind(1, "warm" + std::to_string(round)).Run().ok());
    ASSERT_TRUE(db_->Q(kSleep).Bind(1, 0.0).Run().ok());
    {
      Stmt n = db_->Q(kCount);
      ASSERT_TRUE(n.Step()) << n.status().message;
    }
    ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
    const int64_t pid = pid_of();
    ASSERT_TRUE(db_->Exec("BEGIN").ok());
    ASSERT_TRUE(db_->Q(kInsert).Bind(1, "queued").Run().ok());  // queued, not sent
    ASSERT_TRUE(db_->Q(kSleep).Bind(1, during ? 2.0 : 0.0).Run().ok());
    std::thread killer;
    if (during) {
      killer = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        kill(pid);
      });
    } else {
      kill(pid);
    }
    {
      Stmt n = db_->Q(kCount);  // sends the queue and itself in one pipeline
      EXPECT_FALSE(n.Step());
      EXPECT_EQ(n.status().reason, "store.connection") << n.status().message;
    }
    if (killer.joinable()) killer.join();
    EXPECT_TRUE(db_->Exec("ROLLBACK").ok());
    // The next transaction runs on a reset connection.
    {
      Status b = db_->Exec("BEGIN");
      ASSERT_TRUE(b.ok()) << b.message;
    }
    {
      Stmt ins = db_->Q(kInsert);
      EXPECT_TRUE(ins.Bind(1, "next" + std::to_string(round)).Run().ok()) << ins.status().message;
      Stmt n = db_->Q(kCount);
      EXPECT_TRUE(n.Step()) << n.status().message;
      EXPECT_EQ(n.Int(0), 1);
    }
    ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
    // And so does a statement outside one.
    Stmt one = db_->Q(kCount);
    EXPECT_TRUE(one.Step()) << one.status().message;
  }
}

// The statement that ends a transaction can be the first to meet the lost
// connection: a ROLLBACK (with or without writes queued in front of it), or
// the COMMIT of a Transaction. It ends the transaction either way, and the
// next statement reconnects. Before, the failed ROLLBACK marked the
// transaction lost and nothing could ever roll it back again: one server of
// the fleet answered 503 "lost inside a transaction" to every request after
// PostgreSQL restarted (tests/fleet/faults.test.js, in CI).
TEST_P(DbTest, TheStatementEndingALostTransactionEndsIt) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "SQLite has no connection";
  for (int round = 0; round < 6; ++round) {
    const int how = round % 3;  // 0: ROLLBACK, 1: queued writes + ROLLBACK, 2: Commit()
    SCOPED_TRACE("round " + std::to_string(round));
    {
      Transaction tx;
      ASSERT_TRUE(db_->Begin(TxMode::kImmediate, &tx).ok());
      ASSERT_TRUE(db_->Q("INSERT INTO t(id) VALUES(?)").Bind(1, "a" + std::to_string(round)).Run().ok());
      ASSERT_TRUE(db_->Flush().ok());
      KillBackend();
      if (how == 1) {
        ASSERT_TRUE(db_->Q("INSERT INTO t(id) VALUES(?)").Bind(1, "b" + std::to_string(round)).Run().ok());
      }
      if (how == 2) {
        EXPECT_FALSE(tx.Commit().ok());
      } else {
        tx.Rollback();
      }
    }
    EXPECT_FALSE(db_->InTransaction());
    Stmt n = db_->Q("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(n.Step()) << n.status().message;
    EXPECT_EQ(n.Int(0), 0);
    Transaction next;
    Status b = db_->Begin(TxMode::kImmediate, &next);
    ASSERT_TRUE(b.ok()) << b.message;
    Stmt ins = db_->Q("INSERT INTO t(id) VALUES('next')");
    EXPECT_TRUE(ins.Run().ok()) << ins.status().message;
    next.Rollback();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DbTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == Dialect::kPostgres ? "Postgres" : "Sqlite";
                         });

}  // namespace
}  // namespace weige::store
