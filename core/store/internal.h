// Shared by the command and query handlers of the store (not public API).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/domain/access.h"
#include "core/domain/checklist_template.h"
#include "core/domain/item_rules.h"
#include "core/domain/json_reader.h"
#include "core/domain/result.h"
#include "core/store/db.h"
#include "core/store/store.h"

namespace weige::store {

// Loads a person's grants. not_found "actor.unknown" if there is no such person.
Status LoadActor(Db& db, const std::string& person_id, Actor* out);

// Fills target.regions with the chain district..region for a region id.
// not_found "<what>.not_found" (e.g. "microgrid.not_found") if absent; with
// `want_level` set, a region of another level is invalid_argument.
Status RegionChain(Db& db, const std::string& region_id, const char* want_level,
                   std::vector<std::string>* chain, std::string* level = nullptr);
Status TargetForBuilding(Db& db, const std::string& building_id, Target* t,
                         std::string* microgrid_id = nullptr);
Status TargetForHousehold(Db& db, const std::string& household_id, Target* t,
                          std::string* microgrid_id = nullptr, std::string* building_id = nullptr);

// Ok when `actor` is an administrator whose scope reaches every grant of
// `person_id` (an unknown person: any administrator); else permission_denied.
// person.upsert, the console's people list and account endpoints use it.
Status ManagesPerson(Db& db, const Actor& actor, const std::string& person_id);

// permission_denied "permission.denied" unless Can(actor, action, target).
Status Require(const Actor& actor, Action action, const Target& target);
// Departments, checklist templates and the settings serve the whole
// district, beyond any subtree: ok only for an administrator of everything
// (scope "*"), else permission_denied "permission.denied".
Status RequireAdminOfEverything(const Actor& actor);

// An item as stored.
struct ItemRow {
  std::string id, microgrid_id, building_id, household_id, category, title, description;
  ItemState state = ItemState::kOpen;
  std::string source, source_id, owner_person, owner_dept, escalated_to;
  int64_t deadline = 0, escalation_deadline = 0, acknowledged_at = 0;
  std::string opened_by, fixed_by, closed_by;
  int64_t opened_at = 0, fixed_at = 0, closed_at = 0, reopen_count = 0, updated_at = 0;
  std::string reporter;  // resident of a linked report, if any
  std::string duplicate_of;  // the original's item while its report is a duplicate
};
// not_found "item.not_found".
Status LoadItem(Db& db, const std::string& item_id, ItemRow* item, Target* target);
// The Target an item is judged by (its micro-grid's region chain and its
// parties). `chains`, when given, caches region chains by micro-grid id
// across the rows of one query.
using RegionChains = std::unordered_map<std::string, std::vector<std::string>>;
Status TargetOfItem(Db& db, const ItemRow& item, Target* target, RegionChains* chains = nullptr);
Json ItemJson(const ItemRow& item, std::optional<int64_t> now);
// The names of an item's place: {microgrid, building, address, unit, room,
// location ({lat, lng} of the building, WGS-84; null when the building is
// known and not placed)}, each present when known. PlaceFromRows reads this
// database's regions, buildings and households rows; ItemPlace fills what
// those lack from the newest item.escalated / item.assigned / item.opened
// event carrying a "place" (a department's or a resident's device holds
// none of those rows: the handlers write the place into the event that
// brings the item to them; a report's item.opened carries it). A place,
// never a person: no household head's name or phone.
Json PlaceFromRows(Db& db, const ItemRow& item);
Json ItemPlace(Db& db, const ItemRow& item);
// The item's current escalation: {department_id, by, by_name, at, deadline,
// reason}, from its newest item.escalated event; null when not escalated.
Json ItemEscalation(Db& db, const ItemRow& item);
// A person's name as this database holds it, or "".
std::string PersonName(Db& db, const std::string& person_id);
// The item.* command types `actor` may send for `item` now, in a fixed order:
// the permission (role and scope) and transition checks each handler runs
// before it reads the rest of its payload, so a command the list offers fails
// only on its payload (evidence, an owner, a reason). The apps render exactly
// these; they never re-derive them from state and role.
// item.detail adds the duplicate commands (DuplicateActions).
Json ItemActions(const Actor& actor, const ItemRow& item, const Target& target);

// duplicate_commands.cc (report.mark_duplicate, report.unmark_duplicate):
// the duplicate commands `actor` may send for the report behind `item` now
// (permission and the checks that need no payload), appended to *out.
void DuplicateActions(Db& db, const Actor& actor, const ItemRow& item, const Target& target,
                      Json* out);
// After a command moved `item_id`: its report's duplicates follow its state
// and closure episode (reports.follow_state/follow_episode); a closure or a
// reopening appends "report.original_closed" / "report.original_reopened" on
// each duplicate report. Nothing when the item has no duplicates.
Status ReflectOnDuplicates(Tx& tx, const std::string& item_id);
// For item.detail: {of: {report_id, item_id, title (when the actor may read
// the original)} | null, reports: [ids of the reports marked duplicates of
// this item's report]}; null for an item that did not come from a report.
Json ReportDuplicatesJson(Db& db, const Actor& actor, const ItemRow& item);
// The columns ReadItemRow expects, in order, for SELECTs over items.
extern const char kItemColumns[];
void ReadItemRow(const Stmt& s, ItemRow* item);

// Parsed checklist templates, kept by the Store across commands. An entry
// serves only while the stored body is byte-identical (so a rolled-back
// publish leaves nothing behind): it saves the parse, never the read. The
// parse was ~12% of a visit.record's CPU time.
struct TemplateCache {
  static constexpr size_t kMaxEntries = 64;
  struct Entry {
    std::string body;
    ChecklistTemplate parsed;
  };
  std::map<std::pair<std::string, int64_t>, Entry> entries;
};

// The command being executed, and what handlers need to write.
class Tx {
 public:
  Tx(Db& db, const Actor& actor, const ExecOptions& options) : db_(db), actor_(actor), options_(options) {}
  Db& db() { return db_; }
  const Actor& actor() const { return actor_; }

  std::string id, type;
  int64_t at = 0;
  const Json* payload = nullptr;
  TemplateCache* templates = nullptr;  // the Store's; may be null

  // Appends an event; `evidence` are SHA-256 hex digests of photos.
  Status Event(const char* entity, const std::string& entity_id, const std::string& type,
               const std::string& reason, const Json& data,
               const std::vector<std::string>& evidence = {});

  // Inserts a new item (state open, or fixed for an immediate fix) with its
  // "item.opened" event (and "item.fixed"). not_found/conflict on bad ids.
  struct NewItem {
    std::string id, microgrid_id, building_id, household_id, category, title, description;
    std::string source, source_id;
    int64_t deadline = 0;
    std::vector<std::string> photos;          // evidence of the problem
    std::vector<std::string> fixed_evidence;  // non-empty: an immediate fix
  };
  Status OpenItem(const NewItem& item);

 private:
  Db& db_;
  const Actor& actor_;
  const ExecOptions& options_;
};

class QueryCtx {
 public:
  QueryCtx(Db& db, const Actor& actor, const Json& params) : db_(db), actor_(actor), params_(params) {}
  Db& db() { return db_; }
  const Actor& actor() const { return actor_; }
  const Json& params() const { return params_; }

 private:
  Db& db_;
  const Actor& actor_;
  const Json& params_;
};

using CommandTable = std::unordered_map<std::string, CommandHandler>;
using QueryTable = std::unordered_map<std::string, QueryHandler>;
void RegisterDirectoryCommands(CommandTable* t);
void RegisterItemCommands(CommandTable* t);
void RegisterDuplicateCommands(CommandTable* t);
// report.duplicate_candidates (duplicate_commands.cc).
void RegisterDuplicateQueries(QueryTable* t);
void RegisterFieldCommands(CommandTable* t);
void RegisterQueries(QueryTable* t);
void RegisterStatsQueries(QueryTable* t);
void RegisterConsoleQueries(QueryTable* t);
void RegisterPlaceCommands(CommandTable* t);
void RegisterPlaceQueries(QueryTable* t);
// map_queries.cc: map.buildings, map.tiles; map.tiles.set.
void RegisterMapQueries(QueryTable* t);
void RegisterMapCommands(CommandTable* t);

// place.cc: where a WGS-84 position falls. RouteByLocation finds the nearest
// building with coordinates within geo::kRouteRadiusM (inclusive; equal
// distances go to the smaller building id) through the engine's spatial
// index (SQLite R-tree, PostgreSQL GiST): failed_precondition
// "place.outside_microgrids" when there is none, invalid_argument for a
// position that is not one. report.submit and place.route use it.
struct LocationRoute {
  std::string building_id, microgrid_id;
  double distance_m = 0;
};
Status RouteByLocation(Db& db, double lat, double lng, LocationRoute* out);
// Its statement (tests read its query plan): ?1..?4 min/max lat, min/max lng.
PerEngine RouteCandidatesSql();
// A {lat, lng} object under `key` of r's object (absent: *out empty);
// `path` names it in messages ("payload.place.location").
struct LocationPoint {
  double lat = 0, lng = 0;
};
Status ReadPlaceLocation(FieldReader& r, const char* key, const std::string& path,
                         std::optional<LocationPoint>* out);

// report_contact.cc: report.reveal_phone, and the contact block of an item
// that came from a report ({report_id, contact_ok, phone (masked),
// can_reveal_phone}; null for other items).
Result ReportRevealPhone(Tx& tx);
Json ReportContactJson(Db& db, const Actor& actor, const ItemRow& item);

// Common field limits.
// kNameBytes, kReasonBytes, kTextBytes: core/domain/text.h.
inline constexpr int64_t kMaxTime = 4102444800000;  // 2100-01-01 in ms
inline constexpr int64_t kDayMs = 86400000;

// Photos on one record.
inline constexpr size_t kMaxPhotos = 20;

// "(<subquery>)" of the strings of the JSON array bound to parameter `n`,
// for `x IN` (SQLite json_each, PostgreSQL json_array_elements_text).
std::string JsonStrings(const Db& db, int n);
// The same for the integers of the JSON array bound to parameter `n`.
std::string JsonInts(const Db& db, int n);

Json JsonOrNull(const std::string& text);  // parses stored JSON text; null if empty
Json StrOrNull(const std::string& s);      // "" -> null

}  // namespace weige::store
