// The micro-grid map (issue 12 item 2): map.buildings, the buildings of a
// worker's micro-grid or a grid head's grid with their positions, this
// cycle's coverage, their open and overdue items and the band the map
// colours them by; map.tiles and map.tiles.set, the base map's tile source
// an administrator sets for every device (the settings table, synced as
// "all").
#include <algorithm>
#include <map>

#include "core/domain/geo.h"
#include "core/domain/map_rules.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

constexpr char kTilesKey[] = "map.tiles";
// A grid holds some hundred buildings; past this the answer is cut.
constexpr int64_t kMaxMapBuildings = 5000;
constexpr int64_t kMaxZoom = 22;

struct BuildingCounts {
  int64_t households = 0, visited = 0, open_items = 0, overdue_items = 0;
};

// The tile source as stored (null when none is set).
Status LoadTiles(Db& db, Json* out) {
  *out = nullptr;
  Stmt s = db.Q("SELECT value FROM settings WHERE key = ?");
  s.Bind(1, kTilesKey);
  if (s.Step() && !s.IsNull(0)) *out = JsonOrNull(s.Text(0));
  return s.status();
}

Json Point(geo::LatLng p) { return {{"lat", p.lat}, {"lng", p.lng}}; }

// map.buildings {region_id (a micro-grid or a grid), cycle, now}.
Result MapBuildings(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string region = r.Id("region_id");
  std::string cycle = r.Str("cycle", 16);
  int64_t now = r.Int("now", 0, kMaxTime);
  if (!r.ok()) return r.status();
  Target t;
  std::string level;
  WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), region, nullptr, &t.regions, &level));
  if (level != "microgrid" && level != "grid") {
    return InvalidArgument("map.region_level", "params.region_id must be a micro-grid or a grid");
  }
  WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
  // The micro-grids shown, as an SQL condition on a micro-grid id column.
  const std::string in =
      level == "microgrid"
          ? std::string(" = ?1")
          : std::string(" IN (SELECT id FROM regions WHERE level = 'microgrid' AND grid_id = ?1)");

  std::map<std::string, BuildingCounts> counts;
  {
    Stmt s = q.db().Q("SELECT building_id, COUNT(*) FROM households WHERE microgrid_id" + in +
                      " GROUP BY building_id");
    s.Bind(1, region);
    while (s.Step()) counts[s.Text(0)].households = s.Int(1);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  {
    Stmt s = q.db().Q(
        "SELECT h.building_id, COUNT(*) FROM coverage c JOIN households h ON h.id = c.household_id"
        " WHERE c.cycle = ?2 AND c.microgrid_id" + in + " GROUP BY h.building_id");
    s.Bind(1, region).Bind(2, cycle);
    while (s.Step()) counts[s.Text(0)].visited = s.Int(1);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  {
    Stmt s = q.db().Q(
        "SELECT building_id, COUNT(*), CAST(SUM(weige_overdue(state, deadline,"
        " escalation_deadline, acknowledged_at, ?2)) AS BIGINT) FROM items WHERE building_id IS NOT NULL AND state <> 'closed'"
        " AND microgrid_id" + in + " GROUP BY building_id");
    s.Bind(1, region).Bind(2, now);
    while (s.Step()) {
      BuildingCounts& c = counts[s.Text(0)];
      c.open_items = s.Int(1);
      c.overdue_items = s.Int(2);
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }

  Json buildings = Json::array();
  int64_t unlocated = 0;
  bool truncated = false;
  geo::Box box{90, -90, 180, -180};
  Stmt s = q.db().Q(
      "SELECT b.id, b.name, b.address, b.microgrid_id, mg.name, b.lat, b.lng FROM buildings b"
      " JOIN regions mg ON mg.id = b.microgrid_id WHERE b.microgrid_id" + in +
      " ORDER BY b.microgrid_id, b.name, b.id LIMIT ?2");
  s.Bind(1, region).Bind(2, kMaxMapBuildings + 1);
  while (s.Step()) {
    if (static_cast<int64_t>(buildings.size()) == kMaxMapBuildings) {
      truncated = true;
      break;
    }
    const BuildingCounts& c = counts[s.Text(0)];
    const map::Band band = map::BuildingBand(c.households, c.visited, c.open_items, c.overdue_items);
    Json b = {{"building_id", s.Text(0)},
              {"name", s.Text(1)},
              {"address", StrOrNull(s.Text(2))},
              {"microgrid_id", s.Text(3)},
              {"microgrid_name", s.Text(4)},
              {"households", c.households},
              {"visited", c.visited},
              {"coverage", c.households > 0 ? Json(double(c.visited) / c.households) : Json()},
              {"open_items", c.open_items},
              {"overdue_items", c.overdue_items},
              {"band", map::BandName(band)},
              {"location", nullptr},
              {"gcj02", nullptr}};
    if (!s.IsNull(5) && !s.IsNull(6)) {
      const geo::LatLng p{s.Double(5), s.Double(6)};
      b["location"] = Point(p);
      b["gcj02"] = Point(geo::WgsToGcj(p));
      box = {std::min(box.min_lat, p.lat), std::max(box.max_lat, p.lat),
             std::min(box.min_lng, p.lng), std::max(box.max_lng, p.lng)};
    } else {
      ++unlocated;
    }
    buildings.push_back(std::move(b));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  Json bands = Json::array();
  for (map::Band b : map::kBands) bands.push_back(map::BandName(b));
  Json tiles;
  WEIGE_RETURN_IF_ERROR(LoadTiles(q.db(), &tiles));
  const bool any = static_cast<int64_t>(buildings.size()) > unlocated;
  return Result::Ok({{"region_id", region},
                     {"level", level},
                     {"cycle", cycle},
                     {"bands", bands},
                     {"bounds", any ? Json{{"min_lat", box.min_lat},
                                           {"max_lat", box.max_lat},
                                           {"min_lng", box.min_lng},
                                           {"max_lng", box.max_lng}}
                                    : Json()},
                     {"unlocated", unlocated},
                     {"truncated", truncated},
                     {"tiles", tiles},
                     {"buildings", buildings}});
}

// map.tiles {}: the tile source ({url, datum, attribution, max_zoom}) or
// null. Anyone with a role may read it: it names a server, no person.
Result MapTiles(QueryCtx& q) {
  if (q.actor().grants.empty()) return PermissionDenied("permission.denied", "map.tiles needs a role");
  Json tiles;
  WEIGE_RETURN_IF_ERROR(LoadTiles(q.db(), &tiles));
  return Result::Ok({{"tiles", tiles}});
}

// map.tiles.set {url?, datum?, attribution?, max_zoom?}: an administrator of
// everything sets the base map's tile source for every device; without url
// it is cleared (the map draws its plain plane).
Result MapTilesSet(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  auto url = r.OptStr("url", map::kMaxTemplateBytes + 1);
  auto datum = r.OptEnum("datum", {"wgs84", "gcj02"});
  auto attribution = r.OptText("attribution", kNameBytes);
  auto max_zoom = r.OptInt("max_zoom", 1, kMaxZoom);
  if (!r.ok()) return Result::Fail(r.status());
  Status s;
  if (url) s = map::ValidateTileTemplate(*url);
  if (!s.ok()) return Result::Fail(s);
  s = RequireAdminOfEverything(tx.actor());
  if (!s.ok()) return Result::Fail(s);
  Json value;
  if (url) {
    value = {{"url", *url},
             {"datum", datum.value_or("wgs84")},
             {"attribution", attribution ? Json(*attribution) : Json()},
             {"max_zoom", max_zoom.value_or(19)}};
  }
  Json before;
  s = LoadTiles(tx.db(), &before);
  if (!s.ok()) return Result::Fail(s);
  if (before == value) return Result::Ok({{"tiles", value}, {"unchanged", true}});
  Stmt w = tx.db().Q(
      "INSERT INTO settings(key, value, updated_by, updated_at) VALUES(?1, ?2, ?3, ?4)"
      " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,"
      " updated_at = excluded.updated_at");
  w.Bind(1, kTilesKey).Bind(3, tx.actor().person_id).Bind(4, tx.at);
  w.Bind(2, value.is_null() ? std::optional<std::string>() : DumpJson(value));
  s = w.Run();
  if (s.ok()) s = tx.Event("setting", kTilesKey, "setting.changed", "", {{"key", kTilesKey}, {"value", value}});
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"tiles", value}});
}

}  // namespace

void RegisterMapQueries(QueryTable* t) {
  (*t)["map.buildings"] = MapBuildings;
  (*t)["map.tiles"] = MapTiles;
}

void RegisterMapCommands(CommandTable* t) { (*t)["map.tiles.set"] = MapTilesSet; }

}  // namespace weige::store
