// The audit trail and the command log: events per change (append-only),
// idempotent re-execution, and one outbox row per accepted command.
#include "core/store/db.h"
#include "core/sync/outbox.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using EventsTest = WorldTest;

TEST_F(EventsTest, EachChangeAppendsAnEventWithActorTimesReasonAndEvidence) {
  std::string id = OpenItem("h1", "worker1", kT0, {{"photos", {Sha(1), Sha(2)}}});
  Assign(id);
  MustExec("deptp", "item.mark_fixed", {{"item_id", id}, {"evidence", {Sha(3)}}, {"note", "done"}},
           kT0 + kHour);
  MustExec("head1", "item.reject_fix", {{"item_id", id}, {"reason", "half done"}}, kT0 + 2 * kHour);
  MustExec("deptp", "item.mark_fixed", {{"item_id", id}, {"evidence", {Sha(4), Sha(5)}}},
           kT0 + 3 * kHour);
  store::ExecOptions server;
  server.server_time = kT0 + 5 * kHour;
  ASSERT_OK(store().Execute(Cmd("verify-1", "item.verify", "captain1", kT0 + 4 * kHour,
                                {{"item_id", id}, {"evidence", {Sha(6)}}}),
                            server));
  Json events = ItemDetail(id)["events"];
  struct Want { const char* type; const char* actor; int64_t at; Json reason; Json evidence; };
  const Want want[] = {
      {"item.opened", "worker1", kT0, nullptr, {Sha(1), Sha(2)}},
      {"item.assigned", "head1", kT0 + 60000, nullptr, Json::array()},
      {"item.fixed", "deptp", kT0 + kHour, "done", {Sha(3)}},
      {"item.fix_rejected", "head1", kT0 + 2 * kHour, "half done", Json::array()},
      {"item.fixed", "deptp", kT0 + 3 * kHour, nullptr, {Sha(4), Sha(5)}},
      {"item.closed", "captain1", kT0 + 4 * kHour, nullptr, {Sha(6)}},
  };
  ASSERT_EQ(events.size(), std::size(want));
  int64_t last_seq = 0;
  for (size_t i = 0; i < std::size(want); ++i) {
    const Json& e = events[i];
    EXPECT_EQ(e["type"], want[i].type) << i;
    EXPECT_EQ(e["actor"], want[i].actor) << i;
    EXPECT_EQ(e["at"], want[i].at) << i;
    EXPECT_EQ(e["reason"], want[i].reason) << i;
    EXPECT_EQ(e["evidence"], want[i].evidence) << i;
    EXPECT_GT(e["seq"].get<int64_t>(), last_seq);
    last_seq = e["seq"];
    if (i + 1 < std::size(want)) {
      EXPECT_TRUE(e["server_at"].is_null()) << i;
    } else {
      EXPECT_EQ(e["server_at"], kT0 + 5 * kHour);
      EXPECT_EQ(e["command_id"], "verify-1");
    }
  }
  EXPECT_EQ(events[1]["data"]["owner_dept"], "dept_prop");
  // The server-accepted command is stored as accepted, the others pending.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE state = 'accepted'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE command_id = 'verify-1' AND state = 'accepted'"), 1);
}

TEST_F(EventsTest, EventsAreAppendOnly) {
  std::string id = ItemIn("closed");
  std::string before = Digest();
  int64_t n = Count("SELECT COUNT(*) FROM events");
  ASSERT_GT(n, 0);
  Status up = ExecSql(store(), "UPDATE events SET reason = 'forged' WHERE entity_id = '" + id + "'");
  EXPECT_FALSE(up.ok());
  EXPECT_NE(up.message.find("append-only"), std::string::npos) << up.message;
  Status del = ExecSql(store(), "DELETE FROM events");
  EXPECT_FALSE(del.ok());
  Status one = ExecSql(store(), "DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)");
  EXPECT_FALSE(one.ok());
  Status evidence = ExecSql(store(), "UPDATE events SET evidence = NULL");
  EXPECT_FALSE(evidence.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events"), n);
  EXPECT_EQ(Digest(), before);
  // Commands keep working afterwards.
  EXPECT_OK(Exec("head1", "item.comment", {{"item_id", id}, {"text", "after"}}));
}

TEST_F(EventsTest, EveryDirectoryChangeIsAnEvent) {
  int64_t before = Count("SELECT COUNT(*) FROM events");
  MustExec("admin", "person.upsert", {{"id", "p1"}, {"name", "P"}});
  MustExec("admin", "role.grant", {{"person_id", "p1"}, {"role", "worker"}, {"scope_id", "mg1"}});
  MustExec("admin", "role.revoke", {{"person_id", "p1"}, {"role", "worker"}, {"scope_id", "mg1"}});
  MustExec("head1", "building.upsert", {{"id", "b9"}, {"microgrid_id", "mg1"}, {"name", "B9"}});
  MustExec("worker1", "household.upsert", {{"id", "h9"}, {"building_id", "b9"}, {"tags", {"elderly"}}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events"), before + 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE type = 'role.revoked' AND entity_id = 'p1'"), 1);
}

TEST_F(EventsTest, ReExecutingACommandReturnsTheSameResultAndWritesNothing) {
  Json cmd = Cmd("dup-1", "item.open", "worker1", kT0,
                 {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}});
  Result first = store().Execute(cmd);
  ASSERT_OK(first);
  std::string after_first = Digest();
  for (int i = 0; i < 3; ++i) {
    Result again = store().Execute(cmd);
    ASSERT_OK(again);
    EXPECT_EQ(again.value, first.value);
    EXPECT_EQ(Digest(), after_first);
  }
  // The same command as text, keys in another order and spacing.
  Result text = store().Execute(std::string_view(
      R"({"payload": {"title": "t", "category": "c", "household_id": "h1", "item_id": "i1"},
          "at": 1767225600000, "actor": "worker1", "type": "item.open", "id": "dup-1"})"));
  ASSERT_OK(text);
  EXPECT_EQ(text.value, first.value);
  EXPECT_EQ(Digest(), after_first);
  // Even after the item has moved on, the replay answers what it answered.
  Assign("i1");
  std::string moved = Digest();
  Result late = store().Execute(cmd);
  ASSERT_OK(late);
  EXPECT_EQ(late.value, first.value);
  EXPECT_EQ(Digest(), moved);
}

TEST_F(EventsTest, ReusingAnIdForAnotherCommandIsAConflict) {
  Json cmd = Cmd("dup-2", "item.open", "worker1", kT0,
                 {{"item_id", "i1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}});
  ASSERT_OK(store().Execute(cmd));
  std::string before = Digest();
  std::vector<Json> variants;
  Json v = cmd;
  v["payload"]["title"] = "other";
  variants.push_back(v);
  v = cmd;
  v["payload"]["extra"] = 1;
  variants.push_back(v);
  // Another actor with the same id is another command (ids are per actor:
  // trust_test.cc CommandIdsArePerActor), so no "actor" variant here.
  v = cmd;
  v["at"] = kT0 + 1;
  variants.push_back(v);
  v = cmd;
  v["type"] = "item.comment";
  variants.push_back(v);
  for (const Json& variant : variants) {
    EXPECT_ERR(store().Execute(variant), "conflict", "command.id_reused");
    EXPECT_EQ(Digest(), before) << variant.dump();
  }
}

TEST_F(EventsTest, ARejectedCommandIsNotRecordedAndMayBeRetried) {
  Json cmd = Cmd("retry-1", "item.assign", "head1", kT0,
                 {{"item_id", "later"}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}});
  std::string before = Digest();
  EXPECT_ERR(store().Execute(cmd), "not_found", "item.not_found");
  EXPECT_EQ(Digest(), before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE command_id = 'retry-1'"), 0);
  MustExec("worker1", "item.open",
           {{"item_id", "later"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}});
  EXPECT_OK(store().Execute(cmd));
}

TEST_F(EventsTest, OneOutboxRowPerAcceptedCommand) {
  int64_t rows = Count("SELECT COUNT(*) FROM outbox");
  EXPECT_EQ(rows, Count("SELECT COUNT(*) FROM outbox WHERE command_id LIKE 'setup-%'"));
  std::string text =
      R"({"id":"ob-1","type":"item.open","actor":"worker1","at":1767225600000,)"
      R"("payload":{"item_id":"i1","household_id":"h1","category":"c","title":"t"}})";
  ASSERT_OK(store().Execute(std::string_view(text)));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), rows + 1);
  {
    store::Stmt s = store::DbOf(store()).Q("SELECT body, type, actor, at, state, result FROM outbox WHERE command_id = 'ob-1'");
    ASSERT_TRUE(s.Step());
    EXPECT_EQ(s.Text(0), text) << "the body is kept as sent";
    EXPECT_EQ(s.Text(1), "item.open");
    EXPECT_EQ(s.Text(2), "worker1");
    EXPECT_EQ(s.Int(3), kT0);
    EXPECT_EQ(s.Text(4), "pending");
    EXPECT_EQ(Json::parse(s.Text(5)), Json({{"item_id", "i1"}, {"state", "open"}}));
  }
  // Rejected commands add no row; a visit with three findings adds one.
  EXPECT_FALSE(Exec("worker1", "item.open", {{"item_id", "i1"}}).ok());
  EXPECT_FALSE(Exec("worker2", "visit.record", {{"visit_id", "v1"}, {"household_id", "h1"},
                                                {"cycle", kCycle}, {"outcome", "met"}}).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), rows + 1);
  MustExec("worker1", "visit.record",
           {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
            {"findings", {{{"category", "a"}, {"title", "a"}}, {{"category", "b"}, {"title", "b"}},
                          {{"category", "c"}, {"title", "c"}}}}});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), rows + 2);
  // The sync layer lists them oldest first.
  Result pending = sync::PendingCommands(&store(), 10000);
  ASSERT_OK(pending);
  ASSERT_EQ(pending.value["count"], rows + 2);
  const Json& cmds = pending.value["commands"];
  EXPECT_EQ(cmds[cmds.size() - 2]["id"], "ob-1");
  EXPECT_EQ(cmds.back()["type"], "visit.record");
  EXPECT_TRUE(sync::SettleCommand(&store(), "ob-1", true, "seq 7").ok());
  EXPECT_EQ(sync::PendingCommands(&store(), 10000).value["count"], rows + 1);
  EXPECT_EQ(sync::SettleCommand(&store(), "ob-1", true, "again").reason, "outbox.not_found");
}

TEST_F(EventsTest, ARolledBackOuterTransactionTakesEverythingWithIt) {
  std::string before = Digest();
  {
    store::Transaction batch;
    ASSERT_TRUE(store().Begin(&batch).ok());
    OpenItem();
    OpenItem();
    batch.Rollback();
    EXPECT_FALSE(batch.active());
  }
  EXPECT_EQ(Digest(), before);
  // And a committed batch keeps all of it.
  store::Transaction batch;
  ASSERT_TRUE(store().Begin(&batch).ok());
  EXPECT_FALSE(Exec("worker1", "item.open", {{"item_id", "x"}}).ok());
  std::string a = OpenItem();
  ASSERT_TRUE(batch.Commit().ok());
  EXPECT_FALSE(store().InTransaction());
  EXPECT_EQ(ItemState(a), "open");
}

}  // namespace
}  // namespace weige::testing
