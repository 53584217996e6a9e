// Shared by the parts of the demo generator (not public API): the plan of a
// micro-grid, the command runner and the history planner.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/domain/checklist_template.h"
#include "tools/demo/demo_district.h"
#include "tools/demo/demo_util.h"

namespace weige::demo {

// Ids are derived from counters: street s1, community s1c2, grid s1c2g3,
// micro-grid s1c2g3m1, building b-s1c2g3m1-2, household h-s1c2g3m1-2-1-301.
// People: p-admin, p-a-<street> (street admins), p-g-<grid>, p-w-<micro-grid>,
// p-c-<building without "b-">, p-r-<household without "h-">, p-d-<department>.
inline std::string WorkerOf(const std::string& mg) { return "p-w-" + mg; }
inline std::string GridHeadOf(const std::string& grid) { return "p-g-" + grid; }
inline std::string CaptainOf(const std::string& building) { return "p-c-" + building.substr(2); }
inline std::string MemberOf(const std::string& dept) { return "p-d-" + dept; }

struct HouseholdPlan {
  std::string id, unit, room, head_name, phone;
  int floor = 1, members = 1;
  bool vacant = false, elderly_alone = false;
  std::string housing;  // the template's choice: 自住, 出租, 群租, 空置, 商用
  std::vector<std::string> tags;
  std::string resident;  // person id of its resident account, if any
};

struct BuildingPlan {
  std::string id, name, address;
  int units = 0, floors = 0;
  double lat = 0, lng = 0;
  std::vector<HouseholdPlan> households;
};

struct MicrogridPlan {
  int index = 0;  // over the district, from 0
  std::string id, name, grid_id, community_id, street_id;
  std::string compound;   // 小区 the community is named after
  std::string street_name;
  int households = 0;     // wanted
  int first_building_no = 1;  // building numbers run on through the community
  std::string neighbour;  // another micro-grid of the same grid ("" if none)
};

// The department a kind of problem goes to.
struct Routing {
  std::string owner_dept;    // "" -> owned by the micro-grid's worker
  std::string escalate_to;   // the department it is escalated to
};
Routing RouteFor(const std::string& category, const MicrogridPlan& mg);

// Lays out buildings and households of a micro-grid (deterministic).
std::vector<BuildingPlan> LayOut(const DistrictOptions& o, const MicrogridPlan& mg);

// Runs commands, batching them into outer transactions.
class Runner {
 public:
  Runner(store::Store* store, int batch) : store_(store), batch_(batch) {}
  // Executes one command; a failure is a bug of the generator and stops it.
  Status Run(const std::string& type, const std::string& actor, int64_t at, Json payload,
             Json* value = nullptr);
  // Stores a photo's bytes as a blob uploaded by `uploader` at `at`.
  Status PutPhoto(const std::string& sha, const std::string& bytes, const std::string& uploader,
                  int64_t at);
  // The outer transaction the commands run in (Run commits it and begins
  // another every `batch` commands).
  Status Begin();
  Status Commit();
  void Rollback() { tx_.Rollback(); }
  int64_t commands() const { return n_; }
  const std::map<std::string, int64_t>& by_type() const { return by_type_; }

 private:
  store::Store* store_;
  store::Transaction tx_;
  int batch_;
  int64_t n_ = 0;
  std::map<std::string, int64_t> by_type_;
};

// What the history of the district needs to know.
struct World {
  DistrictOptions options;
  struct Cycle {
    std::string name;     // "2026-11"
    int64_t start = 0;    // first midnight (Beijing)
    int64_t end = 0;      // next cycle's start
    int template_version = 1;
  };
  std::vector<Cycle> cycles;  // oldest first; the last one holds `now`
  int64_t history_start = 0;
  std::string template_id;
  ChecklistTemplate templates[2];  // versions 1 and 2
};

// Template bodies (version 1 or 2) of the door-knocking checklist.
Json DoorKnockTemplate(int version);

// Counters of the history, for the summary.
struct HistoryStats {
  std::string sample_resident;  // a resident with reports, in the first micro-grid
};

// Plans and runs the history of one micro-grid: visits of every cycle, the
// items their findings open and those items' lives, captains' patrols,
// residents' reports and evaluations. Every action is at or before `now`.
Status RunHistory(Runner& run, const World& world, const MicrogridPlan& mg,
                  const std::vector<BuildingPlan>& buildings, HistoryStats* stats);

}  // namespace weige::demo
