// The world itself, and the directory commands: regions, departments,
// buildings, households, people, roles, templates.
#include <algorithm>

#include "core/store/schema.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using DirectoryTest = WorldTest;

TEST_F(DirectoryTest, WorldIsBuilt) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions"), 8);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM buildings"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM people"), 14);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM roles"), 13);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM templates"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions WHERE id = 'mg3' AND grid_id = 'g2'"
                  " AND community_id = 'c1' AND street_id = 's1' AND district_id = 'd1'"),
            1);
}

TEST_F(DirectoryTest, BootstrapOnlyOnAnEmptyStore) {
  Status s = store().Bootstrap("admin2", "Second", kT0);
  EXPECT_EQ(s.code, Code::kFailedPrecondition);
  EXPECT_EQ(s.reason, "store.not_empty");
  TempDb other;
  std::unique_ptr<store::Store> fresh;
  ASSERT_TRUE(store::Store::Open(other.path(), {}, &fresh).ok());
  EXPECT_EQ(fresh->Bootstrap("bad id", "x", kT0).reason, "bootstrap.invalid");
  EXPECT_EQ(fresh->Bootstrap("a", "", kT0).reason, "bootstrap.invalid");
  std::string before = fresh->ContentDigest();
  EXPECT_TRUE(fresh->Bootstrap("a", "A", kT0).ok());
  EXPECT_NE(fresh->ContentDigest(), before);
}

TEST_F(DirectoryTest, StoreReopensWithItsData) {
  std::string digest = Digest();
  store_.reset();
  ASSERT_TRUE(store::Store::Open(tmp_->path(), {}, &store_).ok());
  EXPECT_EQ(Digest(), digest);
  if (postgres()) {
    EXPECT_EQ(Count("SELECT MAX(version) FROM weige_schema"),
              store::LatestSchemaVersion(store::Dialect::kPostgres));
  } else {
    EXPECT_EQ(Count("PRAGMA user_version"), store::LatestSchemaVersion());
  }
}

TEST_F(DirectoryTest, RegionTreeLevelsAreEnforced) {
  EXPECT_ERR(Exec("admin", "region.upsert", {{"id", "d2"}, {"level", "district"}, {"name", "x"},
                                             {"parent_id", "d1"}}),
             "invalid_argument", "region.bad_parent");
  EXPECT_ERR(Exec("admin", "region.upsert", {{"id", "s2"}, {"level", "street"}, {"name", "x"}}),
             "invalid_argument", "region.bad_parent");
  EXPECT_ERR(Exec("admin", "region.upsert",
                  {{"id", "mg9"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "c1"}}),
             "invalid_argument", "region.bad_parent");
  EXPECT_ERR(Exec("admin", "region.upsert",
                  {{"id", "mg9"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "zz"}}),
             "not_found", "region.not_found");
  // A region cannot move; renaming is fine.
  EXPECT_ERR(Exec("admin", "region.upsert",
                  {{"id", "mg1"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "g2"}}),
             "failed_precondition", "region.moved");
  EXPECT_OK(Exec("admin", "region.upsert",
                 {{"id", "mg1"}, {"level", "microgrid"}, {"name", "Renamed"}, {"parent_id", "g1"}}));
}

TEST_F(DirectoryTest, RegionalAdminManagesOnlyTheirSubtree) {
  EXPECT_OK(Exec("radmin", "region.upsert",
                 {{"id", "mg4"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "g2"}}));
  EXPECT_ERR(Exec("radmin", "region.upsert",
                  {{"id", "mg5"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "g1"}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("radmin", "region.upsert", {{"id", "d9"}, {"level", "district"}, {"name", "x"}}),
             "permission_denied", "permission.denied");
  // Grants: within g2 yes, in g1 no, "everywhere" and departments never.
  EXPECT_OK(Exec("radmin", "role.grant",
                 {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg3"}}));
  EXPECT_ERR(Exec("radmin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg1"}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("radmin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "admin"}, {"scope_id", "*"}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("radmin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "department"}, {"scope_id", "dept_fire"}}),
             "permission_denied", "permission.denied");
}

TEST_F(DirectoryTest, RoleGrantAndRevoke) {
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "worker1"}, {"role", "worker"}, {"scope_id", "mg1"}}),
             "failed_precondition", "role.already_granted");
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "ghost"}, {"role", "worker"}, {"scope_id", "mg1"}}),
             "not_found", "person.not_found");
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "g1"}}),
             "invalid_argument", "region.wrong_level");
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "captain"}, {"scope_id", "b99"}}),
             "not_found", "building.not_found");
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "department"}, {"scope_id", "dept_x"}}),
             "not_found", "department.not_found");
  EXPECT_ERR(Exec("admin", "role.grant",
                  {{"person_id", "nobody"}, {"role", "resident"}, {"scope_id", "a b"}}),
             "invalid_argument", "argument.invalid_id");
  EXPECT_ERR(Exec("admin", "role.revoke",
                  {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg1"}}),
             "not_found", "role.not_granted");
  // Revoking takes the power away at once.
  EXPECT_OK(Exec("admin", "role.revoke",
                 {{"person_id", "worker1"}, {"role", "worker"}, {"scope_id", "mg1"}}));
  EXPECT_ERR(Exec("worker1", "item.open", {{"item_id", "x1"}, {"household_id", "h1"},
                                           {"category", "c"}, {"title", "t"}}),
             "permission_denied", "permission.denied");
  EXPECT_OK(Exec("admin", "role.grant",
                 {{"person_id", "worker1"}, {"role", "worker"}, {"scope_id", "mg1"}}));
  EXPECT_OK(Exec("worker1", "item.open", {{"item_id", "x1"}, {"household_id", "h1"},
                                          {"category", "c"}, {"title", "t"}}));
}

TEST_F(DirectoryTest, TemplateVersionsOnlyGrow) {
  EXPECT_ERR(Exec("admin", "template.publish", {{"template", DoorTemplate(1)}}), "conflict",
             "template.version_exists");
  EXPECT_OK(Exec("admin", "template.publish", {{"template", DoorTemplate(3)}}));
  EXPECT_ERR(Exec("admin", "template.publish", {{"template", DoorTemplate(2)}}), "conflict",
             "template.version_exists");
  Json bad = DoorTemplate(4);
  bad["questions"] = Json::array();
  EXPECT_ERR(Exec("admin", "template.publish", {{"template", bad}}), "invalid_argument",
             "template.invalid");
  EXPECT_ERR(Exec("worker1", "template.publish", {{"template", DoorTemplate(5)}}),
             "permission_denied", "permission.denied");
}

TEST_F(DirectoryTest, HouseholdFollowsItsBuildingsMicrogrid) {
  EXPECT_OK(Exec("admin", "building.upsert", {{"id", "b3"}, {"microgrid_id", "mg1"}, {"name", "B3"}}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households WHERE building_id = 'b3' AND microgrid_id = 'mg1'"),
            2);
  // The grid head of g1 may move a building inside g1, not into g2.
  EXPECT_ERR(Exec("head1", "building.upsert", {{"id", "b3"}, {"microgrid_id", "mg3"}, {"name", "B3"}}),
             "permission_denied", "permission.denied");
  // ... nor take a building out of g2.
  EXPECT_ERR(Exec("head1", "building.upsert", {{"id", "b4"}, {"microgrid_id", "mg1"}, {"name", "B4"}}),
             "permission_denied", "permission.denied");
  // A household cannot be moved from another worker's micro-grid.
  EXPECT_ERR(Exec("worker1", "household.upsert", {{"id", "h6"}, {"building_id", "b1"}}),
             "permission_denied", "permission.denied");
}

std::vector<std::string> Ids(const Json& list) {
  std::vector<std::string> out;
  for (const Json& e : list) out.push_back(e["id"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(DirectoryTest, TemplatesCurrentIsTheNewestVersion) {
  MustExec("admin", "template.publish", {{"template", DoorTemplate(4)}});
  Json t = MustQuery("resident1", "templates.current", Json::object());
  ASSERT_EQ(t["templates"].size(), 1u);
  EXPECT_EQ(t["templates"][0]["id"], "door");
  EXPECT_EQ(t["templates"][0]["version"], 4);
  EXPECT_EQ(t["templates"][0]["body"]["questions"].size(), 5u);
}

TEST_F(DirectoryTest, TemplatesCarryTheirEnglishTexts) {
  Json t = DoorTemplate(4);
  t["title_en"] = "Door-to-door visit";
  t["questions"][0]["label_en"] = "E-bike charged on a flying wire?";
  t["questions"][1]["options_en"] = {"OK", "Missing", nullptr};
  Json bad = t;
  bad["questions"][1]["options_en"] = {"OK", "Missing"};  // one short
  std::string before = Digest();
  EXPECT_ERR(Exec("admin", "template.publish", {{"template", bad}}), "invalid_argument",
             "template.invalid");
  bad = t;
  bad["questions"][0]["label_en"] = std::string(501, 'x');
  EXPECT_ERR(Exec("admin", "template.publish", {{"template", bad}}), "invalid_argument",
             "argument.too_long");
  EXPECT_EQ(Digest(), before) << "a refused template writes nothing";

  MustExec("admin", "template.publish", {{"template", t}});
  Json cur = MustQuery("worker1", "templates.current", Json::object());
  ASSERT_EQ(cur["templates"].size(), 1u);
  const Json& body = cur["templates"][0]["body"];
  EXPECT_EQ(body["title_en"], "Door-to-door visit");
  EXPECT_EQ(body["questions"][0]["label_en"], "E-bike charged on a flying wire?");
  EXPECT_EQ(body["questions"][1]["options_en"], (Json{"OK", "Missing", nullptr}));
  EXPECT_FALSE(body["questions"][2].contains("label_en")) << "English stays optional";
  // Answers are still the Chinese (here: the first-language) option values.
  MustExec("worker1", "visit.record",
           {{"visit_id", "v-en"}, {"household_id", "h1"}, {"cycle", "2026-11"},
            {"outcome", "met"}, {"template_id", "door"}, {"template_version", 4},
            {"answers", {{"ebike", false}, {"extinguisher", "ok"}}}});
  EXPECT_ERR(Exec("worker1", "visit.record",
                  {{"visit_id", "v-en2"}, {"household_id", "h1"}, {"cycle", "2026-11"},
                   {"outcome", "met"}, {"template_id", "door"}, {"template_version", 4},
                   {"answers", {{"ebike", false}, {"extinguisher", "OK"}}}}),
             "invalid_argument", "visit.bad_answer");
}

TEST_F(DirectoryTest, DirectoryContextListsOnlyWhatTheGrantsReach) {
  std::string before = Digest();
  Json w = MustQuery("worker1", "directory.context", Json::object());
  EXPECT_EQ(w["person"]["id"], "worker1");
  ASSERT_EQ(w["grants"].size(), 1u);
  EXPECT_EQ(w["grants"][0]["name"], "Region mg1");
  EXPECT_EQ(Ids(w["microgrids"]), (std::vector<std::string>{"mg1"}));
  EXPECT_EQ(Ids(w["buildings"]), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_TRUE(w["households"].empty());
  Json h = MustQuery("head1", "directory.context", Json::object());
  EXPECT_EQ(Ids(h["microgrids"]), (std::vector<std::string>{"mg1", "mg2"}));
  EXPECT_EQ(Ids(h["buildings"]), (std::vector<std::string>{"b1", "b2", "b3"}));
  std::vector<std::string> people = Ids(h["people"]);
  EXPECT_NE(std::find(people.begin(), people.end(), "worker2"), people.end());
  EXPECT_EQ(std::find(people.begin(), people.end(), "worker3"), people.end()) << "g2 is not head1's";
  Json c = MustQuery("captain1", "directory.context", Json::object());
  EXPECT_EQ(Ids(c["buildings"]), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(c["microgrids"].empty());
  Json r = MustQuery("resident1", "directory.context", Json::object());
  EXPECT_EQ(Ids(r["households"]), (std::vector<std::string>{"h1"}));
  EXPECT_TRUE(r["buildings"].empty());
  EXPECT_TRUE(r["people"].empty());
  Json n = MustQuery("nobody", "directory.context", Json::object());
  EXPECT_TRUE(n["grants"].empty());
  EXPECT_TRUE(n["microgrids"].empty());
  Json a = MustQuery("admin", "directory.context", Json::object());
  EXPECT_EQ(Ids(a["microgrids"]), (std::vector<std::string>{"mg1", "mg2", "mg3"}));
  EXPECT_EQ(Digest(), before);
  EXPECT_ERR(Query("ghost", "directory.context", Json::object()), "not_found", "actor.unknown");
}

}  // namespace
}  // namespace weige::testing
