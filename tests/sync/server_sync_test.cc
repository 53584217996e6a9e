// Push, pull, photos and shutdown through the real weige-server.
#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include "tests/sync/server_harness.h"

namespace weige::testing {
namespace {

std::string ShaHex(const std::string& bytes) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, d, sizeof d);
  return hex;
}

Json OpenCmd(const std::string& id, const std::string& item, const std::string& hh) {
  return {{"id", id}, {"type", "item.open"}, {"at", kT0},
          {"payload", {{"item_id", item}, {"household_id", hh}, {"category", "fire"},
                       {"title", "Flying wire"}}}};
}

class SyncServerTest : public ServerTest {
 protected:
  // Posts `csv` as an applied households import with ?job=`job`, on a
  // connection of its own; the answer in *out, then *done.
  std::thread ImportInBackground(const std::string& job, const std::string& csv,
                                 const std::string& token, HttpReply* out, std::atomic<bool>* done) {
    return std::thread([=, port = server_.port()] {
      *out = HttpClient(port).Post("/api/v1/console/import?kind=households&mode=apply&job=" + job,
                                   csv, token);
      *done = true;
    });
  }
  // Every page of a pull from `cursor`; the last page in *last.
  std::vector<Json> PullAll(const std::string& person, int64_t cursor, int limit, Json* last,
                            const std::string& extra = "") {
    std::vector<Json> changes;
    for (int i = 0; i < 10000; ++i) {
      HttpReply r = http().Get("/api/v1/sync/pull?cursor=" + std::to_string(cursor) +
                                   "&limit=" + std::to_string(limit) + extra,
                               Token(person));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      for (const Json& c : r.json["changes"]) changes.push_back(c);
      cursor = r.json["next_cursor"];
      if (!r.json["has_more"].get<bool>()) {
        if (last != nullptr) *last = r.json;
        break;
      }
    }
    return changes;
  }
};

TEST_F(SyncServerTest, PushAnswersPerCommandAndARejectionNeverBlocks) {
  Json batch = {OpenCmd("c1", "i1", "h1"), OpenCmd("c2", "i2", "h4"), OpenCmd("c3", "i3", "h2"),
                {{"id", "c4"}, {"type", "item.verify"}, {"at", kT0},
                 {"payload", {{"item_id", "i1"}, {"evidence", {Sha(1)}}}}}};
  HttpReply r = http().Push(Token("worker1"), batch);
  ASSERT_EQ(r.status, 200) << r.body;
  Json res = r.json["results"];
  ASSERT_EQ(res.size(), 4u);
  EXPECT_EQ(res[0]["status"], "accepted");
  EXPECT_GT(res[0]["seq"].get<int64_t>(), 0);
  EXPECT_EQ(res[1]["status"], "rejected");
  EXPECT_EQ(res[1]["code"], "permission_denied");
  EXPECT_EQ(res[2]["status"], "accepted");
  EXPECT_GT(res[2]["seq"].get<int64_t>(), res[0]["seq"].get<int64_t>());
  EXPECT_EQ(res[3]["status"], "rejected");
  EXPECT_EQ(res[3]["reason"], "item.illegal_transition");
  // Re-push, in another order and together with a new one: same answers.
  HttpReply again = http().Push(Token("worker1"), {batch[3], batch[1], batch[0], batch[2],
                                                   OpenCmd("c5", "i5", "h1")});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json["results"][0], res[3]);
  EXPECT_EQ(again.json["results"][1], res[1]);
  EXPECT_EQ(again.json["results"][2], res[0]);
  EXPECT_EQ(again.json["results"][3], res[2]);
  EXPECT_EQ(again.json["results"][4]["status"], "accepted");
}

TEST_F(SyncServerTest, RePushChangesNothing) {
  Json batch = {OpenCmd("c1", "i1", "h1"), OpenCmd("c2", "i2", "h4")};
  ASSERT_EQ(http().Push(Token("worker1"), batch).status, 200);
  HttpReply before = http().Get("/healthz");
  Json last;
  PullAll("admin", 0, 5000, &last);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(http().Push(Token("worker1"), batch).status, 200);
  Json after_last;
  PullAll("admin", 0, 5000, &after_last);
  EXPECT_EQ(http().Get("/healthz").json["head"], before.json["head"]);
  EXPECT_EQ(after_last["digest"], last["digest"]);
}

// A field device pulls with scope=field: a person who is a worker of mg1 and
// also the administrator of g2 replicates mg1, not g2 (the console reads g2
// online); without it the pull is the person's whole scope, as before.
TEST_F(SyncServerTest, AFieldPullLeavesOutAnAdministratorsScope) {
  ASSERT_EQ(http().Push(Token("worker1"), Json::array({OpenCmd("c1", "i1", "h1")})).status, 200);
  ASSERT_EQ(http().Push(Token("worker3"), Json::array({OpenCmd("c2", "i6", "h6")})).status, 200);
  Json grant = {{"id", "g1"}, {"type", "role.grant"}, {"at", kT0},
                {"payload", {{"person_id", "worker1"}, {"role", "admin"}, {"scope_id", "g2"}}}};
  HttpReply g = http().Push(Token("admin"), Json::array({grant}));
  ASSERT_EQ(g.status, 200) << g.body;
  ASSERT_EQ(g.json["results"][0]["status"], "accepted") << g.body;
  auto items = [&](const std::string& extra) {
    std::set<std::string> out;
    for (const Json& c : PullAll("worker1", 0, 5000, nullptr, extra)) {
      if (c["table"] == "items" && c["op"] == "upsert") out.insert(c["pk"][0].get<std::string>());
    }
    return out;
  };
  EXPECT_EQ(items(""), (std::set<std::string>{"i1", "i6"}));
  EXPECT_EQ(items("&scope=field"), std::set<std::string>{"i1"});
  HttpReply bad = http().Get("/api/v1/sync/pull?scope=all", Token("worker1"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["reason"], "sync.bad_scope");
}

// A console import of a register holds the writer only batch by batch: a
// push that arrives while it runs is applied between two of its batches (its
// change numbered among the import's), not after the whole file.
// A households register of `rows` rows in building b1.
std::string HouseholdsCsv(int rows) {
  std::string csv = "户编号,楼栋,单元,楼层,门牌号,户主,人数,电话,出租,流动人口,标签\n";
  for (int i = 0; i < rows; ++i) {
    csv += "hx" + std::to_string(i) + ",b1,1," + std::to_string(i % 30 + 1) + "," +
           std::to_string(1000 + i) + ",户主" + std::to_string(i) + ",2,,否,否,\n";
  }
  return csv;
}

TEST_F(SyncServerTest, PushesAreAppliedWhileARegisterImportRuns) {
  // PostgreSQL applies a few hundred rows a second here: three batches.
  const int kRows = postgres() ? 3000 : 30000;
  const std::string csv = HouseholdsCsv(kRows);
  const int64_t head0 = http().Get("/healthz").json["head"];
  const std::string admin = Token("admin");
  const std::string worker = Token("worker1");
  HttpReply imported;
  std::thread importer([&] {
    HttpClient own(server_.port());
    imported = own.Post("/api/v1/console/import?kind=households&mode=apply", csv, admin);
  });
  // Once its first batches are in, push.
  int64_t seen = head0;
  for (int polls = 0; polls < 2000 && seen == head0; ++polls) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = HttpClient(server_.port()).Get("/healthz").json["head"].get<int64_t>();
  }
  Json cmd = {{"id", "during"}, {"type", "item.open"}, {"at", kT0},
              {"payload", {{"item_id", "during"}, {"household_id", "h1"}, {"category", "fire"},
                           {"title", "Flying wire"}}}};
  HttpReply pushed = HttpClient(server_.port()).Push(worker, Json::array({cmd}));
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  Json answer = pushed.json["results"][0];
  importer.join();
  ASSERT_EQ(imported.status, 200) << imported.body.substr(0, 300);
  EXPECT_EQ(imported.json["changed"], kRows);
  ASSERT_EQ(answer["status"], "accepted") << answer;
  const int64_t seq = answer["seq"];
  // Households the import recorded after the push: the push did not wait.
  int after = 0;
  for (const Json& c : PullAll("admin", seq, 5000, nullptr)) {
    if (c["table"] == "households") ++after;
  }
  EXPECT_GT(after, 0) << "the push was applied only after the whole import (push seq " << seq
                      << ", head before " << head0 << ", after "
                      << http().Get("/healthz").json["head"] << ")";
}

// A console import started with ?job=ID reports its progress under that id,
// to the person who started it only, while it runs: rows done out of the
// file's total, rising; the id is taken while it runs and gone after.
TEST_F(SyncServerTest, AnImportsProgressIsReportedToItsStarterWhileItRuns) {
  const int kRows = postgres() ? 3000 : 30000;
  const std::string csv = HouseholdsCsv(kRows);
  const std::string admin = Token("admin");
  const std::string job = "job-0123456789";
  const std::string progress = "/api/v1/console/import/progress?job=" + job;
  HttpReply before = http().Get(progress, admin);
  EXPECT_EQ(before.status, 404);
  EXPECT_EQ(before.json["reason"], "import.no_job");
  HttpReply bad = http().Get("/api/v1/console/import/progress?job=a%20b", admin);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json["reason"], "import.bad_job");
  HttpReply imported;
  std::atomic<bool> done{false};
  std::thread importer = ImportInBackground(job, csv, admin, &imported, &done);
  std::vector<int64_t> seen;  // rows_done of each answer, in order
  bool refused_twin = false, hidden = false;
  for (int polls = 0; polls < 20000 && !done; ++polls) {
    HttpReply p = HttpClient(server_.port()).Get(progress, admin);
    if (p.status == 200 && p.json["phase"] == "apply" && p.json["rows_done"] > 0) {
      EXPECT_EQ(p.json["rows_total"], kRows) << p.body;
      seen.push_back(p.json["rows_done"].get<int64_t>());
      if (!refused_twin) {  // the same id is not started twice
        HttpReply twin = HttpClient(server_.port())
            .Post("/api/v1/console/import?kind=households&mode=apply&job=" + job, csv.substr(0, 200), admin);
        EXPECT_EQ(twin.status, 409) << twin.body;
        EXPECT_EQ(twin.json["reason"], "import.job_running");
        refused_twin = true;
      }
      if (!hidden) {  // nor shown to anyone else
        HttpReply other = HttpClient(server_.port()).Get(progress, Token("worker1"));
        EXPECT_EQ(other.status, 404) << other.body;
        hidden = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  importer.join();
  ASSERT_EQ(imported.status, 200) << imported.body.substr(0, 300);
  EXPECT_EQ(imported.json["changed"], kRows);
  ASSERT_FALSE(seen.empty()) << "no progress was seen while the import ran";
  EXPECT_TRUE(refused_twin);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_LE(seen.back(), kRows);
  EXPECT_EQ(http().Get(progress, admin).status, 404);  // gone with its import
}

// One event-loop thread: every connection is on the thread that received
// the import. The import runs on a thread of its own, its connection
// suspended, so the loop goes on answering the others meanwhile (behind a
// balancer that reuses its connections, a poll can land on any of them).
class OneLoopThreadTest : public SyncServerTest {
 protected:
  std::vector<std::string> ServerArgs() override { return {"--threads", "1"}; }
};

TEST_F(OneLoopThreadTest, OtherConnectionsAreAnsweredWhileAnImportRuns) {
  const int kRows = postgres() ? 3000 : 30000;
  const std::string csv = HouseholdsCsv(kRows);
  const std::string admin = Token("admin");
  const std::string job = "job-one-loop-thread";
  HttpClient poller(server_.port());  // one kept-alive connection, opened before the import
  ASSERT_EQ(poller.Get("/healthz").status, 200);
  HttpReply imported;
  std::atomic<bool> done{false};
  std::thread importer = ImportInBackground(job, csv, admin, &imported, &done);
  int answered_while_running = 0;
  for (int polls = 0; polls < 20000 && !done; ++polls) {
    HttpReply p = poller.Get("/api/v1/console/import/progress?job=" + job, admin);
    if (p.status == 200 && !done) ++answered_while_running;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  importer.join();
  ASSERT_EQ(imported.status, 200) << imported.body.substr(0, 300);
  EXPECT_EQ(imported.json["changed"], kRows);
  EXPECT_GT(answered_while_running, 0) << "no other request was answered while the import ran";
  EXPECT_EQ(poller.Get("/api/v1/console/import/progress?job=" + job, admin).status, 404);
}

TEST_F(SyncServerTest, BatchAndBodyLimits) {
  Json many = Json::array();
  for (int i = 0; i < 501; ++i) many.push_back(OpenCmd("m" + std::to_string(i), "i", "h1"));
  HttpReply r = http().Push(Token("worker1"), many);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["reason"], "push.too_many");
  std::string huge = "{\"commands\":[{\"id\":\"c1\",\"pad\":\"" + std::string(5 << 20, 'x') + "\"}]}";
  HttpReply big = http().Post("/api/v1/sync/push", huge, Token("worker1"));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.json["reason"], "request.too_large");
  // 500 is fine.
  many.erase(many.begin());
  HttpReply ok = http().Push(Token("worker1"), many);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json["results"].size(), 500u);
}

TEST_F(SyncServerTest, PullPagesAreScopedAndEndWithADigest) {
  ASSERT_EQ(http().Push(Token("worker1"), Json::array({OpenCmd("c1", "i1", "h1")})).status, 200);
  ASSERT_EQ(http().Push(Token("worker2"), Json::array({OpenCmd("c2", "i2", "h4")})).status, 200);
  Json last;
  std::vector<Json> paged = PullAll("worker1", 0, 7, &last);
  std::vector<Json> whole = PullAll("worker1", 0, 5000, nullptr);
  ASSERT_EQ(paged.size(), whole.size());
  std::set<std::string> items;
  for (const Json& c : whole) {
    if (c["table"] == "items") items.insert(c["row"]["id"]);
    if (c.contains("row") && c["row"].contains("microgrid_id") && c["table"] != "regions") {
      EXPECT_EQ(c["row"]["microgrid_id"], "mg1") << c;
    }
  }
  EXPECT_EQ(items, std::set<std::string>{"i1"});
  EXPECT_EQ(last["digest"]["count"].get<size_t>(), whole.size());
  EXPECT_EQ(last["next_cursor"], http().Get("/healthz").json["head"]);
  HttpReply bad = http().Get("/api/v1/sync/pull?cursor=999999999", Token("worker1"));
  EXPECT_EQ(bad.status, 409);
  EXPECT_EQ(bad.json["reason"], "sync.cursor_ahead");
}

TEST_F(SyncServerTest, QueriesRunAsTheTokensPerson) {
  PushOne("worker1", "item.open", {{"item_id", "i1"}, {"household_id", "h1"},
                                   {"category", "fire"}, {"title", "t"}});
  HttpReply ok = http().Query(Token("worker1"), "items.checklist",
                              {{"microgrid_id", "mg1"}, {"now", kT0}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json["value"]["items"].size(), 1u);
  HttpReply denied = http().Query(Token("worker2"), "items.checklist",
                                  {{"microgrid_id", "mg1"}, {"now", kT0}});
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.json["reason"], "permission.denied");
  HttpReply unknown = http().Query(Token("worker1"), "no.such", Json::object());
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json["reason"], "query.unknown");
}

TEST_F(SyncServerTest, BlobsAreVerifiedStoredOnceAndServedInScope) {
  const std::string photo = "\xff\xd8\xff photo bytes \x00\x01" + std::string(1000, 'p');
  const std::string sha = ShaHex(photo);
  const std::string path = "/api/v1/blobs/" + sha;
  HttpReply wrong = http().Put("/api/v1/blobs/" + ShaHex("other"), photo, Token("worker1"));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.json["reason"], "blob.hash_mismatch");
  HttpReply first = http().Put(path, photo, Token("worker1"));
  EXPECT_EQ(first.status, 201) << first.body;
  HttpReply second = http().Put(path, photo, Token("worker1"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.json["stored"], false);
  // The uploader may read it back; nobody else until a row cites it.
  HttpReply own = http().Get(path, Token("worker1"));
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.body, photo);
  // "Not yours" answers exactly as "missing" does (404): no existence oracle.
  HttpReply before = http().Get(path, Token("head1"));
  HttpReply missing = http().Get("/api/v1/blobs/" + ShaHex("missing"), Token("head1"));
  EXPECT_EQ(before.status, 404);
  EXPECT_EQ(before.body, missing.body);
  // A visit in mg1 cites it: the grid head of g1 reads it, mg2's worker not.
  Json v = PushOne("worker1", "visit.record",
                   {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle},
                    {"outcome", "met"}, {"photos", {sha}}});
  ASSERT_EQ(v["status"], "accepted") << v;
  HttpReply head = http().Get(path, Token("head1"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, photo);
  EXPECT_EQ(head.header("ETag"), "\"" + sha + "\"");
  HttpReply other = http().Get(path, Token("worker2"));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.json["reason"], "blob.not_found");
  EXPECT_EQ(http().Get(path, Token("resident1")).status, 404) << "residents do not see visits";
  EXPECT_EQ(http().Get("/api/v1/blobs/" + ShaHex("missing"), Token("admin")).status, 404);
  EXPECT_EQ(http().Get("/api/v1/blobs/NOTAHASH", Token("admin")).status, 400);
  // Oversize and empty bodies.
  std::string big(8 * 1024 * 1024 + 1, 'b');
  HttpReply too_big = http().Put("/api/v1/blobs/" + ShaHex(big), big, Token("worker1"));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(http().Put("/api/v1/blobs/" + ShaHex(""), "", Token("worker1")).status, 400);
  std::string max(8 * 1024 * 1024, 'm');
  EXPECT_EQ(http().Put("/api/v1/blobs/" + ShaHex(max), max, Token("worker1")).status, 201);
}

// A hash is not a capability: citing someone else's photo in one's own record
// does not make it readable; only a citation by its uploader shares it.
TEST_F(SyncServerTest, CitingAnotherPersonsPhotoDoesNotRevealIt) {
  const std::string photo = "\xff\xd8\xff the victim's photo" + std::string(500, 'v');
  const std::string sha = ShaHex(photo);
  const std::string path = "/api/v1/blobs/" + sha;
  ASSERT_EQ(http().Put(path, photo, Token("worker1")).status, 201);
  Json own = PushOne("worker1", "visit.record",
                     {{"visit_id", "v-own"}, {"household_id", "h1"}, {"cycle", kCycle},
                      {"outcome", "met"}, {"photos", {sha}}});
  ASSERT_EQ(own["status"], "accepted") << own;
  // mg2's worker does not see mg1's visit, and cites the hash in a visit of
  // their own micro-grid.
  EXPECT_EQ(http().Get(path, Token("worker2")).status, 404);
  Json squat = PushOne("worker2", "visit.record",
                       {{"visit_id", "v-squat"}, {"household_id", "h4"}, {"cycle", kCycle},
                        {"outcome", "met"}, {"photos", {sha}}});
  ASSERT_EQ(squat["status"], "accepted") << squat;
  HttpReply after = http().Get(path, Token("worker2"));
  HttpReply missing = http().Get("/api/v1/blobs/" + ShaHex("missing"), Token("worker2"));
  EXPECT_EQ(after.status, 404);
  EXPECT_EQ(after.body, missing.body);
  // The uploader's own citation still shares it with their grid head.
  EXPECT_EQ(http().Get(path, Token("head1")).status, 200);
}

TEST_F(SyncServerTest, StaticFilesAndHealth) {
  HttpReply h = http().Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json["ok"], true);
  EXPECT_EQ(http().Get("/index.html").status, 404);
}

class StaticTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDb>();
    std::string web = dir_->dir() + "/web";
    std::filesystem::create_directories(web);
    std::ofstream(web + "/index.html") << "<h1>Weige</h1>";
    for (const char* f : {"sw.js", "manifest.webmanifest", "chunk-7QX2KD3M.js",
                          "app-0A1B2C3D4E.css", "app.js", "icon-192.png", "chunk-abc.js",
                          "x-lowercase.js"}) {
      std::ofstream(web + "/" + f) << f;
    }
    ServerTest::SetUp();
  }
  std::vector<std::string> ServerArgs() override { return {"--static", dir_->dir() + "/web"}; }
  std::unique_ptr<TempDb> dir_;
};

TEST_F(StaticTest, ServesTheWebApp) {
  HttpReply r = http().Get("/index.html");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>Weige</h1>");
  EXPECT_EQ(http().Get("/").body, "<h1>Weige</h1>");
  EXPECT_EQ(http().Get("/api/v1/nothing").status, 404);
}

// A static file carries an ETag; asked again with it, the answer is a 304
// with no body; a changed file has a new ETag and comes whole.
TEST_F(StaticTest, RevalidationAnswers304) {
  HttpReply first = http().Get("/app.js");
  const std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  auto get = [&](const std::string& tag) {
    return http().Raw("GET /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: " + tag +
                      "\r\nConnection: close\r\n\r\n");
  };
  auto body = [](const std::string& raw) { return raw.substr(raw.find("\r\n\r\n") + 4); };
  std::string again = get(etag);
  EXPECT_EQ(again.rfind("HTTP/1.1 304", 0), 0u) << again;
  EXPECT_EQ(body(again), "");
  EXPECT_NE(again.find("no-cache"), std::string::npos) << again;
  EXPECT_EQ(get("\"other\"").rfind("HTTP/1.1 200", 0), 0u);
  std::ofstream(dir_->dir() + "/web/app.js") << "changed, and longer";
  std::string changed = get(etag);
  EXPECT_EQ(changed.rfind("HTTP/1.1 200", 0), 0u) << changed;
  EXPECT_EQ(body(changed), "changed, and longer");
}

// A text file the web build also wrote gzip-compressed (FILE.gz beside it,
// web/build.mjs) goes out as those bytes with Content-Encoding: gzip to a
// client that accepts gzip, and as it is to one that does not; either way
// the answer says it varies by Accept-Encoding, and each form has its own
// ETag. A sibling older than its file (a stale build) is never sent.
TEST_F(StaticTest, TextGoesOutGzipEncodedWhereTheBuildCompressedIt) {
  const std::string web = dir_->dir() + "/web";
  const std::string text = "console.log('weige');\n" + std::string(3000, ' ') + "// end\n";
  std::ofstream(web + "/app.js", std::ios::binary) << text;
  gzFile gz = gzopen((web + "/app.js.gz").c_str(), "wb9");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  std::ifstream in(web + "/app.js.gz", std::ios::binary);
  const std::string packed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_LT(packed.size(), text.size());
  auto get = [&](const std::string& path, const std::string& extra) {
    return http().Raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
                      "Connection: close\r\n\r\n");
  };
  auto body = [](const std::string& raw) { return raw.substr(raw.find("\r\n\r\n") + 4); };
  auto header = [](const std::string& raw, const std::string& name) {
    size_t at = raw.find("\r\n" + name + ": ");
    if (at == std::string::npos || at > raw.find("\r\n\r\n")) return std::string();
    at += name.size() + 4;
    return raw.substr(at, raw.find("\r\n", at) - at);
  };

  std::string zipped = get("/app.js", "Accept-Encoding: gzip, deflate, br\r\n");
  EXPECT_EQ(zipped.rfind("HTTP/1.1 200", 0), 0u) << zipped;
  EXPECT_EQ(header(zipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(zipped, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(zipped, "Vary"), "Accept-Encoding");
  EXPECT_EQ(body(zipped), packed);
  for (const char* refused : {"", "Accept-Encoding: gzip;q=0, br\r\n", "Accept-Encoding: identity\r\n",
                              "Accept-Encoding: xgzip\r\n"}) {
    std::string plain = get("/app.js", refused);
    EXPECT_EQ(plain.rfind("HTTP/1.1 200", 0), 0u) << plain;
    EXPECT_EQ(header(plain, "Content-Encoding"), "") << refused;
    EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding") << refused;
    EXPECT_EQ(body(plain), text) << refused;
    EXPECT_NE(header(plain, "ETag"), header(zipped, "ETag"));
  }
  EXPECT_EQ(header(get("/app.js", "Accept-Encoding: GZIP;q=0.5\r\n"), "Content-Encoding"), "gzip");
  // Revalidated in its own form: a 304 with no body.
  std::string again = get("/app.js", "Accept-Encoding: gzip\r\nIf-None-Match: " +
                                          header(zipped, "ETag") + "\r\n");
  EXPECT_EQ(again.rfind("HTTP/1.1 304", 0), 0u) << again;
  EXPECT_EQ(body(again), "");
  // The sibling itself is still a file of its own (as weige.wasm.gz is).
  std::string direct = get("/app.js.gz", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(header(direct, "Content-Type"), "application/gzip");
  EXPECT_EQ(header(direct, "Content-Encoding"), "");
  EXPECT_EQ(body(direct), packed);
  // A file the build did not compress, and a stale sibling: sent as they are.
  std::string png = get("/icon-192.png", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(header(png, "Content-Encoding"), "");
  std::filesystem::last_write_time(web + "/app.js.gz",
                                   std::filesystem::last_write_time(web + "/app.js") -
                                       std::chrono::hours(1));
  std::string stale = get("/app.js", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(header(stale, "Content-Encoding"), "");
  EXPECT_EQ(body(stale), text);
}

// Content-named build outputs are cached for a year; the entry HTML, the
// manifest, the service worker and every other file are revalidated.
TEST_F(StaticTest, CacheControlFollowsTheFileName) {
  const std::string immutable = "public, max-age=31536000, immutable";
  for (const char* f : {"/chunk-7QX2KD3M.js", "/app-0A1B2C3D4E.css"}) {
    HttpReply r = http().Get(f);
    EXPECT_EQ(r.status, 200) << f;
    EXPECT_EQ(r.header("Cache-Control"), immutable) << f;
  }
  for (const char* f : {"/", "/index.html", "/sw.js", "/manifest.webmanifest", "/app.js",
                        "/icon-192.png", "/chunk-abc.js", "/x-lowercase.js"}) {
    HttpReply r = http().Get(f);
    EXPECT_EQ(r.status, 200) << f;
    EXPECT_EQ(r.header("Cache-Control"), "no-cache") << f;
  }
}

// The page's policy lets base-map tiles load from the tile server an
// administrator names (images from any http(s) origin) and nothing else
// leave 'self'; the service worker's lets it fetch those tiles (issue 12).
TEST_F(StaticTest, TilesMayLoadAndOnlyTheServiceWorkerFetchesThem) {
  HttpReply page = http().Get("/index.html");
  const std::string p = page.header("Content-Security-Policy");
  EXPECT_NE(p.find("img-src 'self' blob: data: https: http:;"), std::string::npos) << p;
  EXPECT_NE(p.find("connect-src 'self';"), std::string::npos) << p;
  EXPECT_NE(p.find("script-src 'self' 'wasm-unsafe-eval';"), std::string::npos) << p;
  HttpReply sw = http().Get("/sw.js");
  const std::string w = sw.header("Content-Security-Policy");
  EXPECT_NE(w.find("connect-src 'self' https: http:;"), std::string::npos) << w;
  EXPECT_NE(w.find("script-src 'self';"), std::string::npos) << w;
  for (const char* f : {"/app.js", "/chunk-7QX2KD3M.js"}) {
    EXPECT_EQ(http().Get(f).header("Content-Security-Policy"), p) << f;
  }
}

TEST_F(SyncServerTest, SigtermFinishesInFlightAndLosesNothing) {
  // A 500-command push in flight when SIGTERM arrives still gets its answers.
  Json batch = Json::array();
  for (int i = 0; i < 500; ++i) {
    batch.push_back(OpenCmd("s" + std::to_string(i), "si" + std::to_string(i), "h1"));
  }
  std::string token = Token("worker1");
  HttpReply reply;
  std::thread pusher([&] {
    HttpClient c(server_.port());
    reply = c.Push(token, batch);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(server_.Stop(), 0);
  pusher.join();
  std::printf("in-flight push: HTTP %d\n", reply.status);
  int accepted = 0;
  if (reply.status == 200) {
    for (const Json& a : reply.json["results"]) accepted += a["status"] == "accepted";
  }
  // Restart: whatever was answered accepted is there, and a re-push finishes.
  ASSERT_TRUE(server_.Start(tmp_->path()));
  http_ = std::make_unique<HttpClient>(server_.port());
  tokens_.clear();
  HttpReply again = http().Push(Token("worker1"), batch);
  ASSERT_EQ(again.status, 200);
  for (const Json& a : again.json["results"]) EXPECT_EQ(a["status"], "accepted") << a;
  if (reply.status == 200) {
    EXPECT_EQ(accepted, 500);
    EXPECT_EQ(again.json["results"], reply.json["results"]) << "the same answers after restart";
  }
  HttpReply q = http().Query(Token("worker1"), "items.checklist",
                             {{"microgrid_id", "mg1"}, {"now", kT0}, {"limit", 2000}});
  EXPECT_EQ(q.json["value"]["items"].size(), 500u);
}

}  // namespace
}  // namespace weige::testing
