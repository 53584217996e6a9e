// Routing by location (issue 12): the nearest building with coordinates
// within geo::kRouteRadiusM decides a report's micro-grid, found through
// each engine's spatial index; building.locate places a building from a
// worker's GPS fix. Runs on SQLite and, under test-pg.sh, on PostgreSQL.
#include <cmath>

#include "core/domain/geo.h"
#include "core/store/db.h"
#include "core/store/internal.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

// Near Tongzhou's canal (WGS-84).
constexpr double kLat = 39.9050, kLng = 116.6560;
// Degrees of latitude per metre along a meridian, near enough for placing.
constexpr double kDegPerM = 1.0 / 111195.0;

class PlaceTest : public WorldTest {
 protected:
  void Place(const std::string& building, double lat, double lng) {
    MustExec("head1", "building.locate", {{"building_id", building}, {"lat", lat}, {"lng", lng}});
  }
  void PlaceAny(const std::string& building, double lat, double lng) {
    MustExec("admin", "building.locate", {{"building_id", building}, {"lat", lat}, {"lng", lng}});
  }
  Result Route(double lat, double lng) {
    return Query("resident1", "place.route", {{"lat", lat}, {"lng", lng}});
  }
  Result Submit(const std::string& id, Json place) {
    return Exec("resident1", "report.submit",
                {{"report_id", id}, {"category", "sanitation"}, {"description", "垃圾堆放"},
                 {"place", place}});
  }
};

TEST_F(PlaceTest, NoBuildingHasCoordinates) {
  EXPECT_ERR(Route(kLat, kLng), "failed_precondition", "place.outside_microgrids");
  Result r = Submit("r1", {{"location", {{"lat", kLat}, {"lng", kLng}}}});
  EXPECT_ERR(r, "failed_precondition", "place.outside_microgrids");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reports"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items"), 0);
}

TEST_F(PlaceTest, TheNearestBuildingDecidesTheMicrogrid) {
  PlaceAny("b1", kLat, kLng);                    // mg1
  PlaceAny("b3", kLat + 100 * kDegPerM, kLng);   // mg2, 100 m north
  Json r = Route(kLat + 80 * kDegPerM, kLng).value;
  EXPECT_EQ(r["building_id"], "b3");
  EXPECT_EQ(r["microgrid_id"], "mg2");
  EXPECT_NEAR(r["distance_m"].get<double>(), 20.0, 0.5);
  // A resident of h1 (mg1) reports a place nearer b3: the report goes to mg2.
  Result s = Submit("r1", {{"location", {{"lat", kLat + 80 * kDegPerM}, {"lng", kLng}}}});
  ASSERT_OK(s);
  EXPECT_EQ(s.value["microgrid_id"], "mg2");
  EXPECT_EQ(s.value["building_id"], "b3");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM items WHERE id = 'r1.item' AND microgrid_id = 'mg2'"
                  " AND building_id = 'b3'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reports WHERE id = 'r1' AND building_id = 'b3'"), 1);
  // The event keeps the position and how it was routed.
  Json detail = MustQuery("worker2", "item.detail", {{"item_id", "r1.item"}});
  EXPECT_EQ(detail["place"]["location"]["lng"], kLng) << detail["place"].dump();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE entity = 'report' AND entity_id = 'r1'"
                  " AND data LIKE '%routed_by_location%'"), 1);
  // A named building wins over the position.
  Result named = Submit("r2", {{"building_id", "b1"}, {"location", {{"lat", kLat + 80 * kDegPerM},
                                                                     {"lng", kLng}}}});
  ASSERT_OK(named);
  EXPECT_EQ(named.value["microgrid_id"], "mg1");
}

TEST_F(PlaceTest, ExactlyOnTheBoundIsInside) {
  PlaceAny("b3", kLat, kLng);
  // The largest latitude north of b3 whose distance is still within the
  // bound, as close to it as doubles go; the next double is outside.
  double in = kLat, out = kLat + 2 * geo::kRouteRadiusM * kDegPerM;
  const geo::LatLng b{kLat, kLng};
  while (std::nextafter(in, out) < out) {
    double mid = in + (out - in) / 2;
    if (mid <= in || mid >= out) break;
    (geo::DistanceM({mid, kLng}, b) <= geo::kRouteRadiusM ? in : out) = mid;
  }
  ASSERT_LE(geo::DistanceM({in, kLng}, b), geo::kRouteRadiusM);
  ASSERT_GT(geo::DistanceM({out, kLng}, b), geo::kRouteRadiusM);
  EXPECT_NEAR(geo::DistanceM({in, kLng}, b), geo::kRouteRadiusM, 1e-6);
  Result r = Route(in, kLng);
  ASSERT_OK(r);
  EXPECT_EQ(r.value["building_id"], "b3");
  EXPECT_ERR(Route(out, kLng), "failed_precondition", "place.outside_microgrids");
  // The same east of it (longitudes shrink with latitude).
  double e_in = kLng, e_out = kLng + 4 * geo::kRouteRadiusM * kDegPerM;
  while (true) {
    double mid = e_in + (e_out - e_in) / 2;
    if (mid <= e_in || mid >= e_out) break;
    (geo::DistanceM({kLat, mid}, b) <= geo::kRouteRadiusM ? e_in : e_out) = mid;
  }
  EXPECT_OK(Route(kLat, e_in));
  EXPECT_ERR(Route(kLat, e_out), "failed_precondition", "place.outside_microgrids");
}

TEST_F(PlaceTest, EquidistantBuildingsGoToTheSmallerId) {
  // b4 (mg3) and b2 (mg1) registered at one point (one gate of a compound):
  // every position is exactly as far from both.
  PlaceAny("b4", kLat + 50 * kDegPerM, kLng);
  PlaceAny("b2", kLat + 50 * kDegPerM, kLng);
  Json r = Route(kLat, kLng).value;
  EXPECT_EQ(r["building_id"], "b2");
  EXPECT_EQ(r["microgrid_id"], "mg1");
  // And the order of ids, not of registration, decides.
  PlaceAny("b1", kLat + 50 * kDegPerM, kLng);
  EXPECT_EQ(Route(kLat, kLng).value["building_id"], "b1");
}

TEST_F(PlaceTest, BuildingsWithoutCoordinatesAreNotCandidates) {
  // b1 has none (it stands where the point is); b3 is 250 m away.
  PlaceAny("b3", kLat + 250 * kDegPerM, kLng);
  Json r = Route(kLat, kLng).value;
  EXPECT_EQ(r["building_id"], "b3");
  // Coordinates moved away take the building out of the index.
  PlaceAny("b3", kLat + 0.1, kLng);
  EXPECT_ERR(Route(kLat, kLng), "failed_precondition", "place.outside_microgrids");
}

TEST_F(PlaceTest, BadPositionsAreRejectedAndWriteNothing) {
  EXPECT_ERR(Route(91, kLng), "invalid_argument", "argument.out_of_range");
  EXPECT_ERR(Query("resident1", "place.route", {{"lat", kLat}}), "invalid_argument",
             "argument.missing");
  EXPECT_ERR(Query("resident1", "place.route", {{"lat", "39.9"}, {"lng", kLng}}),
             "invalid_argument", "argument.wrong_type");
  EXPECT_ERR(Query("nobody", "place.route", {{"lat", kLat}, {"lng", kLng}}), "permission_denied",
             "permission.denied");
  EXPECT_ERR(Submit("r1", {{"location", {{"lat", kLat}}}}), "invalid_argument", "argument.missing");
  EXPECT_ERR(Submit("r1", {{"location", {{"lat", kLat}, {"lng", 181}}}}), "invalid_argument",
             "argument.out_of_range");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM reports"), 0);
}

TEST_F(PlaceTest, AWorkerPlacesABuildingOnceAndAGridHeadCorrectsIt) {
  // worker2's micro-grid is mg2: b1 (mg1) is not theirs.
  EXPECT_ERR(Exec("worker2", "building.locate", {{"building_id", "b1"}, {"lat", kLat}, {"lng", kLng}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("worker1", "building.locate",
                  {{"building_id", "b1"}, {"lat", kLat}, {"lng", kLng}, {"accuracy_m", 800}}),
             "failed_precondition", "building.location_inaccurate");
  EXPECT_ERR(Exec("resident1", "building.locate", {{"building_id", "b1"}, {"lat", kLat}, {"lng", kLng}}),
             "permission_denied", "permission.denied");
  MustExec("worker1", "building.locate",
           {{"building_id", "b1"}, {"lat", kLat}, {"lng", kLng}, {"accuracy_m", 12}});
  EXPECT_ERR(Exec("worker1", "building.locate", {{"building_id", "b1"}, {"lat", kLat + 0.001}, {"lng", kLng}}),
             "failed_precondition", "building.already_located");
  EXPECT_ERR(Exec("captain1", "building.locate", {{"building_id", "b1"}, {"lat", kLat + 0.001}, {"lng", kLng}}),
             "failed_precondition", "building.already_located");
  MustExec("head1", "building.locate",
           {{"building_id", "b1"}, {"lat", kLat + 0.001}, {"lng", kLng}, {"source", "manual"}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE entity = 'building' AND entity_id = 'b1'"
                  " AND type = 'building.located'"), 2);
  EXPECT_EQ(Route(kLat + 0.001, kLng).value["building_id"], "b1");
  // A captain places their own building when it has no location.
  MustExec("captain3", "building.locate", {{"building_id", "b3"}, {"lat", kLat + 0.01}, {"lng", kLng}});
  // building.upsert without coordinates keeps them; with them, sets them.
  MustExec("admin", "building.upsert", {{"id", "b3"}, {"microgrid_id", "mg2"}, {"name", "B3"}});
  EXPECT_EQ(Route(kLat + 0.01, kLng).value["building_id"], "b3");
  MustExec("admin", "building.upsert",
           {{"id", "b3"}, {"microgrid_id", "mg2"}, {"name", "B3"}, {"lat", kLat + 0.02}, {"lng", kLng}});
  EXPECT_EQ(Route(kLat + 0.02, kLng).value["building_id"], "b3");
  EXPECT_ERR(Exec("admin", "building.upsert",
                  {{"id", "b3"}, {"microgrid_id", "mg2"}, {"name", "B3"}, {"lat", kLat}}),
             "invalid_argument", "argument.missing");
}

// The worker's list says where the app may offer to place a building.
TEST_F(PlaceTest, TheWorkersListOffersToLocateOnlyUnplacedBuildings) {
  auto can_locate = [this](const std::string& actor, const std::string& building) {
    Json due = MustQuery(actor, "worker.households_due",
                         {{"microgrid_id", "mg1"}, {"cycle", kCycle}, {"include_visited", true}});
    for (const Json& b : due["buildings"]) {
      if (b["building_id"] == building) return b["can_locate"].get<bool>();
    }
    ADD_FAILURE() << "no building " << building;
    return false;
  };
  EXPECT_TRUE(can_locate("worker1", "b1"));
  PlaceAny("b1", kLat, kLng);
  EXPECT_FALSE(can_locate("worker1", "b1"));
  EXPECT_TRUE(can_locate("worker1", "b2"));
}

// The resident's own report shows where it is: its building's name and,
// once placed, its position (as item.detail's place does).
TEST_F(PlaceTest, AResidentsReportShowsItsBuildingAndWhereItIs) {
  ASSERT_TRUE(Submit("r-here", {{"building_id", "b1"}}).ok());
  auto place = [this] {
    Json mine = MustQuery("resident1", "reports.mine", Json::object());
    for (const Json& r : mine["reports"]) {
      if (r["id"] == "r-here") return r["place"];
    }
    ADD_FAILURE() << mine.dump().substr(0, 300);
    return Json();
  };
  EXPECT_EQ(place()["building_id"], "b1");
  EXPECT_TRUE(place()["building"].is_string());
  EXPECT_TRUE(place()["location"].is_null());  // b1 is not placed yet
  PlaceAny("b1", kLat, kLng);
  EXPECT_DOUBLE_EQ(place()["location"]["lat"].get<double>(), kLat);
  EXPECT_DOUBLE_EQ(place()["location"]["lng"].get<double>(), kLng);
  EXPECT_EQ(MustQuery("admin", "item.detail", {{"item_id", "r-here.item"}})["place"]["location"],
            place()["location"]);
}

// The candidates come from the spatial index, not a scan of buildings.
TEST_F(PlaceTest, TheQueryPlanUsesTheSpatialIndex) {
  store::Db& db = store::DbOf(store());
  const geo::Box box = geo::BoxAround({kLat, kLng}, geo::kRouteRadiusM);
  std::string plan;
  if (postgres()) {
    // The test world is small: without this PostgreSQL reads its few rows
    // in sequence, as it should; the index must be usable when it matters.
    ASSERT_TRUE(db.Exec("SET enable_seqscan = off").ok());
    store::Stmt p = db.Q(std::string("EXPLAIN ") + std::string(store::RouteCandidatesSql().postgres));
    p.Bind(1, box.min_lat).Bind(2, box.max_lat).Bind(3, box.min_lng).Bind(4, box.max_lng);
    while (p.Step()) plan += p.Text(0) + "\n";
    ASSERT_TRUE(p.status().ok()) << p.status().message;
    ASSERT_TRUE(db.Exec("RESET enable_seqscan").ok());
    EXPECT_NE(plan.find("buildings_geo"), std::string::npos) << plan;
  } else {
    store::Stmt p =
        db.Q(std::string("EXPLAIN QUERY PLAN ") + std::string(store::RouteCandidatesSql().sqlite));
    while (p.Step()) plan += p.Text(3) + "\n";
    ASSERT_TRUE(p.status().ok()) << p.status().message;
    EXPECT_NE(plan.find("SCAN r VIRTUAL TABLE INDEX"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN b"), std::string::npos) << plan;
    EXPECT_NE(plan.find("SEARCH b USING PRIMARY KEY"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace weige::testing
