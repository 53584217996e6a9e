// Fuzz target: pull pages applied on a device (sync::ApplyPage, the rebase
// included). The device is the worker's, pulled half way, with two commands
// of its own pending. Input: up to 3 pages, one per line, applied in order.
// Checked beyond the sanitizers: no internal failure; a page that fails
// leaves the device as it was; the database stays consistent
// (PRAGMA integrity_check, foreign keys aside: a scope holds orphans).
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/store/db.h"
#include "core/sync/device.h"
#include "core/sync/pull.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "device_apply: %s\n", what.c_str());
  std::abort();
}

std::string IntegrityCheck(weige::store::Store* s) {
  std::string out;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(weige::store::DbOf(*s).raw(), "PRAGMA quick_check", -1, &st, nullptr);
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

namespace {

// The store every input runs on, opened before the first input.
std::unique_ptr<weige::store::Store>& OpenStore() {
  static std::unique_ptr<weige::store::Store> s =
      weige::fuzz::FreshStore(weige::fuzz::GetWorld().device_bytes, "device", false);
  return s;
}

// The device's content digest as restored.
const std::string& PristineDigest() {
  static const std::string digest = OpenStore()->ContentDigest();
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& w = weige::fuzz::GetWorld();
  if (std::getenv("WEIGE_FUZZ_SEEDS") != nullptr) {
    // Real pages from the server: from the device's cursor and from 0 (a
    // resync), with several page sizes; and two pages in one input.
    auto server = weige::fuzz::FreshStore(w.server_bytes, "seed-server", true);
    std::vector<std::string> seeds;
    for (int64_t cursor : {w.device_cursor, int64_t{0}, w.device_cursor + 20}) {
      for (int64_t limit : {1, 5, 40, 500}) {
        weige::sync::PullRequest req;
        req.person_id = w.device_person;
        req.cursor = cursor;
        req.limit = limit;
        req.digest = limit == 5;
        std::string page;
        if (weige::sync::Pull(server.get(), req, &page).ok()) seeds.push_back(page);
      }
    }
    if (seeds.size() >= 2) seeds.push_back(seeds[0] + "\n" + seeds[1]);
    weige::fuzz::MaybeWriteSeeds(seeds);
  }
  OpenStore();
  PristineDigest();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return -1;
  const auto& w = weige::fuzz::GetWorld();
  auto& device = OpenStore();
  weige::fuzz::Restore(device.get(), w.device_bytes);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < 3 && !in.empty(); ++n) {
    size_t nl = in.find('\n');
    std::string_view page = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    sqlite3_int64 changes = sqlite3_total_changes64(weige::store::DbOf(*device).raw());
    weige::Result r = weige::sync::ApplyPage(device.get(), page);
    if (!r.ok()) {
      if (r.status.code == weige::Code::kInternal || r.status.reason.empty()) {
        Fail(std::string(weige::CodeName(r.status.code)) + " " + r.status.reason + ": " +
             r.status.message);
      }
      // Most bad pages fail before any row is touched; one that failed
      // after touching rows must have rolled them all back. (The digest is
      // compared for the first page only: the state it started from is known.)
      if (n == 0 && sqlite3_total_changes64(weige::store::DbOf(*device).raw()) != changes &&
          device->ContentDigest() != PristineDigest()) {
        Fail("a failed page wrote: " + r.status.reason);
      }
    }
  }
  std::string check = IntegrityCheck(device.get());
  if (check != "ok") Fail("quick_check: " + check);
  weige::Result state = weige::sync::SyncState(device.get());
  if (!state.ok()) Fail("SyncState: " + state.status.message);
  return 0;
}
