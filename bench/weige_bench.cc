// weige_bench: the core's performance targets, measured. Prints one JSON
// object per line, {"bench", "metric", "value", "unit"}; progress goes to
// stderr. Run through build-scripts/bench.sh.
//
//   weige_bench [--dir DIR] [--only visit|fullscale|place|map|open311] [--runs N] [--commands N]
//               [--pragma SQL] [--keep] [--pg URL]
//   weige_bench --replay SETUP.jsonl COMMANDS.jsonl [--sync normal|full] [--runs N]
//
// - visit.record: commands/s, one transaction per command (no outer BEGIN),
//   file-backed store, WAL, synchronous=NORMAL; each visit opens two items.
//   Also its CPU time a command (steadier on a shared machine), and for
//   comparison the rate with 100 commands an outer transaction (as a push).
//   --pragma runs SQL on that store first (experiments); --keep keeps it.
//   --pg URL runs it on PostgreSQL instead (a fresh schema weige_bench in
//   that database; build-scripts/pg.sh url), as visit.record_postgres.
// - worker.households_due, items.checklist: latency for one micro-grid on the
//   full-scale district (1,024 grids, 8,381 micro-grids, ~630,000 households),
//   generated once into DIR/fullscale.db and reused.
// - console.*: the administrator's console pages on that district (issue 9:
//   p50 ≤ 50 ms server time): the tree at every level, the household search
//   (a head's name, an address, a miss), the people list and search, and the
//   audit trail (first page, by region, by person). Each is the query as the
//   server runs it for /api/v1/query, its JSON text included.
// - stats.rollup: the whole district, median of several runs.
// - place.route: routing a position to the nearest building (BenchPlace).
// - map.buildings: a worker's and a grid head's map (BenchMap; --only map).
// - open311.*: GET requests over a 90-day window of the district (BenchOpen311).
// - --replay: the wasm bench's own work, natively (tests/wasm/bench/bench.mjs
//   writes the files): a fresh device store per run (WAL, EXCLUSIVE locking
//   as the wasm build, the given synchronous), SETUP's commands, then
//   COMMANDS timed, each through sync::ExecuteLocal as the wasm `dispatch` is
//   (its changeset recorded for the rebase), one transaction each. Prints
//   replay/commands_per_s_median, so the wasm/native ratio compares the same
//   work.
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/store/db.h"  // --pragma: raw SQL, for experiments
#include "core/store/open311_store.h"
#include "server/store_pool.h"
#include "core/store/store.h"
#include "core/sync/device.h"
#include "tools/demo/demo_district.h"

namespace {

using weige::Json;
using weige::Result;
using weige::Status;
using weige::store::Store;
using Clock = std::chrono::steady_clock;

const char kAdmin[] = "p-admin";

void Emit(const std::string& bench, const std::string& metric, double value,
          const std::string& unit) {
  nlohmann::ordered_json j;
  j["bench"] = bench;
  j["metric"] = metric;
  j["value"] = std::round(value * 1000.0) / 1000.0;
  j["unit"] = unit;
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// CPU seconds (user + system) of this process: steadier than wall time on a
// shared machine, so it is reported beside it.
double CpuSeconds() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

void RemoveDb(const std::string& path) {
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "weige_bench: %s: %s (%s)\n", what.c_str(), s.message.c_str(),
               s.reason.c_str());
  std::exit(1);
}

Json MustQuery(Store* store, const char* name, const Json& params) {
  Result r = store->Query(name, params);
  if (!r.ok()) Die(name, r.status);
  return r.value;
}

// The micro-grids below a region, found through stats.rollup (children of
// each level) rather than by guessing ids. `every` keeps every n-th child at
// the levels above grids, to sample a big district.
void Microgrids(Store* store, const std::string& region, const std::string& cycle, int64_t now,
                int every, std::vector<std::string>* out) {
  Json r = MustQuery(store, "stats.rollup",
                     {{"actor", kAdmin}, {"region_id", region}, {"cycle", cycle}, {"now", now}});
  const Json& children = r["children"];
  const bool grid = r["level"] == "grid";
  for (size_t i = 0; i < children.size(); ++i) {
    const std::string id = children[i]["region_id"].get<std::string>();
    if (grid) {
      out->push_back(id);
    } else if (i % static_cast<size_t>(every) == 0) {
      Microgrids(store, id, cycle, now, every, out);
    }
  }
}

// The households of a micro-grid, through worker.households_due.
std::vector<std::string> Households(Store* store, const std::string& mg,
                                    const std::string& cycle) {
  Json due = MustQuery(store, "worker.households_due",
                       {{"actor", kAdmin}, {"microgrid_id", mg}, {"cycle", cycle}});
  std::vector<std::string> out;
  for (const Json& b : due["buildings"]) {
    for (const Json& h : b["households"]) out.push_back(h["id"].get<std::string>());
  }
  return out;
}

struct Args {
  std::string dir = "build/bench";
  std::string only;
  int runs = 5;
  int commands = 20000;
  std::string pragma;  // experiments: SQL run on the visit store after Open
  bool keep = false;   // keep the visit store (to inspect it)
  std::string replay_setup, replay_commands;  // --replay
  std::string replay_sync = "normal";
  std::string pg;      // --pg: the visit store on PostgreSQL
};

struct Home {
  std::string household, worker;
};

// The bench's visit.record: two findings (ebike_wire, fire_lane).
std::string VisitCommand(const std::string& id, const std::string& household,
                         const std::string& worker, const std::string& month, int64_t at) {
  Json answers = {{"ebike_wire", true},   {"fire_lane", true},   {"elderly_alone", false},
                  {"housing", "出租"},    {"residents", 3},      {"gas", "正常"},
                  {"fraud_leaflet", true}, {"fraud_app", false}};
  Json c = {{"id", id},
            {"type", "visit.record"},
            {"actor", worker},
            {"at", at},
            {"payload",
             {{"visit_id", id},
              {"household_id", household},
              {"cycle", month},
              {"outcome", "met"},
              {"template_id", "door_knock"},
              {"template_version", 2},
              {"answers", answers},
              {"notes", "入户走访，发现飞线充电和楼道堵塞"},
              {"gps", {{"lat", 39.9}, {"lng", 116.65}}}}}};
  return weige::DumpJson(c);
}

// What one commit writes: the WAL emptied (checkpoint TRUNCATE, automatic
// checkpoints off), kN visit.record commands one transaction each, then the
// frames in the WAL (a PASSIVE checkpoint's second column) over kN. A commit
// writes each page it dirtied once, so this is pages per commit.
// --keep also keeps that WAL as PATH-wal.visits (its frames name the pages).
void WalPerCommand(Store* store, const std::vector<Home>& homes, int64_t now,
                   const std::string& keep_wal) {
  constexpr int kN = 500;
  weige::store::Db& db = weige::store::DbOf(*store);
  Status s = db.Exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 0");
  if (!s.ok()) Die("wal_checkpoint", s);
  for (int i = 0; i < kN; ++i) {
    const Home& h = homes[static_cast<size_t>(i * 7) % homes.size()];
    std::string id = "bw-" + std::to_string(i);
    Result r = store->Execute(VisitCommand(id, h.household, h.worker, "2026-12", now - 7200000 + i));
    if (!r.ok()) Die("visit.record (WAL)", r.status);
  }
  int log = 0, page = 4096;
  if (!keep_wal.empty()) {
    std::ifstream in(keep_wal, std::ios::binary);
    std::ofstream out(keep_wal + ".visits", std::ios::binary);
    out << in.rdbuf();
  }
  sqlite3_wal_checkpoint_v2(db.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, nullptr);
  {
    weige::store::Stmt p = db.Q("PRAGMA page_size");
    if (p.Step()) page = static_cast<int>(p.Int(0));
  }
  s = db.Exec("PRAGMA wal_autocheckpoint = 1000");
  if (!s.ok()) Die("wal_autocheckpoint", s);
  Emit("visit.record", "wal_frames_per_command", static_cast<double>(log) / kN, "pages");
  Emit("visit.record", "wal_bytes_per_command", static_cast<double>(log) * (page + 24) / kN,
       "B");
}

// visit.record throughput on a fresh file-backed store.
void BenchVisits(const Args& a) {
  std::string path = a.dir + "/visit_bench.db";
  const std::string bench = a.pg.empty() ? "visit.record" : "visit.record_postgres";
  if (a.pg.empty()) {
    RemoveDb(path);
  } else {
    std::unique_ptr<weige::store::Db> admin;
    Status s = weige::store::Db::OpenPostgres(a.pg, &admin);
    if (s.ok()) s = admin->Exec("DROP SCHEMA IF EXISTS weige_bench CASCADE; CREATE SCHEMA weige_bench");
    if (!s.ok()) Die("--pg " + a.pg, s);
    path = a.pg + (a.pg.find('?') == std::string::npos ? "?" : "&") +
           "options=-c%20search_path%3Dweige_bench";
  }
  std::unique_ptr<Store> store;
  weige::store::OpenOptions options;
  options.record_changes = !a.pg.empty();  // PostgreSQL is a server's: the change log is on
  Status s = Store::Open(path, options, &store);
  if (!s.ok()) Die("open " + path, s);
  if (!a.pragma.empty()) {
    s = weige::store::DbOf(*store).Exec(a.pragma);
    if (!s.ok()) Die(a.pragma, s);
  }
  weige::demo::DistrictOptions o;  // 40 micro-grids, 3,000 households
  o.history = false;
  Json summary;
  auto t0 = Clock::now();
  s = weige::demo::BuildDistrict(store.get(), o, &summary);
  if (!s.ok()) Die("demo district", s);
  Emit("demo.default_directory", "generation_s", Seconds(t0, Clock::now()), "s");
  const std::string cycle = summary["cycle"].get<std::string>();
  std::vector<std::string> mgs;
  Microgrids(store.get(), summary["district_id"].get<std::string>(), cycle, o.now, 1, &mgs);
  std::vector<Home> homes;
  for (const std::string& mg : mgs) {
    for (std::string& h : Households(store.get(), mg, cycle)) homes.push_back({h, "p-w-" + mg});
  }
  std::fprintf(stderr, "visit.record: %zu households in %zu micro-grids, %d x %d commands\n",
               homes.size(), mgs.size(), a.runs, a.commands);
  std::vector<double> rates, cpu_us;
  // The runs after a.runs batch 100 commands an outer transaction, as a push
  // does: for comparison only.
  std::vector<double> batched;
  for (int run = 0; run < a.runs + 2; ++run) {
    const bool batch = run >= a.runs;
    // Each run records a month of the year: 2026-01, 2026-02, ...
    char month[16];
    std::snprintf(month, sizeof month, "2026-%02d", run % 12 + 1);
    std::vector<std::string> commands;
    commands.reserve(static_cast<size_t>(a.commands));
    for (int i = 0; i < a.commands; ++i) {
      const Home& h = homes[static_cast<size_t>(i) % homes.size()];
      std::string id = "bv" + std::to_string(run) + "-" + std::to_string(i);
      commands.push_back(VisitCommand(id, h.household, h.worker, month, o.now - 3600000 + i));
    }
    auto start = Clock::now();
    double cpu0 = CpuSeconds();
    // Under callgrind (build-scripts/bench-callgrind.sh) the first run's
    // commands are all it counts.
    if (run == 0) CALLGRIND_TOGGLE_COLLECT;
    weige::store::Transaction tx;  // batched: 100 commands per transaction
    for (size_t i = 0; i < commands.size(); ++i) {
      if (batch && i % 100 == 0) {
        Status b = store->Begin(&tx);
        if (!b.ok()) Die("begin", b);
      }
      Result r = store->Execute(commands[i]);
      if (!r.ok()) Die("visit.record", r.status);
      if (r.value["items"].size() != 2) {
        Die("visit.record", weige::Internal("bench.findings", "expected two findings"));
      }
      if (batch && (i % 100 == 99 || i + 1 == commands.size())) {
        Status c = tx.Commit();
        if (!c.ok()) Die("commit", c);
      }
    }
    double secs = Seconds(start, Clock::now());
    double cpu = CpuSeconds() - cpu0;
    if (run == 0) CALLGRIND_TOGGLE_COLLECT;
    if (batch) {
      batched.push_back(a.commands / secs);
      std::fprintf(stderr, "  batched run: %.0f commands/s, %.1f us CPU a command\n",
                   a.commands / secs, cpu * 1e6 / a.commands);
      continue;
    }
    rates.push_back(a.commands / secs);
    cpu_us.push_back(cpu * 1e6 / a.commands);
    std::fprintf(stderr, "  run %d: %.0f commands/s, %.1f us CPU a command\n", run + 1,
                 a.commands / secs, cpu * 1e6 / a.commands);
  }
  if (a.pg.empty()) WalPerCommand(store.get(), homes, o.now, a.keep ? path + "-wal" : "");
  Emit(bench, "commands_per_s_median", Median(rates), "commands/s");
  Emit(bench, "commands_per_s_min", *std::min_element(rates.begin(), rates.end()),
       "commands/s");
  Emit(bench, "cpu_us_per_command_median", Median(cpu_us), "us");
  Emit(bench, "commands_per_s_batched_100_per_tx", Median(batched), "commands/s");
  store.reset();
  if (!a.keep) RemoveDb(path);
}

// The full-scale district: generated once, cached with its summary.
// The console's pages, as an administrator of the district browses them.
void BenchConsole(const Args& a, const std::string& district, const std::vector<std::string>& mgs) {
  // As the server holds it: recording its change log, so the tree's counts
  // are kept per micro-grid (counts.h). A copy of the district, made and
  // backfilled once (minutes), then reused.
  const std::string path = a.dir + "/fullscale-server.db";
  if (!Exists(path)) {
    std::fprintf(stderr, "console: recording a copy of the full-scale district (minutes)\n");
    const std::string tmp = path + ".tmp";
    RemoveDb(tmp);
    std::filesystem::copy_file(a.dir + "/fullscale.db", tmp);
    {
      std::unique_ptr<Store> s;
      weige::store::OpenOptions o;
      o.record_changes = true;
      Status st = Store::Open(tmp, o, &s);
      if (!st.ok()) Die("open " + tmp, st);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      Die("rename", weige::Internal("bench.rename", "cannot move " + tmp));
    }
  }
  std::unique_ptr<Store> server;
  weige::store::OpenOptions o = weige::server::StorePool::ReaderOptions();
  o.record_changes = true;
  Status st = Store::Open(path, o, &server);
  if (!st.ok()) Die("open " + path, st);
  Store* store = server.get();
  // Walk down one branch of the tree for ids and names to ask about.
  auto first_child = [&](const Json& params) {
    Json r = MustQuery(store, "console.children", params);
    if (r["nodes"].empty()) Die("console.children", weige::NotFound("bench.empty", "no children"));
    return r["nodes"][0];
  };
  std::vector<Json> tree = {Json{{"actor", kAdmin}}, Json{{"actor", kAdmin}, {"region_id", district}}};
  std::string id = district;
  for (int level = 0; level < 4; ++level) {  // street, community, grid, micro-grid
    id = first_child({{"actor", kAdmin}, {"region_id", id}})["id"].get<std::string>();
    tree.push_back({{"actor", kAdmin}, {"region_id", id}});
  }
  const Json building = first_child({{"actor", kAdmin}, {"region_id", id}});
  tree.push_back({{"actor", kAdmin}, {"building_id", building["id"]}});
  // A head's name and an address from a micro-grid far from the first.
  const std::string far = mgs.back();
  const Json far_building = first_child({{"actor", kAdmin}, {"region_id", far}});
  const Json household = first_child({{"actor", kAdmin}, {"building_id", far_building["id"]}});
  std::string head = household.value("head_name", "");
  std::string address = far_building.value("address", "");
  if (address.empty()) address = far_building.value("name", "");
  struct Page {
    const char* name;
    const char* query;
    Json params;
    std::vector<double> ms;
  };
  std::vector<Page> pages;
  const char* levels[] = {"tree_roots", "tree_district", "tree_street", "tree_community",
                          "tree_grid", "tree_microgrid", "tree_building"};
  for (size_t i = 0; i < tree.size(); ++i) pages.push_back({levels[i], "console.children", tree[i], {}});
  pages.push_back({"search_head_name", "console.search", {{"actor", kAdmin}, {"q", head}}, {}});
  pages.push_back({"search_address", "console.search", {{"actor", kAdmin}, {"q", address}}, {}});
  pages.push_back({"search_miss", "console.search", {{"actor", kAdmin}, {"q", "无此人名"}}, {}});
  pages.push_back({"people_first_page", "console.people", {{"actor", kAdmin}}, {}});
  pages.push_back({"people_search", "console.people", {{"actor", kAdmin}, {"q", "p-w-" + far}}, {}});
  pages.push_back({"events_first_page", "console.events", {{"actor", kAdmin}}, {}});
  pages.push_back({"events_by_region", "console.events",
                   {{"actor", kAdmin}, {"region_id", mgs.front().substr(0, mgs.front().rfind('m'))}}, {}});
  pages.push_back({"events_by_person", "console.events", {{"actor", kAdmin}, {"person_id", "p-w-" + far}}, {}});
  for (int round = 0; round < 8; ++round) {  // round 0 warms the cache
    for (Page& p : pages) {
      const std::string text = weige::DumpJson(p.params);
      auto t0 = Clock::now();
      Result r = store->Query(p.query, text);
      std::string body = r.Dump();
      double ms = Seconds(t0, Clock::now()) * 1000;
      if (!r.ok()) Die(std::string(p.query) + " " + p.name, r.status);
      if (round > 0) p.ms.push_back(ms);
    }
  }
  for (const Page& p : pages) {
    Emit(std::string("console.") + p.name, "p50", Percentile(p.ms, 0.5), "ms");
  }
}

std::unique_ptr<Store> FullScale(const Args& a, Json* meta) {
  const std::string path = a.dir + "/fullscale.db";
  const std::string meta_path = a.dir + "/fullscale.json";
  if (!Exists(path) || !Exists(meta_path)) {
    const std::string tmp = a.dir + "/fullscale.tmp.db";
    RemoveDb(tmp);
    std::fprintf(stderr, "fullscale: generating %s (a few minutes)\n", path.c_str());
    std::unique_ptr<Store> store;
    Status s = Store::Open(tmp, {}, &store);
    if (!s.ok()) Die("open " + tmp, s);
    Json summary;
    auto t0 = Clock::now();
    s = weige::demo::BuildDistrict(store.get(), weige::demo::FullScale(), &summary);
    if (!s.ok()) Die("full-scale district", s);
    store.reset();  // checkpoints the WAL into the file
    double secs = Seconds(t0, Clock::now());
    struct stat st;
    stat(tmp.c_str(), &st);
    (*meta) = {{"generation_s", secs},
               {"bytes", static_cast<int64_t>(st.st_size)},
               {"summary", summary}};
    RemoveDb(path);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      Die("rename", weige::Internal("bench.rename", "cannot move " + tmp));
    }
    std::ofstream(meta_path) << weige::DumpJson(*meta) << "\n";
  } else {
    std::ifstream in(meta_path);
    std::stringstream text;
    text << in.rdbuf();
    *meta = Json::parse(text.str(), nullptr, false);
    if (meta->is_discarded()) {
      Die("read " + meta_path, weige::Internal("bench.meta", "remove it to regenerate"));
    }
    std::fprintf(stderr, "fullscale: reusing %s (generated in %.1f s)\n", path.c_str(),
                 (*meta)["generation_s"].get<double>());
  }
  // Opened as a server's reader connection is (the reads measured on it
  // are a server's).
  std::unique_ptr<Store> store;
  Status s = Store::Open(path, weige::server::StorePool::ReaderOptions(), &store);
  if (!s.ok()) Die("open " + path, s);
  return store;
}

// place.route (issue 12: p50 ≤ 1 ms server time): a report's position routed
// to the nearest building through the R-tree, at 2,000 positions up to
// ~100 m from sampled buildings of the full-scale district, each the query
// as the server runs it for /api/v1/query (its JSON text included).
void BenchPlace(Store* store) {
  std::vector<std::pair<double, double>> at;
  {
    weige::store::Stmt s = weige::store::DbOf(*store).Q(
        "SELECT lat, lng FROM buildings WHERE lat IS NOT NULL AND lng IS NOT NULL ORDER BY id");
    for (int i = 0; s.Step(); ++i) {
      if (i % 11 == 0) at.emplace_back(s.Double(0), s.Double(1));
    }
  }
  if (at.empty()) {
    std::fprintf(stderr, "place.route: no building has coordinates (a file generated before"
                         " issue 12: remove it to regenerate)\n");
    std::exit(1);
  }
  if (at.size() > 2000) at.resize(2000);
  std::vector<double> ms;
  int routed = 0;
  for (int round = 0; round < 3; ++round) {  // round 0 warms the cache
    for (size_t i = 0; i < at.size(); ++i) {
      // Deterministic offsets of up to ~0.0009 degrees (~100 m).
      const double dlat = (static_cast<double>((i * 7919) % 19) - 9) * 0.0001;
      const double dlng = (static_cast<double>((i * 104729) % 19) - 9) * 0.0001;
      const std::string text = weige::DumpJson(
          Json{{"actor", kAdmin}, {"lat", at[i].first + dlat}, {"lng", at[i].second + dlng}});
      auto t0 = Clock::now();
      Result r = store->Query("place.route", text);
      std::string body = r.Dump();
      double t = Seconds(t0, Clock::now()) * 1000;
      if (round > 0) {
        ms.push_back(t);
        if (r.ok()) ++routed;
      }
    }
  }
  std::fprintf(stderr, "place.route: %d of %zu positions routed\n", routed, ms.size());
  Emit("place.route", "p50", Percentile(ms, 0.5), "ms");
  Emit("place.route", "p99", Percentile(ms, 0.99), "ms");
  Emit("place.route", "routed_share", static_cast<double>(routed) / static_cast<double>(ms.size()),
       "ratio");
}

// map.buildings (issue 12 item 2): the map of a worker's micro-grid and of a
// grid head's grid as the app asks for it, over a sample of the full-scale
// district's micro-grids and the grids they belong to (JSON text included).
void BenchMap(Store* store, const Json& meta) {
  const Json& summary = meta["summary"];
  const std::string cycle = summary["cycle"].get<std::string>();
  const int64_t now = summary["now"].get<int64_t>();
  std::vector<std::string> mgs;
  Microgrids(store, summary["district_id"].get<std::string>(), cycle, now, 8, &mgs);
  std::vector<double> mg_ms, grid_ms;
  size_t buildings = 0;
  for (int round = 0; round < 3; ++round) {  // round 0 warms the cache
    for (const std::string& mg : mgs) {
      const std::string grid = mg.substr(0, mg.rfind('m'));
      const std::pair<std::string, std::string> asks[] = {{"p-w-" + mg, mg}, {"p-g-" + grid, grid}};
      for (int k = 0; k < 2; ++k) {
        const std::string text = weige::DumpJson(Json{
            {"actor", asks[k].first}, {"region_id", asks[k].second}, {"cycle", cycle}, {"now", now}});
        auto t0 = Clock::now();
        Result r = store->Query("map.buildings", text);
        std::string body = r.Dump();
        double ms = Seconds(t0, Clock::now()) * 1000;
        if (!r.ok()) Die("map.buildings " + asks[k].second, r.status);
        if (round == 0 && k == 0) buildings += r.value["buildings"].size();
        if (round > 0) (k == 0 ? mg_ms : grid_ms).push_back(ms);
      }
    }
  }
  std::fprintf(stderr, "map.buildings: %zu micro-grids (%zu buildings) and their grids\n", mgs.size(),
               buildings);
  Emit("map.buildings", "microgrid_p50", Percentile(mg_ms, 0.5), "ms");
  Emit("map.buildings", "microgrid_p99", Percentile(mg_ms, 0.99), "ms");
  Emit("map.buildings", "grid_p50", Percentile(grid_ms, 0.5), "ms");
  Emit("map.buildings", "grid_p99", Percentile(grid_ms, 0.99), "ms");
}

// Open311 GET requests (issue 12: a 90-day window on the full-scale
// district, p50 ≤ 50 ms server time): a partner key over the whole district
// (in memory: the read needs only its region), the default window ending at
// the district's newest report, the store's read and the JSON text the
// server answers (at most 1,000 requests, newest first); and with
// status=open and one service_code. Also servicerequestupdates' window.
void BenchOpen311(Store* store, const std::string& district) {
  weige::store::Open311Key key;
  key.key_id = "bench";
  key.partner_id = "bench-partner";
  key.region_id = district;
  int64_t newest = 0;
  {
    weige::store::Stmt s = weige::store::DbOf(*store).Q("SELECT MAX(submitted_at) FROM reports");
    if (s.Step()) newest = s.Int(0);
  }
  struct Case {
    const char* name;
    weige::store::Open311Filter filter;
    std::vector<double> ms, read_ms;
    size_t rows = 0;
  };
  weige::store::Open311Filter window;
  window.to_ms = newest;
  window.from_ms = newest - 90 * 86400000LL;
  std::vector<Case> cases = {{"get_requests_90d", window, {}, {}, 0}};
  window.status = "open";
  window.service_codes = {"sanitation"};
  cases.push_back({"get_requests_90d_open_sanitation", window, {}, {}, 0});
  for (int round = 0; round < 21; ++round) {  // round 0 warms the cache
    for (Case& c : cases) {
      auto t0 = Clock::now();
      std::vector<weige::open311::PublicRequest> list;
      Status s = weige::store::Open311FindRequests(*store, key, c.filter, &list);
      if (!s.ok()) Die("open311 requests", s);
      const double read = Seconds(t0, Clock::now()) * 1000;
      Json j = Json::array();
      for (const auto& r : list) j.push_back(weige::open311::RequestJson(r));
      std::string body = weige::DumpJson(j);
      double ms = Seconds(t0, Clock::now()) * 1000;
      if (round > 0) {
        c.ms.push_back(ms);
        c.read_ms.push_back(read);
      }
      c.rows = list.size();
    }
  }
  for (const Case& c : cases) {
    Emit(std::string("open311.") + c.name, "p50", Percentile(c.ms, 0.5), "ms");
    Emit(std::string("open311.") + c.name, "store_read_p50", Percentile(c.read_ms, 0.5), "ms");
    Emit(std::string("open311.") + c.name, "rows", static_cast<double>(c.rows), "requests");
  }
  std::vector<double> ms;
  size_t n = 0;
  for (int round = 0; round < 21; ++round) {
    auto t0 = Clock::now();
    std::vector<weige::open311::PublicUpdate> list;
    Status s = weige::store::Open311FindUpdates(*store, key, window.from_ms, window.to_ms, 1000, &list);
    if (!s.ok()) Die("open311 updates", s);
    Json j = Json::array();
    for (const auto& u : list) j.push_back(weige::open311::UpdateJson(u));
    std::string body = weige::DumpJson(j);
    if (round > 0) ms.push_back(Seconds(t0, Clock::now()) * 1000);
    n = list.size();
  }
  Emit("open311.get_updates_90d", "p50", Percentile(ms, 0.5), "ms");
  Emit("open311.get_updates_90d", "rows", static_cast<double>(n), "updates");
}

void BenchFullScale(const Args& a) {
  Json meta;
  std::unique_ptr<Store> store = FullScale(a, &meta);
  const Json& summary = meta["summary"];
  const Json& counts = summary["counts"];
  Emit("demo.fullscale", "generation_s", meta["generation_s"].get<double>(), "s");
  Emit("demo.fullscale", "commands", counts["commands"].get<double>(), "commands");
  Emit("demo.fullscale", "households", counts["households"].get<double>(), "households");
  Emit("demo.fullscale", "microgrids", counts["microgrids"].get<double>(), "microgrids");
  Emit("demo.fullscale", "db_size", meta["bytes"].get<double>() / 1048576.0, "MiB");
  const std::string cycle = summary["cycle"].get<std::string>();
  const std::string district = summary["district_id"].get<std::string>();
  const int64_t now = summary["now"].get<int64_t>();

  // stats.rollup over the district (the first run also warms the cache).
  std::vector<double> rollup;
  for (int run = 0; run <= a.runs; ++run) {
    auto t0 = Clock::now();
    Result r = store->Query("stats.rollup", Json{{"actor", kAdmin}, {"region_id", district},
                                                 {"cycle", cycle}, {"now", now}});
    std::string body = r.Dump();
    double ms = Seconds(t0, Clock::now()) * 1000;
    if (!r.ok()) Die("stats.rollup", r.status);
    std::fprintf(stderr, "stats.rollup %s: %.1f ms%s\n", district.c_str(), ms,
                 run == 0 ? " (cold)" : "");
    if (run > 0) rollup.push_back(ms);
  }
  Emit("stats.rollup", "district_median", Median(rollup), "ms");
  BenchPlace(store.get());
  BenchMap(store.get(), meta);
  BenchOpen311(store.get(), district);

  // A sample of micro-grids across the district.
  std::vector<std::string> mgs;
  Microgrids(store.get(), district, cycle, now, 4, &mgs);
  std::fprintf(stderr, "latency: %zu micro-grids sampled\n", mgs.size());
  struct Query {
    const char* name;
    std::vector<double> ms;
  } queries[] = {{"worker.households_due", {}}, {"items.checklist", {}}};
  for (int round = 0; round < 4; ++round) {  // round 0 warms the cache
    for (const std::string& mg : mgs) {
      const std::string worker = "p-w-" + mg;
      Json params[] = {{{"actor", worker}, {"microgrid_id", mg}, {"cycle", cycle}},
                       {{"actor", worker}, {"microgrid_id", mg}, {"now", now}}};
      for (int q = 0; q < 2; ++q) {
        const std::string text = weige::DumpJson(params[q]);  // as it arrives
        auto t0 = Clock::now();
        Result r = store->Query(queries[q].name, text);
        std::string body = r.Dump();
        double ms = Seconds(t0, Clock::now()) * 1000;
        if (!r.ok()) Die(queries[q].name, r.status);
        if (round > 0) queries[q].ms.push_back(ms);
      }
    }
  }
  for (const Query& q : queries) {
    Emit(q.name, "p50", Percentile(q.ms, 0.5), "ms");
    Emit(q.name, "p99", Percentile(q.ms, 0.99), "ms");
  }

  // A grid head's rollup of one grid, for scale.
  std::vector<double> grid_ms;
  const std::string grid = mgs.front().substr(0, mgs.front().rfind('m'));
  for (int run = 0; run < 20; ++run) {
    auto t0 = Clock::now();
    Result r = store->Query("stats.rollup", Json{{"actor", "p-g-" + grid}, {"region_id", grid},
                                                 {"cycle", cycle}, {"now", now}});
    std::string body = r.Dump();
    if (!r.ok()) Die("stats.rollup grid", r.status);
    grid_ms.push_back(Seconds(t0, Clock::now()) * 1000);
  }
  Emit("stats.rollup", "grid_p50", Percentile(grid_ms, 0.5), "ms");
  store.reset();
  BenchConsole(a, district, mgs);
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("read " + path, weige::Internal("bench.io", "cannot open"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void BenchReplay(const Args& a) {
  const std::vector<std::string> setup = ReadLines(a.replay_setup);
  const std::vector<std::string> commands = ReadLines(a.replay_commands);
  std::vector<double> rates;
  for (int run = 0; run < a.runs; ++run) {
    const std::string path = a.dir + "/replay_bench.db";
    RemoveDb(path);
    weige::store::OpenOptions o;
    o.exclusive = true;
    o.synchronous_full = a.replay_sync == "full";
    std::unique_ptr<Store> store;
    Status s = Store::Open(path, o, &store);
    if (!s.ok()) Die("open " + path, s);
    for (const std::string& c : setup) {
      Json j = Json::parse(c, nullptr, false);
      if (j.is_object() && j.contains("bootstrap")) {  // the first actor, not a command
        const Json& b = j["bootstrap"];
        s = store->Bootstrap(b.value("person_id", ""), b.value("name", ""), b.value("at", int64_t{0}));
        if (!s.ok()) Die("replay bootstrap", s);
        continue;
      }
      Result r = weige::sync::ExecuteLocal(store.get(), c);
      if (!r.ok()) Die("replay setup", r.status);
    }
    auto start = Clock::now();
    for (const std::string& c : commands) {
      Result r = weige::sync::ExecuteLocal(store.get(), c);
      if (!r.ok()) Die("replay", r.status);
    }
    double secs = Seconds(start, Clock::now());
    rates.push_back(static_cast<double>(commands.size()) / secs);
    std::fprintf(stderr, "  replay run %d: %.0f commands/s\n", run + 1, rates.back());
  }
  Emit("replay", "commands_per_s_median", Median(rates), "commands/s");
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--dir") {
      a.dir = next();
    } else if (k == "--only") {
      a.only = next();
    } else if (k == "--runs") {
      a.runs = std::max(1, std::atoi(next().c_str()));
    } else if (k == "--keep") {
      a.keep = true;
    } else if (k == "--pragma") {
      a.pragma = next();
    } else if (k == "--pg") {
      a.pg = next();
    } else if (k == "--commands") {
      a.commands = std::max(1, std::atoi(next().c_str()));
    } else if (k == "--replay") {
      a.replay_setup = next();
      a.replay_commands = next();
    } else if (k == "--sync") {
      a.replay_sync = next();
    } else {
      std::fprintf(stderr,
                   "usage: weige_bench [--dir DIR] [--only visit|fullscale] [--runs N]"
                   " [--commands N] [--pragma SQL] [--keep] [--pg URL]\n"
                   "       weige_bench --replay SETUP.jsonl COMMANDS.jsonl [--sync normal|full]"
                   " [--runs N]\n");
      return 2;
    }
  }
  mkdir(a.dir.c_str(), 0755);
  if (!a.replay_setup.empty()) {
    BenchReplay(a);
    return 0;
  }
  if (a.only.empty() || a.only == "visit") BenchVisits(a);
  if (a.only.empty() || a.only == "fullscale") BenchFullScale(a);
  if (a.only == "place") {
    Json meta;
    std::unique_ptr<Store> store = FullScale(a, &meta);
    BenchPlace(store.get());
  }
  if (a.only == "map") {
    Json meta;
    std::unique_ptr<Store> store = FullScale(a, &meta);
    BenchMap(store.get(), meta);
  }
  if (a.only == "open311") {
    Json meta;
    std::unique_ptr<Store> store = FullScale(a, &meta);
    BenchOpen311(store.get(), meta["summary"]["district_id"].get<std::string>());
  }
  return 0;
}
