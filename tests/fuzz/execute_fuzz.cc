// Fuzz target: command lines into Store::Execute on the demo server's store.
// Input: up to 8 lines, each run as one command in order (so a fuzzed command
// can follow the one that opened its item); a line starting with "@" runs
// with the server's time (ExecOptions::server_time), as a push does.
// Checked beyond the sanitizers: every failure carries a code other than
// internal and a reason; a rejected command adds no row.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/store/db.h"
#include "tests/fuzz/fuzz_world.h"

using weige::fuzz::GetWorld;

namespace {

// The store every input runs on, opened before the first input.
std::unique_ptr<weige::store::Store>& OpenStore() {
  static std::unique_ptr<weige::store::Store> s =
      weige::fuzz::FreshStore(weige::fuzz::GetWorld().server_bytes, "execute", true);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& w = GetWorld();
  std::vector<std::string> seeds;
  int n = 0;
  for (const std::string& c : w.commands) seeds.push_back(weige::fuzz::WithId(c, "fz-" + std::to_string(n++)));
  // Pairs: two commands of the demo in one input.
  for (size_t i = 0; i + 1 < w.commands.size() && i < 60; i += 2) {
    seeds.push_back(weige::fuzz::WithId(w.commands[i], "fz-a" + std::to_string(i)) + "\n@" +
                    weige::fuzz::WithId(w.commands[i + 1], "fz-b" + std::to_string(i)));
  }
  weige::fuzz::MaybeWriteSeeds(seeds);
  OpenStore();
  return 0;
}

namespace {

// Rows a command would add: its events, outbox row and the entities.
std::string Footprint(weige::store::Store* s) {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(weige::store::DbOf(*s).raw(),
                     "SELECT (SELECT count(*) FROM events) || ',' || (SELECT count(*) FROM outbox)"
                     " || ',' || (SELECT count(*) FROM items) || ',' || (SELECT count(*) FROM visits)"
                     " || ',' || (SELECT count(*) FROM reports) || ',' || (SELECT count(*) FROM people)",
                     -1, &st, nullptr);
  std::string out = st != nullptr && sqlite3_step(st) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                        : "?";
  sqlite3_finalize(st);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return -1;
  const auto& w = GetWorld();
  // One store for the process; each input runs inside BEGIN .. ROLLBACK, so
  // every input starts from the demo world (Execute nests as a SAVEPOINT).
  auto& store = OpenStore();
  weige::store::Transaction input;
  if (!store->Begin(&input).ok()) std::abort();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int line = 0; line < 8 && !in.empty(); ++line) {
    size_t nl = in.find('\n');
    std::string_view cmd = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    weige::store::ExecOptions options;
    if (!cmd.empty() && cmd[0] == '@') {
      cmd.remove_prefix(1);
      options.server_time = w.now;
    }
    std::string before = Footprint(store.get());
    weige::Result r = store->Execute(cmd, options);
    if (!r.ok()) {
      if (r.status.code == weige::Code::kInternal || r.status.reason.empty()) {
        std::fprintf(stderr, "execute: %s %s: %s\n", std::string(weige::CodeName(r.status.code)).c_str(),
                     r.status.reason.c_str(), r.status.message.c_str());
        std::abort();
      }
      if (Footprint(store.get()) != before) {
        std::fprintf(stderr, "execute: rejected (%s) but wrote\n", r.status.reason.c_str());
        std::abort();
      }
    }
  }
  input.Rollback();
  return 0;
}
