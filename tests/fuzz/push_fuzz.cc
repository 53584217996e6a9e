// Fuzz target: a push body on the server side, as weige-server handles
// POST /api/v1/sync/push: ParseJson of the body (the server's 4 MiB limit),
// its "commands" through sync::PushBatch as the token's person, then a pull
// of that person's scope. Input: the person id (any valid id: the token's),
// a newline, the body.
// Checked beyond the sanitizers: one answer per command, each accepted,
// rejected or retry; pushing the same body again gives the same answers
// (idempotency) and changes nothing.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/domain/json_reader.h"
#include "core/sync/pull.h"
#include "core/sync/push.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

constexpr size_t kPushBodyBytes = 4 << 20;  // server/http_server.h kMaxPushBodyBytes

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "push: %s\n", what.c_str());
  std::abort();
}

}  // namespace

namespace {

// The store every input runs on, opened before the first input.
std::unique_ptr<weige::store::Store>& OpenStore() {
  static std::unique_ptr<weige::store::Store> s =
      weige::fuzz::FreshStore(weige::fuzz::GetWorld().server_bytes, "push", true);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& w = weige::fuzz::GetWorld();
  std::vector<std::string> seeds;
  // The demo's commands pushed by their own actors, one to four per body.
  for (size_t i = 0; i < w.commands.size(); i += 1 + i % 4) {
    weige::Json body = {{"commands", weige::Json::array()}};
    std::string actor;
    for (size_t k = i; k < w.commands.size() && k < i + 1 + i % 4; ++k) {
      weige::Json c;
      if (!weige::ParseJson(w.commands[k], weige::store::kMaxCommandBytes, &c).ok()) continue;
      if (actor.empty()) actor = c.value("actor", "");
      if (c.value("actor", "") != actor) break;
      c["id"] = "fz-p" + std::to_string(k);
      if (k % 3 == 0) c.erase("actor");
      body["commands"].push_back(c);
    }
    if (!actor.empty()) seeds.push_back(actor + "\n" + weige::DumpJson(body));
  }
  weige::fuzz::MaybeWriteSeeds(seeds);
  OpenStore();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256u << 10)) return -1;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos || nl > 64) return -1;
  std::string person(in.substr(0, nl));
  // The server's person comes from a token, so it is always a valid id (an
  // invalid one with bad UTF-8 made the stored answer differ on re-push).
  if (!weige::IsValidId(person)) return -1;
  std::string_view text = in.substr(nl + 1);
  weige::Json body;
  if (!weige::ParseJson(text, kPushBodyBytes, &body).ok() || !body.is_object()) return 0;
  auto it = body.find("commands");
  if (it == body.end()) return 0;
  const auto& w = weige::fuzz::GetWorld();
  auto& server = OpenStore();
  weige::fuzz::Restore(server.get(), w.server_bytes);
  weige::Json answers;
  weige::Status s = weige::sync::PushBatch(server.get(), person, *it, w.now, nullptr, &answers);
  if (!s.ok()) {
    if (s.code == weige::Code::kInternal) Fail("PushBatch internal: " + s.message);
    return 0;
  }
  if (!answers.is_array() || answers.size() != it->size()) Fail("one answer per command");
  bool retried = false;
  for (const weige::Json& a : answers) {
    std::string status = a.is_object() ? a.value("status", "") : "";
    if (status != "accepted" && status != "rejected" && status != "retry") Fail("answer " + weige::DumpJson(a));
    retried = retried || status == "retry";
  }
  // The same push again: the same answers, nothing written (a retry answer is
  // not kept, so only a batch without one is compared).
  if (!retried) {
    std::string digest = server->ContentDigest();
    weige::Json again;
    s = weige::sync::PushBatch(server.get(), person, *it, w.now + 1, nullptr, &again);
    if (!s.ok()) Fail("re-push failed: " + s.message);
    for (size_t i = 0; i < answers.size(); ++i) {
      if (weige::DumpJson(again[i]) != weige::DumpJson(answers[i])) {
        Fail("re-push answered " + weige::DumpJson(again[i]) + " after " + weige::DumpJson(answers[i]));
      }
    }
    if (server->ContentDigest() != digest) Fail("re-push wrote");
  }
  weige::sync::PullRequest req;
  req.person_id = person;
  req.limit = 5000;
  std::string page;
  weige::Status pulled = weige::sync::Pull(server.get(), req, &page);
  if (!pulled.ok() && pulled.code == weige::Code::kInternal) Fail("pull internal: " + pulled.message);
  return 0;
}
