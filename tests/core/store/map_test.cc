// The micro-grid map (issue 12 item 2): map.buildings gives each building of
// a worker's micro-grid or a grid head's grid with its position (WGS-84 and
// the core's GCJ-02), this cycle's coverage, its open and overdue items and
// the core's colour band; map.tiles.set keeps the administrator's tile
// source, checked, and syncs it to every device. Runs on SQLite and, under
// test-pg.sh, on PostgreSQL.
#include <map>

#include "core/domain/geo.h"
#include "core/domain/map_rules.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

constexpr double kLat = 39.9050, kLng = 116.6560;  // Tongzhou, WGS-84
constexpr int64_t kNow = kT0 + 3 * kDay;

class MapTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    // mg1: b1 (h1 h2), b2 (h3), b5 (no households, added);
    // mg2: b3 (h4 h5), b6 (h7, added), b7 (h8, added); mg3 (grid g2): b4 (h6).
    MustExec("admin", "building.upsert", {{"id", "b5"}, {"microgrid_id", "mg1"}, {"name", "5号楼"}});
    MustExec("admin", "building.upsert", {{"id", "b6"}, {"microgrid_id", "mg2"}, {"name", "6号楼"}});
    MustExec("admin", "building.upsert", {{"id", "b7"}, {"microgrid_id", "mg2"}, {"name", "7号楼"}});
    MustExec("admin", "household.upsert", {{"id", "h7"}, {"building_id", "b6"}, {"room", "101"}});
    MustExec("admin", "household.upsert", {{"id", "h8"}, {"building_id", "b7"}, {"room", "101"}});
    const char* located[] = {"b1", "b2", "b3", "b5", "b6", "b7"};  // b4 has no position
    for (int i = 0; i < 6; ++i) {
      MustExec("admin", "building.locate", {{"building_id", located[i]},
                                            {"lat", kLat + 0.001 * i}, {"lng", kLng + 0.002 * i}});
    }
    // Visits this cycle: h1 met, h2 not at home (does not count), h3 vacant
    // (counts), h4 met, h8 met; h5 met in another cycle (not this one's).
    Visit("v1", "h1", "met", "worker1");
    Visit("v2", "h2", "not_home", "worker1");
    Visit("v3", "h3", "vacant", "worker1");
    Visit("v4", "h4", "met", "worker2");
    Visit("v5", "h5", "met", "worker2", "2025-12");
    Visit("v8", "h8", "met", "worker2");
    // Items: b1 one overdue (deadline passed) and one open without a
    // deadline; b2 one assigned, not due yet; b7 one closed (does not count).
    Item("ia", "h1", kT0 + kDay);
    Item("ib", "h2", 0);
    Item("ic", "h3", 0);
    Assign("ic", kT0 + 30 * kDay);
    Item("id", "h8", 0, "worker2");
    Fix("id", "worker2");
    Close("id");
  }

  void Visit(const std::string& id, const std::string& hh, const std::string& outcome,
             const std::string& worker, const std::string& cycle = kCycle) {
    MustExec(worker, "visit.record",
             {{"visit_id", id}, {"household_id", hh}, {"cycle", cycle}, {"outcome", outcome}});
  }
  void Item(const std::string& id, const std::string& hh, int64_t deadline,
            const std::string& actor = "worker1") {
    Json p = {{"item_id", id}, {"household_id", hh}, {"category", "c"}, {"title", "t"}};
    if (deadline > 0) p["deadline"] = deadline;
    MustExec(actor, "item.open", p);
  }
  Result Map(const std::string& actor, const std::string& region) {
    return Query(actor, "map.buildings", {{"region_id", region}, {"cycle", kCycle}, {"now", kNow}});
  }
  static std::map<std::string, Json> ById(const Json& answer) {
    std::map<std::string, Json> out;
    for (const Json& b : answer["buildings"]) out[b["building_id"].get<std::string>()] = b;
    return out;
  }
  // The counts of one building straight from the tables, another way than
  // the query's (one building at a time, no grouping).
  void ExpectCountsFromTables(const Json& b) {
    const std::string id = b["building_id"].get<std::string>();
    const std::string cycle = kCycle;
    EXPECT_EQ(b["households"], Count("SELECT COUNT(*) FROM households WHERE building_id = '" + id + "'"))
        << id;
    EXPECT_EQ(b["visited"], Count("SELECT COUNT(*) FROM coverage WHERE cycle = '" + cycle +
                                  "' AND household_id IN (SELECT id FROM households WHERE"
                                  " building_id = '" + id + "')"))
        << id;
    EXPECT_EQ(b["open_items"],
              Count("SELECT COUNT(*) FROM items WHERE state <> 'closed' AND building_id = '" + id + "'"))
        << id;
    EXPECT_EQ(b["overdue_items"],
              Count("SELECT COUNT(*) FROM items WHERE state IN ('open', 'assigned') AND deadline < " +
                    std::to_string(kNow) + " AND building_id = '" + id + "'"))
        << id;
  }
};

TEST_F(MapTest, AWorkersMicrogridWithCountsPositionsAndBands) {
  Json m = Map("worker1", "mg1").value;
  EXPECT_EQ(m["level"], "microgrid");
  auto b = ById(m);
  ASSERT_EQ(b.size(), 3u) << m.dump();  // b1 b2 b5, nothing of mg2
  // By hand: b1 2 households, 1 counted visit, 2 open items, 1 overdue.
  EXPECT_EQ(b["b1"]["households"], 2);
  EXPECT_EQ(b["b1"]["visited"], 1);
  EXPECT_EQ(b["b1"]["open_items"], 2);
  EXPECT_EQ(b["b1"]["overdue_items"], 1);
  EXPECT_EQ(b["b1"]["band"], "overdue");
  EXPECT_DOUBLE_EQ(b["b1"]["coverage"].get<double>(), 0.5);
  EXPECT_EQ(b["b2"]["visited"], 1);
  EXPECT_EQ(b["b2"]["open_items"], 1);
  EXPECT_EQ(b["b2"]["overdue_items"], 0);
  EXPECT_EQ(b["b2"]["band"], "open");
  EXPECT_EQ(b["b5"]["households"], 0);
  EXPECT_TRUE(b["b5"]["coverage"].is_null());
  EXPECT_EQ(b["b5"]["band"], "empty");
  for (auto& [id, row] : b) ExpectCountsFromTables(row);
  // Positions: WGS-84 as stored, GCJ-02 from the one conversion.
  EXPECT_DOUBLE_EQ(b["b2"]["location"]["lat"].get<double>(), geo::RoundCoordinate(kLat + 0.001));
  const geo::LatLng gcj = geo::WgsToGcj({b["b2"]["location"]["lat"].get<double>(),
                                         b["b2"]["location"]["lng"].get<double>()});
  EXPECT_DOUBLE_EQ(b["b2"]["gcj02"]["lat"].get<double>(), gcj.lat);
  EXPECT_DOUBLE_EQ(b["b2"]["gcj02"]["lng"].get<double>(), gcj.lng);
  // GCJ-02 is offset from WGS-84 in China by a few hundred metres.
  const double offset = geo::DistanceM({b["b2"]["location"]["lat"].get<double>(),
                                        b["b2"]["location"]["lng"].get<double>()}, gcj);
  EXPECT_GT(offset, 100);
  EXPECT_LT(offset, 1000);
  EXPECT_DOUBLE_EQ(m["bounds"]["min_lat"].get<double>(), geo::RoundCoordinate(kLat));
  EXPECT_DOUBLE_EQ(m["bounds"]["max_lng"].get<double>(), geo::RoundCoordinate(kLng + 0.002 * 3));
  EXPECT_EQ(m["unlocated"], 0);
  EXPECT_TRUE(m["tiles"].is_null());
  // The bands in the core's order, worst first.
  EXPECT_EQ(m["bands"], Json({"overdue", "open", "empty", "unvisited", "partial", "done"}));
}

TEST_F(MapTest, AGridHeadsGridHoldsEveryMicrogridOfIt) {
  Json m = Map("head1", "g1").value;
  EXPECT_EQ(m["level"], "grid");
  auto b = ById(m);
  ASSERT_EQ(b.size(), 6u) << m.dump();  // mg1: b1 b2 b5; mg2: b3 b6 b7; not b4 (g2)
  EXPECT_EQ(b["b3"]["microgrid_id"], "mg2");
  EXPECT_EQ(b["b3"]["visited"], 1);  // h4; h5's visit is another cycle's
  EXPECT_EQ(b["b3"]["band"], "partial");
  EXPECT_EQ(b["b6"]["band"], "unvisited");
  EXPECT_EQ(b["b7"]["open_items"], 0);  // its one item is closed
  EXPECT_EQ(b["b7"]["band"], "done");
  for (auto& [id, row] : b) ExpectCountsFromTables(row);
  // Every band the core names, once each here.
  std::map<std::string, int> bands;
  for (auto& [id, row] : b) ++bands[row["band"].get<std::string>()];
  EXPECT_EQ(bands.size(), 6u);
  // g2's head sees b4, which has no position: listed, with none.
  Json g2 = Map("head2", "g2").value;
  ASSERT_EQ(g2["buildings"].size(), 1u);
  EXPECT_TRUE(g2["buildings"][0]["location"].is_null());
  EXPECT_TRUE(g2["buildings"][0]["gcj02"].is_null());
  EXPECT_EQ(g2["unlocated"], 1);
  EXPECT_TRUE(g2["bounds"].is_null());
}

TEST_F(MapTest, ScopeAndBadInput) {
  EXPECT_ERR(Map("worker1", "mg2"), "permission_denied", "permission.denied");
  EXPECT_ERR(Map("head1", "g2"), "permission_denied", "permission.denied");
  EXPECT_ERR(Map("captain1", "mg1"), "permission_denied", "permission.denied");
  EXPECT_ERR(Map("resident1", "mg1"), "permission_denied", "permission.denied");
  EXPECT_ERR(Map("worker1", "nowhere"), "not_found", "region.not_found");
  EXPECT_ERR(Map("admin", "c1"), "invalid_argument", "map.region_level");
  EXPECT_ERR(Query("worker1", "map.buildings", {{"region_id", "mg1"}, {"now", kNow}}),
             "invalid_argument", "argument.missing");
  EXPECT_OK(Map("admin", "g1"));
}

TEST_F(MapTest, BandRule) {
  using map::Band;
  EXPECT_EQ(map::BuildingBand(10, 10, 1, 1), Band::kOverdue);
  EXPECT_EQ(map::BuildingBand(10, 10, 1, 0), Band::kOpen);
  EXPECT_EQ(map::BuildingBand(0, 0, 0, 0), Band::kEmpty);
  EXPECT_EQ(map::BuildingBand(0, 0, 2, 1), Band::kOverdue);  // items of a building with no households
  EXPECT_EQ(map::BuildingBand(10, 0, 0, 0), Band::kUnvisited);
  EXPECT_EQ(map::BuildingBand(10, 9, 0, 0), Band::kPartial);
  EXPECT_EQ(map::BuildingBand(10, 10, 0, 0), Band::kDone);
}

TEST_F(MapTest, TileSourceIsCheckedKeptAndSyncedToEveryDevice) {
  TurnOnChangeLog();
  const std::string before = Digest();
  struct Bad {
    const char* url;
    const char* reason;
  };
  const Bad bad[] = {
      {"ftp://tiles.example/{z}/{x}/{y}.png", "map.tiles_scheme"},
      {"javascript:alert(1)//{z}/{x}/{y}", "map.tiles_scheme"},
      {"tiles.example/{z}/{x}/{y}.png", "map.tiles_scheme"},
      {"https:///{z}/{x}/{y}.png", "map.tiles_host"},
      {"https://{z}.example/{x}/{y}.png", "map.tiles_host"},
      {"https://user@tiles.example/{z}/{x}/{y}.png", "map.tiles_host"},
      {"https://tiles.example/{z}/{x}.png", "map.tiles_placeholder"},
      {"https://tiles.example/{z}/{x}/{y}/{token}.png", "map.tiles_placeholder"},
      {"https://tiles.example/{z}/{x}/{y.png", "map.tiles_placeholder"},
      {"https://tiles.example/z}/{x}/{y}", "map.tiles_placeholder"},
      {"https://tiles.example/{z}/{x}/{y}.png\" onerror=\"x", "map.tiles_character"},
      {"https://tiles.example/{z}/{x}/{y} .png", "map.tiles_character"},
      {"https://tiles.example/瓦片/{z}/{x}/{y}.png", "map.tiles_character"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.url);
    EXPECT_ERR(Exec("admin", "map.tiles.set", {{"url", b.url}}), "invalid_argument", b.reason);
  }
  EXPECT_ERR(Exec("admin", "map.tiles.set",
                  {{"url", "https://t.example/" + std::string(600, 'a') + "/{z}/{x}/{y}"}}),
             "invalid_argument", "argument.too_long");
  EXPECT_ERR(Exec("admin", "map.tiles.set",
                  {{"url", "https://t.example/" + std::string(483, 'a') + "/{z}/{x}/{y}"}}),
             "invalid_argument", "map.tiles_too_long");
  EXPECT_ERR(Exec("admin", "map.tiles.set", {{"url", "https://t.example/{z}/{x}/{y}"}, {"datum", "bd09"}}),
             "invalid_argument", "argument.invalid_value");
  EXPECT_ERR(Exec("admin", "map.tiles.set", {{"url", "https://t.example/{z}/{x}/{y}"}, {"max_zoom", 30}}),
             "invalid_argument", "argument.out_of_range");
  // Only an administrator of everything: not a scoped one, not a grid head.
  EXPECT_ERR(Exec("radmin", "map.tiles.set", {{"url", "https://t.example/{z}/{x}/{y}"}}),
             "permission_denied", "permission.denied");
  EXPECT_ERR(Exec("head1", "map.tiles.set", {{"url", "https://t.example/{z}/{x}/{y}"}}),
             "permission_denied", "permission.denied");
  EXPECT_EQ(Digest(), before);  // nothing written by any of them

  const std::string url = "https://{s}.tiles.tongzhou.example:8443/wmts/{z}/{x}/{y}{r}.png?v=2";
  Json set = MustExec("admin", "map.tiles.set", {{"url", url}, {"datum", "gcj02"},
                                                 {"attribution", "通州区测绘院"}, {"max_zoom", 18}});
  EXPECT_EQ(set["tiles"]["url"], url);
  Json tiles = MustQuery("worker1", "map.tiles", Json::object())["tiles"];
  EXPECT_EQ(tiles["url"], url);
  EXPECT_EQ(tiles["datum"], "gcj02");
  EXPECT_EQ(tiles["attribution"], "通州区测绘院");
  EXPECT_EQ(tiles["max_zoom"], 18);
  EXPECT_EQ(Map("head1", "g1").value["tiles"], tiles);
  EXPECT_ERR(Query("nobody", "map.tiles", Json::object()), "permission_denied", "permission.denied");
  // The row syncs to every device ("all") and the change leaves an event.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes c JOIN sync_change_tags t ON t.seq = c.seq"
                  " WHERE c.tbl = 'settings' AND t.tag = 'all'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE entity = 'setting' AND entity_id = 'map.tiles'"
                  " AND type = 'setting.changed'"), 1);
  // The same again changes nothing; clearing keeps a row with no value.
  EXPECT_EQ(MustExec("admin", "map.tiles.set", {{"url", url}, {"datum", "gcj02"},
                                                {"attribution", "通州区测绘院"}, {"max_zoom", 18}})["unchanged"],
            true);
  MustExec("admin", "map.tiles.set", Json::object());
  EXPECT_TRUE(MustQuery("worker1", "map.tiles", Json::object())["tiles"].is_null());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM settings WHERE key = 'map.tiles' AND value IS NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_changes WHERE tbl = 'settings'"), 2);
  // Plain http is allowed (a city's server on its own network).
  MustExec("admin", "map.tiles.set", {{"url", "http://10.1.2.3/tiles/{z}/{x}/{y}.png"}});
  EXPECT_EQ(MustQuery("worker1", "map.tiles", Json::object())["tiles"]["datum"], "wgs84");
}

}  // namespace
}  // namespace weige::testing
