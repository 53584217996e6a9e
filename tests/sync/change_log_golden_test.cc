// Pins what the change log records: a scripted history (the backfill of the
// test world, then a write to every synced table through the commands,
// including moves, grants and revokes) against a golden dump of
// sync_changes, sync_change_tags and sync_blob_refs. The golden file was
// written by the hand-written triggers of migration 2 (before the triggers
// were generated from the table in sync_tables.cc), so the generated SQLite
// triggers are held to the very same rows, byte for byte. On PostgreSQL the
// JSON is compared as values (its text spacing differs) and each key list
// as a set.
//
// Regenerate (only when the change log is meant to change):
//   WEIGE_WRITE_GOLDEN=1 weige_sync_test --gtest_filter='ChangeLogGolden*'
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/store/db.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

const char kGolden[] = WEIGE_SOURCE_DIR "/tests/sync/golden/change_log.txt";

class ChangeLogGoldenTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    TurnOnChangeLog();
  }

  // JSON text as values: sorted when it is a list of keys.
  static std::string Norm(const std::string& text, bool keys) {
    if (text.empty()) return "";
    Json j = Json::parse(text, nullptr, false);
    if (keys && j.is_array()) std::sort(j.begin(), j.end());
    return j.dump();
  }

  std::string Dump(bool exact) {
    std::ostringstream out;
    store::Db& db = store::DbOf(store());
    store::Stmt c = db.Q("SELECT seq, tbl, op, pk, row, keys, old_keys FROM sync_changes ORDER BY seq");
    while (c.Step()) {
      out << "change " << c.Int(0) << " " << c.Text(1) << " " << c.Text(2) << " ";
      if (exact) {
        out << c.Text(3) << " " << c.Text(4) << " " << c.Text(5) << " "
            << (c.IsNull(6) ? "NULL" : c.Text(6)) << "\n";
      } else {
        out << Norm(c.Text(3), false) << " " << Norm(c.Text(4), false) << " "
            << Norm(c.Text(5), true) << " " << (c.IsNull(6) ? "NULL" : Norm(c.Text(6), true))
            << "\n";
      }
    }
    store::Stmt t = db.Q("SELECT tag, seq, live FROM sync_change_tags ORDER BY seq, tag, live");
    while (t.Step()) out << "tag " << t.Int(1) << " " << t.Text(0) << " " << t.Int(2) << "\n";
    store::Stmt b = db.Q("SELECT sha, seq FROM sync_blob_refs ORDER BY seq, sha");
    while (b.Step()) out << "blob " << b.Int(1) << " " << b.Text(0) << "\n";
    return out.str();
  }

  void History() {
    // Items through their life, escalated and acknowledged, reopened.
    std::string a = ItemIn("closed", "h1");
    MustExec("head1", "item.reopen", {{"item_id", a}, {"reason", "came back"}}, kT0 + 3 * kHour);
    std::string b = ItemIn("fixed", "h4");
    MustExec("head1", "item.reject_fix", {{"item_id", b}, {"reason", "not fixed"}}, kT0 + 4 * kHour);
    std::string c = OpenItem("h2", "worker1");
    MustExec("head1", "item.escalate", {{"item_id", c}, {"department_id", "dept_fire"},
                                        {"deadline", kT0 + 3 * kDay}, {"reason", "beyond the grid"}});
    MustExec("deptf", "item.acknowledge", {{"item_id", c}});
    MustExec("worker1", "item.comment", {{"item_id", c}, {"text", "seen again"}});
    // Visits (coverage, findings), a patrol, a report and its evaluation.
    MustExec("worker1", "visit.record",
             {{"visit_id", "v1"}, {"household_id", "h2"}, {"cycle", kCycle}, {"outcome", "met"},
              {"template_id", "door"}, {"template_version", 1},
              {"answers", {{"ebike", true}, {"extinguisher", "ok"}}}, {"photos", {Sha(7)}},
              {"lat", 39.9042}, {"lng", 116.4074}});
    MustExec("worker2", "visit.record",
             {{"visit_id", "v2"}, {"household_id", "h4"}, {"cycle", kCycle}, {"outcome", "not_home"}});
    MustExec("captain1", "patrol.record",
             {{"patrol_id", "p1"}, {"building_id", "b1"}, {"notes", "ok"}, {"photos", {Sha(8)}}});
    Json r = MustExec("resident1", "report.submit",
                      {{"report_id", "r1"}, {"category", "noise"}, {"description", "Loud at night"},
                       {"place", {{"building_id", "b1"}}}, {"phone", "13800138000"},
                       {"contact_ok", true}, {"photos", {Sha(9)}}});
    std::string ri = r["item_id"];
    Assign(ri);
    Fix(ri, "deptp", kT0 + 5 * kHour);
    Close(ri, "head1", kT0 + 6 * kHour);
    MustExec("resident1", "report.evaluate", {{"report_id", "r1"}, {"rating", 2},
                                              {"comment", "still loud"}}, kT0 + 7 * kHour);
    // The directory: renames, moves (old keys), grants and a revoke.
    MustExec("admin", "region.upsert", {{"id", "mg4"}, {"parent_id", "g2"}, {"level", "microgrid"},
                                        {"name", "Region mg4"}});
    MustExec("admin", "building.upsert", {{"id", "b2"}, {"microgrid_id", "mg4"}, {"name", "Moved"}});
    MustExec("admin", "household.upsert", {{"id", "h3"}, {"building_id", "b3"}, {"unit", "2"},
                                           {"floor", 3}, {"room", "301"}, {"members", 4}});
    MustExec("admin", "department.upsert", {{"id", "dept_new"}, {"name", "New"}, {"kind", "bureau"}});
    MustExec("admin", "person.upsert", {{"id", "worker1"}, {"name", "Renamed"}, {"phone", "139"}});
    MustExec("admin", "role.grant", {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg4"}});
    MustExec("admin", "role.revoke", {{"person_id", "worker2"}, {"role", "worker"}, {"scope_id", "mg2"}});
    Json t = DoorTemplate(2);
    MustExec("admin", "template.publish", {{"template", t}});
  }
};

TEST_F(ChangeLogGoldenTest, RecordsTheGoldenRows) {
  History();
  if (std::getenv("WEIGE_WRITE_GOLDEN") != nullptr && !postgres()) {
    std::ofstream(kGolden) << Dump(true);
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::ifstream in(kGolden);
  ASSERT_TRUE(in) << kGolden;
  std::stringstream want;
  want << in.rdbuf();
  if (!postgres()) {
    EXPECT_EQ(Dump(true), want.str());
    return;
  }
  // The golden rows as values, to compare with PostgreSQL's.
  std::istringstream lines(want.str());
  std::ostringstream norm;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("change ")) {
      norm << line << "\n";
      continue;
    }
    std::istringstream f(line);
    std::string kw, seq, tbl, op, pk, row, keys, old;
    f >> kw >> seq >> tbl >> op >> pk;
    // row may hold spaces inside strings: it runs to the last two fields.
    std::string rest;
    std::getline(f, rest);
    size_t old_at = rest.rfind(' ');
    old = rest.substr(old_at + 1);
    rest = rest.substr(0, old_at);
    size_t keys_at = rest.rfind(' ');
    keys = rest.substr(keys_at + 1);
    row = rest.substr(1, keys_at - 1);
    norm << "change " << seq << " " << tbl << " " << op << " " << Norm(pk, false) << " "
         << Norm(row, false) << " " << Norm(keys, true) << " "
         << (old == "NULL" ? "NULL" : Norm(old, true)) << "\n";
  }
  std::string got = Dump(false);
  EXPECT_EQ(got, norm.str());
  if (const char* out = std::getenv("WEIGE_GOLDEN_DIFF"); out != nullptr && got != norm.str()) {
    std::ofstream(std::string(out) + ".want") << norm.str();
    std::ofstream(std::string(out) + ".got") << got;
  }
}

}  // namespace
}  // namespace weige::testing
