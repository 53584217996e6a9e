// Bulk access for the registers engine (core/registers, native only): many
// commands run as a few transactions, and a subtree's rows read a page at a
// time, by key, so neither side ever holds a whole district.
//
//   CommandBatch batch(store);
//   batch.Begin();
//   RowOutcome o = batch.RunRow({cmd1, cmd2});   // both kept, or neither
//   batch.Commit();
//
//   RowFilter f{.actor = "admin", .region_id = "s1"};
//   ForEachRow(store, RowSet::kHouseholds, f, [](const Row& row) { ...; return Status::Ok(); });
//
// Neither throws; both go through the store's own commands and permission
// rules (CommandBatch calls Store::Execute; ForEachRow checks the actor's
// grants over the region before reading a row). The SQL is in the subset
// SQLite and PostgreSQL share (row values, CASE, IS DISTINCT FROM).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/result.h"
#include "core/store/store.h"
#include "core/store/transaction.h"

namespace weige::store {

// What one row of an import did.
struct RowOutcome {
  Result failed;            // ok, or the first refused command's result
  size_t failed_index = 0;  // which command of the row was refused
  bool changed = false;     // some command changed something (and was kept)
};

// Runs rows of commands inside transactions the caller opens and closes.
// Each row is one SAVEPOINT: kept when every command succeeds and at least
// one changed something; rolled back otherwise, so a refused row, or one
// whose upserts all answered {"unchanged": true}, leaves no trace (not even
// an outbox row). Rolling the whole transaction back is a dry run with the
// same rules as the real one. The first Begin raises the connection's page
// cache to 64 MiB (kept: the connection is the store's). Not thread-safe.
class CommandBatch {
 public:
  explicit CommandBatch(Store* store) : store_(store) {}
  ~CommandBatch();  // rolls back a transaction still open
  CommandBatch(const CommandBatch&) = delete;
  CommandBatch& operator=(const CommandBatch&) = delete;

  Status Begin();     // BEGIN; failed_precondition "batch.open" if one is open
  Status Commit();
  Status Rollback();
  bool open() const { return open_; }
  RowOutcome RunRow(const std::vector<Json>& commands);

 private:
  Store* store_;
  Transaction tx_;
  bool open_ = false;
  bool cache_raised_ = false;
};

// A person's grants as (role, scope_id) pairs, in (role, scope_id) order;
// empty for an unknown person.
Status PersonGrants(Store* store, const std::string& person_id,
                    std::vector<std::pair<std::string, std::string>>* out);

enum class RowSet { kRegions, kBuildings, kHouseholds, kPeople, kItems, kVisits, kReports, kDepartments };

struct RowFilter {
  std::string actor;
  std::string region_id;             // empty: the district (the region with no parent)
  std::optional<int64_t> from, to;   // [from, to) in ms, on the row's time (see below)
  int64_t now = 0;                   // for items' overdue flag
  size_t page_rows = 1000;           // rows per SELECT
  bool include_root = false;         // regions: the region itself too, whatever its level
};

// A cell: null, or its text (numbers in decimal; `number` says which).
struct Cell {
  bool null = true;
  bool number = false;
  std::string text;
};
using Row = std::vector<Cell>;

// The columns of each set, in row order (the registers engine maps them to
// its headers):
//   regions    id, parent_id, level, name, code
//              (parents before children: by level, then id; the region
//              itself only when it is a district, so a scoped export names
//              its root as an existing parent)
//   buildings  id, microgrid_id, name, address, units, floors, lat, lng
//   households id, building_id, unit, floor, room, head_name, members, phone,
//              tags (JSON array text)
//   people     id, name, phone, roles ("role scope" pairs joined by '\n');
//              the whole district: everyone; a subtree: who holds a grant
//              inside it
//   items      id, microgrid_id, building_id, household_id, category, title,
//              state, source, owner_person, owner_dept, deadline, overdue
//              (0/1 at filter.now), opened_by, opened_at, fixed_by, fixed_at,
//              closed_by, closed_at, reopen_count, evidence (the SHA-256
//              digests on the item's events, joined by '\n'); time: opened_at
//   visits     id, household_id, microgrid_id, cycle, outcome, counts,
//              worker_id, at, template_id, template_version, answers, notes,
//              photos; time: at
//   reports    id, household_id, microgrid_id, category, description, item_id,
//              item_state, submitted_at, rating, eval_comment, evaluated_at;
//              time: submitted_at (the resident's phone is not exported)
// Who may read: regions, items, visits, reports: a region reader of the
// region (admin, grid head, worker over it); buildings: a building manager;
// households: a household manager; people: an administrator over it.
// not_found "region.not_found"; permission_denied "permission.denied".
// Calls `sink` for each row in key order, inside one read transaction (when
// the caller has none); a failed Status from `sink` stops and is returned.
Status ForEachRow(Store* store, RowSet set, const RowFilter& filter,
                  const std::function<Status(const Row&)>& sink);

}  // namespace weige::store
