// Fuzz target: query parameters into Store::Query on the demo server's store.
// Input: the query name, a newline, the params JSON. Checked beyond the
// sanitizers: a query writes nothing, and never fails as internal.
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/store/db.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

std::unique_ptr<weige::store::Store>& Store() {
  static std::unique_ptr<weige::store::Store> s =
      weige::fuzz::FreshStore(weige::fuzz::GetWorld().server_bytes, "query", true);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto& w = weige::fuzz::GetWorld();
  std::vector<std::string> seeds;
  auto add = [&](const char* name, weige::Json params) {
    seeds.push_back(std::string(name) + "\n" + weige::DumpJson(params));
  };
  for (size_t i = 0; i < w.people.size(); ++i) {
    const std::string& actor = w.people[i];
    const std::string& mg = w.microgrids[i % w.microgrids.size()];
    const std::string& item = w.items[i % w.items.size()];
    const std::string& b = w.buildings[i % w.buildings.size()];
    const std::string& h = w.households[i % w.households.size()];
    const std::string& region = w.regions[i % w.regions.size()];
    add("worker.households_due", {{"actor", actor}, {"microgrid_id", mg}, {"cycle", w.cycle}});
    add("visits.list", {{"actor", actor}, {"microgrid_id", mg}, {"cycle", w.cycle}, {"limit", 20}});
    add("visits.list", {{"actor", actor}, {"household_id", h}, {"before", w.now}});
    add("items.checklist", {{"actor", actor}, {"building_id", b}, {"now", w.now}, {"include_closed", true}});
    add("items.checklist", {{"actor", actor}, {"microgrid_id", mg}, {"now", w.now}, {"limit", 5}});
    add("item.detail", {{"actor", actor}, {"item_id", item}, {"now", w.now}});
    add("reports.mine", {{"actor", actor}, {"now", w.now}, {"limit", 10}});
    add("stats.microgrid", {{"actor", actor}, {"microgrid_id", mg}, {"cycle", w.cycle}, {"now", w.now}});
    add("stats.rollup", {{"actor", actor}, {"region_id", region}, {"cycle", w.cycle}, {"now", w.now}});
  }
  weige::fuzz::MaybeWriteSeeds(seeds);
  Store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return -1;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return -1;
  auto& store = Store();
  sqlite3_int64 before = sqlite3_total_changes64(weige::store::DbOf(*store).raw());
  weige::Result r = store->Query(in.substr(0, nl), in.substr(nl + 1));
  if (!r.ok() && (r.status.code == weige::Code::kInternal || r.status.reason.empty())) {
    std::fprintf(stderr, "query: %s %s: %s\n", std::string(weige::CodeName(r.status.code)).c_str(),
                 r.status.reason.c_str(), r.status.message.c_str());
    std::abort();
  }
  if (sqlite3_total_changes64(weige::store::DbOf(*store).raw()) != before) {
    std::fprintf(stderr, "query wrote to the store\n");
    std::abort();
  }
  return 0;
}
