// weige-server's sign-in: login, logout, expiry, rate limits, and that the
// token's person is the actor of everything.
#include <chrono>
#include <thread>

#include "core/store/db.h"
#include "tests/sync/server_harness.h"

namespace weige::testing {
namespace {

using AuthTest = ServerTest;

TEST_F(AuthTest, LoginGivesATokenThatWorks) {
  HttpReply reply;
  std::string token = http().Login("worker1", TestPassword("worker1"), &reply);
  ASSERT_EQ(token.size(), 64u) << reply.body;
  EXPECT_EQ(reply.json["person_id"], "worker1");
  EXPECT_GT(reply.json["expires_at"].get<int64_t>(), kT0);
  HttpReply me = http().Get("/api/v1/auth/me", token);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json["person_id"], "worker1");
  EXPECT_EQ(me.json["grants"][0]["role"], "worker");
  // Two logins, two different tokens.
  EXPECT_NE(http().Login("worker1", TestPassword("worker1")), token);
}

TEST_F(AuthTest, WrongPasswordUnknownPersonAndNoPasswordAreAlike) {
  for (auto [person, pw] : {std::pair<std::string, std::string>{"worker1", "wrong-password"},
                            {"ghost", "whatever-pass"},
                            {"worker1", ""}}) {
    HttpReply r;
    EXPECT_EQ(http().Login(person, pw, &r), "");
    EXPECT_TRUE(r.status == 401 || r.status == 400) << r.body;
    EXPECT_EQ(r.json["ok"], false);
  }
  HttpReply r;
  http().Login("ghost", "whatever-pass", &r);
  EXPECT_EQ(r.json["reason"], "auth.bad_credentials");
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
}

TEST_F(AuthTest, TokensAreStoredHashed) {
  std::string token = Token("worker1");
  server_.Stop();
  std::unique_ptr<store::Store> s;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), {}, &s).ok());
  store::Stmt q = store::DbOf(*s).Q("SELECT token_hash FROM auth_tokens");
  int n = 0;
  while (q.Step()) {
    EXPECT_NE(q.Text(0), token);
    EXPECT_EQ(q.Text(0).size(), 64u);
    ++n;
  }
  EXPECT_EQ(n, 1);
  store::Stmt c = store::DbOf(*s).Q("SELECT hash FROM auth_credentials WHERE person_id = 'worker1'");
  ASSERT_TRUE(c.Step());
  EXPECT_EQ(c.Text(0).rfind("$argon2id$", 0), 0u);
}

TEST_F(AuthTest, EveryEndpointButLoginNeedsAToken) {
  struct Call { std::string method, path; };
  for (Call c : {Call{"GET", "/api/v1/auth/me"}, {"POST", "/api/v1/auth/logout"},
                 {"POST", "/api/v1/sync/push"}, {"GET", "/api/v1/sync/pull"},
                 {"POST", "/api/v1/query"}, {"POST", "/api/v1/admin/password"},
                 {"POST", "/api/v1/admin/deactivate"}, {"GET", "/api/v1/blobs/" + std::string(64, 'a')},
                 {"PUT", "/api/v1/blobs/" + std::string(64, 'a')}}) {
    for (const std::string& token : {std::string(), std::string(64, 'f'), std::string("short")}) {
      HttpReply r = c.method == "GET"   ? http().Get(c.path, token)
                    : c.method == "PUT" ? http().Put(c.path, "x", token)
                                        : http().Post(c.path, "{}", token);
      EXPECT_EQ(r.status, 401) << c.method << " " << c.path << " " << r.body;
      EXPECT_EQ(r.json["code"], "permission_denied");
    }
  }
}

TEST_F(AuthTest, LogoutRevokes) {
  std::string token = Token("worker1");
  EXPECT_EQ(http().Get("/api/v1/auth/me", token).status, 200);
  HttpReply out = http().Post("/api/v1/auth/logout", "", token);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.json["revoked"], true);
  HttpReply after = http().Get("/api/v1/sync/pull", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json["reason"], "auth.bad_token");
  EXPECT_EQ(http().Post("/api/v1/auth/logout", "", token).status, 401);
}

TEST_F(AuthTest, TheActorIsTheTokensPerson) {
  Json as_other = {{"id", "x1"}, {"type", "item.open"}, {"actor", "head1"}, {"at", kT0},
                   {"payload", {{"item_id", "i1"}, {"household_id", "h1"},
                                {"category", "fire"}, {"title", "t"}}}};
  HttpReply r = http().Push(Token("worker1"), Json::array({as_other}));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["results"][0]["status"], "rejected");
  EXPECT_EQ(r.json["results"][0]["reason"], "auth.actor_mismatch");
  HttpReply q = http().Query(Token("worker1"), "reports.mine", {{"actor", "resident1"}});
  EXPECT_EQ(q.status, 403);
  EXPECT_EQ(q.json["reason"], "auth.actor_mismatch");
  HttpReply mine = http().Query(Token("resident1"), "reports.mine", Json::object());
  EXPECT_EQ(mine.status, 200) << mine.body;
}

// The console's account endpoints: an administrator sets or generates a
// password, or deactivates an account, only for a person it manages; a
// deactivated account's tokens stop working at once and it cannot sign in.
TEST_F(AuthTest, AdminSetsPasswordsAndDeactivatesInsideItsScope) {
  auto post = [&](const std::string& path, const std::string& as, const Json& body) {
    return http().Post(path, body.dump(), Token(as));
  };
  HttpReply gen = post("/api/v1/admin/password", "radmin", {{"person_id", "worker3"}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  const std::string once = gen.json["password"];
  EXPECT_EQ(once.size(), 14u);
  std::string t3 = http().Login("worker3", once);
  ASSERT_EQ(t3.size(), 64u);
  EXPECT_NE(http().Login("worker3", TestPassword("worker3")).size(), 64u) << "the old one is gone";
  HttpReply out = post("/api/v1/admin/password", "radmin", {{"person_id", "worker1"}});
  EXPECT_EQ(out.status, 403) << out.body;
  EXPECT_EQ(post("/api/v1/admin/password", "worker1", {{"person_id", "worker1"}}).status, 403);
  HttpReply weak = post("/api/v1/admin/password", "admin", {{"person_id", "worker1"}, {"password", "short"}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.json["reason"], "auth.weak_password");
  HttpReply set = post("/api/v1/admin/password", "admin",
                       {{"person_id", "worker1"}, {"password", "a-long-enough-one"}});
  EXPECT_EQ(set.status, 200);
  EXPECT_TRUE(set.json["password"].is_null()) << "a given password is never echoed";
  EXPECT_EQ(http().Login("worker1", "a-long-enough-one").size(), 64u);
  EXPECT_EQ(post("/api/v1/admin/password", "admin", {{"person_id", "ghost"}}).status, 404);

  EXPECT_EQ(post("/api/v1/admin/deactivate", "radmin", {{"person_id", "worker1"}}).status, 403);
  EXPECT_EQ(post("/api/v1/admin/deactivate", "radmin", {{"person_id", "radmin"}}).json["reason"],
            "account.self");
  EXPECT_EQ(http().Get("/api/v1/auth/me", t3).status, 200);
  HttpReply off = post("/api/v1/admin/deactivate", "radmin", {{"person_id", "worker3"}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_GE(off.json["tokens_revoked"].get<int64_t>(), 1);
  HttpReply after = http().Get("/api/v1/auth/me", t3);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json["reason"], "auth.bad_token");
  EXPECT_NE(http().Login("worker3", once).size(), 64u);
  // The person and their history stay: the administrator still lists them.
  HttpReply people = http().Query(Token("radmin"), "console.people", {{"q", "worker3"}});
  ASSERT_EQ(people.status, 200);
  EXPECT_EQ(people.json["value"]["people"].size(), 1u);
}

// The console's register endpoints call the engine as the signed-in person:
// a scoped administrator exports its subtree only; a bad file is refused
// with the engine's reason and writes nothing.
TEST_F(AuthTest, ConsoleRegistersFollowTheSignedInPersonsScope) {
  HttpReply in = http().Get("/api/v1/console/export?kind=households&format=csv&region=g2", Token("radmin"));
  ASSERT_EQ(in.status, 200) << in.body.substr(0, 300);
  EXPECT_EQ(in.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(in.body.find("h6"), std::string::npos);
  EXPECT_EQ(in.body.find("\"h1\""), std::string::npos);
  HttpReply out = http().Get("/api/v1/console/export?kind=households&format=csv&region=g1", Token("radmin"));
  EXPECT_EQ(out.status, 403) << out.body.substr(0, 300);
  HttpReply xlsx = http().Get("/api/v1/console/export?kind=items&format=xlsx&region=g2", Token("radmin"));
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(http().Get("/api/v1/console/export?kind=nope&format=csv", Token("admin")).status, 400);
  HttpReply tpl = http().Get("/api/v1/console/template?kind=people&format=csv", Token("admin"));
  EXPECT_EQ(tpl.status, 200);
  HttpReply bad = http().Post("/api/v1/console/import?kind=households&mode=apply", "PK\x03\x04garbage",
                              Token("admin"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json["reason"].get<std::string>().rfind("import.", 0), 0u) << bad.body;
  EXPECT_EQ(bad.json["applied"], false);
  // Round trip: the subtree's export, imported back as a dry run, changes nothing.
  HttpReply again = http().Post("/api/v1/console/import?kind=households&mode=dry_run", in.body,
                                Token("radmin"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["refused"], 0);
  EXPECT_EQ(again.json["changed"], 0);
}

class ExpiryTest : public ServerTest {
  std::vector<std::string> ServerArgs() override { return {"--token-ttl", "1"}; }
};

TEST_F(ExpiryTest, TokensExpire) {
  std::string token = Token("worker1");
  EXPECT_EQ(http().Get("/api/v1/auth/me", token).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  HttpReply r = http().Get("/api/v1/auth/me", token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json["reason"], "auth.token_expired");
}

class RateLimitTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() override {
    return {"--login-limit", "3", "--ip-login-limit", "8", "--login-window", "2"};
  }
};

TEST_F(RateLimitTest, FailedLoginsAreLimitedPerPersonAndPerAddress) {
  HttpReply r;
  for (int i = 0; i < 3; ++i) {
    http().Login("worker1", "wrong-password", &r);
    EXPECT_EQ(r.status, 401);
  }
  // Even the right password waits now.
  EXPECT_EQ(http().Login("worker1", TestPassword("worker1"), &r), "");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json["reason"], "auth.rate_limited");
  EXPECT_FALSE(r.header("Retry-After").empty());
  // Another person from the same address still may.
  EXPECT_NE(http().Login("worker2", TestPassword("worker2")), "");
  // Spread over people, the address limit (8) bites.
  for (const char* p : {"head1", "head2", "captain1", "captain3", "deptp"}) {
    http().Login(p, "wrong-password", &r);
  }
  EXPECT_EQ(http().Login("resident1", TestPassword("resident1"), &r), "");
  EXPECT_EQ(r.status, 429);
  // The window passes.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  EXPECT_NE(http().Login("worker1", TestPassword("worker1"), &r), "") << r.body;
}

// The failures are the store's, not one process's: a second server on the
// same database (a fleet's other member, or this one restarted) refuses too.
// Written first against the in-memory limiter, where the second server let
// the right password in.
TEST_F(RateLimitTest, FailedLoginsCountOnEveryServerOfTheDatabase) {
  HttpReply r;
  for (int i = 0; i < 3; ++i) {
    http().Login("worker1", "wrong-password", &r);
    EXPECT_EQ(r.status, 401);
  }
  ServerProcess other;
  ASSERT_TRUE(other.Start(tmp_->path(), ServerArgs()));
  HttpClient there(other.port());
  EXPECT_EQ(there.Login("worker1", TestPassword("worker1"), &r), "");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.json["reason"], "auth.rate_limited");
  // A good sign-in there takes its attempt back and forgets the person's
  // failures from that address, for both servers.
  EXPECT_NE(there.Login("worker2", TestPassword("worker2")), "");
  for (int i = 0; i < 2; ++i) there.Login("worker3", "wrong-password", &r);
  EXPECT_NE(http().Login("worker3", TestPassword("worker3")), "");
  for (int i = 0; i < 2; ++i) there.Login("worker3", "wrong-password", &r);
  EXPECT_NE(http().Login("worker3", TestPassword("worker3")), "")
      << "the failures before the good sign-in were forgotten";
  EXPECT_EQ(other.Stop(), 0);
}

TEST(ServerToolTest, SetPasswordAndBootstrap) {
  TempDb tmp;
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--bootstrap", "root"}, "short\n"), 1)
      << "weak password refused";
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--bootstrap", "root"}, "long-enough-pw\n"), 0);
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--bootstrap", "root2"}, "long-enough-pw\n"), 1)
      << "only an empty database is bootstrapped";
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--set-password", "ghost"}, "long-enough-pw\n"), 1);
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--set-password", "root"}, "another-good-pw\n"), 0);
  EXPECT_EQ(RunServerTool({"--db", tmp.path(), "--bogus"}, ""), 2);
  EXPECT_EQ(RunServerTool({"--listen", "127.0.0.1:1"}, ""), 2) << "--db is required";
  ServerProcess server;
  ASSERT_TRUE(server.Start(tmp.path()));
  HttpClient http(server.port());
  EXPECT_EQ(http.Login("root", "long-enough-pw"), "");
  EXPECT_NE(http.Login("root", "another-good-pw"), "");
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace weige::testing
