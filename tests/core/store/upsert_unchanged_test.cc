// An upsert that changes nothing writes no event and says so ({"unchanged":
// true}); one that changes a field writes its event as before. A register
// imported twice must leave the event log as it was.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class UpsertUnchangedTest : public WorldTest {
 protected:
  int64_t Events() { return Count("SELECT COUNT(*) FROM events"); }

  // Runs `type` with `payload` twice, then with `changed`: the second run
  // writes no event and answers unchanged, the third writes one.
  void Check(const std::string& type, const Json& payload, const Json& changed) {
    SCOPED_TRACE(type);
    Json first = MustExec("admin", type, payload);
    int64_t before = Events();
    Json again = MustExec("admin", type, payload);
    EXPECT_EQ(Events(), before);
    EXPECT_EQ(again.value("unchanged", false), true) << again.dump();
    Json edited = MustExec("admin", type, changed);
    EXPECT_EQ(Events(), before + 1);
    EXPECT_FALSE(edited.contains("unchanged")) << edited.dump();
  }
};

TEST_F(UpsertUnchangedTest, Region) {
  Check("region.upsert", {{"id", "g1"}, {"parent_id", "c1"}, {"level", "grid"}, {"name", "Region g1"}},
        {{"id", "g1"}, {"parent_id", "c1"}, {"level", "grid"}, {"name", "Grid One"},
         {"code", "0101"}});
}

TEST_F(UpsertUnchangedTest, Department) {
  Check("department.upsert", {{"id", "dept_new"}, {"name", "Gas"}, {"kind", "utility"}},
        {{"id", "dept_new"}, {"name", "Gas"}, {"kind", "other"}});
}

TEST_F(UpsertUnchangedTest, Building) {
  Json b = {{"id", "b9"}, {"microgrid_id", "mg1"}, {"name", "B9"}, {"address", "1 Road"},
            {"units", 2}, {"floors", 6}};
  Json moved = b;
  moved["microgrid_id"] = "mg2";
  Check("building.upsert", b, moved);
}

TEST_F(UpsertUnchangedTest, Household) {
  Json h = {{"id", "h1"},       {"building_id", "b1"}, {"unit", "1"},       {"floor", 1},
            {"room", "101"},    {"head_name", "Wang"}, {"members", 3},      {"phone", "13800000001"},
            {"tags", {"出租房"}}};
  Json edited = h;
  edited["tags"] = Json::array({"出租房", "流动人口"});
  Check("household.upsert", h, edited);
  // A field dropped (null) is a change too.
  Json dropped = edited;
  dropped.erase("phone");
  int64_t before = Events();
  Json r = MustExec("admin", "household.upsert", dropped);
  EXPECT_FALSE(r.contains("unchanged"));
  EXPECT_EQ(Events(), before + 1);
}

TEST_F(UpsertUnchangedTest, Person) {
  Check("person.upsert", {{"id", "worker1"}, {"name", "W One"}, {"phone", "13900000000"}},
        {{"id", "worker1"}, {"name", "W One"}, {"phone", "13900000009"}});
}

// The no-op is still judged: a scoped administrator's unchanged upsert of a
// building outside its subtree is refused, not quietly accepted.
TEST_F(UpsertUnchangedTest, UnchangedStillNeedsPermission) {
  Json b = {{"id", "b1"}, {"microgrid_id", "mg1"}, {"name", "Building b1"}};
  std::string before = Digest();
  EXPECT_ERR(Exec("radmin", "building.upsert", b), "permission_denied", "permission.denied");
  EXPECT_EQ(Digest(), before);
}

}  // namespace
}  // namespace weige::testing
