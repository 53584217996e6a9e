// Duplicate reports through the store (duplicate_commands.cc): marking and
// unmarking with their rules and trail, the parked item, the duplicate
// following its original to closure and evaluation, reopening reflected.
#include <algorithm>

#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class DuplicateTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    Submit("resident1", "rA", "b1");
    Submit("resident4", "rB", "b3");
  }
  void Submit(const std::string& resident, const std::string& id, const std::string& building) {
    MustExec(resident, "report.submit",
             {{"report_id", id}, {"category", "sanitation"}, {"description", "Rubbish by the gate"},
              {"place", {{"building_id", building}}}});
  }
  Json Mark(const std::string& actor, const std::string& report, const std::string& original) {
    return MustExec(actor, "report.mark_duplicate",
                    {{"report_id", report}, {"original_id", original}, {"reason", "same gate"}});
  }
  // The resident's own report as reports.mine shows it.
  Json Mine(const std::string& resident, const std::string& report) {
    Json all = MustQuery(resident, "reports.mine", {{"now", kT0}});
    for (const Json& r : all["reports"]) {
      if (r["id"] == report) return r;
    }
    ADD_FAILURE() << "no report " << report;
    return Json();
  }
  static bool Has(const Json& list, const std::string& type, const char* key = nullptr) {
    for (const Json& e : list) {
      if ((key == nullptr ? e : e[key]) == type) return true;
    }
    return false;
  }
};

TEST_F(DuplicateTest, DuplicateFollowsItsOriginalToClosureAndIsEvaluated) {
  Json m = Mark("head1", "rB", "rA");
  EXPECT_EQ(m["follow_state"], "open");
  Json rb = Mine("resident4", "rB");
  EXPECT_EQ(rb["duplicate_of"], "rA");
  EXPECT_EQ(rb["state"], "open");
  EXPECT_FALSE(rb["can_evaluate"]);
  EXPECT_TRUE(Has(rb["timeline"], "report.marked_duplicate", "type"));

  Assign("rA.item");
  EXPECT_EQ(Mine("resident4", "rB")["state"], "assigned");
  Fix("rA.item");
  Close("rA.item");
  rb = Mine("resident4", "rB");
  EXPECT_EQ(rb["state"], "closed");
  EXPECT_EQ(rb["own_state"], "open");  // the parked item kept its state
  EXPECT_TRUE(rb["can_evaluate"]);
  EXPECT_TRUE(Has(rb["timeline"], "report.original_closed", "type"));
  MustExec("resident4", "report.evaluate", {{"report_id", "rB"}, {"rating", 5}});
  EXPECT_FALSE(Mine("resident4", "rB")["can_evaluate"]);
  EXPECT_ERR(Exec("resident4", "report.evaluate", {{"report_id", "rB"}, {"rating", 4}}),
             "failed_precondition", "report.already_evaluated");
  // The original's resident evaluates their own as before.
  MustExec("resident1", "report.evaluate", {{"report_id", "rA"}, {"rating", 4}});

  // A grid head reopens the original: the duplicate follows, with an event,
  // and its resident evaluates the next closure again.
  MustExec("head1", "item.reopen", {{"item_id", "rA.item"}, {"reason", "came back"}});
  rb = Mine("resident4", "rB");
  EXPECT_EQ(rb["state"], "assigned");
  EXPECT_TRUE(Has(rb["timeline"], "report.original_reopened", "type"));
  EXPECT_FALSE(rb["can_evaluate"]);
  Fix("rA.item", "deptp", kT0 + 3 * kHour);
  Close("rA.item", "head1", kT0 + 4 * kHour);
  EXPECT_TRUE(Mine("resident4", "rB")["can_evaluate"]);
}

TEST_F(DuplicateTest, UnsatisfiedDuplicateReopensTheOriginal) {
  Mark("head1", "rB", "rA");
  Assign("rA.item");
  Fix("rA.item");
  Close("rA.item");
  Json e = MustExec("resident4", "report.evaluate",
                    {{"report_id", "rB"}, {"rating", 1}, {"comment", "still there"}});
  EXPECT_EQ(e["item_state"], "assigned");
  EXPECT_EQ(ItemState("rA.item"), "assigned");
  EXPECT_EQ(ItemState("rB.item"), "open");
  EXPECT_EQ(Mine("resident1", "rA")["state"], "assigned");
  EXPECT_EQ(Mine("resident4", "rB")["state"], "assigned");
}

TEST_F(DuplicateTest, TheDuplicatesItemIsParkedAndUnmarkingReturnsIt) {
  Assign("rB.item");
  Mark("head1", "rB", "rA");
  EXPECT_EQ(ItemState("rB.item"), "assigned");
  Json d = MustQuery("worker2", "item.detail", {{"item_id", "rB.item"}});
  EXPECT_EQ(d["duplicate_of"], "rA.item");
  EXPECT_EQ(d["actions"], Json({"item.comment"}));
  // The original is named by its title for who may read it (the apps show
  // the title, never the id, and need no second query for it): not for
  // worker2, whose micro-grid holds the duplicate but not the original.
  EXPECT_FALSE(Query("worker2", "item.detail", {{"item_id", "rA.item"}}).ok());
  EXPECT_EQ(d["duplicates"]["of"], Json({{"report_id", "rA"}, {"item_id", "rA.item"}}));
  Json original = MustQuery("head1", "item.detail", {{"item_id", "rA.item"}});
  ASSERT_TRUE(original["title"].is_string());
  EXPECT_EQ(MustQuery("head1", "item.detail", {{"item_id", "rB.item"}})["duplicates"]["of"],
            Json({{"report_id", "rA"}, {"item_id", "rA.item"}, {"title", original["title"]}}));
  std::string before = Digest();
  EXPECT_ERR(Exec("deptp", "item.mark_fixed", {{"item_id", "rB.item"}, {"evidence", {Sha(1)}}}),
             "failed_precondition", "item.duplicate");
  EXPECT_ERR(Exec("head1", "item.assign",
                  {{"item_id", "rB.item"}, {"owner_dept", "dept_fire"}, {"deadline", kT0 + kDay}}),
             "failed_precondition", "item.duplicate");
  EXPECT_EQ(Digest(), before);
  MustExec("worker2", "item.comment", {{"item_id", "rB.item"}, {"text", "seen"}});

  // The grid head sees who may do what: unmark on the duplicate, the list
  // of duplicates on the original.
  Json hd = MustQuery("head1", "item.detail", {{"item_id", "rB.item"}});
  EXPECT_TRUE(Has(hd["actions"], "report.unmark_duplicate"));
  EXPECT_FALSE(Has(hd["actions"], "report.mark_duplicate"));
  Json ho = MustQuery("head1", "item.detail", {{"item_id", "rA.item"}});
  EXPECT_EQ(ho["duplicates"]["reports"], Json({"rB"}));
  EXPECT_FALSE(Has(ho["actions"], "report.mark_duplicate"));  // it is an original now

  EXPECT_ERR(Exec("head1", "report.unmark_duplicate", {{"report_id", "rB"}}), "invalid_argument",
             "argument.missing");
  Json u = MustExec("head1", "report.unmark_duplicate",
                    {{"report_id", "rB"}, {"reason", "different gate"}});
  EXPECT_EQ(u["state"], "assigned");
  Json after = MustQuery("head1", "item.detail", {{"item_id", "rB.item"}});
  EXPECT_TRUE(after["duplicate_of"].is_null());
  EXPECT_TRUE(Has(after["actions"], "report.mark_duplicate"));
  EXPECT_TRUE(Has(after["events"], "item.marked_duplicate", "type"));
  EXPECT_TRUE(Has(after["events"], "item.duplicate_unmarked", "type"));
  MustExec("deptp", "item.mark_fixed", {{"item_id", "rB.item"}, {"evidence", {Sha(1)}}});
  Json rb = Mine("resident4", "rB");
  EXPECT_TRUE(rb["duplicate_of"].is_null());
  EXPECT_EQ(rb["state"], "fixed");
  EXPECT_TRUE(Has(rb["timeline"], "report.duplicate_unmarked", "type"));
  EXPECT_ERR(Exec("head1", "report.unmark_duplicate", {{"report_id", "rB"}, {"reason", "x"}}),
             "failed_precondition", "report.not_duplicate");
}

TEST_F(DuplicateTest, CandidatesAreTheGridsOriginals) {
  Submit("resident4", "rC", "b3");
  Submit("resident1", "rD", "b4");  // another grid (g2)
  Json c = MustQuery("head1", "report.duplicate_candidates", {{"item_id", "rB.item"}});
  std::vector<std::string> ids;
  for (const Json& x : c["candidates"]) ids.push_back(x["report_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"rA", "rC"}));
  Mark("head1", "rC", "rB");
  EXPECT_ERR(Query("head1", "report.duplicate_candidates", {{"item_id", "rC.item"}}),
             "failed_precondition", "report.already_duplicate");
  EXPECT_ERR(Query("worker2", "report.duplicate_candidates", {{"item_id", "rB.item"}}),
             "permission_denied", "permission.denied");
  Submit("resident4", "rE", "b3");
  ids.clear();
  Json more = MustQuery("head1", "report.duplicate_candidates", {{"item_id", "rE.item"}});
  for (const Json& x : more["candidates"]) {
    ids.push_back(x["report_id"]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"rA", "rB"})) << "not the duplicate rC";
}

TEST_F(DuplicateTest, MarkingRulesWriteNothingWhenRefused) {
  Submit("resident1", "rC", "b1");
  std::string before = Digest();
  auto mark = [&](const std::string& actor, const std::string& report,
                  const std::string& original, Json reason = "same") {
    Json p = {{"report_id", report}, {"original_id", original}};
    if (!reason.is_null()) p["reason"] = reason;
    return Exec(actor, "report.mark_duplicate", p);
  };
  EXPECT_ERR(mark("head1", "rB", "rA", nullptr), "invalid_argument", "argument.missing");
  EXPECT_ERR(mark("head1", "rB", "rB"), "invalid_argument", "report.duplicate_of_self");
  EXPECT_ERR(mark("head1", "rB", "nope"), "not_found", "report.not_found");
  EXPECT_ERR(mark("head2", "rB", "rA"), "permission_denied", "permission.denied");
  EXPECT_ERR(mark("worker1", "rB", "rA"), "permission_denied", "permission.denied");
  EXPECT_ERR(mark("resident4", "rB", "rA"), "permission_denied", "permission.denied");
  EXPECT_ERR(mark("radmin", "rB", "rA"), "permission_denied", "permission.denied");
  EXPECT_EQ(Digest(), before);

  Mark("head1", "rB", "rA");
  before = Digest();
  // Not a duplicate of a duplicate: point at the original.
  Result r = mark("head1", "rC", "rB");
  EXPECT_ERR(r, "failed_precondition", "report.original_is_duplicate");
  EXPECT_NE(r.status.message.find("rA"), std::string::npos) << r.status.message;
  EXPECT_ERR(mark("head1", "rA", "rC"), "failed_precondition", "report.has_duplicates");
  EXPECT_ERR(mark("head1", "rB", "rC"), "failed_precondition", "report.already_duplicate");
  EXPECT_EQ(Digest(), before);

  // A closed report is evaluated, not marked.
  Assign("rC.item");
  Fix("rC.item");
  Close("rC.item");
  EXPECT_ERR(mark("head1", "rC", "rA"), "failed_precondition", "report.closed");
  // The original may be closed already: the duplicate follows at once.
  MustExec("head1", "report.unmark_duplicate", {{"report_id", "rB"}, {"reason", "oops"}});
  Mark("admin", "rB", "rC");
  EXPECT_EQ(Mine("resident4", "rB")["state"], "closed");
  EXPECT_TRUE(Mine("resident4", "rB")["can_evaluate"]);
}

}  // namespace
}  // namespace weige::testing
