// Shared by the core's store tests: a Store on a temp file holding a small
// world, and helpers to run commands and queries against it.
//
// The world (built by WorldTest::SetUp, all at kSetupAt):
//   d1 > s1 > c1 > g1 > mg1 (b1: h1 h2, b2: h3), mg2 (b3: h4 h5)
//                  g2 > mg3 (b4: h6)
//   departments dept_prop (property), dept_fire (bureau)
//   people and grants:
//     admin      admin "*"          radmin    admin g2
//     head1      grid_head g1       head2     grid_head g2
//     worker1    worker mg1         worker2   worker mg2     worker3 worker mg3
//     captain1   captain b1         captain3  captain b3
//     resident1  resident h1        resident4 resident h4
//     deptp      department dept_prop         deptf department dept_fire
//     nobody     (no grants)
//   template "door" version 1 (see DoorTemplate).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::testing {

inline constexpr int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kHour = 3600000;
inline constexpr int64_t kDay = 86400000;
inline constexpr int64_t kSetupAt = kT0 - kDay;
inline constexpr char kCycle[] = "2026-01";

// A well-formed SHA-256 hex digest, distinct for each n.
std::string Sha(int n);

// {id, type, actor, at, payload}
Json Cmd(const std::string& id, const std::string& type, const std::string& actor, int64_t at,
         Json payload);

// The "door" checklist: ebike (yes_no, required), extinguisher (choice
// ok/missing/expired, required), elderly (number 0-20), note (text <= 50),
// photo (photo). Rules: ebike == true -> fire_safety, 3 days;
// extinguisher in [missing, expired] -> fire_safety, 7 days;
// elderly above 0 -> care, no deadline.
Json DoorTemplate(int64_t version);

// Runs SQL directly on a store's connection, bypassing the store: for tests
// that tamper with rows to see what the store (or its triggers) does.
Status ExecSql(store::Store& store, std::string_view sql);

// "ok", or "<code> <reason>: <message>".
std::string Describe(const Result& r);

// A temp directory holding one database, removed on destruction. With
// `server_engine` and WEIGE_TEST_PG_URL set (build-scripts/test-pg.sh), the
// database is a fresh PostgreSQL schema instead (path() is a URL whose
// search_path is that schema), dropped on destruction.
class TempDb {
 public:
  explicit TempDb(bool server_engine = false);
  ~TempDb();
  const std::string& path() const { return path_; }
  // The temp folder (removed with it): for files beside the database.
  const std::string& dir() const { return dir_; }
  bool postgres() const { return !schema_.empty(); }

 private:
  std::string dir_, path_, schema_;
};

// Whether the store suites run on PostgreSQL (WEIGE_TEST_PG_URL is set).
bool OnPostgres();

class WorldTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  store::Store& store() { return *store_; }
  bool postgres() const { return tmp_->postgres(); }

  // Runs a command with a fresh id ("c<n>").
  Result Exec(const std::string& actor, const std::string& type, Json payload,
              int64_t at = kT0);
  // Runs a command and expects it to succeed; returns its value.
  Json MustExec(const std::string& actor, const std::string& type, Json payload,
                int64_t at = kT0);
  // Runs a query as `actor` (params.actor is set).
  Result Query(const std::string& actor, const std::string& name, Json params);
  Json MustQuery(const std::string& actor, const std::string& name, Json params);

  // Opens an item at a household as `actor`; returns its id ("item<n>").
  std::string OpenItem(const std::string& household = "h1", const std::string& actor = "worker1",
                       int64_t at = kT0, Json extra = Json::object());
  // Moves an open item on: assigned (head1 -> dept_prop), fixed (deptp),
  // closed (head1 verifies).
  void Assign(const std::string& item, int64_t deadline = kT0 + 7 * kDay);
  void Fix(const std::string& item, const std::string& actor = "deptp", int64_t at = kT0 + kHour);
  void Close(const std::string& item, const std::string& actor = "head1",
             int64_t at = kT0 + 2 * kHour);
  // An item in the named state ("open", "assigned", "fixed", "closed").
  std::string ItemIn(const std::string& state, const std::string& household = "h1");

  std::string ItemState(const std::string& item);
  Json ItemDetail(const std::string& item);
  int64_t Count(const std::string& sql);
  std::string Digest() { return store_->ContentDigest(); }
  // Makes the world a server's: turns the change log on (the setting is kept
  // in the file), recording every existing row; store() records from then on.
  void TurnOnChangeLog();

  std::unique_ptr<TempDb> tmp_;
  std::unique_ptr<store::Store> store_;
  int next_cmd_ = 0;
  int next_item_ = 0;
};

}  // namespace weige::testing

// Expects a failed result with the given code name and reason.
#define EXPECT_ERR(result, code_name, reason_key)                                   \
  do {                                                                               \
    const ::weige::Result& weige_r_ = (result);                                      \
    EXPECT_FALSE(weige_r_.ok()) << ::weige::testing::Describe(weige_r_);             \
    EXPECT_EQ(std::string(::weige::CodeName(weige_r_.status.code)), code_name)       \
        << ::weige::testing::Describe(weige_r_);                                     \
    EXPECT_EQ(weige_r_.status.reason, reason_key) << ::weige::testing::Describe(weige_r_); \
  } while (0)

#define EXPECT_OK(result)                                                   \
  do {                                                                      \
    const ::weige::Result& weige_r_ = (result);                             \
    EXPECT_TRUE(weige_r_.ok()) << ::weige::testing::Describe(weige_r_);     \
  } while (0)
#define ASSERT_OK(result)                                                   \
  do {                                                                      \
    const ::weige::Result& weige_r_ = (result);                             \
    ASSERT_TRUE(weige_r_.ok()) << ::weige::testing::Describe(weige_r_);     \
  } while (0)
