// The store's sliding-window limits (sync_store.h RateReserve/RateRelease):
// exact counts and waits, bounded rows at any rate, release and forget, and
// nothing recorded by a refused reservation. On both engines (test-pg.sh).
#include "core/store/sync_store.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using RateLimitStoreTest = WorldTest;

constexpr int64_t kWindow = 60000;  // buckets of 1 s

int64_t Reserve(store::Store& s, const std::vector<store::RateLimit>& limits, int64_t now) {
  int64_t wait = -1;
  EXPECT_OK(store::RateReserve(s, limits, kWindow, now, &wait));
  return wait;
}

TEST_F(RateLimitStoreTest, RefusesAtTheLimitUntilTheOldestAgesOut) {
  const int64_t t = 1'000'000'000;
  EXPECT_EQ(Reserve(store(), {{"k", 3}}, t), 0);
  EXPECT_EQ(Reserve(store(), {{"k", 3}}, t + 10'000), 0);
  EXPECT_EQ(Reserve(store(), {{"k", 3}}, t + 20'000), 0);
  // Full: blocked until the first attempt (at t) leaves the window.
  EXPECT_EQ(Reserve(store(), {{"k", 3}}, t + 30'000), 30'000);
  EXPECT_EQ(Count("SELECT SUM(n) FROM rate_hits WHERE key = 'k'"), 3) << "a refusal counts nothing";
  EXPECT_EQ(Reserve(store(), {{"k", 3}}, t + 60'000), 0) << "the first has aged out";
  // Another key is its own.
  EXPECT_EQ(Reserve(store(), {{"other", 1}}, t + 60'000), 0);
  EXPECT_GT(Reserve(store(), {{"other", 1}}, t + 60'001), 0);
}

TEST_F(RateLimitStoreTest, OneFullKeyRefusesTheWholeReservation) {
  const int64_t t = 2'000'000'000;
  EXPECT_EQ(Reserve(store(), {{"a", 1}}, t), 0);
  EXPECT_GT(Reserve(store(), {{"b", 5}, {"a", 1}}, t + 1), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM rate_hits WHERE key = 'b'"), 0);
}

TEST_F(RateLimitStoreTest, RowsStayBoundedAtAnyRate) {
  const int64_t t = 3'000'000'000;
  // 1,500 attempts over two windows, one every 80 ms: at most 61 buckets.
  for (int i = 0; i < 1500; ++i) ASSERT_EQ(Reserve(store(), {{"fast", 100000}}, t + 80 * i), 0);
  EXPECT_LE(Count("SELECT COUNT(*) FROM rate_hits WHERE key = 'fast'"), 61);
  EXPECT_LE(Count("SELECT SUM(n) FROM rate_hits WHERE key = 'fast'"), 765);
  EXPECT_GE(Count("SELECT SUM(n) FROM rate_hits WHERE key = 'fast'"), 735);
}

// A short window's reservation does not age out a longer window's attempts
// (an Open311 call must not erase failed sign-ins). Failed first with one
// table-wide purge by the caller's window.
TEST_F(RateLimitStoreTest, EachKeyAgesByItsOwnWindow) {
  const int64_t t = 5'000'000'000;
  int64_t wait = -1;
  ASSERT_OK(store::RateReserve(store(), {{"long", 1}}, 15 * kWindow, t, &wait));
  EXPECT_EQ(wait, 0);
  EXPECT_EQ(Reserve(store(), {{"short", 5}}, t + 2 * kWindow), 0);
  ASSERT_OK(store::RateReserve(store(), {{"long", 1}}, 15 * kWindow, t + 2 * kWindow, &wait));
  EXPECT_GT(wait, 0) << "the long window's attempt is still counted";
}

TEST_F(RateLimitStoreTest, ReleaseTakesOneBackAndForgetTakesAll) {
  const int64_t t = 4'000'000'000;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Reserve(store(), {{"x", 3}, {"y", 3}}, t + i), 0);
  EXPECT_GT(Reserve(store(), {{"x", 3}}, t + 3), 0);
  ASSERT_OK(store::RateRelease(store(), {"x"}, {"y"}, kWindow, t + 2));
  EXPECT_EQ(Count("SELECT SUM(n) FROM rate_hits WHERE key = 'x'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM rate_hits WHERE key = 'y'"), 0);
  EXPECT_EQ(Reserve(store(), {{"x", 3}}, t + 4), 0) << "room again after the release";
}

}  // namespace
}  // namespace weige::testing
