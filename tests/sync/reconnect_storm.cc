// Server benchmarks against the real weige-server process on loopback. Prints
// one JSON object per line: {"bench","metric","value","unit"}.
//
//   weige_reconnect_storm storm --db FILE [--devices N] [--concurrency C] [--commands K]
//     The reconnect storm: one device per micro-grid (its worker), each
//     holding a token from an earlier sign-in (written into auth_tokens
//     before the server starts: 8,381 argon2id logins would take minutes and
//     are not what is measured) and K pending commands made beforehand
//     (visit.record for its households, every fifth an item.open), reconnect
//     at once: C connections push each device's commands in one request and
//     pull its scope from its cursor (the head before the storm) to the end.
//     The database must hold a district (weige demo [--full-scale]); it is
//     kept and reused (each run uses fresh command ids).
//
//   weige_reconnect_storm first-sync --db FILE [--devices N] [--year 1]
//     A new device's first sync: a worker pulls its micro-grid from cursor 0
//     to the end (pages of 1,000); the time of each page, on loopback. With
//     --year 1 and no FILE yet, FILE is first generated: 8 micro-grids of 100
//     households with 12 months of history (the "a year of history").
//
//   weige_reconnect_storm push-rate --db FILE [--devices N] [--concurrency C]
//     The storm's pushes alone (no pulls): accepted commands per second.
//
//   Common: --db may be a postgresql:// URL (the store the server runs on);
//   --port P aims the clients at a server (or balancer) already running on
//   127.0.0.1:P on that store instead of starting one; --label L appends
//   "_L" to the bench names (the engine beside the SQLite figure).
//
//   weige_reconnect_storm device-overhead --db FILE [--commands K]
//     What the change-log triggers cost a device, which never turns recording
//     on: K visit.record commands (one transaction each, synchronous=NORMAL)
//     on copies of FILE with the triggers present but off, dropped, and
//     recording; best of 3 rounds each.
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/store/db.h"  // the workers and households of the demo district, by SQL
#include "core/store/store.h"
#include "core/store/sync_store.h"
#include "tests/sync/server_harness.h"
#include "tools/demo/demo_district.h"

namespace {

using weige::Json;
using weige::Status;
using weige::testing::HttpClient;
using weige::testing::HttpReply;
using weige::testing::ServerProcess;
using Clock = std::chrono::steady_clock;

void Emit(const char* bench, const char* metric, double value, const char* unit) {
  std::printf("{\"bench\":\"%s\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n", bench,
              metric, value, unit);
  std::fflush(stdout);
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string Sha256Hex(const std::string& s) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return Hex(d, sizeof d);
}

struct Device {
  std::string person, microgrid, token;
  Json commands = Json::array();
};

struct Args {
  std::string mode, db;
  int devices = 0;  // 0: every micro-grid
  int concurrency = 32;
  int commands = 20;
  bool year = false;
  bool pull = true;
  int port = 0;        // > 0: a server already running there
  std::string label;   // appended to the bench names
  std::string Bench(const char* name) const { return label.empty() ? name : std::string(name) + "_" + label; }
};

bool Check(const Status& s, const char* what) {
  if (s.ok()) return true;
  std::fprintf(stderr, "%s: %s %s\n", what, s.reason.c_str(), s.message.c_str());
  return false;
}

// Opens the database as the server would (turning the change log on: the
// first time over an existing district that records every row), and prepares
// the devices: their workers, tokens and pending commands.
bool Prepare(const Args& args, bool with_commands, std::vector<Device>* devices, int64_t* head) {
  auto t0 = Clock::now();
  std::unique_ptr<weige::store::Store> store;
  weige::store::OpenOptions options;
  options.record_changes = true;
  if (!Check(weige::store::Store::Open(args.db, options, &store), "open")) return false;
  std::fprintf(stderr, "change log ready in %.1f s\n", Seconds(t0, Clock::now()));
  weige::store::Db& db = weige::store::DbOf(*store);
  {
    weige::store::Stmt s = db.Q(
        "SELECT MIN(person_id), scope_id FROM roles WHERE role = 'worker' GROUP BY scope_id"
        " ORDER BY scope_id");
    while (s.Step()) {
      Device d;
      d.person = s.Text(0);
      d.microgrid = s.Text(1);
      devices->push_back(std::move(d));
    }
    if (!Check(s.status(), "workers")) return false;
  }
  if (args.devices > 0 && static_cast<size_t>(args.devices) < devices->size()) {
    devices->resize(static_cast<size_t>(args.devices));
  }
  unsigned char nonce_bytes[4];
  randombytes_buf(nonce_bytes, sizeof nonce_bytes);
  const std::string nonce = Hex(nonce_bytes, sizeof nonce_bytes);
  const int64_t now = 1795000000000;  // the demo's "now"
  weige::store::Transaction tx;
  if (!Check(store->Begin(&tx), "begin")) return false;
  for (size_t i = 0; i < devices->size(); ++i) {
    Device& d = (*devices)[i];
    unsigned char t[32];
    randombytes_buf(t, sizeof t);
    d.token = Hex(t, sizeof t);
    if (!Check(weige::store::SaveToken(*store, Sha256Hex(d.token), d.person, now,
                                       now + 1000LL * 86400 * 3650),
               "token")) {
      return false;
    }
    if (!with_commands) continue;
    std::vector<std::string> households;
    weige::store::Stmt h = db.Q(
        "SELECT id FROM households WHERE microgrid_id = ? ORDER BY id LIMIT ?");
    h.Bind(1, d.microgrid).Bind(2, static_cast<int64_t>(args.commands));
    while (h.Step()) households.push_back(h.Text(0));
    for (int k = 0; k < args.commands && !households.empty(); ++k) {
      const std::string& hh = households[static_cast<size_t>(k) % households.size()];
      const std::string id = "st" + nonce + "-" + std::to_string(i) + "-" + std::to_string(k);
      Json cmd = {{"id", id}, {"at", now + k}};
      if (k % 5 == 4) {
        cmd["type"] = "item.open";
        cmd["payload"] = {{"item_id", id}, {"household_id", hh}, {"category", "sanitation"},
                          {"title", "Rubbish at the stairwell"}};
      } else {
        cmd["type"] = "visit.record";
        cmd["payload"] = {{"visit_id", id}, {"household_id", hh}, {"cycle", "2026-12"},
                          {"outcome", k % 3 == 0 ? "not_home" : "met"},
                          {"notes", "door knocked"}};
      }
      d.commands.push_back(std::move(cmd));
    }
  }
  if (!Check(tx.Commit(), "commit")) return false;
  return Check(weige::store::ChangeLogHead(*store, head), "head");
}

struct Stats {
  std::mutex mu;
  std::vector<double> push_ms, pull_ms;
  int64_t errors = 0, rejected = 0, accepted = 0, changes = 0, requests = 0;
};

int Storm(const Args& args) {
  std::vector<Device> devices;
  int64_t cursor = 0;
  if (!Prepare(args, true, &devices, &cursor)) return 1;
  ServerProcess server;
  if (args.port == 0 &&
      !server.Start(args.db, {"--threads", std::to_string(std::max(8, args.concurrency))})) {
    std::fprintf(stderr, "weige-server did not start\n");
    return 1;
  }
  const int port = args.port > 0 ? args.port : server.port();
  Stats stats;
  std::atomic<size_t> next{0};
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < args.concurrency; ++c) {
    threads.emplace_back([&] {
      HttpClient http(port);
      std::vector<double> push_ms, pull_ms;
      int64_t errors = 0, rejected = 0, accepted = 0, changes = 0, requests = 0;
      for (size_t i = next++; i < devices.size(); i = next++) {
        const Device& d = devices[i];
        auto a = Clock::now();
        HttpReply r = http.Push(d.token, d.commands);
        push_ms.push_back(Seconds(a, Clock::now()) * 1000);
        ++requests;
        if (r.status != 200 || !r.json.is_object() || !r.json.contains("results")) {
          std::fprintf(stderr, "push of device %zu: HTTP %d %s\n", i, r.status,
                       r.body.substr(0, 200).c_str());
          ++errors;
          continue;
        }
        for (const Json& x : r.json["results"]) {
          (x["status"] == "accepted" ? accepted : rejected)++;
        }
        int64_t from = cursor;
        for (int page = 0; args.pull && page < 100000; ++page) {
          auto b = Clock::now();
          HttpReply p = http.Get("/api/v1/sync/pull?limit=1000&cursor=" + std::to_string(from),
                                 d.token);
          pull_ms.push_back(Seconds(b, Clock::now()) * 1000);
          ++requests;
          if (p.status != 200 || !p.json.is_object()) {
            std::fprintf(stderr, "pull of device %zu: HTTP %d %s\n", i, p.status,
                         p.body.substr(0, 200).c_str());
            ++errors;
            break;
          }
          changes += static_cast<int64_t>(p.json["changes"].size());
          from = p.json["next_cursor"];
          if (!p.json["has_more"].get<bool>()) break;
        }
      }
      std::lock_guard<std::mutex> lock(stats.mu);
      stats.push_ms.insert(stats.push_ms.end(), push_ms.begin(), push_ms.end());
      stats.pull_ms.insert(stats.pull_ms.end(), pull_ms.begin(), pull_ms.end());
      stats.errors += errors;
      stats.rejected += rejected;
      stats.accepted += accepted;
      stats.changes += changes;
      stats.requests += requests;
    });
  }
  for (std::thread& t : threads) t.join();
  const double wall = Seconds(t0, Clock::now());
  const int exit_code = args.port > 0 ? 0 : server.Stop();
  std::vector<double> all = stats.push_ms;
  all.insert(all.end(), stats.pull_ms.begin(), stats.pull_ms.end());
  if (!args.pull) {
    const std::string name = args.Bench("push_rate");
    const char* b = name.c_str();
    Emit(b, "devices", static_cast<double>(devices.size()), "devices");
    Emit(b, "concurrency", args.concurrency, "connections");
    Emit(b, "accepted", static_cast<double>(stats.accepted), "commands");
    Emit(b, "wall_time", wall, "s");
    Emit(b, "accepted_per_s", static_cast<double>(stats.accepted) / wall, "commands/s");
    Emit(b, "push_p50", Percentile(stats.push_ms, 0.5), "ms");
    Emit(b, "push_p99", Percentile(stats.push_ms, 0.99), "ms");
    Emit(b, "errors", static_cast<double>(stats.errors), "requests");
    Emit(b, "rejected", static_cast<double>(stats.rejected), "commands");
    return stats.errors == 0 && exit_code == 0 ? 0 : 1;
  }
  const std::string name = args.Bench("reconnect_storm");
  const char* b = name.c_str();
  Emit(b, "devices", static_cast<double>(devices.size()), "devices");
  Emit(b, "concurrency", args.concurrency, "connections");
  Emit(b, "commands_pushed", static_cast<double>(stats.accepted + stats.rejected), "commands");
  Emit(b, "wall_time", wall, "s");
  Emit(b, "accepted_per_s", static_cast<double>(stats.accepted) / wall, "commands/s");
  Emit(b, "requests", static_cast<double>(stats.requests), "requests");
  Emit(b, "requests_per_s", static_cast<double>(stats.requests) / wall, "req/s");
  Emit(b, "latency_p50", Percentile(all, 0.5), "ms");
  Emit(b, "latency_p99", Percentile(all, 0.99), "ms");
  Emit(b, "push_p50", Percentile(stats.push_ms, 0.5), "ms");
  Emit(b, "push_p99", Percentile(stats.push_ms, 0.99), "ms");
  Emit(b, "pull_p50", Percentile(stats.pull_ms, 0.5), "ms");
  Emit(b, "pull_p99", Percentile(stats.pull_ms, 0.99), "ms");
  Emit(b, "changes_pulled", static_cast<double>(stats.changes), "changes");
  Emit(b, "errors", static_cast<double>(stats.errors), "requests");
  Emit(b, "rejected", static_cast<double>(stats.rejected), "commands");
  if (args.port == 0) Emit(b, "server_exit", exit_code, "code");
  return stats.errors == 0 && exit_code == 0 ? 0 : 1;
}

int FirstSync(const Args& args) {
  if (args.year && args.db.rfind("postgres", 0) != 0 && !std::filesystem::exists(args.db)) {
    weige::demo::DistrictOptions o;
    o.streets = 1;
    o.communities_per_street = 1;
    o.grids_per_community = 4;
    o.microgrids_per_grid = 2;
    o.households_per_microgrid = 100;
    o.history_months = 12;
    std::unique_ptr<weige::store::Store> store;
    weige::store::OpenOptions options;
    options.record_changes = true;
    if (!Check(weige::store::Store::Open(args.db, options, &store), "open")) return 1;
    Json summary;
    auto t0 = Clock::now();
    if (!Check(weige::demo::BuildDistrict(store.get(), o, &summary), "district")) return 1;
    std::fprintf(stderr, "a year of 8 micro-grids generated in %.1f s\n", Seconds(t0, Clock::now()));
  }
  std::vector<Device> devices;
  int64_t head = 0;
  if (!Prepare(args, false, &devices, &head)) return 1;
  ServerProcess server;
  if (!server.Start(args.db)) return 1;
  HttpClient http(server.port());
  std::vector<double> page_ms, device_ms;
  int64_t changes = 0, errors = 0;
  for (const Device& d : devices) {
    int64_t from = 0;
    auto a = Clock::now();
    for (int page = 0; page < 100000; ++page) {
      auto b = Clock::now();
      HttpReply p = http.Get("/api/v1/sync/pull?limit=1000&cursor=" + std::to_string(from), d.token);
      page_ms.push_back(Seconds(b, Clock::now()) * 1000);
      if (p.status != 200) {
        ++errors;
        break;
      }
      changes += static_cast<int64_t>(p.json["changes"].size());
      from = p.json["next_cursor"];
      if (!p.json["has_more"].get<bool>()) break;
    }
    device_ms.push_back(Seconds(a, Clock::now()) * 1000);
  }
  const int exit_code = server.Stop();
  const std::string name = args.Bench(args.year ? "first_sync_year" : "first_sync");
  const char* b = name.c_str();
  Emit(b, "devices", static_cast<double>(devices.size()), "devices");
  Emit(b, "changes_per_device", devices.empty() ? 0 : static_cast<double>(changes) / devices.size(),
       "changes");
  Emit(b, "page_p50", Percentile(page_ms, 0.5), "ms");
  Emit(b, "page_p99", Percentile(page_ms, 0.99), "ms");
  Emit(b, "device_p50", Percentile(device_ms, 0.5), "ms");
  Emit(b, "device_p99", Percentile(device_ms, 0.99), "ms");
  Emit(b, "errors", static_cast<double>(errors), "requests");
  return errors == 0 && exit_code == 0 ? 0 : 1;
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `n` visit.record commands on a copy of `db` prepared by `how`; returns
// the mean CPU microseconds per command (wall time on this shared machine is
// dominated by other processes' disk traffic).
double VisitCost(const std::string& db, const std::string& copy, const char* how, int n,
                 int round) {
  std::error_code ec;
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(copy + ext, ec);
  std::filesystem::copy_file(db, copy, ec);
  if (ec) return -1;
  std::unique_ptr<weige::store::Store> store;
  if (!Check(weige::store::Store::Open(copy, {}, &store), "open copy")) return -1;
  if (!Check(weige::store::DbOf(*store).Exec(how), "prepare copy")) return -1;
  std::vector<std::string> households;
  {
    weige::store::Stmt h = weige::store::DbOf(*store).Q("SELECT id FROM households ORDER BY id LIMIT ?");
    h.Bind(1, static_cast<int64_t>(n));
    while (h.Step()) households.push_back(h.Text(0));
  }
  std::string admin;
  {
    weige::store::Stmt a = weige::store::DbOf(*store).Q(
        "SELECT person_id FROM roles WHERE role = 'admin' AND scope_id = '*' LIMIT 1");
    if (a.Step()) admin = a.Text(0);
  }
  if (households.empty() || admin.empty()) return -1;
  const double t0 = CpuSeconds();
  for (int i = 0; i < n; ++i) {
    Json cmd = {{"id", "ov" + std::to_string(round) + "-" + std::to_string(i)},
                {"type", "visit.record"},
                {"actor", admin},
                {"at", 1795000000000 + i},
                {"payload", {{"visit_id", "ov" + std::to_string(round) + "-" + std::to_string(i)},
                             {"household_id", households[static_cast<size_t>(i) % households.size()]},
                             {"cycle", "2026-12"}, {"outcome", "met"}}}};
    weige::Result r = store->Execute(cmd);
    if (!r.ok()) {
      std::fprintf(stderr, "visit.record: %s\n", r.status.message.c_str());
      return -1;
    }
  }
  return (CpuSeconds() - t0) * 1e6 / n;
}

int DeviceOverhead(const Args& args) {
  const std::string copy = args.db + ".overhead";
  const int n = args.commands > 20 ? args.commands : 2000;
  const char* off = "DELETE FROM sync_config";
  std::string drop = "DELETE FROM sync_config;";
  {
    std::unique_ptr<weige::store::Store> store;
    if (!Check(weige::store::Store::Open(args.db, {}, &store), "open")) return 1;
    weige::store::Stmt t = weige::store::DbOf(*store).Q(
        "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'"
        " AND name <> 'sync_changes_index' AND name <> 'sync_changes_append_only'");
    while (t.Step()) drop += "DROP TRIGGER " + t.Text(0) + ";";
  }
  const char* on = "INSERT OR REPLACE INTO sync_config(id, recording) VALUES(1, 1)";
  double best_off = 1e18, best_dropped = 1e18, best_on = 1e18;
  for (int round = 0; round < 3; ++round) {
    double a = VisitCost(args.db, copy, off, n, round);
    double b = VisitCost(args.db, copy, drop.c_str(), n, round);
    double c = VisitCost(args.db, copy, on, n, round);
    if (a < 0 || b < 0 || c < 0) return 1;
    best_off = std::min(best_off, a);
    best_dropped = std::min(best_dropped, b);
    best_on = std::min(best_on, c);
  }
  std::error_code ec;
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(copy + ext, ec);
  const char* b = "device_overhead";
  Emit(b, "visit_record_cpu_no_triggers", best_dropped, "us");
  Emit(b, "visit_record_cpu_triggers_off", best_off, "us");
  Emit(b, "visit_record_cpu_recording", best_on, "us");
  Emit(b, "triggers_off_overhead", (best_off / best_dropped - 1) * 100, "%");
  Emit(b, "recording_overhead", (best_on / best_dropped - 1) * 100, "%");
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: weige_reconnect_storm storm|push-rate|first-sync|device-overhead --db FILE"
               " [--devices N] [--concurrency C] [--commands K] [--port P] [--label L]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || sodium_init() < 0) return Usage();
  Args args;
  args.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    std::string v = argv[++i];
    if (a == "--db") {
      args.db = v;
    } else if (a == "--devices") {
      args.devices = std::atoi(v.c_str());
    } else if (a == "--concurrency") {
      args.concurrency = std::max(1, std::atoi(v.c_str()));
    } else if (a == "--year") {
      args.year = v == "1";
    } else if (a == "--port") {
      args.port = std::atoi(v.c_str());
    } else if (a == "--label") {
      args.label = v;
    } else if (a == "--commands") {
      args.commands = std::max(1, std::min(500, std::atoi(v.c_str())));
    } else {
      return Usage();
    }
  }
  if (args.db.empty()) return Usage();
  if (args.mode == "storm") return Storm(args);
  if (args.mode == "push-rate") {
    args.pull = false;
    return Storm(args);
  }
  if (args.mode == "first-sync") return FirstSync(args);
  if (args.mode == "device-overhead") return DeviceOverhead(args);
  return Usage();
}
