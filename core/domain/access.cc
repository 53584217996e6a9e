#include "core/domain/access.h"

#include <algorithm>
#include <initializer_list>
#include <iterator>

namespace weige {

namespace {

constexpr std::string_view kRoleNames[] = {"worker",     "grid_head", "captain", "resident",
                                           "department", "admin",     "partner"};

bool InRegions(const Target& t, const std::string& id) {
  return std::find(t.regions.begin(), t.regions.end(), id) != t.regions.end();
}

bool RoleAllowed(Role role, Action action) {
  using R = Role;
  auto any = [role](std::initializer_list<Role> roles) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  switch (action) {
    case Action::kManageDirectory: return any({R::kAdmin});
    case Action::kManageBuilding: return any({R::kAdmin, R::kGridHead});
    case Action::kManageHousehold: return any({R::kAdmin, R::kGridHead, R::kWorker});
    case Action::kVisit: return any({R::kAdmin, R::kGridHead, R::kWorker});
    case Action::kPatrol: return any({R::kAdmin, R::kGridHead, R::kCaptain});
    case Action::kItemOpen: return any({R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain});
    case Action::kItemAssign: return any({R::kAdmin, R::kGridHead, R::kWorker});
    case Action::kItemFix:
      return any({R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain, R::kDepartment});
    case Action::kItemVerify: return any({R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain});
    case Action::kItemReopen: return any({R::kAdmin, R::kGridHead});
    case Action::kItemEscalate: return any({R::kAdmin, R::kGridHead, R::kWorker});
    case Action::kItemAcknowledge: return any({R::kAdmin, R::kDepartment});
    case Action::kItemRead: return role != R::kPartner;  // scope decides
    case Action::kReportSubmit: return any({R::kResident, R::kPartner});
    case Action::kReportEvaluate: return any({R::kResident});
    case Action::kRegionRead: return any({R::kAdmin, R::kGridHead, R::kWorker});
    case Action::kBuildingLocate:
      return any({R::kAdmin, R::kGridHead, R::kWorker, R::kCaptain});
    case Action::kReportDuplicate: return any({R::kAdmin, R::kGridHead});
  }
  return false;
}

}  // namespace

std::string_view RoleName(Role r) { return kRoleNames[static_cast<int>(r)]; }

std::optional<Role> ParseRole(std::string_view s) {
  for (int i = 0; i < static_cast<int>(std::size(kRoleNames)); ++i) {
    if (kRoleNames[i] == s) return static_cast<Role>(i);
  }
  return std::nullopt;
}

bool Actor::Has(Role r) const {
  return std::any_of(grants.begin(), grants.end(), [r](const Grant& g) { return g.role == r; });
}

std::string_view ActionName(Action a) {
  constexpr std::string_view kNames[] = {
      "manage_directory", "manage_building", "manage_household", "visit",       "patrol",
      "item_open",        "item_assign",     "item_fix",         "item_verify", "item_reopen",
      "item_escalate",    "item_acknowledge", "item_read",       "report_submit",
      "report_evaluate",  "region_read",     "building_locate",
      "report_duplicate"};
  return kNames[static_cast<int>(a)];
}

bool Covers(const Grant& g, const Target& t) {
  switch (g.role) {
    case Role::kAdmin:
      return g.scope_id == kEverywhere || InRegions(t, g.scope_id);
    case Role::kGridHead:
    case Role::kWorker:
      return InRegions(t, g.scope_id);
    case Role::kCaptain:
      return !t.building_id.empty() && t.building_id == g.scope_id;
    case Role::kResident:
      return !t.household_id.empty() && t.household_id == g.scope_id;
    case Role::kPartner:
      return InRegions(t, g.scope_id);
    case Role::kDepartment:
      return (!t.owner_dept.empty() && t.owner_dept == g.scope_id) ||
             (!t.escalated_to.empty() && t.escalated_to == g.scope_id);
  }
  return false;
}

bool Can(const Actor& actor, Action action, const Target& target) {
  // Parties named on an item act on it whatever their role grants.
  if (!actor.person_id.empty()) {
    if (actor.person_id == target.owner_person &&
        (action == Action::kItemFix || action == Action::kItemRead)) {
      return true;
    }
    if (actor.person_id == target.reporter &&
        (action == Action::kItemRead || action == Action::kReportEvaluate)) {
      return true;
    }
  }
  for (const Grant& g : actor.grants) {
    if (!RoleAllowed(g.role, action)) continue;
    // A resident reports about any place, but only as a resident of its own
    // household; the caller checks the household. A partner reports about
    // places inside its region only.
    if (action == Action::kReportSubmit && g.role == Role::kResident) return true;
    if (action == Action::kReportEvaluate) continue;  // only the reporter
    // An escalation is acknowledged by the department it went to, not the owner.
    if (action == Action::kItemAcknowledge && g.role == Role::kDepartment) {
      if (!target.escalated_to.empty() && target.escalated_to == g.scope_id) return true;
      continue;
    }
    if (Covers(g, target)) return true;
  }
  return false;
}

}  // namespace weige
