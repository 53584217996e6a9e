// Who may do what, where. Pure functions over an Actor (a person's role
// grants) and a Target (where the thing acted on sits). Device and server call
// the same functions, so they agree on every permission.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weige {

enum class Role { kWorker, kGridHead, kCaptain, kResident, kDepartment, kAdmin, kPartner };

std::string_view RoleName(Role r);
std::optional<Role> ParseRole(std::string_view s);

// A role held over a scope: worker -> a micro-grid id, grid_head -> a grid id
// (or any region above micro-grids), captain -> a building id, resident -> a
// household id, department -> a department id, admin -> a region id (usually
// the district).
// The scope of an administrator of everything (the first admin of a store).
inline constexpr std::string_view kEverywhere = "*";

struct Grant {
  Role role;
  std::string scope_id;
};

struct Actor {
  std::string person_id;
  std::vector<Grant> grants;
  bool Has(Role r) const;
};

// Where a thing sits. `regions` holds every region id from the district down
// to the micro-grid (empty when the thing is not placed in the tree).
struct Target {
  std::vector<std::string> regions;
  std::string building_id;
  std::string household_id;
  // Item-specific parties.
  std::string owner_person;
  std::string owner_dept;
  std::string escalated_to;
  std::string reporter;  // the resident who reported it
};

enum class Action {
  kManageDirectory,  // regions, departments, people, roles, templates
  kManageBuilding,   // building.upsert
  kManageHousehold,  // household.upsert
  kVisit,            // visit.record
  kPatrol,           // patrol.record
  kItemOpen,
  kItemAssign,
  kItemFix,          // item.mark_fixed
  kItemVerify,       // item.verify, item.reject_fix
  kItemReopen,
  kItemEscalate,
  kItemAcknowledge,
  kItemRead,         // item.detail, item.comment
  kReportSubmit,
  kReportEvaluate,
  kRegionRead,       // micro-grid lists and statistics
  kBuildingLocate,   // building.locate where the building has no location yet
  kReportDuplicate,  // report.mark_duplicate, report.unmark_duplicate
};

std::string_view ActionName(Action a);

// True if some grant of `actor` allows `action` on `target`.
bool Can(const Actor& actor, Action action, const Target& target);

// True if `grant` reaches `target` at all (scope only, not the action).
bool Covers(const Grant& grant, const Target& target);

}  // namespace weige
