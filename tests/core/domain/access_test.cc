#include "core/domain/access.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace weige {
namespace {

constexpr Role kRoles[] = {Role::kWorker,   Role::kGridHead,   Role::kCaptain,
                           Role::kResident, Role::kDepartment, Role::kAdmin};
constexpr Action kActions[] = {
    Action::kManageDirectory, Action::kManageBuilding, Action::kManageHousehold,
    Action::kVisit,           Action::kPatrol,         Action::kItemOpen,
    Action::kItemAssign,      Action::kItemFix,        Action::kItemVerify,
    Action::kItemReopen,      Action::kItemEscalate,   Action::kItemAcknowledge,
    Action::kItemRead,        Action::kReportSubmit,   Action::kReportEvaluate,
    Action::kRegionRead,      Action::kBuildingLocate, Action::kReportDuplicate};

// The permission table of DESIGN.md: which roles may take each action inside
// their scope. Written out by hand so a change to access.cc must change this.
const std::map<Action, std::set<Role>>& Allowed() {
  using R = Role;
  static const std::map<Action, std::set<Role>> table = {
      {Action::kManageDirectory, {R::kAdmin}},
      {Action::kManageBuilding, {R::kAdmin, R::kGridHead}},
      {Action::kManageHousehold, {R::kAdmin, R::kGridHead, R::kWorker}},
      {Action::kVisit, {R::kAdmin, R::kGridHead, R::kWorker}},
      {Action::kPatrol, {R::kAdmin, R::kGridHead, R::kCaptain}},
      {Action::kItemOpen, {R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain}},
      {Action::kItemAssign, {R::kAdmin, R::kGridHead, R::kWorker}},
      {Action::kItemFix, {R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain, R::kDepartment}},
      {Action::kItemVerify, {R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain}},
      {Action::kItemReopen, {R::kAdmin, R::kGridHead}},
      {Action::kItemEscalate, {R::kAdmin, R::kGridHead, R::kWorker}},
      {Action::kItemAcknowledge, {R::kAdmin, R::kDepartment}},
      {Action::kItemRead,
       {R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain, R::kResident, R::kDepartment}},
      {Action::kReportSubmit, {R::kResident}},
      {Action::kReportEvaluate, {}},  // only the reporter, whatever their role
      {Action::kRegionRead, {R::kAdmin, R::kGridHead, R::kWorker}},
      {Action::kBuildingLocate, {R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain}},
      {Action::kReportDuplicate, {R::kAdmin, R::kGridHead}},
  };
  return table;
}

// A thing in micro-grid mg1 (grid g1), building b1, household h1, owned by
// department dept1 and escalated to it.
Target Inside() {
  Target t;
  t.regions = {"d1", "s1", "c1", "g1", "mg1"};
  t.building_id = "b1";
  t.household_id = "h1";
  t.owner_dept = "dept1";
  t.escalated_to = "dept1";
  return t;
}

// The same kinds of thing somewhere no grant of Scoped() reaches.
Target Outside() {
  Target t;
  t.regions = {"d1", "s1", "c1", "g2", "mg3"};
  t.building_id = "b4";
  t.household_id = "h6";
  t.owner_dept = "dept3";
  return t;
}

// A grant of `role` over the scope that covers Inside().
Grant Scoped(Role role) {
  switch (role) {
    case Role::kWorker: return {role, "mg1"};
    case Role::kGridHead: return {role, "g1"};
    case Role::kCaptain: return {role, "b1"};
    case Role::kResident: return {role, "h1"};
    case Role::kDepartment: return {role, "dept1"};
    case Role::kAdmin: return {role, "g1"};
  }
  return {role, ""};
}

TEST(AccessTest, RoleByActionInsideAndOutsideScope) {
  int checked = 0;
  for (Role role : kRoles) {
    Actor actor{"p1", {Scoped(role)}};
    for (Action action : kActions) {
      const bool allowed = Allowed().at(action).count(role) > 0;
      EXPECT_EQ(Can(actor, action, Inside()), allowed)
          << RoleName(role) << " " << ActionName(action) << " inside";
      // Outside the scope nothing is allowed, except that a resident reports
      // about any place (the store checks the household is theirs).
      const bool outside = action == Action::kReportSubmit && role == Role::kResident;
      EXPECT_EQ(Can(actor, action, Outside()), outside)
          << RoleName(role) << " " << ActionName(action) << " outside";
      checked += 2;
    }
  }
  EXPECT_EQ(checked, 6 * 18 * 2);
}

TEST(AccessTest, AdminOfEverythingReachesEverythingButResidentActions) {
  Actor admin{"root", {{Role::kAdmin, std::string(kEverywhere)}}};
  for (Action action : kActions) {
    const bool allowed = Allowed().at(action).count(Role::kAdmin) > 0;
    EXPECT_EQ(Can(admin, action, Inside()), allowed) << ActionName(action);
    EXPECT_EQ(Can(admin, action, Outside()), allowed) << ActionName(action);
    EXPECT_EQ(Can(admin, action, Target{}), allowed) << ActionName(action) << " unplaced";
  }
}

TEST(AccessTest, RegionalAdminAndGridHeadReachOnlyTheirSubtree) {
  Actor district_admin{"a", {{Role::kAdmin, "d1"}}};
  EXPECT_TRUE(Can(district_admin, Action::kManageDirectory, Inside()));
  EXPECT_TRUE(Can(district_admin, Action::kManageDirectory, Outside()));
  EXPECT_FALSE(Can(district_admin, Action::kManageDirectory, Target{}));
  Actor street_head{"h", {{Role::kGridHead, "s1"}}};
  EXPECT_TRUE(Can(street_head, Action::kItemReopen, Outside()));
  Actor other{"h", {{Role::kGridHead, "g9"}}};
  EXPECT_FALSE(Can(other, Action::kItemReopen, Inside()));
}

TEST(AccessTest, ScopeMatchesExactlyNotByPrefix) {
  Actor worker{"w", {{Role::kWorker, "mg"}}};
  EXPECT_FALSE(Can(worker, Action::kVisit, Inside()));
  Actor captain{"c", {{Role::kCaptain, "b"}}};
  EXPECT_FALSE(Can(captain, Action::kPatrol, Inside()));
}

TEST(AccessTest, CaptainAndResidentNeedAPlacedTarget) {
  Target mg_only;
  mg_only.regions = {"d1", "s1", "c1", "g1", "mg1"};
  Actor captain{"c", {{Role::kCaptain, "b1"}}};
  EXPECT_FALSE(Can(captain, Action::kItemFix, mg_only));
  Actor resident{"r", {{Role::kResident, "h1"}}};
  EXPECT_FALSE(Can(resident, Action::kItemRead, mg_only));
  Actor empty_captain{"c", {{Role::kCaptain, ""}}};
  EXPECT_FALSE(Can(empty_captain, Action::kItemFix, mg_only));
}

TEST(AccessTest, DepartmentReachesOwnedOrEscalatedItems) {
  Target t = Inside();
  t.escalated_to = "dept2";
  Actor owner{"d", {{Role::kDepartment, "dept1"}}};
  Actor escalated{"d", {{Role::kDepartment, "dept2"}}};
  Actor other{"d", {{Role::kDepartment, "dept3"}}};
  EXPECT_TRUE(Can(owner, Action::kItemFix, t));
  EXPECT_TRUE(Can(owner, Action::kItemRead, t));
  EXPECT_TRUE(Can(escalated, Action::kItemAcknowledge, t));
  EXPECT_TRUE(Can(escalated, Action::kItemFix, t));
  EXPECT_TRUE(Can(escalated, Action::kItemRead, t));
  EXPECT_FALSE(Can(other, Action::kItemFix, t));
  EXPECT_FALSE(Can(other, Action::kItemRead, t));
}

TEST(AccessTest, OnlyTheDepartmentEscalatedToAcknowledges) {
  Target t = Inside();
  t.escalated_to = "dept2";
  EXPECT_FALSE(Can(Actor{"d", {{Role::kDepartment, "dept1"}}}, Action::kItemAcknowledge, t))
      << "the owning department acknowledged another's escalation";
  t.escalated_to.clear();
  EXPECT_FALSE(Can(Actor{"d", {{Role::kDepartment, "dept1"}}}, Action::kItemAcknowledge, t));
  EXPECT_FALSE(Can(Actor{"d", {{Role::kDepartment, ""}}}, Action::kItemAcknowledge, t));
}

TEST(AccessTest, DepartmentWithEmptyScopeReachesNothing) {
  Target unowned = Inside();
  unowned.owner_dept.clear();
  unowned.escalated_to.clear();
  Actor empty{"d", {{Role::kDepartment, ""}}};
  EXPECT_FALSE(Can(empty, Action::kItemRead, unowned));
}

TEST(AccessTest, OwnerPersonMayFixAndReadOnly) {
  Target t = Outside();
  t.owner_person = "p9";
  Actor owner{"p9", {}};
  for (Action action : kActions) {
    const bool expected = action == Action::kItemFix || action == Action::kItemRead;
    EXPECT_EQ(Can(owner, action, t), expected) << ActionName(action);
  }
}

TEST(AccessTest, ReporterMayReadAndEvaluateOnly) {
  Target t = Outside();
  t.reporter = "r1";
  Actor reporter{"r1", {}};
  for (Action action : kActions) {
    const bool expected = action == Action::kItemRead || action == Action::kReportEvaluate;
    EXPECT_EQ(Can(reporter, action, t), expected) << ActionName(action);
  }
  // Another resident of the same household cannot evaluate it.
  Actor neighbour{"r2", {{Role::kResident, "h6"}}};
  EXPECT_FALSE(Can(neighbour, Action::kReportEvaluate, t));
  EXPECT_TRUE(Can(neighbour, Action::kItemRead, t));
}

TEST(AccessTest, EmptyPersonIdIsNoParty) {
  Target t;
  Actor anon{"", {}};
  for (Action action : kActions) EXPECT_FALSE(Can(anon, action, t)) << ActionName(action);
}

TEST(AccessTest, AnyGrantSuffices) {
  Actor both{"p", {{Role::kCaptain, "b9"}, {Role::kWorker, "mg1"}}};
  EXPECT_TRUE(Can(both, Action::kVisit, Inside()));
  EXPECT_TRUE(both.Has(Role::kCaptain));
  EXPECT_TRUE(both.Has(Role::kWorker));
  EXPECT_FALSE(both.Has(Role::kAdmin));
}

TEST(AccessTest, NoGrantsNoAccess) {
  Actor none{"p", {}};
  for (Action action : kActions) EXPECT_FALSE(Can(none, action, Inside())) << ActionName(action);
}

TEST(AccessTest, RoleNamesRoundTrip) {
  for (Role r : kRoles) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_EQ(ParseRole("king"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  std::set<std::string_view> names;
  for (Action a : kActions) names.insert(ActionName(a));
  EXPECT_EQ(names.size(), 18u);
}

TEST(AccessTest, CoversIsScopeOnly) {
  EXPECT_TRUE(Covers({Role::kResident, "h1"}, Inside()));
  EXPECT_FALSE(Covers({Role::kResident, "h1"}, Outside()));
  EXPECT_TRUE(Covers({Role::kAdmin, std::string(kEverywhere)}, Target{}));
  EXPECT_TRUE(Covers({Role::kWorker, "mg1"}, Inside()));
  EXPECT_FALSE(Covers({Role::kWorker, "b1"}, Inside()));
}

}  // namespace
}  // namespace weige
