// weige: the command-line tool of the native core.
//
//   weige init  --db FILE --admin ID --name NAME   first administrator of a new store
//   weige demo  --db FILE [--full-scale] [--now MS] build the demo district (its history
//                                                  ending at MS, default the clock), print logins
//   weige exec  --db FILE [--server-time MS]       JSON-lines commands on stdin,
//                                                  one JSON result per line on stdout
//   weige query --db FILE NAME [JSON]              run one query, print its result
//   weige pending --db FILE [--limit N]            the outbox's pending commands
//   weige load  --db postgresql://... --from FILE  copies an SQLite store (e.g. a
//                                                  weige demo --full-scale) into an empty
//                                                  PostgreSQL store with COPY, then turns
//                                                  its change log on (a server's store)
//   weige import | export | template ...            registers (tools/registers_cli.cc)
//
// Exit status: 0 on success, 1 when a command/query fails (exec: when any
// line failed), 2 on bad usage or when the store cannot be opened.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "core/store/bulk_load.h"
#include "core/store/store.h"
#include "core/sync/outbox.h"
#include "tools/demo/demo_district.h"
#include "tools/registers_cli.h"

namespace {

using weige::Json;
using weige::Result;
using weige::Status;
using weige::store::Store;

int Usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  weige init  --db FILE --admin ID --name NAME\n"
               "  weige demo  --db FILE [--full-scale] [--now MS]\n"
               "  weige exec  --db FILE [--server-time MS]   (JSON lines on stdin)\n"
               "  weige query --db FILE NAME [JSON]\n"
               "  weige pending --db FILE [--limit N]\n"
               "  weige load  --db postgresql://... --from FILE\n"
               "  weige import | export | template ...   (weige import --help)\n");
  return 2;
}

struct Args {
  std::string verb, db, admin, name, query, params, from;
  bool full_scale = false;
  std::optional<int64_t> server_time, now;
  int64_t limit = 100;
};

bool ParseInt(const char* s, int64_t* out) {
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (end == s || *end != '\0') return false;
  *out = v;
  return true;
}

bool Parse(int argc, char** argv, Args* a) {
  if (argc < 2) return false;
  a->verb = argv[1];
  // Every check happens before Store::Open: a mistyped verb once created and
  // migrated the file named by --db before printing the usage.
  static const char* const kVerbs[] = {"init", "demo", "exec", "query", "pending", "load"};
  bool known = false;
  for (const char* v : kVerbs) known = known || a->verb == v;
  if (!known) return false;
  std::vector<std::string> positional;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (arg == "--db") {
      if (!value(&a->db)) return false;
    } else if (arg == "--from") {
      if (!value(&a->from)) return false;
    } else if (arg == "--admin") {
      if (!value(&a->admin)) return false;
    } else if (arg == "--name") {
      if (!value(&a->name)) return false;
    } else if (arg == "--full-scale") {
      a->full_scale = true;
    } else if (arg == "--server-time" || arg == "--limit" || arg == "--now") {
      std::string v;
      int64_t n = 0;
      if (!value(&v) || !ParseInt(v.c_str(), &n)) return false;
      if (arg == "--limit") {
        a->limit = n;
      } else if (arg == "--now") {
        a->now = n;
      } else {
        a->server_time = n;
      }
    } else if (arg.rfind("--", 0) == 0) {
      return false;
    } else {
      positional.push_back(arg);
    }
  }
  if (a->db.empty()) return false;
  if (a->verb == "init" && (a->admin.empty() || a->name.empty())) return false;
  if (a->verb == "load" && (a->from.empty() || a->db.rfind("postgres", 0) != 0)) return false;
  if (a->verb == "query") {
    if (positional.empty() || positional.size() > 2) return false;
    a->query = positional[0];
    a->params = positional.size() == 2 ? positional[1] : "{}";
    return true;
  }
  return positional.empty();
}

void PrintFigures(const Json& f, const char* indent) {
  auto pct = [](const Json& v) {
    return v.is_number() ? std::to_string(static_cast<int>(v.get<double>() * 1000 + 0.5) / 10.0)
                               .substr(0, 5) + "%"
                         : std::string("-");
  };
  std::printf("%s住户 households %lld, 已走访 visited %lld, 覆盖率 coverage %s\n", indent,
              static_cast<long long>(f["households"].get<int64_t>()),
              static_cast<long long>(f["visited"].get<int64_t>()), pct(f["coverage"]).c_str());
  const Json& it = f["items"];
  std::printf("%s整改 items %lld (待办 open %lld, 已派 assigned %lld, 已改 fixed %lld, 销号 closed %lld), "
              "逾期 overdue %lld, 销号率 closure %s, 满意率 satisfaction %s\n",
              indent, static_cast<long long>(it["total"].get<int64_t>()),
              static_cast<long long>(it["open"].get<int64_t>()),
              static_cast<long long>(it["assigned"].get<int64_t>()),
              static_cast<long long>(it["fixed"].get<int64_t>()),
              static_cast<long long>(it["closed"].get<int64_t>()),
              static_cast<long long>(f["overdue"].get<int64_t>()), pct(f["closure_rate"]).c_str(),
              pct(f["satisfaction"]["rate"]).c_str());
}

int Demo(Store* store, const Args& a) {
  weige::demo::DistrictOptions options = a.full_scale ? weige::demo::FullScale()
                                                      : weige::demo::DistrictOptions{};
  options.now = a.now.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
  Json summary;
  Status s = weige::demo::BuildDistrict(store, options, &summary);
  if (!s.ok()) {
    std::fprintf(stderr, "demo: %s (%s)\n", s.message.c_str(), s.reason.c_str());
    return 1;
  }
  std::printf("演示街区已生成 Demo district built: %s\n", weige::DumpJson(summary["counts"]).c_str());
  std::printf("\n登录 Logins (person_id / role / scope):\n");
  for (const Json& l : summary["logins"]) {
    std::printf("  %-14s %-10s %-16s %s\n", l.value("person_id", "").c_str(),
                l.value("role", "").c_str(), l.value("scope_id", "").c_str(),
                l.value("name", "").c_str());
  }
  std::string admin;
  for (const Json& l : summary["logins"]) {
    if (l.value("role", "") == "admin") admin = l.value("person_id", "");
  }
  Json params = {{"actor", admin},
                 {"region_id", summary["district_id"]},
                 {"cycle", summary["cycle"]},
                 {"now", summary["now"]}};
  Result r = store->Query("stats.rollup", params);
  if (!r.ok()) {
    std::fprintf(stderr, "stats.rollup: %s\n", r.status.message.c_str());
    return 1;
  }
  std::printf("\n仪表盘 Dashboard, cycle %s:\n", summary["cycle"].get<std::string>().c_str());
  std::printf("  %s\n", summary["district_id"].get<std::string>().c_str());
  PrintFigures(r.value, "    ");
  for (const Json& c : r.value["children"]) {
    std::printf("  %s %s\n", c.value("region_id", "").c_str(), c.value("name", "").c_str());
    PrintFigures(c, "    ");
  }
  return 0;
}

int Exec(Store* store, const Args& a) {
  weige::store::ExecOptions options;
  options.server_time = a.server_time;
  std::string line;
  int rc = 0;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    Result r = store->Execute(line, options);
    if (!r.ok()) rc = 1;
    std::printf("%s\n", r.Dump().c_str());
    std::fflush(stdout);
  }
  return rc;
}

// The copy, then the change log turned on as a server's writer would (its
// backfill records every copied row: minutes at full scale, once).
int Load(const Args& a) {
  std::unique_ptr<Store> from, to;
  Status s = Store::Open(a.from, {}, &from);
  if (s.ok()) s = Store::Open(a.db, {}, &to);
  auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  if (s.ok()) {
    s = weige::store::CopyStore(*from, *to, [&](const std::string& table, int64_t rows) {
      std::fprintf(stderr, "load: %-22s %9lld rows  (%.1f s)\n", table.c_str(),
                   static_cast<long long>(rows), seconds());
    });
  }
  if (s.ok()) {
    to.reset();
    weige::store::OpenOptions record;
    record.record_changes = true;
    s = Store::Open(a.db, record, &to);
    if (s.ok()) std::fprintf(stderr, "load: change log recorded (%.1f s)\n", seconds());
  }
  if (!s.ok()) {
    std::fprintf(stderr, "load: %s (%s)\n", s.message.c_str(), s.reason.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && weige::tools::IsRegistersVerb(argv[1])) {
    return weige::tools::RunRegistersVerb(argc, argv);
  }
  Args a;
  if (!Parse(argc, argv, &a)) return Usage();
  if (a.verb == "load") return Load(a);
  std::unique_ptr<Store> store;
  Status s = Store::Open(a.db, {}, &store);
  if (!s.ok()) {
    std::fprintf(stderr, "weige: cannot open %s: %s\n", a.db.c_str(), s.message.c_str());
    return 2;
  }
  if (a.verb == "init") {
    s = store->Bootstrap(a.admin, a.name, 0);
    std::printf("%s\n", Result(s).Dump().c_str());
    return s.ok() ? 0 : 1;
  }
  if (a.verb == "demo") return Demo(store.get(), a);
  if (a.verb == "exec") return Exec(store.get(), a);
  if (a.verb == "query") {
    Result r = store->Query(a.query, a.params);
    std::printf("%s\n", r.Dump().c_str());
    return r.ok() ? 0 : 1;
  }
  if (a.verb == "pending") {
    Result r = weige::sync::PendingCommands(store.get(), a.limit);
    std::printf("%s\n", r.Dump().c_str());
    return r.ok() ? 0 : 1;
  }
  return Usage();
}
