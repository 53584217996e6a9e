// Permission by role and scope for every command. Each case runs inside a
// transaction that is rolled back, so every case starts from the same world.
#include <functional>
#include <set>

#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

const char* const kActors[] = {"admin",    "radmin",    "head1",     "head2",  "worker1",
                               "worker2",  "worker3",   "captain1",  "captain3",
                               "resident1", "resident4", "deptp",    "deptf",  "nobody"};

class PermissionTest : public WorldTest {
 protected:
  // Runs `setup` (as whoever it needs) then `type` with the payload `make`
  // returns, as each actor; expects exactly `allowed` to succeed and everyone
  // else to get permission_denied with nothing written.
  void Check(const std::string& type, const std::function<Json()>& setup,
             const std::set<std::string>& allowed, const char* denied_reason = "permission.denied") {
    for (const char* actor : kActors) {
      store::Transaction probe;  // rolled back at the end of each turn
      ASSERT_TRUE(store().Begin(&probe).ok());
      Json payload = setup();
      std::string before = Digest();
      Result r = Exec(actor, type, payload, kT0 + kDay);
      if (allowed.count(actor)) {
        EXPECT_TRUE(r.ok()) << type << " by " << actor << ": " << Describe(r);
      } else {
        EXPECT_FALSE(r.ok()) << type << " by " << actor << " should be denied";
        EXPECT_EQ(std::string(CodeName(r.status.code)), "permission_denied")
            << type << " by " << actor << ": " << Describe(r);
        EXPECT_EQ(r.status.reason, denied_reason) << type << " by " << actor;
        EXPECT_EQ(Digest(), before) << type << " by " << actor << " wrote something";
      }
    }
  }
  static std::function<Json()> Fixed(Json payload) {
    return [payload] { return payload; };
  }
};

TEST_F(PermissionTest, RegionUpsert) {
  Check("region.upsert",
        Fixed({{"id", "mg9"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "g1"}}),
        {"admin"});
}

TEST_F(PermissionTest, DepartmentUpsertByTheAdministratorOfEverything) {
  Check("department.upsert", Fixed({{"id", "dept_new"}, {"name", "x"}, {"kind", "utility"}}),
        {"admin"});
}

TEST_F(PermissionTest, NewPersonByAnyAdministrator) {
  Check("person.upsert", Fixed({{"id", "p_new"}, {"name", "x"}}), {"admin", "radmin"});
}

TEST_F(PermissionTest, ExistingPersonOnlyByAnAdministratorOverAllTheirGrants) {
  // head1 heads g1, outside radmin's g2; worker3 works in mg3, inside it.
  Check("person.upsert", Fixed({{"id", "head1"}, {"name", "Renamed"}}), {"admin"});
  Check("person.upsert", Fixed({{"id", "worker3"}, {"name", "Renamed"}}), {"admin", "radmin"});
  Check("person.upsert", Fixed({{"id", "deptp"}, {"name", "Renamed"}}), {"admin"});
}

TEST_F(PermissionTest, TemplatePublishByTheAdministratorOfEverything) {
  Check("template.publish", Fixed({{"template", DoorTemplate(2)}}), {"admin"});
}

TEST_F(PermissionTest, BuildingUpsert) {
  Check("building.upsert", Fixed({{"id", "b9"}, {"microgrid_id", "mg1"}, {"name", "x"}}),
        {"admin", "head1"});
}

TEST_F(PermissionTest, HouseholdUpsert) {
  Check("household.upsert", Fixed({{"id", "h9"}, {"building_id", "b1"}, {"room", "909"}}),
        {"admin", "head1", "worker1"});
}

TEST_F(PermissionTest, RoleGrantAndRevoke) {
  Check("role.grant", Fixed({{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg1"}}),
        {"admin"});
  Check("role.revoke", Fixed({{"person_id", "worker1"}, {"role", "worker"}, {"scope_id", "mg1"}}),
        {"admin"});
}

TEST_F(PermissionTest, ItemOpen) {
  Check("item.open",
        Fixed({{"item_id", "i9"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}}),
        {"admin", "head1", "worker1", "captain1"});
}

TEST_F(PermissionTest, ItemAssign) {
  Check("item.assign",
        [this] {
          return Json{{"item_id", ItemIn("open")}, {"owner_dept", "dept_prop"},
                      {"deadline", kT0 + 9 * kDay}};
        },
        {"admin", "head1", "worker1"});
}

TEST_F(PermissionTest, ItemMarkFixedByScopeOrOwningDepartment) {
  Check("item.mark_fixed",
        [this] { return Json{{"item_id", ItemIn("assigned")}, {"evidence", {Sha(7)}}}; },
        {"admin", "head1", "worker1", "captain1", "deptp"});
}

TEST_F(PermissionTest, ItemMarkFixedByOwnerPerson) {
  Check("item.mark_fixed",
        [this] {
          std::string id = ItemIn("open");
          MustExec("head1", "item.assign",
                   {{"item_id", id}, {"owner_person", "nobody"}, {"deadline", kT0 + kDay}});
          return Json{{"item_id", id}, {"evidence", {Sha(7)}}};
        },
        {"admin", "head1", "worker1", "captain1", "nobody"});
}

TEST_F(PermissionTest, ItemVerify) {
  Check("item.verify",
        [this] { return Json{{"item_id", ItemIn("fixed")}, {"evidence", {Sha(8)}}}; },
        {"admin", "head1", "worker1", "captain1"});
}

TEST_F(PermissionTest, ItemRejectFix) {
  Check("item.reject_fix",
        [this] { return Json{{"item_id", ItemIn("fixed")}, {"reason", "still broken"}}; },
        {"admin", "head1", "worker1", "captain1"});
}

TEST_F(PermissionTest, ItemReopen) {
  Check("item.reopen",
        [this] { return Json{{"item_id", ItemIn("closed")}, {"reason", "came back"}}; },
        {"admin", "head1"});
}

TEST_F(PermissionTest, ItemEscalate) {
  Check("item.escalate",
        [this] {
          return Json{{"item_id", ItemIn("open")}, {"department_id", "dept_fire"},
                      {"deadline", kT0 + 3 * kDay}, {"reason", "beyond the grid"}};
        },
        {"admin", "head1", "worker1"});
}

TEST_F(PermissionTest, ItemAcknowledgeByTheDepartmentEscalatedTo) {
  Check("item.acknowledge",
        [this] {
          std::string id = ItemIn("open");
          MustExec("head1", "item.escalate",
                   {{"item_id", id}, {"department_id", "dept_fire"}, {"deadline", kT0 + kDay},
                    {"reason", "r"}});
          return Json{{"item_id", id}};
        },
        {"admin", "deptf"});
}

// The owning department must not acknowledge an escalation to another one:
// acknowledging clears the escalation's overdue flag for the department that
// has to act on it.
TEST_F(PermissionTest, ItemAcknowledgeNotByTheOwningDepartment) {
  Check("item.acknowledge",
        [this] {
          std::string id = ItemIn("assigned");  // owner_dept dept_prop
          MustExec("head1", "item.escalate",
                   {{"item_id", id}, {"department_id", "dept_fire"}, {"deadline", kT0 + kDay},
                    {"reason", "r"}});
          return Json{{"item_id", id}};
        },
        {"admin", "deptf"});
}

TEST_F(PermissionTest, ItemCommentByAnyoneWhoReadsIt) {
  Check("item.comment", [this] { return Json{{"item_id", ItemIn("open")}, {"text", "hello"}}; },
        {"admin", "head1", "worker1", "captain1", "resident1"});
  // The owning department reads (and comments on) its items.
  Check("item.comment", [this] { return Json{{"item_id", ItemIn("assigned")}, {"text", "hi"}}; },
        {"admin", "head1", "worker1", "captain1", "resident1", "deptp"});
}

TEST_F(PermissionTest, VisitRecord) {
  Check("visit.record",
        Fixed({{"visit_id", "v9"}, {"household_id", "h1"}, {"cycle", kCycle},
               {"outcome", "not_home"}}),
        {"admin", "head1", "worker1"});
}

TEST_F(PermissionTest, PatrolRecord) {
  Check("patrol.record", Fixed({{"patrol_id", "p9"}, {"building_id", "b1"}}),
        {"admin", "head1", "captain1"});
}

TEST_F(PermissionTest, ReportSubmitByResidentsOnly) {
  Check("report.submit",
        Fixed({{"report_id", "r9"}, {"category", "noise"}, {"description", "loud"},
               {"place", {{"address", "the square"}}}}),
        {"resident1", "resident4"});
}

TEST_F(PermissionTest, ReportEvaluateByTheReporterOnly) {
  Check("report.evaluate",
        [this] {
          Json r = MustExec("resident1", "report.submit",
                            {{"report_id", "r9"}, {"category", "noise"}, {"description", "loud"},
                             {"place", {{"building_id", "b1"}}}});
          std::string item = r["item_id"];
          Assign(item);
          Fix(item);
          Close(item);
          return Json{{"report_id", "r9"}, {"rating", 5}};
        },
        {"resident1"});
}

TEST_F(PermissionTest, AnUnknownActorIsNotFound) {
  for (const char* type : {"item.open", "person.upsert", "report.submit"}) {
    std::string before = Digest();
    EXPECT_ERR(Exec("ghost", type, Json::object()), "not_found", "actor.unknown");
    EXPECT_EQ(Digest(), before);
  }
}

}  // namespace
}  // namespace weige::testing
