// The rectification item's life cycle through the store: transitions,
// evidence, reasons, the verifier rule, closed items, overdue.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using ItemTest = WorldTest;

std::vector<std::string> EventTypes(const Json& detail) {
  std::vector<std::string> out;
  for (const Json& e : detail["events"]) out.push_back(e["type"]);
  return out;
}

TEST_F(ItemTest, FullLifeCycle) {
  std::string id = OpenItem();
  EXPECT_EQ(ItemState(id), "open");
  Json a = MustExec("head1", "item.assign",
                    {{"item_id", id}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}});
  EXPECT_EQ(a, Json({{"item_id", id}, {"state", "assigned"}}));
  Json f = MustExec("deptp", "item.mark_fixed", {{"item_id", id}, {"evidence", {Sha(1)}}});
  EXPECT_EQ(f["state"], "fixed");
  Json c = MustExec("worker1", "item.verify", {{"item_id", id}, {"evidence", {Sha(2)}}},
                    kT0 + 5 * kHour);
  EXPECT_EQ(c["state"], "closed");
  Json d = ItemDetail(id);
  EXPECT_EQ(d["state"], "closed");
  EXPECT_EQ(d["owner_dept"], "dept_prop");
  EXPECT_EQ(d["fixed_by"], "deptp");
  EXPECT_EQ(d["closed_by"], "worker1");
  EXPECT_EQ(d["closed_at"], kT0 + 5 * kHour);
  EXPECT_EQ(EventTypes(d),
            (std::vector<std::string>{"item.opened", "item.assigned", "item.fixed", "item.closed"}));
}

TEST_F(ItemTest, VerifierIsNeverTheFixer) {
  std::string id = ItemIn("assigned");
  Fix(id, "worker1");
  std::string before = Digest();
  EXPECT_ERR(Exec("worker1", "item.verify", {{"item_id", id}, {"evidence", {Sha(3)}}}),
             "failed_precondition", "item.verifier_is_fixer");
  EXPECT_EQ(Digest(), before);
  EXPECT_EQ(ItemState(id), "fixed");
  EXPECT_OK(Exec("head1", "item.verify", {{"item_id", id}, {"evidence", {Sha(3)}}}));
}

TEST_F(ItemTest, VerifierIsNeverTheFixerEvenAfterAReject) {
  std::string id = ItemIn("assigned");
  Fix(id, "head1");
  MustExec("worker1", "item.reject_fix", {{"item_id", id}, {"reason", "not done"}});
  Fix(id, "worker1");
  EXPECT_ERR(Exec("worker1", "item.verify", {{"item_id", id}, {"evidence", {Sha(3)}}}),
             "failed_precondition", "item.verifier_is_fixer");
  EXPECT_OK(Exec("head1", "item.verify", {{"item_id", id}, {"evidence", {Sha(3)}}}));
}

TEST_F(ItemTest, ImmediateFixIsFixedByItsOpenerWithEvidence) {
  Json r = MustExec("worker1", "item.open",
                    {{"item_id", "quick"}, {"household_id", "h2"}, {"category", "fire_safety"},
                     {"title", "Flying wire"}, {"photos", {Sha(10)}}, {"fixed_evidence", {Sha(11)}}});
  EXPECT_EQ(r["state"], "fixed");
  Json d = ItemDetail("quick");
  EXPECT_EQ(d["state"], "fixed");
  EXPECT_EQ(d["fixed_by"], "worker1");
  ASSERT_EQ(d["events"].size(), 2u);
  EXPECT_EQ(d["events"][0]["evidence"], Json({Sha(10)}));
  EXPECT_EQ(d["events"][1]["type"], "item.fixed");
  EXPECT_EQ(d["events"][1]["reason"], "immediate_fix");
  EXPECT_EQ(d["events"][1]["evidence"], Json({Sha(11)}));
  EXPECT_ERR(Exec("worker1", "item.verify", {{"item_id", "quick"}, {"evidence", {Sha(12)}}}),
             "failed_precondition", "item.verifier_is_fixer");
  EXPECT_OK(Exec("captain1", "item.verify", {{"item_id", "quick"}, {"evidence", {Sha(12)}}}));
}

TEST_F(ItemTest, ImmediateFixNeedsValidEvidence) {
  std::string before = Digest();
  EXPECT_ERR(Exec("worker1", "item.open",
                  {{"item_id", "q"}, {"household_id", "h2"}, {"category", "c"}, {"title", "t"},
                   {"fixed_evidence", {"not-a-digest"}}}),
             "invalid_argument", "argument.invalid_sha256");
  EXPECT_EQ(Digest(), before);
  // No evidence: not an immediate fix, just an open item.
  Json r = MustExec("worker1", "item.open", {{"item_id", "q"}, {"household_id", "h2"},
                                             {"category", "c"}, {"title", "t"},
                                             {"fixed_evidence", Json::array()}});
  EXPECT_EQ(r["state"], "open");
}

TEST_F(ItemTest, EvidenceRequiredToMarkFixedAndToVerify) {
  std::string id = ItemIn("assigned");
  for (const char* type : {"item.mark_fixed"}) {
    std::string before = Digest();
    EXPECT_ERR(Exec("deptp", type, {{"item_id", id}}), "invalid_argument", "argument.missing");
    EXPECT_ERR(Exec("deptp", type, {{"item_id", id}, {"evidence", Json::array()}}),
               "invalid_argument", "evidence.required");
    EXPECT_ERR(Exec("deptp", type, {{"item_id", id}, {"evidence", {"ABC"}}}), "invalid_argument",
               "argument.invalid_sha256");
    EXPECT_EQ(Digest(), before);
  }
  Fix(id);
  std::string before = Digest();
  EXPECT_ERR(Exec("head1", "item.verify", {{"item_id", id}}), "invalid_argument",
             "argument.missing");
  EXPECT_ERR(Exec("head1", "item.verify", {{"item_id", id}, {"evidence", Json::array()}}),
             "invalid_argument", "evidence.required");
  EXPECT_ERR(Exec("head1", "item.verify", {{"item_id", id}, {"evidence", nullptr}}),
             "invalid_argument", "argument.missing");
  EXPECT_EQ(Digest(), before);
  EXPECT_EQ(ItemState(id), "fixed");
}

TEST_F(ItemTest, ReasonRequiredToRejectAndToReopen) {
  std::string fixed = ItemIn("fixed");
  std::string closed = ItemIn("closed");
  std::string before = Digest();
  EXPECT_ERR(Exec("head1", "item.reject_fix", {{"item_id", fixed}}), "invalid_argument",
             "argument.missing");
  EXPECT_ERR(Exec("head1", "item.reject_fix", {{"item_id", fixed}, {"reason", ""}}),
             "invalid_argument", "argument.empty");
  EXPECT_ERR(Exec("head1", "item.reopen", {{"item_id", closed}}), "invalid_argument",
             "argument.missing");
  EXPECT_ERR(Exec("head1", "item.reopen", {{"item_id", closed}, {"reason", ""}}),
             "invalid_argument", "argument.empty");
  EXPECT_ERR(Exec("head1", "item.reopen", {{"item_id", closed}, {"reason", 5}}),
             "invalid_argument", "argument.wrong_type");
  EXPECT_EQ(Digest(), before);
  MustExec("head1", "item.reject_fix", {{"item_id", fixed}, {"reason", "still dirty"}});
  Json d = ItemDetail(fixed);
  EXPECT_EQ(d["state"], "assigned");
  EXPECT_TRUE(d["fixed_by"].is_null());
  EXPECT_EQ(d["events"].back()["type"], "item.fix_rejected");
  EXPECT_EQ(d["events"].back()["reason"], "still dirty");
}

TEST_F(ItemTest, ReopenByGridHeadOnly) {
  std::string closed = ItemIn("closed");
  for (const char* actor : {"worker1", "captain1", "resident1", "deptp"}) {
    EXPECT_ERR(Exec(actor, "item.reopen", {{"item_id", closed}, {"reason", "back"}}),
               "permission_denied", "permission.denied");
  }
  Json r = MustExec("head1", "item.reopen",
                    {{"item_id", closed}, {"reason", "back again"}, {"deadline", kT0 + 20 * kDay}});
  EXPECT_EQ(r["state"], "assigned");
  Json d = ItemDetail(closed);
  EXPECT_EQ(d["reopen_count"], 1);
  EXPECT_TRUE(d["closed_at"].is_null());
  EXPECT_TRUE(d["closed_by"].is_null());
  EXPECT_EQ(d["deadline"], kT0 + 20 * kDay);
  EXPECT_EQ(d["events"].back()["type"], "item.reopened");
  EXPECT_EQ(d["events"].back()["reason"], "back again");
  for (const char* state : {"open", "assigned", "fixed"}) {
    EXPECT_ERR(Exec("head1", "item.reopen", {{"item_id", ItemIn(state)}, {"reason", "x"}}),
               "failed_precondition", "item.not_closed");
  }
}

TEST_F(ItemTest, AClosedItemMovesOnlyThroughReopen) {
  std::string id = ItemIn("closed");
  std::string before = Digest();
  struct Case { const char* type; Json payload; } cases[] = {
      {"item.assign", {{"owner_dept", "dept_fire"}, {"deadline", kT0 + kDay}}},
      {"item.mark_fixed", {{"evidence", {Sha(5)}}}},
      {"item.verify", {{"evidence", {Sha(5)}}}},
      {"item.reject_fix", {{"reason", "x"}}},
      {"item.escalate", {{"department_id", "dept_fire"}, {"deadline", kT0 + kDay}, {"reason", "x"}}},
  };
  for (auto& c : cases) {
    c.payload["item_id"] = id;
    EXPECT_ERR(Exec("admin", c.type, c.payload), "failed_precondition", "item.closed");
  }
  EXPECT_EQ(Digest(), before);
  EXPECT_EQ(ItemState(id), "closed");
  // A comment is not a move.
  EXPECT_OK(Exec("head1", "item.comment", {{"item_id", id}, {"text", "noted"}}));
  EXPECT_EQ(ItemState(id), "closed");
  MustExec("head1", "item.reopen", {{"item_id", id}, {"reason", "recurred"}});
  EXPECT_EQ(ItemState(id), "assigned");
}

TEST_F(ItemTest, AcknowledgeOnAClosedEscalatedItemIsClosed) {
  std::string id = ItemIn("assigned");
  MustExec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_fire"},
                                      {"deadline", kT0 + kDay}, {"reason", "big"}});
  Fix(id);
  Close(id);
  EXPECT_ERR(Exec("deptf", "item.acknowledge", {{"item_id", id}}), "failed_precondition",
             "item.closed");
}

TEST_F(ItemTest, IllegalTransitions) {
  std::string open = ItemIn("open");
  std::string fixed = ItemIn("fixed");
  EXPECT_ERR(Exec("head1", "item.verify", {{"item_id", open}, {"evidence", {Sha(1)}}}),
             "failed_precondition", "item.illegal_transition");
  EXPECT_ERR(Exec("head1", "item.reject_fix", {{"item_id", open}, {"reason", "x"}}),
             "failed_precondition", "item.illegal_transition");
  EXPECT_ERR(Exec("head1", "item.mark_fixed", {{"item_id", fixed}, {"evidence", {Sha(1)}}}),
             "failed_precondition", "item.illegal_transition");
  EXPECT_ERR(Exec("head1", "item.assign",
                  {{"item_id", fixed}, {"owner_dept", "dept_fire"}, {"deadline", kT0 + kDay}}),
             "failed_precondition", "item.illegal_transition");
  EXPECT_ERR(Exec("head1", "item.escalate", {{"item_id", fixed}, {"department_id", "dept_fire"},
                                             {"deadline", kT0 + kDay}, {"reason", "x"}}),
             "failed_precondition", "item.illegal_transition");
  // An open item may be fixed without being assigned first (by someone in
  // scope; a department owns nothing yet).
  EXPECT_ERR(Exec("deptp", "item.mark_fixed", {{"item_id", open}, {"evidence", {Sha(1)}}}),
             "permission_denied", "permission.denied");
  EXPECT_OK(Exec("worker1", "item.mark_fixed", {{"item_id", open}, {"evidence", {Sha(1)}}}));
}

TEST_F(ItemTest, AssignNeedsExactlyOneKnownOwner) {
  std::string id = ItemIn("open");
  std::string before = Digest();
  EXPECT_ERR(Exec("head1", "item.assign", {{"item_id", id}, {"deadline", kT0 + kDay}}),
             "invalid_argument", "item.owner_required");
  EXPECT_ERR(Exec("head1", "item.assign", {{"item_id", id}, {"owner_person", "deptp"},
                                           {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}}),
             "invalid_argument", "item.owner_required");
  EXPECT_ERR(Exec("head1", "item.assign",
                  {{"item_id", id}, {"owner_person", "ghost"}, {"deadline", kT0 + kDay}}),
             "not_found", "person.not_found");
  EXPECT_ERR(Exec("head1", "item.assign",
                  {{"item_id", id}, {"owner_dept", "dept_x"}, {"deadline", kT0 + kDay}}),
             "not_found", "department.not_found");
  EXPECT_ERR(Exec("head1", "item.assign", {{"item_id", id}, {"owner_dept", "dept_prop"}}),
             "invalid_argument", "argument.missing");
  EXPECT_ERR(Exec("head1", "item.assign",
                  {{"item_id", "nope"}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}}),
             "not_found", "item.not_found");
  EXPECT_EQ(Digest(), before);
  // Reassigning replaces the owner.
  MustExec("head1", "item.assign",
           {{"item_id", id}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}});
  MustExec("head1", "item.assign",
           {{"item_id", id}, {"owner_person", "worker1"}, {"deadline", kT0 + 2 * kDay}});
  Json d = ItemDetail(id);
  EXPECT_TRUE(d["owner_dept"].is_null());
  EXPECT_EQ(d["owner_person"], "worker1");
  EXPECT_EQ(d["deadline"], kT0 + 2 * kDay);
}

TEST_F(ItemTest, OwnerPersonFixesWithoutARole) {
  std::string id = ItemIn("open");
  MustExec("head1", "item.assign",
           {{"item_id", id}, {"owner_person", "nobody"}, {"deadline", kT0 + kDay}});
  EXPECT_OK(Exec("nobody", "item.mark_fixed", {{"item_id", id}, {"evidence", {Sha(4)}}}));
  EXPECT_ERR(Exec("nobody", "item.verify", {{"item_id", id}, {"evidence", {Sha(4)}}}),
             "permission_denied", "permission.denied");
  MustQuery("nobody", "item.detail", {{"item_id", id}});
  Json mine = MustQuery("nobody", "items.checklist", {{"owner_person", "nobody"}, {"now", kT0}});
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_ERR(Query("nobody", "items.checklist", {{"owner_person", "worker1"}, {"now", kT0}}),
             "permission_denied", "permission.denied");
}

TEST_F(ItemTest, EscalateAndAcknowledge) {
  std::string id = ItemIn("assigned");
  EXPECT_ERR(Exec("deptf", "item.acknowledge", {{"item_id", id}}), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Exec("admin", "item.acknowledge", {{"item_id", id}}), "failed_precondition",
             "item.not_escalated");
  EXPECT_ERR(Exec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_fire"},
                                             {"deadline", kT0 + kDay}}),
             "invalid_argument", "argument.missing");
  MustExec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_fire"},
                                      {"deadline", kT0 + kDay}, {"reason", "needs the bureau"}});
  EXPECT_ERR(Exec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_fire"},
                                             {"deadline", kT0 + kDay}, {"reason", "again"}}),
             "failed_precondition", "item.already_escalated");
  // The escalated department now reads the item and its list.
  Json list = MustQuery("deptf", "items.checklist", {{"owner_dept", "dept_fire"}, {"now", kT0}});
  ASSERT_EQ(list["items"].size(), 1u);
  MustExec("deptf", "item.acknowledge", {{"item_id", id}, {"note", "on our way"}},
           kT0 + kHour);
  EXPECT_ERR(Exec("deptf", "item.acknowledge", {{"item_id", id}}), "failed_precondition",
             "item.already_acknowledged");
  Json d = ItemDetail(id);
  EXPECT_EQ(d["escalated_to"], "dept_fire");
  EXPECT_EQ(d["acknowledged_at"], kT0 + kHour);
  EXPECT_EQ(d["state"], "assigned") << "escalation does not change the state";
  // Once acknowledged, it may be escalated again (to someone else).
  EXPECT_OK(Exec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_prop"},
                                            {"deadline", kT0 + kDay}, {"reason", "next"}}));
  EXPECT_TRUE(ItemDetail(id)["acknowledged_at"].is_null());
}

TEST_F(ItemTest, CommentAnyStateWithPhotos) {
  for (const char* state : {"open", "assigned", "fixed", "closed"}) {
    std::string id = ItemIn(state);
    MustExec("resident1", "item.comment", {{"item_id", id}, {"text", "谢谢"}, {"photos", {Sha(9)}}});
    Json d = ItemDetail(id);
    EXPECT_EQ(d["state"], state);
    EXPECT_EQ(d["events"].back()["type"], "item.commented");
    EXPECT_EQ(d["events"].back()["data"]["text"], "谢谢");
    EXPECT_EQ(d["events"].back()["evidence"], Json({Sha(9)}));
  }
  EXPECT_ERR(Exec("resident1", "item.comment", {{"item_id", ItemIn("open")}}), "invalid_argument",
             "argument.missing");
  EXPECT_ERR(Exec("resident4", "item.comment", {{"item_id", ItemIn("open")}, {"text", "x"}}),
             "permission_denied", "permission.denied");
}

TEST_F(ItemTest, OpenPlacesAndTheirChecks) {
  // At a building, at a micro-grid.
  MustExec("captain1", "item.open",
           {{"item_id", "at_b"}, {"building_id", "b1"}, {"category", "c"}, {"title", "t"}});
  Json b = ItemDetail("at_b");
  EXPECT_EQ(b["microgrid_id"], "mg1");
  EXPECT_EQ(b["building_id"], "b1");
  EXPECT_TRUE(b["household_id"].is_null());
  MustExec("worker1", "item.open",
           {{"item_id", "at_mg"}, {"microgrid_id", "mg1"}, {"category", "c"}, {"title", "t"}});
  EXPECT_TRUE(ItemDetail("at_mg")["building_id"].is_null());
  // A captain cannot open an item that is not at their building.
  EXPECT_ERR(Exec("captain1", "item.open",
                  {{"item_id", "x"}, {"microgrid_id", "mg1"}, {"category", "c"}, {"title", "t"}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("worker1", "item.open", {{"item_id", "x"}, {"household_id", "h1"},
                                           {"microgrid_id", "mg2"}, {"category", "c"},
                                           {"title", "t"}}),
             "invalid_argument", "item.place_mismatch");
  EXPECT_ERR(Exec("worker1", "item.open", {{"item_id", "x"}, {"category", "c"}, {"title", "t"}}),
             "invalid_argument", "argument.missing");
  EXPECT_ERR(Exec("worker1", "item.open", {{"item_id", "at_b"}, {"household_id", "h1"},
                                           {"category", "c"}, {"title", "t"}}),
             "conflict", "item.exists");
  EXPECT_ERR(Exec("worker1", "item.open",
                  {{"item_id", "x"}, {"microgrid_id", "g1"}, {"category", "c"}, {"title", "t"}}),
             "invalid_argument", "region.wrong_level");
}

TEST_F(ItemTest, OverdueIsDerivedFromDeadlinesAndNow) {
  std::string id = ItemIn("open");
  MustExec("head1", "item.assign",
           {{"item_id", id}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}});
  std::string before = Digest();
  auto overdue_at = [&](int64_t now) {
    return MustQuery("admin", "item.detail", {{"item_id", id}, {"now", now}})["overdue"];
  };
  EXPECT_EQ(overdue_at(kT0), false);
  EXPECT_EQ(overdue_at(kT0 + kDay), false);
  EXPECT_EQ(overdue_at(kT0 + kDay + 1), true);
  EXPECT_FALSE(ItemDetail(id).contains("overdue")) << "no now, no overdue";
  EXPECT_EQ(Digest(), before) << "overdue is never stored";
  Fix(id, "deptp", kT0 + 2 * kDay);
  EXPECT_EQ(overdue_at(kT0 + 3 * kDay), false) << "a fixed item is not overdue";
}

TEST_F(ItemTest, UnacknowledgedEscalationIsOverdue) {
  std::string id = ItemIn("open");
  MustExec("head1", "item.escalate", {{"item_id", id}, {"department_id", "dept_fire"},
                                      {"deadline", kT0 + kDay}, {"reason", "r"}});
  auto overdue_at = [&](int64_t now) {
    return MustQuery("admin", "item.detail", {{"item_id", id}, {"now", now}})["overdue"];
  };
  EXPECT_EQ(overdue_at(kT0 + kDay - 1), false);
  EXPECT_EQ(overdue_at(kT0 + kDay + 1), true);
  MustExec("deptf", "item.acknowledge", {{"item_id", id}}, kT0 + 2 * kDay);
  EXPECT_EQ(overdue_at(kT0 + 3 * kDay), false);
}

TEST_F(ItemTest, ChecklistListsOverdueFirst) {
  // Opened in this order; deadlines: far, none, passed, passed-but-fixed.
  std::string far = OpenItem("h1", "worker1", kT0, {{"deadline", kT0 + 30 * kDay}});
  std::string none = OpenItem("h1", "worker1", kT0 + 1);
  std::string late = OpenItem("h2", "worker1", kT0 + 2, {{"deadline", kT0 + kDay}});
  std::string fixed = OpenItem("h2", "worker1", kT0 + 3, {{"deadline", kT0 + kDay}});
  Fix(fixed, "worker1");
  std::string closed = ItemIn("closed");
  auto ids = [](const Json& list) {
    std::vector<std::string> out;
    for (const Json& i : list["items"]) out.push_back(i["id"]);
    return out;
  };
  Json now = MustQuery("captain1", "items.checklist", {{"building_id", "b1"}, {"now", kT0 + 2 * kDay}});
  EXPECT_EQ(ids(now), (std::vector<std::string>{late, fixed, far, none}));
  EXPECT_EQ(now["overdue"], 1);
  EXPECT_EQ(now["items"][0]["overdue"], true);
  EXPECT_EQ(now["items"][1]["overdue"], false);
  // Before the deadline nothing is overdue: deadline order.
  Json early = MustQuery("worker1", "items.checklist", {{"microgrid_id", "mg1"}, {"now", kT0}});
  EXPECT_EQ(early["overdue"], 0);
  EXPECT_EQ(ids(early).front(), late);
  EXPECT_EQ(ids(early).size(), 4u) << "closed items are left out by default";
  Json all = MustQuery("worker1", "items.checklist",
                       {{"microgrid_id", "mg1"}, {"now", kT0}, {"include_closed", true}});
  EXPECT_EQ(ids(all).size(), 5u);
  EXPECT_EQ(ids(all).back(), closed);
  Json limited = MustQuery("worker1", "items.checklist",
                           {{"microgrid_id", "mg1"}, {"now", kT0 + 2 * kDay}, {"limit", 1}});
  EXPECT_EQ(ids(limited), (std::vector<std::string>{late}));
}

TEST_F(ItemTest, ChecklistScopes) {
  std::string id = ItemIn("assigned");
  EXPECT_OK(Query("captain1", "items.checklist", {{"building_id", "b1"}, {"now", kT0}}));
  EXPECT_ERR(Query("captain3", "items.checklist", {{"building_id", "b1"}, {"now", kT0}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Query("worker2", "items.checklist", {{"microgrid_id", "mg1"}, {"now", kT0}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Query("captain1", "items.checklist", {{"microgrid_id", "mg1"}, {"now", kT0}}),
             "permission_denied", "permission.denied");
  Json dept = MustQuery("deptp", "items.checklist", {{"owner_dept", "dept_prop"}, {"now", kT0}});
  ASSERT_EQ(dept["items"].size(), 1u);
  EXPECT_EQ(dept["items"][0]["id"], id);
  EXPECT_ERR(Query("deptf", "items.checklist", {{"owner_dept", "dept_prop"}, {"now", kT0}}),
             "permission_denied", "permission.denied");
  EXPECT_OK(Query("admin", "items.checklist", {{"owner_dept", "dept_prop"}, {"now", kT0}}));
  EXPECT_ERR(Query("resident1", "item.detail", {{"item_id", ItemIn("open", "h3")}}),
             "permission_denied", "permission.denied");
  EXPECT_OK(Query("resident1", "item.detail", {{"item_id", id}}));
}

}  // namespace
}  // namespace weige::testing
