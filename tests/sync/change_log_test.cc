// The change log (migration 2) and scoped pulls through core/sync, on the
// store test world (tests/core/test_util.h) with recording turned on after
// the world was built: the backfill records it.
#include <set>

#include "core/store/sync_store.h"
#include "core/sync/pull.h"
#include "core/sync/scope.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class ChangeLogTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    ASSERT_EQ(Count("SELECT COUNT(*) FROM sync_changes"), 0) << "devices record nothing";
    std::unique_ptr<store::Store> server;
    store::OpenOptions options;
    options.record_changes = true;
    ASSERT_TRUE(store::Store::Open(tmp_->path(), options, &server).ok());
  }

  Json Pull(const std::string& person, int64_t cursor = 0, int64_t limit = 5000) {
    sync::PullRequest req;
    req.person_id = person;
    req.cursor = cursor;
    req.limit = limit;
    std::string page;
    Status s = sync::Pull(&store(), req, &page);
    EXPECT_TRUE(s.ok()) << s.reason << ": " << s.message;
    return s.ok() ? Json::parse(page) : Json::object();
  }

  // "table/pk0" of every row sent (not evicted) in a full pull.
  std::set<std::string> Rows(const std::string& person, const std::string& table = "") {
    std::set<std::string> out;
    Json page = Pull(person);
    for (const Json& c : page["changes"]) {
      if (c["op"] == "evict" || (!table.empty() && c["table"] != table)) continue;
      const Json& key = c["pk"][0];
      out.insert(c["table"].get<std::string>() + "/" +
                 (key.is_string() ? key.get<std::string>() : key.dump()));
    }
    return out;
  }

  int64_t Head() {
    int64_t h = 0;
    EXPECT_TRUE(store::ChangeLogHead(store(), &h).ok());
    return h;
  }
};

TEST_F(ChangeLogTest, BackfillRecordsEveryRowParentsFirst) {
  int64_t rows = 0;
  for (const char* t : {"regions", "departments", "buildings", "households", "people", "roles",
                        "templates", "visits", "coverage", "patrols", "items", "reports",
                        "events"}) {
    rows += Count(std::string("SELECT COUNT(*) FROM ") + t);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes"), rows);
  // Districts before micro-grids, buildings before households.
  EXPECT_LT(Count("SELECT seq FROM sync_changes WHERE tbl = 'regions' AND pk = '[\"d1\"]'"),
            Count("SELECT seq FROM sync_changes WHERE tbl = 'regions' AND pk = '[\"mg1\"]'"));
  EXPECT_LT(Count("SELECT MAX(seq) FROM sync_changes WHERE tbl = 'buildings'"),
            Count("SELECT MIN(seq) FROM sync_changes WHERE tbl = 'households'"));
}

TEST_F(ChangeLogTest, AdminOfEverythingPullsEverything) {
  Json page = Pull("admin");
  EXPECT_EQ(static_cast<int64_t>(page["changes"].size()), Head());
  EXPECT_EQ(page["digest"]["count"], Head());
}

TEST_F(ChangeLogTest, ResidentSeesOwnHouseholdAndReportsOnly) {
  std::string item = OpenItem("h1", "worker1");
  std::string other = OpenItem("h4", "worker2");
  MustExec("resident1", "report.submit",
           {{"report_id", "r1"}, {"category", "noise"}, {"description", "Loud at night"},
            {"place", {{"building_id", "b2"}}}});
  MustExec("resident4", "report.submit",
           {{"report_id", "r4"}, {"category", "noise"}, {"description", "Dog barking"},
            {"place", {{"building_id", "b3"}}}});
  auto rows = Rows("resident1");
  EXPECT_TRUE(rows.count("households/h1"));
  EXPECT_FALSE(rows.count("households/h2"));
  EXPECT_TRUE(rows.count("items/" + item));
  EXPECT_FALSE(rows.count("items/" + other));
  EXPECT_TRUE(rows.count("reports/r1"));
  EXPECT_FALSE(rows.count("reports/r4"));
  EXPECT_TRUE(rows.count("items/r1.item")) << "the item of one's own report";
  EXPECT_FALSE(rows.count("items/r4.item"));
  EXPECT_TRUE(rows.count("people/resident1"));
  EXPECT_FALSE(rows.count("people/resident4"));
  EXPECT_TRUE(rows.count("regions/mg1"));
  EXPECT_FALSE(rows.count("regions/mg2"));
  EXPECT_TRUE(rows.count("templates/door"));
  for (const std::string& r : rows) {
    EXPECT_NE(r.rfind("visits/", 0), 0u) << r;
    EXPECT_NE(r.rfind("coverage/", 0), 0u) << r;
  }
  Json page = Pull("resident1");
  for (const Json& c : page["changes"]) {
    if (c["table"] == "reports") {
      EXPECT_EQ(c["row"]["resident_id"], "resident1");
    }
  }
}

TEST_F(ChangeLogTest, CaptainSeesOwnBuildingOnly) {
  std::string in_b1 = OpenItem("h1", "worker1");
  std::string in_b2 = OpenItem("h3", "worker1");
  MustExec("captain1", "patrol.record", {{"patrol_id", "p1"}, {"building_id", "b1"}});
  auto rows = Rows("captain1");
  EXPECT_TRUE(rows.count("items/" + in_b1));
  EXPECT_FALSE(rows.count("items/" + in_b2));
  EXPECT_TRUE(rows.count("patrols/p1"));
  EXPECT_TRUE(rows.count("buildings/b1"));
  EXPECT_FALSE(rows.count("buildings/b2"));
  EXPECT_FALSE(rows.count("households/h1"));
  EXPECT_TRUE(Rows("captain3", "items").empty());
}

TEST_F(ChangeLogTest, WorkersAndGridHeadsByRegion) {
  std::string a = OpenItem("h1", "worker1");
  std::string b = OpenItem("h4", "worker2");
  std::string c = OpenItem("h6", "worker3");
  EXPECT_EQ(Rows("worker1", "items"), std::set<std::string>{"items/" + a});
  EXPECT_EQ(Rows("worker2", "items"), std::set<std::string>{"items/" + b});
  EXPECT_EQ(Rows("head1", "items"), (std::set<std::string>{"items/" + a, "items/" + b}));
  EXPECT_EQ(Rows("radmin", "items"), std::set<std::string>{"items/" + c});
  auto regions = Rows("head1", "regions");
  EXPECT_TRUE(regions.count("regions/d1"));
  EXPECT_TRUE(regions.count("regions/mg2"));
  EXPECT_FALSE(regions.count("regions/mg3"));
  EXPECT_FALSE(regions.count("regions/g2"));
}

TEST_F(ChangeLogTest, DepartmentFollowsAssignmentAndIsToldWhenItLeaves) {
  std::string item = OpenItem("h1", "worker1");
  EXPECT_TRUE(Rows("deptp", "items").empty());
  Assign(item);  // head1 -> dept_prop
  EXPECT_EQ(Rows("deptp", "items"), std::set<std::string>{"items/" + item});
  int64_t cursor = Head();
  MustExec("head1", "item.assign",
           {{"item_id", item}, {"owner_dept", "dept_fire"}, {"deadline", kT0 + 9 * kDay}});
  Json page = Pull("deptp", cursor);
  bool evicted = false;
  for (const Json& c : page["changes"]) {
    if (c["table"] == "items") {
      EXPECT_EQ(c["op"], "evict");
      EXPECT_FALSE(c.contains("row"));
      evicted = true;
    }
  }
  EXPECT_TRUE(evicted);
  EXPECT_EQ(Rows("deptf", "items"), std::set<std::string>{"items/" + item});
}

TEST_F(ChangeLogTest, PagesCoverTheSameChangesAndDigestMatches) {
  OpenItem("h1", "worker1");
  MustExec("worker1", "visit.record",
           {{"visit_id", "v1"}, {"household_id", "h2"}, {"cycle", kCycle}, {"outcome", "met"}});
  Json whole = Pull("worker1");
  std::vector<int64_t> seqs;
  int64_t cursor = 0;
  sync::ScopeDigest mine;
  Json last;
  for (int pages = 0; pages < 1000; ++pages) {
    last = Pull("worker1", cursor, 3);
    for (const Json& c : last["changes"]) {
      seqs.push_back(c["seq"]);
      if (c["op"] != "evict") mine.Add(c["seq"]);
    }
    cursor = last["next_cursor"];
    if (!last["has_more"]) break;
  }
  ASSERT_EQ(seqs.size(), whole["changes"].size());
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], whole["changes"][i]["seq"]);
  EXPECT_EQ(last["digest"]["hash"], mine.Hex());
  EXPECT_EQ(last["digest"]["count"], mine.count());
  EXPECT_EQ(last["next_cursor"], Head());
  // Nothing new: an empty page at the head, same digest.
  Json again = Pull("worker1", cursor);
  EXPECT_TRUE(again["changes"].empty());
  EXPECT_EQ(again["digest"]["hash"], mine.Hex());
}

TEST_F(ChangeLogTest, ANewGrantChangesTheDigest) {
  Json before = Pull("worker1");
  MustExec("admin", "role.grant", {{"person_id", "worker1"}, {"role", "worker"},
                                   {"scope_id", "mg2"}});
  Json after = Pull("worker1", before["next_cursor"]);
  // The device holds only what it pulled before; its digest no longer matches.
  sync::ScopeDigest mine;
  for (const Json& c : before["changes"]) mine.Add(c["seq"]);
  for (const Json& c : after["changes"]) mine.Add(c["seq"]);
  EXPECT_NE(after["digest"]["hash"], mine.Hex());
  EXPECT_TRUE(Rows("worker1").count("households/h4"));
}

TEST_F(ChangeLogTest, RevokeSendsADeleteAndEvictsThePerson) {
  int64_t cursor = Head();
  MustExec("admin", "role.revoke", {{"person_id", "worker1"}, {"role", "worker"},
                                    {"scope_id", "mg1"}});
  Json page = Pull("head1", cursor);
  bool deleted = false, evicted = false;
  for (const Json& c : page["changes"]) {
    if (c["table"] == "roles" && c["op"] == "delete") deleted = true;
    if (c["table"] == "people" && c["op"] == "evict") evicted = true;
  }
  EXPECT_TRUE(deleted);
  EXPECT_TRUE(evicted);
}

TEST_F(ChangeLogTest, FailedCommandsAndNoOpUpdatesRecordNothing) {
  int64_t head = Head();
  EXPECT_FALSE(Exec("worker2", "item.open", {{"item_id", "x"}, {"household_id", "h1"},
                                             {"category", "c"}, {"title", "t"}}).ok());
  EXPECT_EQ(Head(), head);
  // building.upsert with the same values changes nothing; the event is logged.
  MustExec("admin", "building.upsert", {{"id", "b1"}, {"microgrid_id", "mg1"},
                                        {"name", "Building b1"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE seq > " + std::to_string(head) +
                  " AND tbl <> 'events'"),
            0);
}

TEST_F(ChangeLogTest, CursorAheadAndBadLimit) {
  sync::PullRequest req;
  req.person_id = "worker1";
  req.cursor = Head() + 10;
  std::string page;
  EXPECT_EQ(sync::Pull(&store(), req, &page).reason, "sync.cursor_ahead");
  req.cursor = 0;
  req.limit = 0;
  EXPECT_EQ(sync::Pull(&store(), req, &page).reason, "sync.bad_limit");
  req.limit = 10;
  req.person_id = "ghost";
  EXPECT_EQ(sync::Pull(&store(), req, &page).reason, "actor.unknown");
}

TEST_F(ChangeLogTest, PhotosAreIndexedByTheChangesCitingThem) {
  MustExec("worker1", "visit.record",
           {{"visit_id", "v1"}, {"household_id", "h2"}, {"cycle", kCycle}, {"outcome", "met"},
            {"photos", {Sha(1)}}});
  std::vector<store::Change> citing;
  ASSERT_TRUE(store::ChangesCiting(store(), Sha(1), &citing).ok());
  std::set<std::string> tables;
  for (const auto& c : citing) tables.insert(c.table);
  EXPECT_EQ(tables, (std::set<std::string>{"visits", "events"}));
}

}  // namespace
}  // namespace weige::testing
