// Cursors never skip (issue 10, item 4; the design is in
// core/store/sync_tables.h). Several servers of a fleet are several Stores
// on one PostgreSQL database; a change numbered below one a device has
// pulled must not commit after it. SQLite has one writer at a time and
// skips these tests.
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "core/store/sync_store.h"
#include "core/store/transaction.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class CursorTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    if (!postgres()) GTEST_SKIP() << "PostgreSQL only (WEIGE_TEST_PG_URL)";
    TurnOnChangeLog();
  }

  std::unique_ptr<store::Store> Server() {
    std::unique_ptr<store::Store> s;
    store::OpenOptions options;
    options.record_changes = true;
    Status st = store::Store::Open(tmp_->path(), options, &s);
    EXPECT_TRUE(st.ok()) << st.message;
    return s;
  }

  static int64_t Head(store::Store& s) {
    int64_t h = -1;
    EXPECT_TRUE(store::ChangeLogHead(s, &h).ok());
    return h;
  }

  static Json OpenAt(const std::string& id, const std::string& household) {
    return {{"item_id", id}, {"household_id", household}, {"category", "sanitation"},
            {"title", "x"}};
  }
};

// Server a holds a transaction open with changes in it; server b's command
// waits for it instead of drawing a higher number and committing first.
TEST_F(CursorTest, ALaterCommandWaitsForTheOpenOneBelowIt) {
  auto a = Server();
  auto b = Server();
  const int64_t head = Head(store());
  store::Transaction held;
  ASSERT_TRUE(a->Begin(&held).ok());
  ASSERT_OK(a->Execute(Cmd("slow", "item.open", "worker1", kT0, OpenAt("islow", "h1"))));
  std::atomic<bool> b_done{false};
  Result b_result;
  std::thread fast([&] {
    b_result = b->Execute(Cmd("fast", "item.open", "worker2", kT0, OpenAt("ifast", "h4")));
    b_done = true;
  });
  // b could commit in a few milliseconds if it did not wait; it must not
  // finish at all while a is open (this wait only gives it the chance).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(b_done.load()) << "b committed while a held lower sequence numbers";
  EXPECT_EQ(Head(store()), head) << "a device sees nothing uncommitted";
  ASSERT_TRUE(held.Commit().ok());
  fast.join();
  ASSERT_OK(b_result);
  EXPECT_LT(Count("SELECT MAX(seq) FROM sync_changes WHERE tbl = 'items' AND pk = '[\"islow\"]'"),
            Count("SELECT MIN(seq) FROM sync_changes WHERE tbl = 'items' AND pk = '[\"ifast\"]'"));
}

// The lock that serialises a change log is its schema's: a district kept in
// a schema of its own (SCALING.md: several districts on one database) does
// not wait for another district's open transaction.
TEST_F(CursorTest, ADistrictInAnotherSchemaDoesNotWaitForThisOnesLock) {
  auto a = Server();
  TempDb other_db(true);
  std::unique_ptr<store::Store> other;
  store::OpenOptions options;
  options.record_changes = true;
  Status opened = store::Store::Open(other_db.path(), options, &other);
  ASSERT_TRUE(opened.ok()) << opened.message;
  Status boot = other->Bootstrap("admin", "Admin", kSetupAt);
  ASSERT_TRUE(boot.ok()) << boot.message;
  store::Transaction held;
  ASSERT_TRUE(a->Begin(&held).ok());
  ASSERT_OK(a->Execute(Cmd("slow", "item.open", "worker1", kT0, OpenAt("islow", "h1"))));
  std::atomic<bool> done{false};
  Result r;
  std::thread elsewhere([&] {
    r = other->Execute(Cmd("d9", "region.upsert", "admin", kSetupAt,
                           {{"id", "d9"}, {"level", "district"}, {"name", "Other"}}));
    done = true;
  });
  for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(done.load()) << "the other district's command waited for this district's transaction";
  ASSERT_TRUE(held.Commit().ok());
  elsewhere.join();
  ASSERT_OK(r);
}

// Two servers commit with random delays inside their transactions while a
// device pulls from its cursor again and again: it receives every change.
TEST_F(CursorTest, APullingDeviceMissesNothingUnderConcurrentCommits) {
  constexpr int kPerServer = 25;
  std::atomic<int> writers{2};
  auto writer = [&](std::string actor, std::string household, unsigned seed) {
    auto s = Server();
    std::mt19937 rng(seed);
    for (int i = 0; i < kPerServer; ++i) {
      std::string id = actor + "-" + std::to_string(i);
      store::Transaction tx;
      EXPECT_TRUE(s->Begin(&tx).ok());
      EXPECT_OK(s->Execute(Cmd(id, "item.open", actor, kT0, OpenAt("i" + id, household))));
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 4000));
      EXPECT_TRUE(tx.Commit().ok());
    }
    --writers;
  };
  auto device = Server();
  const int64_t start = Head(*device);
  std::thread w1(writer, "worker1", "h1", 1u), w2(writer, "worker2", "h4", 2u);
  int64_t cursor = start;
  std::vector<int64_t> pulled;
  for (bool last = false; !last;) {
    last = writers.load() == 0;  // one more pass after the writers are done
    std::vector<int64_t> seqs;
    ASSERT_TRUE(store::ChangeSeqs(*device, {}, true, cursor, INT64_MAX, 1000, &seqs).ok());
    for (int64_t s : seqs) pulled.push_back(s);
    if (!seqs.empty()) cursor = seqs.back();
  }
  w1.join();
  w2.join();
  std::vector<int64_t> all;
  ASSERT_TRUE(store::ChangeSeqs(store(), {}, true, start,
                                INT64_MAX, 100000, &all).ok());
  EXPECT_EQ(pulled, all);
  EXPECT_GE(all.size(), static_cast<size_t>(2 * kPerServer * 2));  // an item and its event each
}

}  // namespace
}  // namespace weige::testing
