// The device side of sync (core/sync/device.h): one server store (the store
// test world with the change log on) and device stores in the same process,
// the bytes moved by hand through PushBatch, Pull, SettlePush and ApplyPage.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/store/db.h"
#include "core/sync/device.h"
#include "core/sync/outbox.h"
#include "core/sync/pull.h"
#include "core/sync/push.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

// The synced tables, in the order the change log fills them.
const char* const kSynced[] = {"regions", "departments", "buildings", "households", "people",
                               "roles",   "templates",   "visits",    "coverage",   "patrols",
                               "items",   "reports",     "events"};

// Every row of a table as text, sorted (typed values, so 1 and '1' differ).
std::vector<std::string> Rows(store::Store& s, const std::string& table,
                              const std::string& where = "") {
  std::vector<std::string> out;
  std::string cols;
  store::Stmt info = store::DbOf(s).Q("SELECT name FROM pragma_table_info(?)");
  info.Bind(1, table);
  while (info.Step()) {
    if (!cols.empty()) cols += ", ";
    cols += "typeof(\"" + info.Text(0) + "\"), \"" + info.Text(0) + "\"";
  }
  store::Stmt rows = store::DbOf(s).Q("SELECT json_array(" + cols + ") FROM " + table +
                               (where.empty() ? "" : " WHERE " + where));
  while (rows.Step()) out.push_back(rows.Text(0));
  std::sort(out.begin(), out.end());
  return out;
}

// Every synced table's rows: what a device holds (its outbox aside).
std::map<std::string, std::vector<std::string>> State(store::Store& s) {
  std::map<std::string, std::vector<std::string>> out;
  for (const char* t : kSynced) out[t] = Rows(s, t);
  return out;
}

class DeviceSyncTest : public WorldTest {
 protected:
  struct Device {
    std::string person;
    std::unique_ptr<TempDb> tmp;
    std::unique_ptr<store::Store> store;
    int next = 0;
  };

  void SetUp() override {
    WorldTest::SetUp();
    TurnOnChangeLog();
  }

  std::unique_ptr<Device> NewDevice(const std::string& person) {
    auto d = std::make_unique<Device>();
    d->person = person;
    d->tmp = std::make_unique<TempDb>();
    EXPECT_TRUE(store::Store::Open(d->tmp->path(), {}, &d->store).ok());
    return d;
  }

  // A command on the device (offline); returns its id.
  std::string Run(Device& d, const std::string& type, Json payload, int64_t at = kT0 + kDay,
                  Result* result = nullptr) {
    std::string id = d.person + "-" + std::to_string(++d.next);
    Result r = sync::ExecuteLocal(d.store.get(), DumpJson(Cmd(id, type, d.person, at, payload)));
    if (result != nullptr) {
      *result = r;
    } else {
      EXPECT_TRUE(r.ok()) << type << " by " << d.person << ": " << Describe(r);
    }
    return id;
  }

  // Pushes everything pending; returns the server's answers. With `settle`
  // false the answers are lost on the way back.
  Json Push(Device& d, bool settle = true) {
    Result pending = sync::PendingCommands(d.store.get(), 500);
    EXPECT_TRUE(pending.ok());
    Json answers;
    EXPECT_TRUE(sync::PushBatch(&store(), d.person, pending.value["commands"], kT0 + 2 * kDay,
                                nullptr, &answers)
                    .ok());
    if (settle) EXPECT_OK(sync::SettlePush(d.store.get(), DumpJson(answers)));
    return answers;
  }

  std::string Page(const std::string& person, int64_t cursor, int64_t limit) {
    sync::PullRequest req;
    req.person_id = person;
    req.cursor = cursor;
    req.limit = limit;
    std::string page;
    Status s = sync::Pull(&store(), req, &page);
    EXPECT_TRUE(s.ok()) << s.reason << ": " << s.message;
    return page;
  }

  Json SyncState(Device& d) {
    Result r = sync::SyncState(d.store.get());
    EXPECT_OK(r);
    return r.value;
  }

  // Pulls pages until done; returns the last ApplyPage value.
  Json Pull(Device& d, int64_t limit = 5000) {
    Json last;
    for (int pages = 0; pages < 1000; ++pages) {
      int64_t cursor = SyncState(d)["cursor"].get<int64_t>();
      Result r = sync::ApplyPage(d.store.get(), Page(d.person, cursor, limit));
      EXPECT_OK(r);
      if (!r.ok()) return last;
      last = r.value;
      if (!last["has_more"].get<bool>() && !last["resync"].get<bool>()) return last;
    }
    ADD_FAILURE() << "pull did not finish";
    return last;
  }

  Json Sync(Device& d) {
    Push(d);
    return Pull(d);
  }

  // The device holds exactly what a fresh device of the same person pulls.
  void ExpectConverged(Device& d) {
    auto fresh = NewDevice(d.person);
    Pull(*fresh);
    auto want = State(*fresh->store);
    auto have = State(*d.store);
    for (const char* t : kSynced) EXPECT_EQ(have[t], want[t]) << d.person << ": table " << t;
    EXPECT_EQ(SyncState(d)["digest"], SyncState(*fresh)["digest"]);
  }

  std::string DeviceItemState(Device& d, const std::string& item) {
    store::Stmt s = store::DbOf(*d.store).Q("SELECT state FROM items WHERE id = ?");
    s.Bind(1, item);
    return s.Step() ? s.Text(0) : std::string("(none)");
  }

  // An assigned item the grid head escalated to dept_fire (deadline kT0 + 3 days).
  std::string EscalatedToTheFireBureau() {
    std::string item = ItemIn("assigned");
    MustExec("head1", "item.escalate",
             {{"item_id", item}, {"department_id", "dept_fire"}, {"deadline", kT0 + 3 * kDay},
              {"reason", "wiring beyond the grid"}},
             kT0 + kHour);
    return item;
  }
  int64_t DeviceCount(Device& d, const std::string& sql) {
    store::Stmt s = store::DbOf(*d.store).Q(sql);
    return s.Step() ? s.Int(0) : -1;
  }
};

TEST_F(DeviceSyncTest, FirstPullHoldsTheScopeAndNothingElse) {
  auto w = NewDevice("worker1");
  Json last = Pull(*w);
  EXPECT_EQ(last["digest"], "match");
  EXPECT_EQ(Rows(*w->store, "households"), Rows(store(), "households", "microgrid_id = 'mg1'"));
  EXPECT_EQ(Rows(*w->store, "buildings"), Rows(store(), "buildings", "microgrid_id = 'mg1'"));
  EXPECT_EQ(Rows(*w->store, "templates"), Rows(store(), "templates"));
  // The person can work on the device once pulled.
  std::string open = Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"},
                                          {"category", "fire"}, {"title", "Flying wire"}});
  EXPECT_EQ(DeviceItemState(*w, "i1"), "open");
  EXPECT_EQ(SyncState(*w)["pending"], 1);
  Json answers = Push(*w);
  EXPECT_EQ(answers[0]["status"], "accepted");
  EXPECT_EQ(SyncState(*w)["pending"], 0);
  Pull(*w);
  ExpectConverged(*w);
  EXPECT_EQ(Rows(*w->store, "items"), Rows(store(), "items", "microgrid_id = 'mg1'"));
}

TEST_F(DeviceSyncTest, SeveralDevicesConverge) {
  auto w = NewDevice("worker1");
  auto head = NewDevice("head1");
  auto dept = NewDevice("deptp");
  auto res = NewDevice("resident1");
  auto cap = NewDevice("captain1");
  for (Device* d : {w.get(), head.get(), dept.get(), res.get(), cap.get()}) Pull(*d);

  Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "fire"},
                        {"title", "Flying wire"}});
  Run(*w, "visit.record", {{"visit_id", "v1"}, {"household_id", "h2"}, {"cycle", kCycle},
                           {"outcome", "met"}, {"template_id", "door"}, {"template_version", 1},
                           {"answers", {{"ebike", true}, {"extinguisher", "ok"}}}});
  Run(*res, "report.submit", {{"report_id", "r1"}, {"category", "sanitation"},
                              {"description", "Rubbish by the door"}, {"place", {{"address", "Door 101"}}}});
  Sync(*w);
  Sync(*res);
  Sync(*head);
  ASSERT_EQ(DeviceItemState(*head, "i1"), "open");
  Run(*head, "item.assign", {{"item_id", "i1"}, {"owner_dept", "dept_prop"},
                             {"deadline", kT0 + 7 * kDay}});
  Sync(*head);
  Sync(*dept);
  ASSERT_EQ(DeviceItemState(*dept, "i1"), "assigned");
  // The department's device holds no region rows; it fixes all the same.
  Run(*dept, "item.mark_fixed", {{"item_id", "i1"}, {"evidence", {Sha(1)}}});
  Sync(*dept);
  Sync(*cap);
  Run(*cap, "item.comment", {{"item_id", "i1"}, {"text", "looks fixed"}});
  Sync(*cap);
  Sync(*head);
  Run(*head, "item.verify", {{"item_id", "i1"}, {"evidence", {Sha(2)}}});
  for (Device* d : {head.get(), w.get(), dept.get(), res.get(), cap.get()}) Sync(*d);
  EXPECT_EQ(DeviceItemState(*w, "i1"), "closed");
  EXPECT_EQ(ItemState("i1"), "closed");
  for (Device* d : {w.get(), head.get(), dept.get(), res.get(), cap.get()}) {
    ExpectConverged(*d);
    EXPECT_EQ(SyncState(*d)["pending"], 0) << d->person;
    EXPECT_EQ(SyncState(*d)["rejected"], 0) << d->person;
  }
  // Each accepted command's events exist once on the server and once on a
  // device that sees them.
  EXPECT_EQ(Rows(*w->store, "events", "entity_id = 'i1'"), Rows(store(), "events", "entity_id = 'i1'"));
  EXPECT_EQ(Rows(*w->store, "items"), Rows(store(), "items", "microgrid_id = 'mg1'"));
}

// A resident's device holds no building row: their report shows its
// building and where it is from the server's item.opened, once synced.
TEST_F(DeviceSyncTest, AResidentsDeviceShowsTheirReportsBuildingAndPosition) {
  MustExec("admin", "building.locate", {{"building_id", "b1"}, {"lat", 39.905}, {"lng", 116.656}});
  auto res = NewDevice("resident1");
  Pull(*res);
  EXPECT_TRUE(Rows(*res->store, "buildings").empty());
  Run(*res, "report.submit", {{"report_id", "r-where"}, {"category", "sanitation"},
                              {"description", "Rubbish by the door"},
                              {"place", {{"building_id", "b1"}}}});
  auto place = [&] {
    Result r = res->store->Query("reports.mine", Json{{"actor", "resident1"}, {"now", kT0}});
    EXPECT_OK(r);
    return r.value["reports"][0]["place"];
  };
  EXPECT_FALSE(place().contains("location"));  // not known on the device yet
  Sync(*res);
  EXPECT_EQ(place()["building"], "Building b1");
  EXPECT_DOUBLE_EQ(place()["location"]["lat"].get<double>(), 39.905);
  EXPECT_DOUBLE_EQ(place()["location"]["lng"].get<double>(), 116.656);
  Result detail = res->store->Query("item.detail", Json{{"actor", "resident1"}, {"item_id", "r-where.item"}});
  ASSERT_OK(detail);
  EXPECT_EQ(detail.value["place"]["location"], place()["location"]);
}

TEST_F(DeviceSyncTest, RebaseKeepsPendingWorkOnTopOfTheServersState) {
  std::string item = ItemIn("assigned");
  auto w = NewDevice("worker1");
  Pull(*w);
  // Offline on the device: a comment and a new item.
  std::string comment = Run(*w, "item.comment", {{"item_id", item}, {"text", "seen again"}});
  Run(*w, "item.open", {{"item_id", "i-new"}, {"household_id", "h2"}, {"category", "care"},
                        {"title", "Elderly alone"}});
  int64_t local_events = DeviceCount(*w, "SELECT COUNT(*) FROM events");
  // Meanwhile on the server: the department fixes the item.
  Fix(item);
  Json last = Pull(*w);
  EXPECT_EQ(last["reapplied"], 2);
  EXPECT_EQ(DeviceItemState(*w, item), "fixed") << "server state underneath";
  EXPECT_EQ(DeviceItemState(*w, "i-new"), "open") << "pending work on top";
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM events"), local_events + 1);
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM events WHERE command_id = '" + comment + "'"), 1);
  // The local events sit above every server event the device holds.
  EXPECT_GT(DeviceCount(*w, "SELECT MIN(seq) FROM events WHERE command_id LIKE 'worker1-%'"),
            DeviceCount(*w, "SELECT MAX(seq) FROM events WHERE command_id NOT LIKE 'worker1-%'"));
  EXPECT_EQ(SyncState(*w)["pending"], 2);

  // Pull again with nothing new: the same state, still pending.
  auto before = State(*w->store);
  Pull(*w);
  EXPECT_EQ(State(*w->store), before);

  Sync(*w);
  EXPECT_EQ(SyncState(*w)["pending"], 0);
  ExpectConverged(*w);
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM events WHERE command_id = '" + comment + "'"), 1);
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM sync_local"), 0);
}

TEST_F(DeviceSyncTest, AStaleWriteIsRejectedWithItsReasonAtPush) {
  std::string item = ItemIn("fixed");
  auto head = NewDevice("head1");
  auto admin = NewDevice("admin");
  Pull(*head);
  Pull(*admin);
  // Two people verify the one item, both offline.
  std::string mine = Run(*head, "item.verify", {{"item_id", item}, {"evidence", {Sha(3)}}});
  std::string theirs = Run(*admin, "item.verify", {{"item_id", item}, {"evidence", {Sha(4)}}});
  EXPECT_EQ(DeviceItemState(*admin, item), "closed");
  Sync(*head);
  Json answers = Push(*admin);
  EXPECT_EQ(answers[0]["status"], "rejected");
  Json rejections = sync::Rejections(admin->store.get()).value;
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0]["id"], theirs);
  EXPECT_EQ(rejections[0]["code"], answers[0]["code"]);
  EXPECT_EQ(rejections[0]["reason"], answers[0]["reason"]);
  EXPECT_EQ(rejections[0]["source"], "server");
  EXPECT_EQ(rejections[0]["type"], "item.verify");
  Pull(*admin);
  // The loser's effects are gone; the winner's stand.
  store::Stmt s = store::DbOf(*admin->store).Q("SELECT closed_by FROM items WHERE id = ?");
  s.Bind(1, item);
  ASSERT_TRUE(s.Step());
  EXPECT_EQ(s.Text(0), "head1");
  EXPECT_EQ(DeviceCount(*admin, "SELECT COUNT(*) FROM events WHERE command_id = '" + theirs + "'"),
            0);
  ExpectConverged(*admin);
  EXPECT_EQ(sync::Rejections(admin->store.get()).value.size(), 1u) << "it stays visible";
}

TEST_F(DeviceSyncTest, AStaleWriteIsRejectedByTheRebaseBeforeItIsPushed) {
  std::string item = ItemIn("assigned");
  auto dept = NewDevice("worker1");
  Pull(*dept);
  // Elsewhere the department fixes the item and the head verifies it.
  Fix(item, "deptp");
  Close(item);
  // Offline, the worker marks a fix after the closure.
  std::string late = Run(*dept, "item.mark_fixed", {{"item_id", item}, {"evidence", {Sha(5)}}});
  Json last = Pull(*dept);
  ASSERT_EQ(last["rejected"].size(), 1u) << last;
  EXPECT_EQ(last["rejected"][0]["id"], late);
  EXPECT_EQ(last["rejected"][0]["code"], "failed_precondition");
  EXPECT_FALSE(last["rejected"][0]["reason"].get<std::string>().empty());
  EXPECT_EQ(DeviceItemState(*dept, item), "closed");
  EXPECT_EQ(SyncState(*dept)["pending"], 0) << "a rejected command is not pushed";
  Json rejections = sync::Rejections(dept->store.get()).value;
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0]["source"], "rebase");
  EXPECT_EQ(rejections[0]["reason"], last["rejected"][0]["reason"]);
  ExpectConverged(*dept);
}

TEST_F(DeviceSyncTest, ApplyingAPageTwiceChangesNothing) {
  auto w = NewDevice("worker1");
  std::string page = Page("worker1", 0, 5000);
  ASSERT_OK(sync::ApplyPage(w->store.get(), page));
  Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "fire"},
                        {"title", "Flying wire"}});
  std::string digest = w->store->ContentDigest();
  Json state = SyncState(*w);
  Result again = sync::ApplyPage(w->store.get(), page);
  ASSERT_OK(again);
  EXPECT_EQ(again.value["applied"], 0);
  EXPECT_GT(again.value["skipped"].get<int64_t>(), 0);
  EXPECT_EQ(w->store->ContentDigest(), digest);
  EXPECT_EQ(SyncState(*w), state);
  // A later page applied twice, too.
  OpenItem("h2");
  int64_t cursor = state["cursor"].get<int64_t>();
  std::string next = Page("worker1", cursor, 5000);
  ASSERT_OK(sync::ApplyPage(w->store.get(), next));
  digest = w->store->ContentDigest();
  ASSERT_OK(sync::ApplyPage(w->store.get(), next));
  ASSERT_OK(sync::ApplyPage(w->store.get(), page));
  EXPECT_EQ(w->store->ContentDigest(), digest);
  Sync(*w);
  ExpectConverged(*w);
}

TEST_F(DeviceSyncTest, ALostPushAnswerIsLearnedFromThePage) {
  auto w = NewDevice("worker1");
  Pull(*w);
  std::string id = Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"},
                                         {"category", "fire"}, {"title", "Flying wire"}});
  Push(*w, /*settle=*/false);
  Json last = Pull(*w);
  EXPECT_EQ(last["accepted"], Json::array({id}));
  EXPECT_EQ(SyncState(*w)["pending"], 0);
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM events WHERE command_id = '" + id + "'"), 1);
  ExpectConverged(*w);
  // The late answer, arriving after all, changes nothing.
  Json answers = Push(*w);
  EXPECT_EQ(answers.size(), 0u);
}

// issue 11: command ids are per actor. Another person's command reusing this
// device's pending id is accepted on the server (no squat), and its events in
// a pulled page do not settle this device's command (before, the page marked
// it accepted and the device dropped it unsent).
TEST_F(DeviceSyncTest, ASquattedCommandIdNeitherBlocksNorSettlesAnother) {
  std::string item = OpenItem();
  Pull(*NewDevice("worker1"));
  auto w = NewDevice("worker1");
  Pull(*w);
  std::string id = Run(*w, "item.comment", {{"item_id", item}, {"text", "mine"}});
  // head1 learned the id and used it first, on the server.
  EXPECT_OK(store().Execute(Cmd(id, "item.comment", "head1", kT0 + kDay,
                                {{"item_id", item}, {"text", "squat"}}),
                            store::ExecOptions{kT0 + kDay}));
  Pull(*w);
  EXPECT_EQ(SyncState(*w)["pending"], 1) << "the page settled someone else's command";
  Json answers = Push(*w);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["status"], "accepted") << answers.dump();
  Pull(*w);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE type = 'item.commented' AND command_id = '" +
                  id + "'"),
            2);
  ExpectConverged(*w);
}

TEST_F(DeviceSyncTest, SmallPagesConvergeToo) {
  auto head = NewDevice("head1");
  for (int i = 0; i < 5; ++i) OpenItem(i % 2 ? "h1" : "h4", i % 2 ? "worker1" : "head1");
  Json last = Pull(*head, 7);
  EXPECT_EQ(last["digest"], "match");
  Run(*head, "item.comment", {{"item_id", "item1"}, {"text", "on my way"}});
  OpenItem("h2");
  Pull(*head, 3);
  EXPECT_EQ(SyncState(*head)["pending"], 1);
  EXPECT_EQ(SyncState(*head)["unapplied"], 0);
  Sync(*head);
  ExpectConverged(*head);
}

TEST_F(DeviceSyncTest, ADepartmentAcknowledgesAnEscalationOffline) {
  std::string item = EscalatedToTheFireBureau();
  auto dept = NewDevice("deptf");
  Pull(*dept);
  ASSERT_EQ(DeviceItemState(*dept, item), "assigned");
  Run(*dept, "item.acknowledge", {{"item_id", item}, {"note", "on our list"}});
  Json answers = Push(*dept);
  EXPECT_EQ(answers[0]["status"], "accepted") << answers;
  Pull(*dept);
  ExpectConverged(*dept);
}

// A department's device holds the items and their events from the
// escalation on, but no building, household or person rows: the escalation's
// event carries the place's names and the escalator's name, so its screens
// name them (and never the household head or a phone).
TEST_F(DeviceSyncTest, ADepartmentsDeviceNamesThePlaceAndWhoEscalated) {
  std::string item = EscalatedToTheFireBureau();  // household h1 in b1, mg1
  auto dept = NewDevice("deptf");
  Pull(*dept);
  ASSERT_EQ(DeviceCount(*dept, "SELECT COUNT(*) FROM buildings"), 0);
  ASSERT_EQ(DeviceCount(*dept, "SELECT COUNT(*) FROM households"), 0);
  ASSERT_EQ(DeviceCount(*dept, "SELECT COUNT(*) FROM people WHERE id = 'head1'"), 0);
  Result detail = dept->store->Query("item.detail", Json{{"actor", "deptf"}, {"item_id", item}});
  ASSERT_OK(detail);
  const Json& d = detail.value;
  EXPECT_EQ(d["place"]["microgrid"], "Region mg1") << d["place"];
  EXPECT_EQ(d["place"]["building"], "Building b1");
  EXPECT_EQ(d["place"]["unit"], "1");
  EXPECT_EQ(d["place"]["room"], "101");
  EXPECT_FALSE(d["place"].contains("head_name"));
  EXPECT_EQ(d["escalation"]["by"], "head1");
  EXPECT_EQ(d["escalation"]["by_name"], "Person head1");
  EXPECT_EQ(d["escalation"]["deadline"], kT0 + 3 * kDay);
  bool named = false;
  for (const Json& e : d["events"]) {
    if (e["type"] == "item.escalated") named = e["actor_name"] == "Person head1";
  }
  EXPECT_TRUE(named) << d["events"];
  Result list = dept->store->Query(
      "items.checklist", Json{{"actor", "deptf"}, {"owner_dept", "dept_fire"}, {"now", kT0}});
  ASSERT_OK(list);
  ASSERT_EQ(list.value["items"].size(), 1u);
  EXPECT_EQ(list.value["items"][0]["place"]["building"], "Building b1");
  EXPECT_EQ(list.value["items"][0]["escalation"]["by_name"], "Person head1");
  // The server's own answer names the same place from its rows.
  Json server = MustQuery("head1", "item.detail", {{"item_id", item}});
  EXPECT_EQ(server["place"], d["place"]);
  // A captain's device holds the building but not its households: the unit
  // and room come from the escalation too.
  auto captain = NewDevice("captain1");
  Pull(*captain);
  ASSERT_EQ(DeviceCount(*captain, "SELECT COUNT(*) FROM households"), 0);
  Result seen = captain->store->Query("item.detail", Json{{"actor", "captain1"}, {"item_id", item}});
  ASSERT_OK(seen);
  EXPECT_EQ(seen.value["place"], d["place"]);
}

// Whose commands a push may carry is the core's rule: only the signed-in
// person's. Two people's commands in one database (a shared phone) never go
// up under one token (the server would reject the other's as
// auth.actor_mismatch and it would be lost): each waits for its author.
TEST_F(DeviceSyncTest, APushCarriesOnlyTheSignedInPersonsCommands) {
  std::string item = ItemIn("open");
  auto d = NewDevice("worker1");
  Pull(*d);
  Run(*d, "item.comment", {{"item_id", item}, {"text", "mine"}});
  Result theirs = sync::ExecuteLocal(
      d->store.get(), DumpJson(Cmd("head1-1", "item.comment", "head1", kT0 + kDay,
                                   {{"item_id", item}, {"text", "theirs"}})));
  ASSERT_OK(theirs);
  Result mine = sync::PendingCommands(d->store.get(), 500, "worker1");
  ASSERT_OK(mine);
  ASSERT_EQ(mine.value["count"], 1);
  EXPECT_EQ(mine.value["commands"][0]["actor"], "worker1");
  Json answers;
  ASSERT_OK(sync::PushBatch(&store(), "worker1", mine.value["commands"], kT0 + 2 * kDay, nullptr,
                            &answers));
  EXPECT_EQ(answers[0]["status"], "accepted") << answers;
  EXPECT_OK(sync::SettlePush(d->store.get(), DumpJson(answers)));
  EXPECT_EQ(sync::PendingCommands(d->store.get(), 500, "worker1").value["count"], 0);
  Result left = sync::PendingCommands(d->store.get(), 500, "head1");
  ASSERT_EQ(left.value["count"], 1);
  EXPECT_EQ(left.value["commands"][0]["id"], "head1-1");
  EXPECT_EQ(sync::PendingCommands(d->store.get(), 500).value["count"], 1);  // all, unfiltered
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE command_id = 'head1-1'"), 0);
}

TEST_F(DeviceSyncTest, ARowLeavingTheScopeIsEvicted) {
  std::string item = ItemIn("assigned");  // owner dept_prop
  auto dept = NewDevice("deptp");
  Pull(*dept);
  ASSERT_EQ(DeviceItemState(*dept, item), "assigned");
  MustExec("head1", "item.assign",
           {{"item_id", item}, {"owner_dept", "dept_fire"}, {"deadline", kT0 + 9 * kDay}},
           kT0 + kHour);
  Json last = Pull(*dept);
  EXPECT_GE(last["evicted"].get<int64_t>(), 1);
  EXPECT_EQ(DeviceItemState(*dept, item), "(none)");
}

TEST_F(DeviceSyncTest, ADigestMismatchResyncsFromZero) {
  auto w = NewDevice("worker1");
  Pull(*w);
  std::string pending = Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"},
                                              {"category", "fire"}, {"title", "Flying wire"}});
  // Drift: the device lost a row (and its count) behind sync's back.
  ASSERT_TRUE(ExecSql(*w->store, "DELETE FROM households WHERE id = 'h2'").ok());
  ASSERT_TRUE(ExecSql(*w->store, "UPDATE sync_device SET digest_count = digest_count - 1").ok());
  OpenItem("h2");
  int64_t cursor = SyncState(*w)["cursor"].get<int64_t>();
  Result r = sync::ApplyPage(w->store.get(), Page("worker1", cursor, 5000));
  ASSERT_OK(r);
  EXPECT_EQ(r.value["digest"], "mismatch");
  EXPECT_TRUE(r.value["resync"].get<bool>());
  EXPECT_EQ(SyncState(*w)["cursor"], 0);
  Json last = Pull(*w);
  EXPECT_EQ(last["digest"], "match");
  EXPECT_EQ(DeviceItemState(*w, "i1"), "open") << "pending work survives a resync";
  EXPECT_EQ(SyncState(*w)["pending"], 1);
  Sync(*w);
  ExpectConverged(*w);
}

TEST_F(DeviceSyncTest, ABadPageWritesNothing) {
  auto w = NewDevice("worker1");
  Pull(*w);
  Run(*w, "item.open", {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "fire"},
                        {"title", "Flying wire"}});
  std::string digest = w->store->ContentDigest();
  Json state = SyncState(*w);
  int64_t cursor = state["cursor"].get<int64_t>();
  const std::string bad[] = {
      "", "[]", "{}", "not json", R"({"ok":false,"code":"internal"})",
      R"({"changes":[],"next_cursor":-1,"has_more":false})",
      R"({"changes":[{"seq":1}],"next_cursor":5,"has_more":false})",
      R"({"changes":[{"seq":99999,"table":"outbox","op":"upsert","pk":["x"],"row":{"seq":1}}],)"
      R"("next_cursor":99999,"has_more":false})",
      R"({"changes":[{"seq":99999,"table":"items; DROP TABLE items","op":"delete","pk":["x"]}],)"
      R"("next_cursor":99999,"has_more":false})",
      R"({"changes":[{"seq":99999,"table":"items","op":"upsert","pk":["x"],"row":{"title":"no id"}}],)"
      R"("next_cursor":99999,"has_more":false})",
      R"({"changes":[{"seq":99999,"table":"roles","op":"delete","pk":["only one"]}],)"
      R"("next_cursor":99999,"has_more":false})",
      R"({"changes":[{"seq":99999,"table":"items","op":"merge","pk":["x"]}],)"
      R"("next_cursor":99999,"has_more":false})",
      R"({"changes":[{"seq":9,"table":"items","op":"delete","pk":["x"]},)"
      R"({"seq":8,"table":"items","op":"delete","pk":["y"]}],"next_cursor":99999,"has_more":false})",
  };
  for (const std::string& page : bad) {
    Result r = sync::ApplyPage(w->store.get(), page);
    EXPECT_FALSE(r.ok()) << page;
    EXPECT_EQ(r.status.code, Code::kInvalidArgument) << page;
    EXPECT_EQ(w->store->ContentDigest(), digest) << page;
    EXPECT_EQ(SyncState(*w), state) << page;
  }
  (void)cursor;
}

TEST_F(DeviceSyncTest, ExecuteLocalAnswersARepeatWithoutRecordingTwice) {
  auto w = NewDevice("worker1");
  Pull(*w);
  Json cmd = Cmd("dup-1", "item.open", "worker1", kT0,
                 {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "fire"},
                  {"title", "Flying wire"}});
  ASSERT_OK(sync::ExecuteLocal(w->store.get(), DumpJson(cmd)));
  ASSERT_OK(sync::ExecuteLocal(w->store.get(), DumpJson(cmd)));
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM sync_local"), 1);
  Result bad = sync::ExecuteLocal(w->store.get(), "{\"id\":\"x\"}");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(DeviceCount(*w, "SELECT COUNT(*) FROM sync_local"), 1);
  Sync(*w);
  ExpectConverged(*w);
}

// Duplicates (core/store/duplicate_commands.cc): two residents report the
// same rubbish; the grid head marks the second a duplicate on the server.
class DuplicateSyncTest : public DeviceSyncTest {
 protected:
  void SetUp() override {
    DeviceSyncTest::SetUp();
    for (auto [resident, id, building] : {std::tuple{"resident1", "rA", "b1"},
                                          std::tuple{"resident4", "rB", "b3"}}) {
      MustExec(resident, "report.submit",
               {{"report_id", id}, {"category", "sanitation"},
                {"description", "Rubbish by the gate"}, {"place", {{"building_id", building}}}});
    }
    Assign("rB.item");
  }
  void MarkOnServer() {
    MustExec("head1", "report.mark_duplicate",
             {{"report_id", "rB"}, {"original_id", "rA"}, {"reason", "same gate"}}, kT0 + kHour);
  }
};

TEST_F(DuplicateSyncTest, AStaleOfflineFixOfADuplicateIsRejectedAtPush) {
  auto w = NewDevice("worker2");  // rB's micro-grid, mg2
  Pull(*w);
  std::string fix = Run(*w, "item.mark_fixed", {{"item_id", "rB.item"}, {"evidence", {Sha(7)}}});
  EXPECT_EQ(DeviceItemState(*w, "rB.item"), "fixed");
  MarkOnServer();
  Json answers = Push(*w);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["status"], "rejected");
  EXPECT_EQ(answers[0]["code"], "failed_precondition");
  EXPECT_EQ(answers[0]["reason"], "item.duplicate");
  Pull(*w);
  // The server's state stands: parked in its kept state, linked to rA's item.
  EXPECT_EQ(DeviceItemState(*w, "rB.item"), "assigned");
  EXPECT_EQ(ItemState("rB.item"), "assigned");
  Json rejections = sync::Rejections(w->store.get()).value;
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0]["id"], fix);
  EXPECT_EQ(rejections[0]["reason"], "item.duplicate");
  Result d = w->store->Query("item.detail", Json{{"actor", "worker2"}, {"item_id", "rB.item"}});
  ASSERT_OK(d);
  EXPECT_EQ(d.value["duplicate_of"], "rA.item");
  EXPECT_EQ(d.value["actions"], Json({"item.comment"}));
  ExpectConverged(*w);
}

TEST_F(DuplicateSyncTest, AStaleOfflineFixOfADuplicateIsRejectedByTheRebase) {
  auto dept = NewDevice("deptp");  // owns rB's item; holds no report rows
  Pull(*dept);
  std::string fix =
      Run(*dept, "item.mark_fixed", {{"item_id", "rB.item"}, {"evidence", {Sha(8)}}});
  MarkOnServer();
  Json last = Pull(*dept);
  ASSERT_EQ(last["rejected"].size(), 1u) << last;
  EXPECT_EQ(last["rejected"][0]["id"], fix);
  EXPECT_EQ(last["rejected"][0]["reason"], "item.duplicate");
  EXPECT_EQ(SyncState(*dept)["pending"], 0) << "a rejected command is not pushed";
  EXPECT_EQ(DeviceItemState(*dept, "rB.item"), "assigned");
  ExpectConverged(*dept);
}

TEST_F(DuplicateSyncTest, TheDuplicatesResidentFollowsAndEvaluatesOnTheirDevice) {
  auto res = NewDevice("resident4");
  MarkOnServer();
  Pull(*res);
  auto mine = [&] {
    Result r = res->store->Query("reports.mine", Json{{"actor", "resident4"}, {"now", kT0}});
    EXPECT_OK(r);
    return r.value["reports"][0];
  };
  EXPECT_EQ(mine()["duplicate_of"], "rA");
  EXPECT_EQ(mine()["state"], "open");
  Assign("rA.item");
  Fix("rA.item");
  Close("rA.item");
  Pull(*res);
  EXPECT_EQ(mine()["state"], "closed");
  EXPECT_TRUE(mine()["can_evaluate"]);
  Run(*res, "report.evaluate", {{"report_id", "rB"}, {"rating", 5}});
  Json answers = Push(*res);
  EXPECT_EQ(answers[0]["status"], "accepted") << answers;
  // The grid head unmarks it, offline: the device's item is back as it was.
  auto head = NewDevice("head1");
  Pull(*head);
  Run(*head, "report.unmark_duplicate", {{"report_id", "rB"}, {"reason", "another gate"}});
  Sync(*head);
  Pull(*res);
  EXPECT_TRUE(mine()["duplicate_of"].is_null());
  EXPECT_EQ(mine()["state"], "assigned");
  ExpectConverged(*res);
  ExpectConverged(*head);
}

}  // namespace
}  // namespace weige::testing
