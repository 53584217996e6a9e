// issue 11 ("Trust") on the store: input that looks valid but is not (a NUL
// byte, blank text), command ids per actor, and residents' phones.
#include "core/domain/json_reader.h"
#include "core/sync/push.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

using TrustTest = WorldTest;

TEST_F(TrustTest, ANulByteInACommandIsMalformedAndWritesNothing) {
  std::string cmd = DumpJson(Cmd("nul1", "item.open", "worker1", kT0,
                                 {{"item_id", "nul1"}, {"household_id", "h1"},
                                  {"category", "sanitation"}, {"title", "x"}}));
  std::string before = Digest();
  for (const std::string& bad : {cmd + std::string("\0 GARBAGE", 9), cmd + std::string(1, '\0'),
                                 std::string(1, '\0') + cmd}) {
    EXPECT_ERR(store().Execute(bad), "invalid_argument", "json.malformed");
  }
  EXPECT_EQ(Digest(), before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%GARBAGE%'"), 0);
  EXPECT_ERR(store().Query("items.checklist", std::string("{\"actor\":\"worker1\"}\0x", 21)),
             "invalid_argument", "json.malformed");
  EXPECT_OK(store().Execute(cmd));
}

// Every text a person types, blank in every kind of white space: refused
// where required, with nothing written.
TEST_F(TrustTest, BlankTextIsRefusedEverywhereItIsRequired) {
  std::string fixed = ItemIn("fixed");
  std::string closed = ItemIn("closed");
  std::string open = ItemIn("open");
  for (const char* blank : {"", " ", "   ", "\t\n", "\u3000", "\u3000 \u3000", "\u00a0", "\u200b",
                            "\ufeff", "\u2003\u2009"}) {
    struct Case {
      const char* name;
      std::string actor, type;
      Json payload;
    } cases[] = {
        {"reject reason", "head1", "item.reject_fix", {{"item_id", fixed}, {"reason", blank}}},
        {"reopen reason", "head1", "item.reopen", {{"item_id", closed}, {"reason", blank}}},
        {"item title", "worker1", "item.open",
         {{"item_id", "blank1"}, {"household_id", "h1"}, {"category", "sanitation"},
          {"title", blank}}},
        {"comment", "worker1", "item.comment", {{"item_id", open}, {"text", blank}}},
        {"report description", "resident1", "report.submit",
         {{"report_id", "rb1"}, {"category", "noise"}, {"description", blank},
          {"place", {{"building_id", "b1"}}}}},
        {"region name", "admin", "region.upsert",
         {{"id", "mgx"}, {"parent_id", "g1"}, {"level", "microgrid"}, {"name", blank}}},
        {"department name", "admin", "department.upsert",
         {{"id", "dx"}, {"name", blank}, {"kind", "property"}}},
        {"building name", "admin", "building.upsert",
         {{"id", "bx"}, {"microgrid_id", "mg1"}, {"name", blank}}},
        {"person name", "admin", "person.upsert", {{"id", "px"}, {"name", blank}}},
        {"visit finding title", "worker1", "visit.record",
         {{"visit_id", "vb1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
          {"findings", {{{"category", "care"}, {"title", blank}}}}}},
    };
    for (const Case& c : cases) {
      std::string before = Digest();
      Result r = Exec(c.actor, c.type, c.payload);
      EXPECT_ERR(r, "invalid_argument", "argument.empty");
      EXPECT_EQ(Digest(), before) << c.name << " [" << blank << "]";
    }
  }
}

TEST_F(TrustTest, TextIsStoredTrimmed) {
  MustExec("worker1", "item.open",
           {{"item_id", "t1"}, {"household_id", "h1"}, {"category", "sanitation"},
            {"title", "\u3000 楼道堆物\u3000"}, {"description", "  \u200b  "}});
  Json d = ItemDetail("t1");
  EXPECT_EQ(d["title"], "楼道堆物");
  EXPECT_TRUE(d["description"].is_null() || d["description"] == "") << d["description"];
  MustExec("worker1", "item.comment", {{"item_id", "t1"}, {"text", "\n 已联系物业 \n"}});
  EXPECT_EQ(ItemDetail("t1")["events"].back()["data"]["text"], "已联系物业");
  // A title is one line; a reason may have several.
  EXPECT_ERR(Exec("worker1", "item.open",
                  {{"item_id", "t2"}, {"household_id", "h1"}, {"category", "sanitation"},
                   {"title", "a\nb"}}),
             "invalid_argument", "argument.control_character");
  EXPECT_ERR(Exec("worker1", "item.comment", {{"item_id", "t1"}, {"text", std::string("a\0b", 3)}}),
             "invalid_argument", "argument.control_character");
  EXPECT_ERR(Exec("worker1", "item.comment", {{"item_id", "t1"}, {"text", std::string(4001, 'x')}}),
             "invalid_argument", "argument.too_long");
}

// One person's command id does not block another person's command.
TEST_F(TrustTest, CommandIdsArePerActor) {
  std::string item = OpenItem();
  Json mine = Cmd("shared-id", "item.comment", "worker1", kT0, {{"item_id", item}, {"text", "a"}});
  Json theirs = Cmd("shared-id", "item.comment", "head1", kT0, {{"item_id", item}, {"text", "b"}});
  Result first = store().Execute(theirs);  // the squatter goes first
  ASSERT_OK(first);
  Result r = store().Execute(mine);
  EXPECT_OK(r);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM events WHERE command_id = 'shared-id'"), 2);
  // Idempotency holds per actor: the same command again is the same answer,
  // nothing written; a different command under one's own id is a conflict.
  std::string before = Digest();
  Result again = store().Execute(mine);
  EXPECT_OK(again);
  EXPECT_EQ(again.value, r.value);
  EXPECT_EQ(store().Execute(theirs).value, first.value);
  EXPECT_EQ(Digest(), before);
  Json changed = mine;
  changed["payload"]["text"] = "c";
  EXPECT_ERR(store().Execute(changed), "conflict", "command.id_reused");
  EXPECT_EQ(Digest(), before);
}

TEST_F(TrustTest, ServerPushAnswersArePerPerson) {
  std::unique_ptr<store::Store> server;
  store::OpenOptions options;
  options.record_changes = true;
  store_.reset();
  ASSERT_TRUE(store::Store::Open(tmp_->path(), options, &server).ok());
  ASSERT_OK(server->Execute(Cmd("o1", "item.open", "worker1", kT0,
                                {{"item_id", "i1"}, {"household_id", "h1"},
                                 {"category", "sanitation"}, {"title", "x"}})));
  Json by_head = {{"id", "p-1"}, {"type", "item.comment"}, {"at", kT0},
                  {"payload", {{"item_id", "i1"}, {"text", "squat"}}}};
  Json by_worker = by_head;
  by_worker["payload"]["text"] = "mine";
  Json a = sync::PushCommand(server.get(), "head1", by_head, kT0);
  EXPECT_EQ(a["status"], "accepted") << a.dump();
  Json b = sync::PushCommand(server.get(), "worker1", by_worker, kT0);
  EXPECT_EQ(b["status"], "accepted") << b.dump();
  // A re-push gets the same answer; a different command under the same id
  // by the same person is a conflict.
  EXPECT_EQ(sync::PushCommand(server.get(), "worker1", by_worker, kT0), b);
  EXPECT_EQ(sync::PushCommand(server.get(), "head1", by_head, kT0), a);
  Json changed = by_worker;
  changed["payload"]["text"] = "other";
  EXPECT_EQ(sync::PushCommand(server.get(), "worker1", changed, kT0)["reason"],
            "command.id_reused");
}

// "The last visit" is the one the store recorded last, not the one whose
// device clock says latest: a second visit from a phone whose clock runs
// behind used to hide behind the first.
TEST_F(TrustTest, TheLastVisitIsTheStoresLastNotTheLatestClock) {
  MustExec("worker1", "visit.record",
           {{"visit_id", "va"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "refused"}},
           kT0 + 5 * kDay);
  MustExec("worker1", "visit.record",
           {{"visit_id", "vb"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "not_home"}},
           kT0);
  Json due = MustQuery("worker1", "worker.households_due", {{"microgrid_id", "mg1"}, {"cycle", kCycle}});
  Json h1;
  for (const Json& b : due["buildings"]) {
    for (const Json& h : b["households"]) {
      if (h["id"] == "h1") h1 = h;
    }
  }
  ASSERT_FALSE(h1.is_null()) << due.dump();
  EXPECT_EQ(h1["last_outcome"], "not_home");
  EXPECT_EQ(h1["last_visit_at"], kT0);  // what that visit's device said, as recorded
}

class PhoneTest : public WorldTest {
 protected:
  // resident1 reports about b1 with a phone; the item is assigned to
  // dept_prop (deptp handles it).
  std::string Reported(const std::string& id, bool contact_ok) {
    Json p = {{"report_id", id}, {"category", "noise"}, {"description", "Loud at night"},
              {"place", {{"building_id", "b1"}}}, {"phone", " 13812341234 "},
              {"contact_ok", contact_ok}};
    std::string item = MustExec("resident1", "report.submit", p)["item_id"];
    Assign(item);
    return item;
  }
  int64_t Reveals() {
    return Count("SELECT COUNT(*) FROM events WHERE type = 'report.phone_revealed'");
  }
};

TEST_F(PhoneTest, MaskedForEveryoneWhoMayReadTheItem) {
  std::string item = Reported("r1", true);
  for (const char* actor : {"worker1", "head1", "captain1", "admin", "deptp"}) {
    Json d = MustQuery(actor, "item.detail", {{"item_id", item}});
    EXPECT_EQ(d["report"]["phone"], "138****1234") << actor;
    EXPECT_EQ(d["report"]["contact_ok"], true) << actor;
    EXPECT_EQ(d["report"]["can_reveal_phone"], std::string(actor) == "deptp") << actor;
    EXPECT_EQ(d.dump().find("13812341234"), std::string::npos) << actor;
  }
  // The resident sees their own number.
  EXPECT_EQ(MustQuery("resident1", "reports.mine", Json::object())["reports"][0]["phone"],
            "13812341234");
  // An item not from a report has no report block.
  EXPECT_TRUE(ItemDetail(OpenItem())["report"].is_null());
}

TEST_F(PhoneTest, TheHandlerRevealsItAndEachRevealIsInTheTrail) {
  std::string item = Reported("r1", true);
  for (int i = 1; i <= 2; ++i) {
    Json r = MustExec("deptp", "report.reveal_phone", {{"report_id", "r1"}});
    EXPECT_EQ(r["phone"], "13812341234");
    EXPECT_EQ(Reveals(), i);
  }
  Json trail = MustQuery("resident1", "reports.mine", Json::object())["reports"][0]["timeline"];
  EXPECT_EQ(trail.back()["type"], "report.phone_revealed");
  EXPECT_EQ(trail.back()["actor"], "deptp");
  EXPECT_EQ(trail.back().dump().find("13812341234"), std::string::npos);
  // Reassigned to a person: now only that person.
  MustExec("head1", "item.assign",
           {{"item_id", item}, {"owner_person", "worker1"}, {"deadline", kT0 + 9 * kDay}}, kT0 + kHour);
  EXPECT_EQ(Exec("deptp", "report.reveal_phone", {{"report_id", "r1"}}).status.code,
            Code::kPermissionDenied);
  EXPECT_OK(Exec("worker1", "report.reveal_phone", {{"report_id", "r1"}}));
  EXPECT_EQ(Reveals(), 3);
}

TEST_F(PhoneTest, NobodyElseAndNeverWithoutConsent) {
  Reported("r1", true);
  for (const char* actor : {"worker1", "head1", "admin", "captain1"}) {
    EXPECT_ERR(Exec(actor, "report.reveal_phone", {{"report_id", "r1"}}), "permission_denied",
               "report.not_handler");
  }
  for (const char* actor : {"resident4", "worker2", "nobody"}) {
    EXPECT_FALSE(Exec(actor, "report.reveal_phone", {{"report_id", "r1"}}).ok()) << actor;
  }
  Reported("r2", false);
  EXPECT_ERR(Exec("deptp", "report.reveal_phone", {{"report_id", "r2"}}), "failed_precondition",
             "report.no_contact_consent");
  EXPECT_EQ(MustQuery("deptp", "item.detail", {{"item_id", "r2.item"}})["report"]["can_reveal_phone"],
            false);
  // Consent defaults to no.
  MustExec("resident1", "report.submit",
           {{"report_id", "r3"}, {"category", "noise"}, {"description", "x"},
            {"place", {{"building_id", "b1"}}}, {"phone", "13900000000"}});
  const Json mine = MustQuery("resident1", "reports.mine", Json::object());
  for (const Json& rep : mine["reports"]) {
    EXPECT_EQ(rep["contact_ok"], rep["id"] == "r1") << rep["id"];
  }
  EXPECT_ERR(Exec("deptp", "report.reveal_phone", {{"report_id", "r9"}}), "not_found",
             "report.not_found");
  EXPECT_EQ(Reveals(), 0);
}

}  // namespace
}  // namespace weige::testing
