// Places: routing by location (the nearest building with coordinates, found
// through the spatial index of each engine), the place.route query and the
// building.locate command.
#include "core/domain/geo.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

// A fix worse than this does not place a building (a phone's cell-tower
// fallback reports 500-2000 m).
constexpr double kMaxLocateAccuracyM = 100.0;

// Candidates inside the box around the point: SQLite's R-tree (migration 7),
// PostgreSQL's GiST index on point(lng, lat) (its migration 3). Parameters:
// ?1 min_lat, ?2 max_lat, ?3 min_lng, ?4 max_lng.
constexpr PerEngine kCandidates = {
    "SELECT r.building_id, b.lat, b.lng, b.microgrid_id FROM building_rtree r"
    " JOIN buildings b ON b.id = r.building_id"
    " WHERE r.max_lat >= ?1 AND r.min_lat <= ?2 AND r.max_lng >= ?3 AND r.min_lng <= ?4"
    " AND b.lat IS NOT NULL AND b.lng IS NOT NULL",
    "SELECT b.id, b.lat, b.lng, b.microgrid_id FROM buildings b"
    " WHERE b.lat IS NOT NULL AND b.lng IS NOT NULL AND point(b.lng, b.lat) <@"
    " box(point(CAST(?3 AS DOUBLE PRECISION), CAST(?1 AS DOUBLE PRECISION)),"
    " point(CAST(?4 AS DOUBLE PRECISION), CAST(?2 AS DOUBLE PRECISION)))"};

Status ReadLocation(FieldReader& r, geo::LatLng* out, bool* given) {
  auto lat = r.OptNumber("lat", -90, 90);
  auto lng = r.OptNumber("lng", -180, 180);
  if (!r.ok()) return r.status();
  *given = lat.has_value() || lng.has_value();
  if (lat.has_value() != lng.has_value()) {
    r.Fail(lat ? "lng" : "lat", "argument.missing", "is required with the other coordinate");
    return r.status();
  }
  if (*given) *out = {*lat, *lng};
  return Status::Ok();
}

Result PlaceRoute(QueryCtx& q) {
  // Any person with a role may ask: the answer names a building and its
  // micro-grid, never a household or a person.
  if (q.actor().grants.empty()) {
    return PermissionDenied("permission.denied", "place.route needs a role");
  }
  FieldReader r(q.params(), "params");
  geo::LatLng p;
  bool given = false;
  WEIGE_RETURN_IF_ERROR(ReadLocation(r, &p, &given));
  if (!given) return InvalidArgument("argument.missing", "params.lat and params.lng are required");
  LocationRoute route;
  WEIGE_RETURN_IF_ERROR(RouteByLocation(q.db(), p.lat, p.lng, &route));
  return Result::Ok({{"building_id", route.building_id},
                     {"microgrid_id", route.microgrid_id},
                     {"distance_m", route.distance_m}});
}

// building.locate {building_id, lat, lng, accuracy_m?, source?}: a worker,
// captain or grid head in scope places a building that has no location yet
// (from a visit's GPS); a building already placed is moved only by a grid
// head or an administrator (building.upsert's roles).
Result BuildingLocate(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("building_id");
  geo::LatLng p;
  bool given = false;
  Status s = ReadLocation(r, &p, &given);
  auto accuracy = r.OptNumber("accuracy_m", 0, 1e7);
  auto source = r.OptEnum("source", {"gps", "manual"});
  if (s.ok() && r.ok() && !given) r.Fail("lat", "argument.missing", "and lng are required");
  if (!r.ok()) return Result::Fail(r.status());
  if (!s.ok()) return Result::Fail(s);
  Target target;
  s = TargetForBuilding(tx.db(), id, &target);
  if (!s.ok()) return Result::Fail(s);
  std::optional<geo::LatLng> before;
  {
    Stmt b = tx.db().Q("SELECT lat, lng FROM buildings WHERE id = ?");
    b.Bind(1, id);
    if (b.Step() && !b.IsNull(0) && !b.IsNull(1)) before = geo::LatLng{b.Double(0), b.Double(1)};
  }
  s = Require(tx.actor(), before ? Action::kManageBuilding : Action::kBuildingLocate, target);
  if (!s.ok() && before && Can(tx.actor(), Action::kBuildingLocate, target)) {
    s = FailedPrecondition("building.already_located",
                           "the building has a location; a grid head may correct it");
  }
  if (s.ok() && accuracy && *accuracy > kMaxLocateAccuracyM) {
    s = FailedPrecondition("building.location_inaccurate",
                           "the position is too inaccurate to place a building");
  }
  if (!s.ok()) return Result::Fail(s);
  p = {geo::RoundCoordinate(p.lat), geo::RoundCoordinate(p.lng)};
  Stmt w = tx.db().Q("UPDATE buildings SET lat = ?, lng = ? WHERE id = ?");
  s = w.Bind(1, p.lat).Bind(2, p.lng).Bind(3, id).Run();
  Json data = {{"lat", p.lat}, {"lng", p.lng}, {"source", source.value_or("gps")}};
  if (accuracy) data["accuracy_m"] = *accuracy;
  if (before) data["previous"] = {{"lat", before->lat}, {"lng", before->lng}};
  if (s.ok()) s = tx.Event("building", id, "building.located", "", data);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"building_id", id}, {"lat", p.lat}, {"lng", p.lng}});
}

}  // namespace

Status ReadPlaceLocation(FieldReader& r, const char* key, const std::string& path,
                         std::optional<LocationPoint>* out) {
  out->reset();
  const Json* loc = r.Object(key, /*optional=*/true);
  if (!r.ok() || loc == nullptr) return r.status();
  FieldReader l(*loc, path);
  geo::LatLng p;
  bool given = false;
  WEIGE_RETURN_IF_ERROR(ReadLocation(l, &p, &given));
  if (!given) {
    l.Fail("lat", "argument.missing", "and lng are required");
    return l.status();
  }
  *out = LocationPoint{p.lat, p.lng};
  return Status::Ok();
}

Status RouteByLocation(Db& db, double lat, double lng, LocationRoute* out) {
  const geo::LatLng p{lat, lng};
  if (!geo::IsValid(p)) return InvalidArgument("argument.out_of_range", "not a WGS-84 position");
  const geo::Box box = geo::BoxAround(p, geo::kRouteRadiusM);
  Stmt s = db.Q(kCandidates);
  s.Bind(1, box.min_lat).Bind(2, box.max_lat).Bind(3, box.min_lng).Bind(4, box.max_lng);
  bool found = false;
  while (s.Step()) {
    const double d = geo::DistanceM(p, {s.Double(1), s.Double(2)});
    if (d > geo::kRouteRadiusM) continue;
    std::string id = s.Text(0);
    if (!found || d < out->distance_m || (d == out->distance_m && id < out->building_id)) {
      found = true;
      out->building_id = std::move(id);
      out->microgrid_id = s.Text(3);
      out->distance_m = d;
    }
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  if (!found) {
    return FailedPrecondition("place.outside_microgrids",
                              "no building of any micro-grid lies within " +
                                  std::to_string(static_cast<int>(geo::kRouteRadiusM)) +
                                  " m of the position");
  }
  return Status::Ok();
}

PerEngine RouteCandidatesSql() { return kCandidates; }

void RegisterPlaceCommands(CommandTable* t) { (*t)["building.locate"] = BuildingLocate; }
void RegisterPlaceQueries(QueryTable* t) { (*t)["place.route"] = PlaceRoute; }

}  // namespace weige::store
