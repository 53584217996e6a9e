// Push through core/sync: answers, idempotency, remembered rejections.
#include "core/store/sync_store.h"
#include "core/sync/push.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

class PushTest : public WorldTest {
 protected:
  Json Push(const std::string& person, Json commands) {
    Json answers;
    Status s = sync::PushBatch(&store(), person, commands, kT0 + kDay, nullptr, &answers);
    EXPECT_TRUE(s.ok()) << s.reason;
    return answers;
  }
  static Json Open(const std::string& id, const std::string& item, const char* hh = "h1") {
    return {{"id", id}, {"type", "item.open"}, {"at", kT0},
            {"payload", {{"item_id", item}, {"household_id", hh}, {"category", "fire"},
                         {"title", "Flying wire"}}}};
  }
};

TEST_F(PushTest, AcceptedRejectedAndNonBlocking) {
  Json answers = Push("worker1", {Open("c1", "i1"), Open("c2", "i2", "h4"), Open("c3", "i3")});
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0]["status"], "accepted");
  EXPECT_EQ(answers[1]["status"], "rejected");
  EXPECT_EQ(answers[1]["code"], "permission_denied");
  EXPECT_EQ(answers[2]["status"], "accepted") << "a rejection never blocks later commands";
  EXPECT_EQ(ItemState("i3"), "open");
}

TEST_F(PushTest, RePushGivesTheSameAnswersAndWritesNothing) {
  Json batch = {Open("c1", "i1"), Open("c2", "i2", "h4")};
  Json first = Push("worker1", batch);
  std::string digest = Digest();
  int64_t answers = Count("SELECT COUNT(*) FROM sync_push_answers");
  Json second = Push("worker1", batch);
  EXPECT_EQ(first, second);
  EXPECT_EQ(Digest(), digest);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_push_answers"), answers);
}

TEST_F(PushTest, ActorIsTheCaller) {
  Json c = Open("c1", "i1");
  c["actor"] = "head1";
  Json a = Push("worker1", {c});
  EXPECT_EQ(a[0]["status"], "rejected");
  EXPECT_EQ(a[0]["reason"], "auth.actor_mismatch");
  Json own = Open("c2", "i2");
  own["actor"] = "worker1";
  EXPECT_EQ(Push("worker1", {own})[0]["status"], "accepted");
}

TEST_F(PushTest, AnIdReusedByAnotherCommandIsAConflict) {
  Push("worker1", {Open("c1", "i1")});
  Json other = Open("c1", "i9");
  EXPECT_EQ(Push("worker1", {other})[0]["reason"], "command.id_reused");
  // Ids are per person (issue 11): another person's c1 is that person's own
  // command; one person's id cannot block another's.
  EXPECT_EQ(Push("head1", {Open("c1", "i8")})[0]["status"], "accepted");
  EXPECT_EQ(Push("head1", {Open("c1", "i9")})[0]["reason"], "command.id_reused");
}

TEST_F(PushTest, MalformedCommandsAreRejectedOneByOne) {
  Json a = Push("worker1", {42, Json::object(), {{"id", "bad id!"}}, {{"id", "c5"}},
                            Open("c6", "i6")});
  ASSERT_EQ(a.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a[i]["status"], "rejected") << a[i];
  EXPECT_EQ(a[3]["id"], "c5");
  EXPECT_EQ(a[4]["status"], "accepted");
  Json answers;
  EXPECT_EQ(sync::PushBatch(&store(), "worker1", Json::object(), 0, nullptr, &answers).reason,
            "push.bad_batch");
  Json many = Json::array();
  for (size_t i = 0; i <= sync::kMaxPushCommands; ++i) many.push_back(Json::object());
  EXPECT_EQ(sync::PushBatch(&store(), "worker1", many, 0, nullptr, &answers).reason,
            "push.too_many");
}

TEST_F(PushTest, StopTurnsTheRestIntoRetry) {
  int n = 0;
  Json answers;
  ASSERT_TRUE(sync::PushBatch(&store(), "worker1", {Open("c1", "i1"), Open("c2", "i2")}, kT0,
                              [&] { return ++n > 1; }, &answers)
                  .ok());
  EXPECT_EQ(answers[0]["status"], "accepted");
  EXPECT_EQ(answers[1]["status"], "retry");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sync_push_answers WHERE command_id = 'c2'"), 0);
}

}  // namespace
}  // namespace weige::testing
