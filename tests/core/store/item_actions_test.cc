// The actions the core offers on an item (item.detail and items.checklist
// `actions`) agree exactly with what Execute then allows: for every person of
// the test world, every item state and every item command, the command with a
// valid payload succeeds if and only if it is offered.
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using ItemActionsTest = WorldTest;

const char* const kPeople[] = {"radmin", "head1",    "head2",     "worker1",   "worker2",
                               "worker3", "captain1", "captain3", "resident1", "resident4",
                               "deptp",   "deptf",    "nobody"};

Json ValidPayload(const std::string& type, const std::string& item) {
  Json p = {{"item_id", item}};
  if (type == "item.assign") {
    p["owner_dept"] = "dept_prop";
    p["deadline"] = kT0 + 3 * kDay;
  } else if (type == "item.mark_fixed" || type == "item.verify") {
    p["evidence"] = {Sha(40)};
  } else if (type == "item.reject_fix" || type == "item.reopen") {
    p["reason"] = "still broken";
  } else if (type == "item.escalate") {
    p["department_id"] = "dept_fire";
    p["deadline"] = kT0 + 2 * kDay;
    p["reason"] = "beyond the grid";
  } else if (type == "item.comment") {
    p["text"] = "seen";
  }
  return p;
}

bool Offered(const Json& actions, const std::string& type) {
  for (const Json& a : actions) {
    if (a == type) return true;
  }
  return false;
}

// Runs `type` inside a savepoint that is then rolled back: whether it would
// be accepted, with nothing kept.
bool WouldAccept(store::Store& s, const std::string& actor, const std::string& type,
                 const std::string& item, Result* r) {
  store::Transaction probe;
  EXPECT_TRUE(s.Begin(&probe).ok());
  *r = s.Execute(Cmd("probe-" + actor + "-" + type + "-" + item, type, actor, kT0 + kHour,
                     ValidPayload(type, item)));
  probe.Rollback();
  return r->ok();
}

TEST_F(ItemActionsTest, OfferedExactlyWhenExecuteAllows) {
  std::vector<std::string> items = {ItemIn("open"), ItemIn("assigned"), ItemIn("fixed"),
                                    ItemIn("closed"), ItemIn("open", "h4")};
  std::string escalated = ItemIn("assigned");
  MustExec("head1", "item.escalate",
           {{"item_id", escalated}, {"department_id", "dept_fire"}, {"deadline", kT0 + kDay},
            {"reason", "fire lane blocked"}});
  items.push_back(escalated);
  const char* const types[] = {"item.assign",   "item.mark_fixed", "item.verify",
                               "item.reject_fix", "item.reopen",   "item.escalate",
                               "item.acknowledge", "item.comment"};
  int offered = 0, checked = 0;
  for (const char* person : kPeople) {
    for (const std::string& item : items) {
      Result d = Query(person, "item.detail", {{"item_id", item}, {"now", kT0}});
      for (const char* type : types) {
        Result r;
        bool accepted = WouldAccept(store(), person, type, item, &r);
        bool listed = d.ok() && Offered(d.value["actions"], type);
        EXPECT_EQ(listed, accepted) << person << " " << type << " on " << item << " ("
                                    << ItemState(item) << "): " << Describe(r);
        offered += listed;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 13 * 6 * 8);
  EXPECT_GT(offered, 40);  // the matrix is not trivially empty
}

TEST_F(ItemActionsTest, TheFixerIsNeverOfferedVerifyOrReject) {
  std::string id = ItemIn("assigned");
  Fix(id, "worker1");
  Json mine = MustQuery("worker1", "item.detail", {{"item_id", id}});
  EXPECT_FALSE(Offered(mine["actions"], "item.verify"));
  EXPECT_FALSE(Offered(mine["actions"], "item.reject_fix"));
  EXPECT_TRUE(Offered(mine["actions"], "item.comment"));
  Json head = MustQuery("head1", "item.detail", {{"item_id", id}});
  EXPECT_TRUE(Offered(head["actions"], "item.verify"));
  EXPECT_TRUE(Offered(head["actions"], "item.reject_fix"));
}

TEST_F(ItemActionsTest, ChecklistRowsCarryTheSameActionsAsTheDetail) {
  std::string fixed = ItemIn("fixed");
  std::string closed = ItemIn("closed");
  ItemIn("open");
  for (const char* person : {"head1", "worker1", "captain1"}) {
    Json list = MustQuery(person, "items.checklist",
                          {{"building_id", "b1"}, {"now", kT0}, {"include_closed", true}});
    ASSERT_GE(list["items"].size(), 3u) << person;
    for (const Json& row : list["items"]) {
      Json d = MustQuery(person, "item.detail", {{"item_id", row["id"]}});
      EXPECT_EQ(row["actions"], d["actions"]) << person << " " << row["id"];
    }
  }
  Json worker = MustQuery("worker1", "item.detail", {{"item_id", closed}});
  EXPECT_FALSE(Offered(worker["actions"], "item.reopen"));
  Json head = MustQuery("head1", "item.detail", {{"item_id", closed}});
  EXPECT_TRUE(Offered(head["actions"], "item.reopen"));
  (void)fixed;
}

}  // namespace
}  // namespace weige::testing
