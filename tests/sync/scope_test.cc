// The pure parts of core/sync: scope building, delivery decisions, digest and
// page encoding.
#include "core/sync/scope.h"

#include <gtest/gtest.h>

namespace weige::sync {
namespace {

Scope WorkerScope() {
  store::GrantPlaces p;
  p.microgrids = {"mg1"};
  p.regions = {"d1", "s1", "c1", "g1", "mg1"};
  return ScopeOf("w1", {Grant{Role::kWorker, "mg1"}}, {p});
}

TEST(ScopeTest, WorkerReachesItsMicrogridAndRegionChain) {
  Scope s = WorkerScope();
  EXPECT_FALSE(s.everything);
  for (const char* t : {"all", "p:w1", "m:mg1", "rs:d1", "rs:g1", "rs:mg1"}) {
    EXPECT_TRUE(s.Has(t)) << t;
  }
  EXPECT_FALSE(s.Has("m:mg2"));
  EXPECT_FALSE(s.Has("b:b1"));
  EXPECT_TRUE(std::is_sorted(s.tags.begin(), s.tags.end()));
}

TEST(ScopeTest, CaptainResidentDepartmentAndAdmin) {
  store::GrantPlaces chain;
  chain.regions = {"d1", "mg1"};
  Scope captain = ScopeOf("c", {Grant{Role::kCaptain, "b1"}}, {chain});
  EXPECT_TRUE(captain.Has("b:b1"));
  EXPECT_FALSE(captain.Has("m:mg1"));
  Scope resident = ScopeOf("r", {Grant{Role::kResident, "h1"}}, {chain});
  EXPECT_TRUE(resident.Has("h:h1"));
  EXPECT_TRUE(resident.Has("rs:mg1"));
  EXPECT_FALSE(resident.Has("b:b1"));
  Scope dept = ScopeOf("d", {Grant{Role::kDepartment, "dept"}}, {store::GrantPlaces()});
  EXPECT_TRUE(dept.Has("d:dept"));
  EXPECT_EQ(dept.tags.size(), 3u);  // all, p:d, d:dept
  store::GrantPlaces everywhere;
  everywhere.everything = true;
  Scope admin = ScopeOf("a", {Grant{Role::kAdmin, "*"}}, {everywhere});
  EXPECT_TRUE(admin.everything);
}

TEST(ScopeTest, Decide) {
  Scope s = WorkerScope();
  EXPECT_EQ(Decide(s, R"(["m:mg1","b:b1"])", ""), Delivery::kSend);
  EXPECT_EQ(Decide(s, R"(["m:mg2"])", R"(["m:mg1"])"), Delivery::kEvict);
  EXPECT_EQ(Decide(s, R"(["m:mg2"])", R"(["m:mg3"])"), Delivery::kSkip);
  EXPECT_EQ(Decide(s, R"(["p:w1"])", ""), Delivery::kSend);
  // Garbage keys are no keys.
  EXPECT_EQ(Decide(s, "not json", "{}"), Delivery::kSkip);
  EXPECT_EQ(Decide(s, R"([1, null, {"m:mg1": 1}])", ""), Delivery::kSkip);
  Scope all;
  all.everything = true;
  EXPECT_EQ(Decide(all, "[]", ""), Delivery::kSend);
}

TEST(ScopeTest, DigestIsOrderIndependentAndSensitive) {
  ScopeDigest a, b, c;
  for (int64_t s : {1, 5, 9}) a.Add(s);
  for (int64_t s : {9, 1, 5}) b.Add(s);
  for (int64_t s : {1, 5, 10}) c.Add(s);
  EXPECT_EQ(a.Hex(), b.Hex());
  EXPECT_EQ(a.count(), 3);
  EXPECT_NE(a.Hex(), c.Hex());
  EXPECT_EQ(a.Hex().size(), 16u);
  EXPECT_EQ(ScopeDigest().Hex(), "0000000000000000");
}

TEST(ScopeTest, EncodePage) {
  std::vector<store::Change> changes(3);
  changes[0] = {4, "items", "upsert", R"(["i1"])", R"({"id":"i1","state":"open"})", "[]", ""};
  changes[1] = {5, "items", "upsert", R"(["i2"])", R"({"id":"i2"})", "[]", ""};
  changes[2] = {7, "roles", "delete", R"(["p","worker","mg1"])", "", "[]", ""};
  ScopeDigest d;
  d.Add(4);
  std::string page = EncodePage(changes, {Delivery::kSend, Delivery::kEvict, Delivery::kSend}, 9,
                                false, 9, &d);
  Json j = Json::parse(page);
  ASSERT_EQ(j["changes"].size(), 3u);
  EXPECT_EQ(j["changes"][0]["row"]["state"], "open");
  EXPECT_EQ(j["changes"][1]["op"], "evict");
  EXPECT_FALSE(j["changes"][1].contains("row"));
  EXPECT_EQ(j["changes"][2]["op"], "delete");
  EXPECT_EQ(j["changes"][2]["pk"][1], "worker");
  EXPECT_EQ(j["next_cursor"], 9);
  EXPECT_EQ(j["has_more"], false);
  EXPECT_EQ(j["digest"]["count"], 1);
  EXPECT_EQ(j["digest"]["hash"], d.Hex());
  std::string skipped =
      EncodePage(changes, {Delivery::kSkip, Delivery::kSkip, Delivery::kSkip}, 7, true, 9, nullptr);
  Json k = Json::parse(skipped);
  EXPECT_TRUE(k["changes"].empty());
  EXPECT_TRUE(k["digest"].is_null());
  EXPECT_EQ(k["has_more"], true);
}

}  // namespace
}  // namespace weige::sync
