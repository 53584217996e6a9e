// The store's one transaction type (transaction.h), what Execute reports
// (ExecReport, ExecOptions::rerun) and the store calls that replaced raw SQL
// outside core/store (open options, IsEmpty, IntegrityCheck).
#include "core/store/db.h"
#include "core/store/transaction.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using TransactionTest = WorldTest;

TEST_F(TransactionTest, NestedRollbackTakesBackOnlyItsOwnWork) {
  store::Transaction outer;
  ASSERT_OK(store().Begin(&outer));
  EXPECT_TRUE(outer.active());
  EXPECT_FALSE(outer.nested());
  std::string kept = OpenItem();
  {
    store::Transaction inner;
    ASSERT_OK(store().Begin(&inner));
    EXPECT_TRUE(inner.nested());
    OpenItem();
    // Not committed: rolled back when it goes out of scope.
  }
  std::string also = OpenItem();
  {
    store::Transaction inner;
    ASSERT_OK(store().Begin(&inner));
    std::string mid = OpenItem();
    ASSERT_OK(inner.Commit());
    EXPECT_FALSE(inner.active());
    EXPECT_EQ(ItemState(mid), "open");
  }
  ASSERT_OK(outer.Commit());
  EXPECT_FALSE(store().InTransaction());
  EXPECT_EQ(ItemState(kept), "open");
  EXPECT_EQ(ItemState(also), "open");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 3);
}

TEST_F(TransactionTest, RollingBackTheOutermostTakesCommittedSavepointsWithIt) {
  std::string before = Digest();
  {
    store::Transaction a, b, c;
    ASSERT_OK(store().Begin(&a));
    ASSERT_OK(store().Begin(&b));
    OpenItem();
    ASSERT_OK(store().Begin(&c));
    OpenItem();
    ASSERT_OK(c.Commit());
    ASSERT_OK(b.Commit());
    EXPECT_TRUE(store().InTransaction());
    a.Rollback();
    EXPECT_FALSE(a.active());
  }
  EXPECT_FALSE(store().InTransaction());
  EXPECT_EQ(Digest(), before);
}

TEST_F(TransactionTest, ATransactionIsOverAfterCommitAndMovesWithItsWork) {
  store::Transaction tx;
  EXPECT_ERR(tx.Commit(), "failed_precondition", "store.no_transaction");
  ASSERT_OK(store().Begin(&tx));
  std::string item = OpenItem();
  store::Transaction moved = std::move(tx);
  EXPECT_FALSE(tx.active());
  EXPECT_TRUE(moved.active());
  ASSERT_OK(moved.Commit());
  EXPECT_ERR(moved.Commit(), "failed_precondition", "store.no_transaction");
  EXPECT_EQ(ItemState(item), "open");
}

TEST_F(TransactionTest, AnImmediateTransactionHoldsTheWriteLock) {
  if (postgres()) GTEST_SKIP() << "SQLite's locks, PRAGMAs and file bound";
  std::unique_ptr<store::Store> other;
  ASSERT_OK(store::Store::Open(tmp_->path(), {}, &other));
  store::Transaction mine;
  ASSERT_OK(store().Begin(&mine, store::TxMode::kImmediate));
  store::Transaction theirs;
  Status s = other->Begin(&theirs, store::TxMode::kImmediate);
  EXPECT_FALSE(s.ok());  // busy: no busy timeout was asked for
  EXPECT_FALSE(theirs.active());
  mine.Rollback();
  EXPECT_OK(other->Begin(&theirs, store::TxMode::kImmediate));
}

TEST_F(TransactionTest, ExecuteReportsTheOutboxRowItWroteAndAReplay) {
  Json cmd = Cmd("rep-1", "item.open", "worker1", kT0,
                 {{"item_id", "rep-item"}, {"household_id", "h1"}, {"category", "sanitation"},
                  {"title", "Rubbish"}});
  store::ExecReport report;
  ASSERT_OK(store().Execute(cmd, {}, &report));
  EXPECT_FALSE(report.replayed);
  EXPECT_EQ(report.command_id, "rep-1");
  EXPECT_EQ(report.outbox_seq, Count("SELECT seq FROM outbox WHERE command_id = 'rep-1'"));
  EXPECT_GT(report.outbox_seq, 0);

  ASSERT_OK(store().Execute(cmd, {}, &report));
  EXPECT_TRUE(report.replayed);
  EXPECT_EQ(report.outbox_seq, 0);

  Result bad = store().Execute(Cmd("rep-2", "item.open", "worker1", kT0, {{"item_id", "x"}}),
                               {}, &report);
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(report.replayed);
  EXPECT_EQ(report.outbox_seq, 0);
  EXPECT_EQ(report.command_id, "rep-2");
}

TEST_F(TransactionTest, ARerunRunsTheHandlerAgainAndLeavesTheOutboxRowAsItWas) {
  std::string item = OpenItem();
  Json cmd = Cmd("say-1", "item.comment", "worker1", kT0 + kHour,
                 {{"item_id", item}, {"text", "seen"}});
  ASSERT_OK(store().Execute(cmd));
  const std::string row_sql =
      "SELECT seq || '|' || state || '|' || result FROM outbox WHERE command_id = 'say-1'";
  auto row = [&] {
    store::Stmt s = store::DbOf(store()).Q(row_sql);
    return s.Step() ? s.Text(0) : std::string();
  };
  const std::string before = row();
  const int64_t rows = Count("SELECT COUNT(*) FROM outbox");
  const int64_t events = Count("SELECT COUNT(*) FROM events WHERE command_id = 'say-1'");
  ASSERT_EQ(events, 1);

  store::ExecOptions rerun;
  rerun.rerun = true;
  store::ExecReport report;
  ASSERT_OK(store().Execute(cmd, rerun, &report));
  EXPECT_FALSE(report.replayed);
  EXPECT_EQ(report.outbox_seq, 0);
  EXPECT_EQ(row(), before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), rows);
  // The handler ran again: a second comment event (a rebase undoes the
  // first before it reruns).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE command_id = 'say-1'"), 2);

  EXPECT_ERR(store().Execute(Cmd("say-2", "item.comment", "worker1", kT0 + kHour,
                                 {{"item_id", item}, {"text", "seen"}}),
                             rerun),
             "not_found", "outbox.not_found");
  EXPECT_ERR(store().Execute(Cmd("say-1", "item.comment", "worker1", kT0 + kHour,
                                 {{"item_id", item}, {"text", "other"}}),
                             rerun),
             "conflict", "command.id_reused");
}

TEST_F(TransactionTest, EmptinessAndIntegrityAreStoreCalls) {
  bool empty = true;
  ASSERT_OK(store().IsEmpty(&empty));
  EXPECT_FALSE(empty);
  EXPECT_OK(store().IntegrityCheck());

  TempDb fresh;
  std::unique_ptr<store::Store> s;
  ASSERT_OK(store::Store::Open(fresh.path(), {}, &s));
  ASSERT_OK(s->IsEmpty(&empty));
  EXPECT_TRUE(empty);
  ASSERT_OK(s->Bootstrap("root", "Root", kSetupAt));
  ASSERT_OK(s->IsEmpty(&empty));
  EXPECT_FALSE(empty);
}

int64_t Pragma(store::Store& s, const std::string& name) {
  store::Stmt q = store::DbOf(s).Q("PRAGMA " + name);
  return q.Step() ? q.Int(0) : -1;
}

TEST_F(TransactionTest, OpenOptionsSetTheCacheTheBusyTimeoutAndTheSizeBound) {
  if (postgres()) GTEST_SKIP() << "SQLite's locks, PRAGMAs and file bound";
  store::OpenOptions o;
  o.cache_kib = 4096;
  o.busy_timeout_ms = 1234;
  o.max_db_bytes = 8 << 20;
  std::unique_ptr<store::Store> s;
  ASSERT_OK(store::Store::Open(tmp_->path(), o, &s));
  EXPECT_EQ(Pragma(*s, "cache_size"), -4096);
  EXPECT_EQ(Pragma(*s, "busy_timeout"), 1234);
  EXPECT_EQ(Pragma(*s, "max_page_count") * Pragma(*s, "page_size"), 8 << 20);
  ASSERT_OK(s->SetCacheKib(0));
  EXPECT_EQ(Pragma(*s, "cache_size"), -2000);
  EXPECT_ERR(s->SetCacheKib(-1), "invalid_argument", "store.bad_cache");
}

TEST_F(TransactionTest, PastMaxDbBytesACommandFailsFullAndWritesNothing) {
  if (postgres()) GTEST_SKIP() << "SQLite's locks, PRAGMAs and file bound";
  store::OpenOptions o;
  int64_t now_bytes = Pragma(store(), "page_count") * Pragma(store(), "page_size");
  o.max_db_bytes = now_bytes + 64 * 1024;
  std::unique_ptr<store::Store> s;
  ASSERT_OK(store::Store::Open(tmp_->path(), o, &s));
  Result r;
  int i = 0;
  for (i = 0; i < 2000; ++i) {
    r = s->Execute(Cmd("big-open-" + std::to_string(i), "item.open", "worker1", kT0,
                       {{"item_id", "big-" + std::to_string(i)}, {"household_id", "h1"},
                        {"category", "sanitation"}, {"title", "Rubbish"},
                        {"description", std::string(3000, 'x')}}));
    if (!r.ok()) break;
  }
  ASSERT_FALSE(r.ok()) << "never filled up";
  EXPECT_ERR(r, "internal", "store.full");
  EXPECT_FALSE(s->InTransaction());
  EXPECT_OK(s->IntegrityCheck());
  const std::string last = "big-" + std::to_string(i);
  store::Stmt q = store::DbOf(*s).Q("SELECT COUNT(*) FROM items WHERE id = ?");
  q.Bind(1, last);
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 0);
}

}  // namespace
}  // namespace weige::testing
