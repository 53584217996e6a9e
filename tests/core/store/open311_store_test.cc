// Open311's store (open311_store.h): keys made by administrators in their
// scope, shared rate counters, a partner's request as report.submit (routed
// by location, attributes checked, nothing written on refusal, the partner
// in the event trail), the public reads. SQLite, and PostgreSQL under test-pg.sh.
#include "core/store/open311_store.h"

#include "core/store/internal.h"
#include "core/store/sync_store.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

constexpr double kLat = 39.9050, kLng = 116.6560;

class Open311StoreTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    if (HasFatalFailure()) return;
    MustExec("admin", "building.locate", {{"building_id", "b1"}, {"lat", kLat}, {"lng", kLng}});
    MustExec("admin", "building.locate",
             {{"building_id", "b4"}, {"lat", kLat + 0.01}, {"lng", kLng}});
  }

  store::Open311Key Key(const std::string& region = "g1", int64_t rate = 100,
                        const std::string& partner = "hotline") {
    store::Open311Key k;
    store::Open311KeySpec spec{partner, "12345 热线", region, "test", rate};
    const std::string n = std::to_string(++keys_);
    Status s = store::Open311CreateKey(store(), "admin", spec, "k" + n, "hash" + n, kT0, &k);
    EXPECT_TRUE(s.ok()) << s.reason << " " << s.message;
    return k;
  }

  Result Submit(const store::Open311Key& k, store::Open311NewRequest r, int64_t at = kT0 + kHour) {
    const std::string n = std::to_string(++requests_);
    r.request_id = "o" + n;
    r.token = "t" + n;
    return store::Open311Submit(store(), k, r, at);
  }

  // A command with the server's time stamped on its events (as a push).
  void AtServer(const std::string& actor, const std::string& type, Json payload, int64_t at) {
    store::ExecOptions o;
    o.server_time = at;
    Result r = store().Execute(Cmd("s" + std::to_string(++requests_), type, actor, at, payload), o);
    EXPECT_TRUE(r.ok()) << type << ": " << Describe(r);
  }

  std::vector<open311::PublicRequest> Find(const store::Open311Key& k, store::Open311Filter f) {
    std::vector<open311::PublicRequest> out;
    Status s = store::Open311FindRequests(store(), k, f, &out);
    EXPECT_TRUE(s.ok()) << s.message;
    return out;
  }

  int keys_ = 0, requests_ = 0;
};

store::Open311NewRequest Fire(double lat = kLat, double lng = kLng) {
  store::Open311NewRequest r;
  r.service_code = "fire_safety";
  r.description = "楼道飞线充电";
  r.lat = lat;
  r.lng = lng;
  r.attributes = {{"hazard", "电动车飞线充电"}};
  return r;
}

TEST_F(Open311StoreTest, KeysAreMadeAndListedByAdministratorsOfTheirRegion) {
  store::Open311Key k = Key();
  EXPECT_EQ(k.partner_id, "hotline");
  Actor partner;
  ASSERT_TRUE(store::LoadGrants(store(), "hotline", &partner).ok());
  ASSERT_EQ(partner.grants.size(), 1u);
  EXPECT_EQ(partner.grants[0].role, Role::kPartner);
  EXPECT_EQ(partner.grants[0].scope_id, "g1");
  store::Open311Key again;
  store::Open311KeySpec spec{"p2", "Other", "g1", "", 10};
  EXPECT_EQ(store::Open311CreateKey(store(), "radmin", spec, "kx", "hx", kT0, &again).code,
            Code::kPermissionDenied);  // radmin administers g2 only
  EXPECT_EQ(store::Open311CreateKey(store(), "head1", spec, "kx", "hx", kT0, &again).code,
            Code::kPermissionDenied);
  Actor p2;
  EXPECT_EQ(store::LoadGrants(store(), "p2", &p2).code, Code::kNotFound);  // nothing written
  store::Open311KeySpec resident{"resident1", "", "g1", "", 10};
  EXPECT_EQ(store::Open311CreateKey(store(), "admin", resident, "ky", "hy", kT0, &again).reason,
            "open311.not_a_partner");
  std::vector<store::Open311Key> list;
  ASSERT_TRUE(store::Open311ListKeys(store(), "admin", &list).ok());
  EXPECT_EQ(list.size(), 1u);
  ASSERT_TRUE(store::Open311ListKeys(store(), "radmin", &list).ok());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(store::Open311ListKeys(store(), "worker1", &list).code, Code::kPermissionDenied);
  bool found = false;
  store::Open311Key got;
  ASSERT_TRUE(store::Open311FindKey(store(), "hash1", &found, &got).ok());
  EXPECT_TRUE(found);
  bool revoked = false;
  EXPECT_EQ(store::Open311RevokeKey(store(), "radmin", k.key_id, kT0, &revoked).code, Code::kNotFound);
  ASSERT_TRUE(store::Open311RevokeKey(store(), "admin", k.key_id, kT0, &revoked).ok());
  EXPECT_TRUE(revoked);
  ASSERT_TRUE(store::Open311FindKey(store(), "hash1", &found, &got).ok());
  EXPECT_NE(got.revoked_at, 0);
}

TEST_F(Open311StoreTest, CallsAreCountedPerKeyOverASlidingMinuteInTheStore) {
  store::Open311Key k = Key("g1", 2);
  bool allowed = false;
  int64_t retry = 0;
  const int64_t t = kT0 + 10 * 60000 + 5000;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(store::Open311CountCall(store(), k, t + i, &allowed, &retry).ok());
    EXPECT_TRUE(allowed);
  }
  ASSERT_TRUE(store::Open311CountCall(store(), k, t + 2, &allowed, &retry).ok());
  EXPECT_FALSE(allowed);
  // Until the first call leaves the sliding minute (counted in 1 s buckets).
  EXPECT_EQ(retry, 60000);
  ASSERT_TRUE(store::Open311CountCall(store(), k, t + 59000, &allowed, &retry).ok());
  EXPECT_FALSE(allowed);
  ASSERT_TRUE(store::Open311CountCall(store(), k, t + 60000, &allowed, &retry).ok());
  EXPECT_TRUE(allowed);  // a minute after the first
}

TEST_F(Open311StoreTest, ARequestIsAPartnersReportSubmit) {
  store::Open311Key k = Key();
  Result r = Submit(k, Fire(kLat + 0.0005, kLng));
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.value["service_request_id"], "o1");
  Json detail = MustQuery("admin", "item.detail", {{"item_id", "o1.item"}});
  EXPECT_EQ(detail["microgrid_id"], "mg1") << detail.dump().substr(0, 300);
  Json events = MustQuery("admin", "console.events", {{"entity", "report"}, {"entity_id", "o1"}});
  ASSERT_EQ(events["events"].size(), 1u);
  EXPECT_NE(DumpJson(events["events"][0]).find("\"partner_id\":\"hotline\""), std::string::npos)
      << events;
  bool found = false;
  std::string id;
  ASSERT_TRUE(store::Open311FindToken(store(), k, "t1", &found, &id).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(id, "o1");
  store::Open311Filter f;
  f.ids = {"o1"};
  auto list = Find(k, f);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].address_id, "b1");
  EXPECT_EQ(list[0].status, "open");
  // By address_id and by address_string.
  store::Open311NewRequest by_id = Fire(0, 0);
  by_id.lat.reset();
  by_id.lng.reset();
  by_id.address_id = "b1";
  EXPECT_TRUE(Submit(k, by_id).ok());
  store::Open311NewRequest by_name = by_id;
  by_name.address_id.clear();
  by_name.address_string = "Building b2";
  Result named = Submit(k, by_name);
  ASSERT_TRUE(named.ok()) << Describe(named);
}

TEST_F(Open311StoreTest, ARefusedRequestWritesNothing) {
  store::Open311Key k = Key();
  const std::string before = store().ContentDigest();
  store::Open311NewRequest missing = Fire();
  missing.attributes = Json::object();
  EXPECT_ERR(Submit(k, missing), "invalid_argument", "report.missing_attribute");
  EXPECT_ERR(Submit(k, Fire(kLat + 1, kLng)), "failed_precondition", "place.outside_microgrids");
  EXPECT_ERR(Submit(k, Fire(kLat + 0.01, kLng)), "permission_denied", "permission.denied");  // b4, g2
  store::Open311NewRequest unknown = Fire();
  unknown.service_code = "potholes";
  EXPECT_ERR(Submit(k, unknown), "invalid_argument", "report.unknown_category");
  store::Open311NewRequest nowhere = Fire();
  nowhere.lat.reset();
  nowhere.lng.reset();
  nowhere.address_string = "no such place";
  EXPECT_ERR(Submit(k, nowhere), "invalid_argument", "open311.address_not_found");
  EXPECT_EQ(store().ContentDigest(), before);
  bool found = true;
  std::string id;
  ASSERT_TRUE(store::Open311FindToken(store(), k, "t1", &found, &id).ok());
  EXPECT_FALSE(found);
}

TEST_F(Open311StoreTest, RequestsAreReadInTheRegionAndWindowWithoutPrivateValues) {
  store::Open311Key k = Key("g1");
  store::Open311Key other = Key("g2", 100, "app");
  MustExec("resident1", "report.submit",
           {{"report_id", "rr"}, {"category", "sanitation"},
            {"description", "垃圾没人收，请打13912345678找Person resident1"},
            {"phone", "13912345678"}, {"place", {{"building_id", "b1"}}}}, kT0 + kDay);
  ASSERT_TRUE(Submit(k, Fire(), kT0 + 2 * kDay).ok());
  store::Open311Filter f;
  f.from_ms = kT0;
  f.to_ms = kT0 + 3 * kDay;
  auto list = Find(k, f);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].service_request_id, "o1");  // newest first
  EXPECT_EQ(list[1].service_request_id, "rr");
  EXPECT_EQ(list[1].description.find("13912345678"), std::string::npos) << list[1].description;
  EXPECT_EQ(list[1].description.find("Person resident1"), std::string::npos) << list[1].description;
  EXPECT_TRUE(Find(other, f).empty());  // g2 holds neither
  f.service_codes = {"sanitation"};
  EXPECT_EQ(Find(k, f).size(), 1u);
  f.service_codes.clear();
  f.status = "closed";
  EXPECT_TRUE(Find(k, f).empty());
  f.status.clear();
  f.from_ms = kT0 + 2 * kDay + 1;
  EXPECT_TRUE(Find(k, f).empty());
}

// address_string is matched as people type it, never to the wrong building.
TEST_F(Open311StoreTest, AnAddressStringFindsItsBuildingAsPeopleTypeIt) {
  MustExec("admin", "building.upsert", {{"id", "b1"}, {"microgrid_id", "mg1"}, {"name", "土桥小区1号楼"},
                                        {"address", "北京市通州区杨庄街道土桥小区1号楼"}});
  MustExec("admin", "building.upsert", {{"id", "b11"}, {"microgrid_id", "mg1"}, {"name", "土桥小区11号楼"},
                                        {"address", "北京市通州区杨庄街道土桥小区11号楼"}});
  store::Open311Key k = Key("g1");
  auto building = [&](const std::string& address) -> std::string {
    store::Open311NewRequest r = Fire();
    r.lat.reset();
    r.lng.reset();
    r.address_string = address;
    Result res = Submit(k, r);
    if (!res.ok()) return res.status.reason;
    Json d = MustQuery("admin", "item.detail", {{"item_id", res.value["service_request_id"].get<std::string>() + ".item"}});
    return d["building_id"].get<std::string>();
  };
  EXPECT_EQ(building("北京市通州区杨庄街道土桥小区1号楼"), "b1");   // its address
  EXPECT_EQ(building("土桥小区11号楼"), "b11");                    // its name
  EXPECT_EQ(building("北京市 通州区 土桥小区 １１号楼"), "b11");    // spaces, full-width digits
  EXPECT_EQ(building("北京市通州区土桥小区1号楼"), "b1");          // the name with the city in front
  EXPECT_EQ(building("杨庄街道，土桥小区1号楼。"), "b1");          // the end of its address
  EXPECT_EQ(building("1号楼"), "b1");  // the one building it ends: "…11号楼" does not end with it
  EXPECT_EQ(building("号楼"), "open311.address_ambiguous");
  EXPECT_EQ(building("土桥小区2号楼"), "open311.address_not_found");
  EXPECT_EQ(building("楼"), "open311.address_not_found");          // too short to name a place
}

// The keyless reads (the spec's GETs take no api_key) see every region and
// every partner's tokens, and cannot submit.
TEST_F(Open311StoreTest, ThePublicKeyReadsEveryRegionAndSubmitsNothing) {
  store::Open311Key k = Key("g1");
  store::Open311Key other = Key("g2", 100, "app");
  ASSERT_TRUE(Submit(k, Fire(), kT0 + kDay).ok());
  const store::Open311Key pub = store::Open311PublicKey("203.0.113.7", 60);
  EXPECT_EQ(pub.key_id, "public:203.0.113.7");
  store::Open311Filter f;
  f.from_ms = kT0;
  f.to_ms = kT0 + 3 * kDay;
  EXPECT_TRUE(Find(other, f).empty());
  auto list = Find(pub, f);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].service_request_id, "o1");
  bool found = false;
  std::string id;
  ASSERT_TRUE(store::Open311FindToken(store(), other, "t1", &found, &id).ok());
  EXPECT_FALSE(found);  // another partner's token
  ASSERT_TRUE(store::Open311FindToken(store(), pub, "t1", &found, &id).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(id, "o1");
  Result r = Submit(pub, Fire(), kT0 + kDay);
  EXPECT_EQ(r.status.code, Code::kPermissionDenied);
  EXPECT_EQ(r.status.reason, "open311.key_required");
  EXPECT_EQ(Find(pub, f).size(), 1u);  // nothing written
}

// A device's clock is recorded, never trusted: a report pushed from a phone
// whose clock is days off is requested (and updated) when the server took
// it, and is found in the window of that time.
TEST_F(Open311StoreTest, RequestedAndUpdatedTimesAreTheServersNotTheDevices) {
  store::Open311Key k = Key("g1");
  AtServer("resident1", "report.submit",
           {{"report_id", "rw"}, {"category", "sanitation"}, {"description", "垃圾没人收"},
            {"place", {{"building_id", "b1"}}}},
           kT0 + kDay);
  // From a phone 5 days slow, taken by the server 5 ms after the first.
  store::ExecOptions o;
  o.server_time = kT0 + kDay + 5;
  Result r = store().Execute(Cmd("s-slow", "report.submit", "resident1", kT0 - 5 * kDay,
                                 {{"report_id", "rs"}, {"category", "sanitation"},
                                  {"description", "楼道堆物"}, {"place", {{"building_id", "b1"}}}}),
                             o);
  ASSERT_TRUE(r.ok()) << Describe(r);
  AtServer("head1", "item.assign", {{"item_id", "rs.item"}, {"owner_dept", "dept_prop"},
                                    {"deadline", kT0 + 7 * kDay}}, kT0 + kDay + 9);
  store::Open311Filter f;
  f.from_ms = kT0;
  f.to_ms = kT0 + 3 * kDay;
  auto list = Find(k, f);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].service_request_id, "rs");  // taken last by the server
  EXPECT_EQ(list[0].requested_ms, kT0 + kDay + 5);
  EXPECT_EQ(list[0].updated_ms, kT0 + kDay + 9);
  EXPECT_EQ(list[1].service_request_id, "rw");
  EXPECT_EQ(list[1].requested_ms, kT0 + kDay);
  f.from_ms = kT0 - 6 * kDay;
  f.to_ms = kT0 - 4 * kDay;
  EXPECT_TRUE(Find(k, f).empty());  // the device's day holds nothing
  f.ids = {"rs"};
  list = Find(k, f);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].requested_ms, kT0 + kDay + 5);
}

TEST_F(Open311StoreTest, UpdatesFollowTheStoresEventOrderAndServerTime) {
  store::Open311Key k = Key();
  ASSERT_TRUE(Submit(k, Fire(), kT0).ok());
  // Device times run backwards; the server's times and the event order do not.
  AtServer("head1", "item.assign", {{"item_id", "o1.item"}, {"owner_dept", "dept_prop"},
                                    {"deadline", kT0 + 7 * kDay}}, kT0 + 1000);
  AtServer("deptp", "item.mark_fixed", {{"item_id", "o1.item"}, {"evidence", {Sha(1)}}}, kT0 + 2000);
  AtServer("head1", "item.verify", {{"item_id", "o1.item"}, {"evidence", {Sha(2)}}}, kT0 + 3000);
  AtServer("head1", "item.comment", {{"item_id", "o1.item"}, {"text", "done"}}, kT0 + 3500);
  AtServer("admin", "item.reopen", {{"item_id", "o1.item"}, {"reason", "again"}}, kT0 + 4000);
  std::vector<open311::PublicUpdate> u;
  ASSERT_TRUE(store::Open311FindUpdates(store(), k, kT0, kT0 + kDay, 100, &u).ok());
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[0].event_type, "item.assigned");
  EXPECT_EQ(u[1].event_type, "item.fixed");
  EXPECT_EQ(u[2].event_type, "item.closed");
  EXPECT_EQ(u[3].event_type, "item.reopened");
  for (size_t i = 1; i < u.size(); ++i) EXPECT_LT(u[i - 1].update_seq, u[i].update_seq);
  EXPECT_EQ(u[2].updated_ms, kT0 + 3000);
  ASSERT_TRUE(store::Open311FindUpdates(store(), k, kT0 + 2500, kT0 + kDay, 100, &u).ok());
  EXPECT_EQ(u.size(), 2u);
  store::Open311Key far = Key("g2", 100, "app");
  ASSERT_TRUE(store::Open311FindUpdates(store(), far, kT0, kT0 + kDay, 100, &u).ok());
  EXPECT_TRUE(u.empty());
}

}  // namespace
}  // namespace weige::testing
