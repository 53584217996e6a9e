// The field's queries find their rows through keys, at any district size:
// no statement they run scans a table that grows with the district, or
// searches the events by their entity type alone (every visit's event).
// Checked on SQLite's plans (EXPLAIN QUERY PLAN) of the statements each
// query prepared; the test world is small, so a plan that scales badly shows
// here as it would on the full-scale district (628,578 households), where it
// shows as seconds.
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <tuple>

#include "core/store/db.h"
#include "core/store/device_store.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using QueryPlanTest = WorldTest;

// The plan lines of every statement prepared so far whose text contains
// `marker`, joined per statement.
std::vector<std::string> PlansOf(store::Store& s, const std::string& marker) {
  store::Db& db = store::DbOf(s);
  std::vector<std::string> out;
  for (const std::string& sql : db.PreparedSql()) {
    if (sql.find(marker) == std::string::npos || sql.rfind("EXPLAIN", 0) == 0) continue;
    store::Stmt p = db.Q("EXPLAIN QUERY PLAN " + sql);
    std::string plan = sql + "\n";
    while (p.Step()) plan += "  " + p.Text(3) + "\n";
    EXPECT_OK(p.status());
    out.push_back(plan);
  }
  return out;
}

// The tables that grow with the district's households and history.
const std::regex kScan(
    "SCAN (h|v|e|i|c|households|visits|events|items|coverage|outbox|change_log)\\b");

TEST_F(QueryPlanTest, TheWorkerListFindsEachLastVisitThroughItsHousehold) {
  if (postgres()) GTEST_SKIP() << "SQLite's plans";
  for (int i = 0; i < 3; ++i) {
    MustExec("worker1", "visit.record",
             {{"visit_id", "v" + std::to_string(i)}, {"household_id", "h" + std::to_string(i % 3 + 1)},
              {"cycle", kCycle}, {"outcome", i == 0 ? "not_home" : "met"}},
             kT0 + i);
  }
  Json due = MustQuery("worker1", "worker.households_due",
                       {{"microgrid_id", "mg1"}, {"cycle", kCycle}, {"include_visited", true}});
  EXPECT_EQ(due["households"], 3);
  std::vector<std::string> plans = PlansOf(store(), "FROM households h JOIN buildings b");
  ASSERT_FALSE(plans.empty());
  for (const std::string& plan : plans) {
    EXPECT_FALSE(std::regex_search(plan, kScan)) << plan;
    EXPECT_NE(plan.find("visits_hh"), std::string::npos) << plan;
  }
}

// Every move of a report's item looks for the report's duplicates
// (duplicate_commands.cc ReflectOnDuplicates): through reports_item and the
// partial index reports_duplicate_of, never a scan of the reports.
TEST_F(QueryPlanTest, AReportsItemFindsItsDuplicatesThroughAnIndex) {
  if (postgres()) GTEST_SKIP() << "SQLite's plans";
  for (auto [resident, id, building] : {std::tuple{"resident1", "rA", "b1"},
                                        std::tuple{"resident4", "rB", "b3"}}) {
    MustExec(resident, "report.submit",
             {{"report_id", id}, {"category", "sanitation"}, {"description", "Rubbish"},
              {"place", {{"building_id", building}}}});
  }
  MustExec("head1", "report.mark_duplicate",
           {{"report_id", "rB"}, {"original_id", "rA"}, {"reason", "same"}});
  Assign("rA.item");
  for (const char* marker : {"FROM reports WHERE duplicate_of = ?",
                             "FROM items i JOIN reports r ON r.item_id = i.id"}) {
    std::vector<std::string> plans = PlansOf(store(), marker);
    ASSERT_FALSE(plans.empty()) << marker;
    for (const std::string& plan : plans) {
      EXPECT_FALSE(std::regex_search(plan, std::regex("SCAN (r|reports)\\b"))) << plan;
    }
  }
}

TEST_F(QueryPlanTest, AServersSearchReadsTheHouseholdsUnderOneBigram) {
  if (postgres()) GTEST_SKIP() << "SQLite's plans";
  TurnOnChangeLog();
  store_.reset();
  store::OpenOptions o;
  o.record_changes = true;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), o, &store_).ok());
  MustQuery("admin", "console.search", {{"q", "Head h1"}});
  std::vector<std::string> plans = PlansOf(store(), "UNION SELECT h2.id FROM building_grams");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_FALSE(std::regex_search(plans[0], kScan)) << plans[0];
  if (std::getenv("WEIGE_SHOW_PLANS")) std::printf("%s", plans[0].c_str());
  EXPECT_NE(plans[0].find("SEARCH household_grams USING PRIMARY KEY (gram=? AND household_id>?)"),
            std::string::npos) << plans[0];
  EXPECT_NE(plans[0].find("SEARCH g USING PRIMARY KEY (gram=?)"), std::string::npos) << plans[0];
}

// The outbox has one index for commands, UNIQUE(command_id, actor) (schema
// migration 7): the replay check by (actor, command id) and the device's
// lookups by command id alone (settling, the rebase's join) both go through
// it, and none scans the outbox, which grows with every command a device sent.
TEST_F(QueryPlanTest, TheOutboxIsFoundByCommandThroughOneIndex) {
  if (postgres()) GTEST_SKIP() << "SQLite's plans";
  MustExec("worker1", "visit.record",
           {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"}});
  store::SaveLocalChangeset(store(), "c-plan", nullptr);
  std::vector<store::LocalCommand> local;
  ASSERT_OK(store::LoadLocalCommands(store(), &local));
  bool changed = false;
  ASSERT_OK(store::MarkAccepted(store(), "c-plan", 7, &changed));
  int checked = 0;
  for (const char* marker : {"FROM outbox WHERE actor = ? AND command_id = ?",
                             "UPDATE outbox SET state = 'accepted'", "LEFT JOIN outbox o"}) {
    std::vector<std::string> plans = PlansOf(store(), marker);
    ASSERT_FALSE(plans.empty()) << marker;
    for (const std::string& plan : plans) {
      EXPECT_FALSE(std::regex_search(plan, kScan)) << plan;
      EXPECT_NE(plan.find("sqlite_autoindex_outbox_1"), std::string::npos) << plan;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sqlite_schema WHERE tbl_name = 'outbox' AND type = 'index'"),
            2);  // the unique index and outbox_state
}

}  // namespace
}  // namespace weige::testing
