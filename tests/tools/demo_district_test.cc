// The demo district as a person finds it on the day it is built
// (tools/demo): whatever day `now` is, the current cycle is in progress, a
// minority of the items still open are overdue, and every photo a command
// cites is a blob the server holds and serves to the people who see it.
#include "tools/demo/demo_district.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "core/store/db.h"
#include "core/sync/pull.h"
#include "tests/core/test_util.h"

namespace weige {
namespace {

// 2026-12-01 01:00 Beijing (before anyone works), 2026-12-02 13:16 (a day and
// a half in), 2026-11-18 (mid-cycle), 2026-11-30 evening (the last day).
constexpr int64_t kFirstNight = 1796058000000, kDayAndAHalf = 1796188560000,
                  kMidCycle = 1795000000000, kLastDay = 1796040000000;
constexpr int64_t kNows[] = {kFirstNight, kDayAndAHalf, kMidCycle, kLastDay};

// One district per day, built once for the tests of that day (~2 s each).
struct Built {
  testing::TempDb db;
  std::unique_ptr<store::Store> store;
  Json summary;
};

class DemoDistrictTest : public ::testing::TestWithParam<int64_t> {
 protected:
  void SetUp() override {
    static std::map<int64_t, std::unique_ptr<Built>> built;
    std::unique_ptr<Built>& b = built[GetParam()];
    if (!b) {
      b = std::make_unique<Built>();
      store::OpenOptions o;
      o.record_changes = true;  // as weige-server opens it: the change log cites the photos
      ASSERT_TRUE(store::Store::Open(b->db.path(), o, &b->store).ok());
      demo::DistrictOptions d;
      d.streets = 1;
      d.communities_per_street = 1;
      d.grids_per_community = 2;
      d.microgrids_per_grid = 2;  // 4 micro-grids of ~75 households
      d.now = GetParam();
      Status s = demo::BuildDistrict(b->store.get(), d, &b->summary);
      ASSERT_TRUE(s.ok()) << s.message;
    }
    store_ = b->store.get();
    summary_ = b->summary;
  }

  int64_t Count(const std::string& sql) {
    store::Stmt s = store::DbOf(*store_).Q(sql);
    EXPECT_TRUE(s.Step()) << sql << ": " << s.status().message;
    return s.Int(0);
  }

  std::string Login(const std::string& role) {
    for (const Json& l : summary_["logins"]) {
      if (l["role"] == role) return l["person_id"];
    }
    return "";
  }

  store::Store* store_ = nullptr;
  Json summary_;
};

TEST_P(DemoDistrictTest, TheCurrentCycleIsInProgress) {
  const int64_t now = GetParam();
  const Json& f = summary_["figures"];
  EXPECT_GT(f["visited"].get<int64_t>(), 0) << "the current cycle has visits";
  EXPECT_LT(f["visited"].get<int64_t>(), f["households"].get<int64_t>()) << "and is not done";
  const double coverage = f["coverage"];
  EXPECT_GE(coverage, 0.08);
  EXPECT_LE(coverage, 0.9);
  // The cycle is the one `now` falls in (Beijing time), as the apps compute it.
  EXPECT_EQ(summary_["cycle"], now == kMidCycle || now == kLastDay ? "2026-11" : "2026-12");
  // Nothing happened after now.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE at > " + std::to_string(now)), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM visits WHERE at > " + std::to_string(now)), 0);
}

TEST_P(DemoDistrictTest, AMinorityOfTheOpenItemsIsOverdue) {
  const Json& items = summary_["figures"]["items"];
  const int64_t in_flight = items["total"].get<int64_t>() - items["closed"].get<int64_t>();
  const int64_t overdue = summary_["figures"]["overdue"];
  ASSERT_GT(in_flight, 0);
  const double share = static_cast<double>(overdue) / static_cast<double>(in_flight);
  EXPECT_GE(share, 0.10) << overdue << " of " << in_flight << " not closed are overdue";
  EXPECT_LE(share, 0.40) << overdue << " of " << in_flight << " not closed are overdue";
  // Some items wait with a deadline still ahead: on time, not overdue.
  EXPECT_GT(Count("SELECT COUNT(*) FROM items WHERE state IN ('open', 'assigned') AND deadline > " +
                  std::to_string(GetParam())),
            0);
}

TEST_P(DemoDistrictTest, EveryCitedPhotoIsAStoredPng) {
  EXPECT_GT(Count("SELECT COUNT(*) FROM sync_blob_refs"), 1000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_blob_refs WHERE sha NOT IN (SELECT sha FROM blobs)"),
            0);
  // Photo answers and on-the-spot fixes are cited inside the visit's answers.
  EXPECT_GT(Count("SELECT COUNT(*) FROM visits, json_each(visits.answers, '$.photos')"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM visits, json_each(visits.answers, '$.photos')"
                  " WHERE value NOT IN (SELECT sha FROM blobs)"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM blobs WHERE hex(substr(bytes, 1, 8)) <> '89504E470D0A1A0A'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM blobs WHERE size > 4096"), 0) << "small photos";
}

// What a walk-through requests: the worker opens their households' visits
// and the captain their patrols; each photo is served to them (no 404).
TEST_P(DemoDistrictTest, ThePhotosAreServedToThePeopleWhoSeeThem) {
  const std::string worker = Login("worker"), captain = Login("captain");
  ASSERT_FALSE(worker.empty());
  auto check = [&](const std::string& person, const std::string& sql) {
    store::Stmt s = store::DbOf(*store_).Q(sql);
    int n = 0;
    while (s.Step()) {
      const std::string sha = s.Text(0);
      bool allowed = false;
      std::string bytes;
      ASSERT_TRUE(sync::ReadableBlob(*store_, person, sha, &allowed, &bytes).ok());
      EXPECT_TRUE(allowed) << person << " is refused " << sha;
      EXPECT_FALSE(bytes.empty());
      ++n;
    }
    EXPECT_GT(n, 0) << sql;
  };
  check(worker,
        "SELECT p.value FROM visits v JOIN households h ON h.id = v.household_id,"
        " json_each(v.photos) p WHERE h.microgrid_id = (SELECT scope_id FROM roles"
        " WHERE person_id = '" + worker + "' AND role = 'worker')");
  check(captain,
        "SELECT p.value FROM patrols t, json_each(t.photos) p WHERE t.building_id ="
        " (SELECT scope_id FROM roles WHERE person_id = '" + captain + "' AND role = 'captain')");
}

INSTANTIATE_TEST_SUITE_P(Days, DemoDistrictTest, ::testing::ValuesIn(kNows));

}  // namespace
}  // namespace weige
