#include "tests/fuzz/fuzz_world.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/domain/json_reader.h"
#include "core/store/db.h"
#include "core/store/sync_store.h"
#include "core/sync/device.h"
#include "core/sync/pull.h"
#include "tools/demo/demo_district.h"

namespace weige::fuzz {
namespace {

sqlite3* Pristine(const std::string& bytes);

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz world: %s\n", what.c_str());
  std::abort();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Die("cannot write " + path);
}

std::vector<std::string> Column(store::Store* s, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(store::DbOf(*s).raw(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    Die("prepare " + sql);
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(st);
  return out;
}

// The store's file as one image: the store is closed first (its WAL
// checkpointed and removed).
std::string Image(std::unique_ptr<store::Store>* s, const std::string& path) {
  s->reset();
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return ReadFile(path);
}

World* Build() {
  auto* w = new World();
  std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string tmpl = base + "/weige-fuzz-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp");
  w->dir = tmpl;

  demo::DistrictOptions o;
  o.streets = 1;
  o.communities_per_street = 1;
  o.grids_per_community = 1;
  o.microgrids_per_grid = 2;
  o.households_per_microgrid = 10;
  o.history_months = 1;
  std::unique_ptr<store::Store> server;
  store::OpenOptions so;
  so.record_changes = true;
  so.exclusive = true;  // one connection per file, as every fuzz store
  std::string server_path = w->dir + "/server-build.db";
  if (!store::Store::Open(server_path, so, &server).ok()) Die("open server");
  Json summary;
  Status s = demo::BuildDistrict(server.get(), o, &summary);
  if (!s.ok()) Die("demo: " + s.message);
  w->cycle = summary.value("cycle", std::string("2026-11"));
  w->now = summary.value("now", o.now);
  for (const Json& l : summary["logins"]) {
    std::string id = l.value("person_id", "");
    w->people.push_back(id);
    if (w->device_person.empty() && l.value("role", "") == "worker") w->device_person = id;
  }
  if (w->device_person.empty()) Die("no worker login");
  std::vector<std::string> all = Column(server.get(), "SELECT body FROM outbox ORDER BY seq");
  size_t step = all.size() / 300 + 1;
  for (size_t i = 0; i < all.size(); i += step) w->commands.push_back(all[i]);
  w->items = Column(server.get(), "SELECT id FROM items ORDER BY id LIMIT 24");
  w->households = Column(server.get(), "SELECT id FROM households ORDER BY id LIMIT 12");
  w->buildings = Column(server.get(), "SELECT id FROM buildings ORDER BY id LIMIT 8");
  w->microgrids = Column(server.get(), "SELECT id FROM regions WHERE level = 'microgrid'");
  w->regions = Column(server.get(), "SELECT id FROM regions ORDER BY id");
  int64_t head = 0;
  if (!store::ChangeLogHead(*server, &head).ok()) Die("head");

  // The device: pulled half way, two commands of its own pending.
  std::unique_ptr<store::Store> device;
  std::string device_path = w->dir + "/device-build.db";
  store::OpenOptions device_options;
  device_options.exclusive = true;  // as the wasm device
  if (!store::Store::Open(device_path, device_options, &device).ok()) Die("open device");
  int64_t cursor = 0;
  while (cursor < head / 2) {
    sync::PullRequest req;
    req.person_id = w->device_person;
    req.cursor = cursor;
    req.limit = 50;
    std::string page;
    if (!sync::Pull(server.get(), req, &page).ok()) Die("pull");
    Result r = sync::ApplyPage(device.get(), page);
    if (!r.ok()) Die("apply: " + r.status.message);
    cursor = r.value.value("next_cursor", head);
    if (!r.value.value("has_more", false)) break;
  }
  w->device_cursor = cursor;
  std::vector<std::string> mine = Column(device.get(), "SELECT id FROM items ORDER BY id LIMIT 16");
  if (mine.empty()) Die("the device holds no items");
  for (size_t i = 0; i < 64; ++i) {
    Json c = {{"id", "fz-dc-" + std::to_string(i)},
              {"type", "item.comment"},
              {"actor", w->device_person},
              {"at", w->now + static_cast<int64_t>(i)},
              {"payload", {{"item_id", mine[i % mine.size()]}, {"text", "复查 fuzz " + std::to_string(i)}}}};
    w->device_commands.push_back(DumpJson(c));
  }
  for (int i = 0; i < 2; ++i) {
    Result r = sync::ExecuteLocal(device.get(), WithId(w->device_commands[i], "fz-pending-" + std::to_string(i)));
    if (!r.ok()) Die("local command: " + r.status.message);
  }
  w->server_bytes = Image(&server, server_path);
  w->device_bytes = Image(&device, device_path);
  return w;
}

}  // namespace

const World& GetWorld() {
  static World* world = [] {
    World* w = Build();
    Pristine(w->server_bytes);
    Pristine(w->device_bytes);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(GetWorld().dir, ec);
    });
    return w;
  }();
  return *world;
}

std::unique_ptr<store::Store> FreshStore(const std::string& bytes, const std::string& name,
                                         bool record_changes) {
  const World& w = GetWorld();
  std::string path = w.dir + "/" + name + ".db";
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  WriteFile(path, bytes);
  store::OpenOptions o;
  o.record_changes = record_changes;
  o.exclusive = true;
  std::unique_ptr<store::Store> s;
  Status st = store::Store::Open(path, o, &s);
  if (!st.ok()) Die("reopen " + name + ": " + st.message);
  return s;
}

namespace {

// The pristine copies Restore reads from, made before the first input (so
// libFuzzer's leak check never sees them as an input's).
sqlite3* Pristine(const std::string& bytes) {
  // Never destroyed (nor leaked: reachable to the end), like the world.
  static auto* pristine = new std::map<const std::string*, sqlite3*>();
  sqlite3*& src = (*pristine)[&bytes];
  if (src == nullptr) {
    if (sqlite3_open(":memory:", &src) != SQLITE_OK) Die("open :memory:");
    // The image is in WAL mode, and memdb has no shared memory.
    if (sqlite3_exec(src, "PRAGMA locking_mode = EXCLUSIVE", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      Die("locking_mode");
    }
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
    std::memcpy(copy, bytes.data(), bytes.size());
    int rc = sqlite3_deserialize(src, "main", copy, bytes.size(), bytes.size(),
                                 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc != SQLITE_OK) Die("deserialize");
  }
  return src;
}

}  // namespace

void Restore(store::Store* store, const std::string& bytes) {
  sqlite3_backup* b = sqlite3_backup_init(store::DbOf(*store).raw(), "main", Pristine(bytes), "main");
  if (b == nullptr) Die(std::string("backup: ") + sqlite3_errmsg(store::DbOf(*store).raw()));
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) Die("backup step " + std::to_string(rc));
}

void MaybeWriteSeeds(const std::vector<std::string>& seeds) {
  const char* dir = std::getenv("WEIGE_FUZZ_SEEDS");
  if (dir == nullptr || *dir == '\0') return;
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < seeds.size(); ++i) {
    WriteFile(std::string(dir) + "/seed-" + std::to_string(i), seeds[i]);
  }
  std::fprintf(stderr, "fuzz: %zu seeds in %s\n", seeds.size(), dir);
  std::exit(0);
}

std::string WithId(const std::string& command_json, const std::string& id) {
  Json j;
  if (!ParseJson(command_json, store::kMaxCommandBytes, &j).ok() || !j.is_object()) return command_json;
  j["id"] = id;
  return DumpJson(j);
}

}  // namespace weige::fuzz
