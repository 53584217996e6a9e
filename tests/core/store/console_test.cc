// The console's queries: the region tree one level and one page at a time
// with counts, household search, the people list and the event log, each
// showing a scoped administrator only its subtree.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using ConsoleTest = WorldTest;

std::vector<std::string> Ids(const Json& list, const char* key = "nodes") {
  std::vector<std::string> out;
  for (const Json& n : list[key]) out.push_back(n["id"]);
  return out;
}

TEST_F(ConsoleTest, TreeLoadsOneLevelAtATimeWithCounts) {
  OpenItem("h1");
  Json roots = MustQuery("admin", "console.children", Json::object());
  ASSERT_EQ(Ids(roots), std::vector<std::string>{"d1"});
  EXPECT_EQ(roots["nodes"][0]["counts"]["households"], 6);
  EXPECT_EQ(roots["nodes"][0]["counts"]["open_items"], 1);
  EXPECT_EQ(Ids(MustQuery("admin", "console.children", {{"region_id", "c1"}})),
            (std::vector<std::string>{"g1", "g2"}));
  Json g1 = MustQuery("admin", "console.children", {{"region_id", "g1"}});
  EXPECT_EQ(Ids(g1), (std::vector<std::string>{"mg1", "mg2"}));
  EXPECT_EQ(g1["nodes"][0]["counts"]["households"], 3);
  EXPECT_EQ(g1["nodes"][0]["counts"]["open_items"], 1);
  EXPECT_EQ(g1["nodes"][1]["counts"]["open_items"], 0);
  Json mg1 = MustQuery("admin", "console.children", {{"region_id", "mg1"}});
  EXPECT_EQ(Ids(mg1), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(mg1["nodes"][0]["type"], "building");
  EXPECT_EQ(mg1["nodes"][0]["counts"]["households"], 2);
  Json b1 = MustQuery("admin", "console.children", {{"building_id", "b1"}});
  EXPECT_EQ(Ids(b1), (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(b1["nodes"][0]["head_name"], "Head h1");
  EXPECT_EQ(b1["nodes"][0]["counts"]["open_items"], 1);
}

// On a server (a recording store) the tree's counts come from
// microgrid_counts, kept by triggers: they equal the rows at every step.
TEST_F(ConsoleTest, AServersTreeCountsFollowEveryChange) {
  const std::string item = OpenItem("h1");  // before recording: recounted when it starts
  TurnOnChangeLog();
  store_.reset();
  store::OpenOptions o;
  o.record_changes = true;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), o, &store_).ok());
  auto node = [&](const Json& params, const std::string& id) {
    const Json page = MustQuery("admin", "console.children", params);
    for (const Json& n : page["nodes"]) {
      if (n["id"] == id) return n["counts"];
    }
    ADD_FAILURE() << "no node " << id;
    return Json();
  };
  auto check = [&](const std::string& step) {
    struct Node {
      Json parent;
      const char* id;
      const char* under;  // the micro-grids below it
    } nodes[] = {{Json::object(), "d1", "'mg1', 'mg2', 'mg3'"},
                 {{{"region_id", "c1"}}, "g1", "'mg1', 'mg2'"},
                 {{{"region_id", "c1"}}, "g2", "'mg3'"},
                 {{{"region_id", "g1"}}, "mg1", "'mg1'"},
                 {{{"region_id", "g1"}}, "mg2", "'mg2'"}};
    for (const Node& n : nodes) {
      const std::string in = std::string(" WHERE microgrid_id IN (") + n.under + ")";
      Json want = {{"households", Count("SELECT COUNT(*) FROM households" + in)},
                   {"people", Count("SELECT COALESCE(SUM(members), 0) FROM households" + in)},
                   {"open_items", Count("SELECT COUNT(*) FROM items" + in + " AND state <> 'closed'")}};
      EXPECT_EQ(node(n.parent, n.id), want) << step << ": " << n.id;
    }
  };
  check("recording turned on");
  EXPECT_EQ(node(Json::object(), "d1")["open_items"], 1);
  MustExec("admin", "household.upsert", {{"id", "h7"}, {"building_id", "b3"}, {"members", 4}});
  check("a household added");
  MustExec("admin", "household.upsert", {{"id", "h7"}, {"building_id", "b4"}, {"members", 2}});
  check("a household moved to another micro-grid, fewer members");
  const std::string second = OpenItem("h4", "worker2");
  check("an item opened");
  Assign(item);
  Fix(item);
  check("assigned and fixed");
  Close(item);
  check("closed");
  EXPECT_EQ(node(Json::object(), "d1")["open_items"], 1);
  MustExec("head1", "item.reopen", {{"item_id", item}, {"reason", "back again"}}, kT0 + 3 * kHour);
  check("reopened");
  EXPECT_EQ(node(Json::object(), "d1")["open_items"], 2);
  EXPECT_EQ(node(Json::object(), "d1")["households"], 7);
}

TEST_F(ConsoleTest, PagesByKey) {
  Json first = MustQuery("admin", "console.children", {{"building_id", "b1"}, {"limit", 1}});
  EXPECT_EQ(Ids(first), std::vector<std::string>{"h1"});
  ASSERT_EQ(first["next"], "h1");
  Json second = MustQuery("admin", "console.children",
                          {{"building_id", "b1"}, {"limit", 1}, {"after", "h1"}});
  EXPECT_EQ(Ids(second), std::vector<std::string>{"h2"});
  Json third = MustQuery("admin", "console.children",
                         {{"building_id", "b1"}, {"limit", 1}, {"after", "h2"}});
  EXPECT_TRUE(third["nodes"].empty());
  EXPECT_TRUE(third["next"].is_null());
}

TEST_F(ConsoleTest, ScopedAdminSeesItsSubtreeOnly) {
  EXPECT_EQ(Ids(MustQuery("radmin", "console.children", Json::object())),
            std::vector<std::string>{"g2"});
  EXPECT_EQ(Ids(MustQuery("radmin", "console.children", {{"region_id", "g2"}})),
            std::vector<std::string>{"mg3"});
  EXPECT_ERR(Query("radmin", "console.children", {{"region_id", "g1"}}), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("radmin", "console.children", {{"building_id", "b1"}}), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("radmin", "console.children", {{"region_id", "c1"}}), "permission_denied",
             "permission.denied");
  EXPECT_EQ(Ids(MustQuery("radmin", "console.search", {{"q", "Head"}}), "households"),
            std::vector<std::string>{"h6"});
  EXPECT_EQ(Ids(MustQuery("admin", "console.search", {{"q", "Head h"}}), "households").size(), 6u);
  EXPECT_EQ(Ids(MustQuery("head1", "console.search", {{"q", "Head"}}), "households"),
            (std::vector<std::string>{"h1", "h2", "h3", "h4", "h5"}));
  EXPECT_ERR(Query("worker1", "console.children", Json::object()), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Query("radmin", "console.search", {{"q", "Head"}, {"region_id", "g1"}}),
             "permission_denied", "permission.denied");
}

TEST_F(ConsoleTest, SearchMatchesAddressBuildingAndHeadLiterally) {
  EXPECT_EQ(Ids(MustQuery("admin", "console.search", {{"q", "Building b3"}}), "households"),
            (std::vector<std::string>{"h4", "h5"}));
  EXPECT_EQ(Ids(MustQuery("admin", "console.search", {{"q", "h6"}}), "households"),
            std::vector<std::string>{"h6"});
  EXPECT_TRUE(MustQuery("admin", "console.search", {{"q", "%"}})["households"].empty());
  EXPECT_EQ(Query("admin", "console.search", {{"q", ""}}).status.code, Code::kInvalidArgument);
}

// A server finds households through the bigrams of names and addresses
// (console_index.h): the same pages the scan finds, at every step.
TEST_F(ConsoleTest, AServersSearchFindsWhatTheScanFinds) {
  MustExec("admin", "building.upsert", {{"id", "b5"}, {"microgrid_id", "mg2"}, {"name", "翠屏北里3号楼"},
                                        {"address", "北京市通州区中仓街道翠屏北里3号楼"}});
  const char* heads[] = {"王秀英", "王芳", "李秀英", "张伟", "Zhang Wei"};
  for (int i = 0; i < 5; ++i) {
    MustExec("admin", "household.upsert", {{"id", "hz" + std::to_string(i)}, {"building_id", "b5"},
                                           {"head_name", heads[i]}});
  }
  const std::vector<std::string> queries = {
      "王", "王芳", "秀英", "王秀英", "翠屏", "3号楼", "中仓街道翠屏", "通州区中仓街道翠屏北里3号楼",
      "zhang", "ZHANG WEI", "ng W", "Head h", "Building b3", "h6", "无此人", "英王", "%", "芳"};
  auto search = [&](const std::string& actor) {
    std::vector<std::vector<std::string>> out;
    for (const std::string& q : queries) {
      out.push_back(Ids(MustQuery(actor, "console.search", {{"q", q}}), "households"));
    }
    return out;
  };
  const auto scanned = search("admin");
  const auto scoped = search("head1");
  EXPECT_EQ(scanned[1], std::vector<std::string>{"hz1"});
  EXPECT_EQ(scanned[2], (std::vector<std::string>{"hz0", "hz2"}));
  EXPECT_EQ(scanned[4].size(), 5u);
  TurnOnChangeLog();
  store_.reset();
  store::OpenOptions o;
  o.record_changes = true;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), o, &store_).ok());
  EXPECT_EQ(search("admin"), scanned) << "recounted when recording started";
  EXPECT_EQ(search("head1"), scoped);
  // Kept by the triggers: a new head, a renamed building.
  MustExec("admin", "household.upsert", {{"id", "hz1"}, {"building_id", "b5"}, {"head_name", "赵芳"}});
  MustExec("admin", "building.upsert", {{"id", "b5"}, {"microgrid_id", "mg2"}, {"name", "翠屏南里1号楼"}});
  EXPECT_TRUE(Ids(MustQuery("admin", "console.search", {{"q", "王芳"}}), "households").empty());
  EXPECT_EQ(Ids(MustQuery("admin", "console.search", {{"q", "赵芳"}}), "households"),
            std::vector<std::string>{"hz1"});
  EXPECT_EQ(Ids(MustQuery("admin", "console.search", {{"q", "南里1"}}), "households").size(), 5u);
  EXPECT_TRUE(Ids(MustQuery("admin", "console.search", {{"q", "北里3"}}), "households").empty())
      << "the old name and address are gone";
}

TEST_F(ConsoleTest, PeopleListIsFilteredToThoseManaged) {
  std::vector<std::string> mine = Ids(MustQuery("radmin", "console.people", Json::object()), "people");
  // radmin manages g2's people: itself, head2, worker3 (no one of g1, no
  // department, no one without a grant).
  EXPECT_EQ(mine, (std::vector<std::string>{"head2", "radmin", "worker3"}));
  Json all = MustQuery("admin", "console.people", {{"q", "worker"}});
  EXPECT_EQ(Ids(all, "people"), (std::vector<std::string>{"worker1", "worker2", "worker3"}));
  EXPECT_EQ(all["people"][0]["grants"][0]["role"], "worker");
  EXPECT_EQ(all["people"][0]["grants"][0]["scope_name"], "Region mg1");
  EXPECT_ERR(Query("head1", "console.people", Json::object()), "permission_denied",
             "permission.denied");
}

TEST_F(ConsoleTest, EventsFilteredAndScoped) {
  std::string in = OpenItem("h6", "head2");
  std::string out = OpenItem("h1");
  Json mine = MustQuery("radmin", "console.events", Json::object());
  ASSERT_FALSE(mine["events"].empty());
  for (const Json& e : mine["events"]) EXPECT_EQ(e["microgrid_id"], "mg3") << e;
  Json item = MustQuery("admin", "console.events", {{"entity", "item"}, {"entity_id", out}});
  ASSERT_EQ(item["events"].size(), 1u);
  EXPECT_EQ(item["events"][0]["type"], "item.opened");
  EXPECT_TRUE(MustQuery("radmin", "console.events", {{"entity", "item"}, {"entity_id", out}})["events"]
                  .empty());
  Json by = MustQuery("admin", "console.events", {{"person_id", "head2"}});
  ASSERT_EQ(by["events"].size(), 1u);
  EXPECT_EQ(by["events"][0]["entity_id"], in);
  // Paged by seq, newest first.
  Json p1 = MustQuery("admin", "console.events", {{"limit", 2}});
  ASSERT_EQ(p1["events"].size(), 2u);
  int64_t next = p1["next"];
  Json p2 = MustQuery("admin", "console.events", {{"limit", 2}, {"before", next}});
  EXPECT_LT(p2["events"][0]["seq"].get<int64_t>(), p1["events"][1]["seq"].get<int64_t>());
  // District-wide events (people, templates) to the administrator of everything only.
  bool person_event = false;
  const Json people = MustQuery("admin", "console.events", {{"entity", "person"}});
  for (const Json& e : people["events"]) {
    person_event = person_event || e["entity"] == "person";
  }
  EXPECT_TRUE(person_event);
  EXPECT_TRUE(MustQuery("radmin", "console.events", {{"entity", "person"}})["events"].empty());
  EXPECT_TRUE(MustQuery("head1", "console.events", {{"region_id", "g1"}, {"entity", "item"}})["events"]
                  .size() == 1u);
}

TEST_F(ConsoleTest, TemplateVersionsNewestFirst) {
  Json v2 = DoorTemplate(2);
  MustExec("admin", "template.publish", {{"template", v2}});
  Json all = MustQuery("radmin", "console.templates", Json::object());
  ASSERT_EQ(all["templates"].size(), 2u);
  EXPECT_EQ(all["templates"][0]["version"], 2);
  EXPECT_EQ(all["templates"][1]["version"], 1);
  EXPECT_FALSE(all["can_publish"].get<bool>());
  EXPECT_TRUE(MustQuery("admin", "console.templates", Json::object())["can_publish"].get<bool>());
  EXPECT_EQ(Query("worker1", "console.templates", Json::object()).status.code, Code::kPermissionDenied);
}

}  // namespace
}  // namespace weige::testing
