// Fuzz target: the host VFS (core/store/host_vfs.c) over a host that fails.
// The host here keeps files in memory, each with the bytes written so far and
// the bytes made durable by the last successful weige_host_sync. The input
// drives it: reads that come back short (fewer bytes than asked, as POSIX
// allows), failed reads, writes that fail or tear (a prefix lands, then an
// error), failed truncates, syncs and opens; and, in between, which commands
// the device runs (ExecuteLocal, synchronous=FULL as on a phone) and when it
// checkpoints. At the end the device either closes or loses power (every
// write since the last sync is thrown away). Then the database, reopened
// through a host that no longer fails, must pass PRAGMA integrity_check and
// hold every command that was acknowledged; and no command may have failed
// because SQLite read bytes the host never held (SQLITE_CORRUPT).
#include <fuzzer/FuzzedDataProvider.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/store/db.h"
#include "core/store/host_vfs.h"
#include "core/sync/device.h"
#include "tests/fuzz/fuzz_world.h"

namespace {

struct HostFile {
  std::string current, durable;
};

struct Host {
  std::map<std::string, HostFile> files;
  std::vector<std::string> handles;  // handle -> name ("" once closed)
  FuzzedDataProvider* faults = nullptr;  // nullptr: a host that never fails
  bool dead = false;                     // power is gone: nothing lands
  uint64_t random = 0x9e3779b97f4a7c15ull;

  // True with probability about 1/odds, when faults are on.
  bool Fault(int odds) {
    return faults != nullptr && faults->remaining_bytes() > 0 &&
           faults->ConsumeIntegralInRange<int>(0, odds - 1) == 0;
  }
  HostFile* File(int h) {
    if (h < 0 || static_cast<size_t>(h) >= handles.size() || handles[h].empty()) return nullptr;
    auto it = files.find(handles[h]);
    return it == files.end() ? nullptr : &it->second;
  }
};

Host g_host;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "host_vfs: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" {

int weige_host_open(const char* path, int create) {
  if (g_host.Fault(64)) return -1;
  auto it = g_host.files.find(path);
  if (it == g_host.files.end()) {
    if (!create) return -1;
    g_host.files[path];
  }
  g_host.handles.push_back(path);
  return static_cast<int>(g_host.handles.size() - 1);
}

int weige_host_read(int handle, void* buf, int n, double offset) {
  HostFile* f = g_host.File(handle);
  if (f == nullptr || n < 0 || offset < 0) return -1;
  if (g_host.Fault(128)) return -1;
  size_t off = static_cast<size_t>(offset);
  if (off >= f->current.size()) return 0;
  size_t avail = std::min(static_cast<size_t>(n), f->current.size() - off);
  if (avail > 1 && g_host.Fault(4)) {
    avail = g_host.faults->ConsumeIntegralInRange<size_t>(1, avail - 1);
  }
  std::memcpy(buf, f->current.data() + off, avail);
  return static_cast<int>(avail);
}

int weige_host_write(int handle, const void* buf, int n, double offset) {
  HostFile* f = g_host.File(handle);
  if (f == nullptr || n < 0 || offset < 0) return -1;
  if (g_host.dead) return 0;
  if (g_host.Fault(32)) return -1;
  size_t len = static_cast<size_t>(n);
  bool torn = len > 1 && g_host.Fault(32);
  if (torn) len = g_host.faults->ConsumeIntegralInRange<size_t>(1, len - 1);
  size_t off = static_cast<size_t>(offset);
  if (f->current.size() < off + len) f->current.resize(off + len, '\0');
  std::memcpy(f->current.data() + off, buf, len);
  return torn ? -1 : 0;
}

int weige_host_truncate(int handle, double size) {
  HostFile* f = g_host.File(handle);
  if (f == nullptr || size < 0) return -1;
  if (g_host.dead) return 0;
  if (g_host.Fault(64)) return -1;
  f->current.resize(static_cast<size_t>(size), '\0');
  return 0;
}

double weige_host_size(int handle) {
  HostFile* f = g_host.File(handle);
  return f == nullptr ? -1 : static_cast<double>(f->current.size());
}

int weige_host_sync(int handle) {
  HostFile* f = g_host.File(handle);
  if (f == nullptr) return -1;
  if (g_host.dead) return 0;
  if (g_host.Fault(32)) return -1;
  f->durable = f->current;
  return 0;
}

int weige_host_close(int handle) {
  if (g_host.File(handle) == nullptr) return -1;
  g_host.handles[handle].clear();
  return 0;
}

int weige_host_delete(const char* path) {
  if (g_host.dead) return 0;
  if (g_host.Fault(64)) return -1;
  g_host.files.erase(path);
  return 0;
}

int weige_host_access(const char* path) { return g_host.files.count(path) ? 1 : 0; }

void weige_host_random(void* buf, int n) {
  auto* out = static_cast<unsigned char*>(buf);
  for (int i = 0; i < n; ++i) {
    g_host.random = g_host.random * 6364136223846793005ull + 1442695040888963407ull;
    out[i] = static_cast<unsigned char>(g_host.random >> 56);
  }
}

double weige_host_time_ms(void) { return 1795000000000.0; }

}  // extern "C"

namespace {

std::unique_ptr<weige::store::Store> OpenOnHost() {
  weige::store::OpenOptions o;
  o.vfs = "weige-host";
  o.exclusive = true;  // as in wasm: WAL over a VFS without shared memory
  o.synchronous_full = true;
  std::unique_ptr<weige::store::Store> s;
  if (!weige::store::Store::Open("weige.db", o, &s).ok()) return nullptr;
  return s;
}

bool Corrupt(const weige::Status& s) {
  return s.message.find("malformed") != std::string::npos ||
         s.message.find("corrupt") != std::string::npos;
}

std::string One(weige::store::Store* s, const std::string& sql) {
  std::string out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(weige::store::DbOf(*s).raw(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    Fail("prepare " + sql + ": " + sqlite3_errmsg(weige::store::DbOf(*s).raw()));
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    if (t != nullptr) out += reinterpret_cast<const char*>(t);
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (weige_host_vfs_register(0) != SQLITE_OK) Fail("register");
  weige::fuzz::GetWorld();
  // Seeds: a few byte patterns (the fault script is raw bytes).
  std::vector<std::string> seeds;
  for (int i = 0; i < 8; ++i) {
    std::string s(64 + 32 * i, static_cast<char>(i * 37));
    for (size_t k = 0; k < s.size(); k += 7) s[k] = static_cast<char>(k * i);
    seeds.push_back(s);
  }
  weige::fuzz::MaybeWriteSeeds(seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return -1;
  const auto& w = weige::fuzz::GetWorld();
  FuzzedDataProvider fdp(data, size);
  g_host.files.clear();
  g_host.handles.clear();
  g_host.files["weige.db"] = {w.device_bytes, w.device_bytes};
  g_host.dead = false;
  g_host.faults = &fdp;

  std::vector<std::string> acked;
  {
    auto store = OpenOnHost();
    int steps = fdp.ConsumeIntegralInRange<int>(1, 12);
    for (int i = 0; store != nullptr && i < steps; ++i) {
      int op = fdp.ConsumeIntegralInRange<int>(0, 7);
      if (op == 7) {
        weige::store::DbOf(*store).Exec("PRAGMA wal_checkpoint(TRUNCATE)");
        continue;
      }
      std::string id = "v-" + std::to_string(i);
      const std::string& cmd = w.device_commands[fdp.ConsumeIntegralInRange<size_t>(0, w.device_commands.size() - 1)];
      weige::Result r = weige::sync::ExecuteLocal(store.get(), weige::fuzz::WithId(cmd, id));
      if (r.ok()) {
        acked.push_back(id);
      } else if (Corrupt(r.status)) {
        Fail("a command read bytes the host never held: " + r.status.message);
      }
    }
    if (fdp.ConsumeBool()) g_host.dead = true;  // power loss: the close lands nothing
  }
  if (g_host.dead) {
    for (auto& [name, f] : g_host.files) f.current = f.durable;
  }
  g_host.dead = false;
  g_host.faults = nullptr;
  g_host.handles.clear();

  auto store = OpenOnHost();
  if (store == nullptr) Fail("the database does not open after the run");
  std::string check = One(store.get(), "PRAGMA integrity_check");
  if (check != "ok") Fail("integrity_check: " + check);
  for (const std::string& id : acked) {
    if (One(store.get(), "SELECT count(*) FROM outbox WHERE command_id = '" + id + "'") != "1") {
      Fail("acknowledged command " + id + " is lost");
    }
  }
  return 0;
}
