// The Embind facade of the core: coarse calls that take and return strings.
//
// Every call returns the JSON text of a Result, {ok, code, reason, message,
// value}; offline/src/runtime.js turns a failed one into a WeigeError. Stores
// live in this file's registry under small integer handles, so nothing that
// crosses the boundary needs .delete(). The core never throws (it is built
// with -fno-exceptions), and no call here aborts on bad input: after any
// error the module stays usable.
//
// SQLite reaches storage only through the host VFS (core/store/host_vfs.c);
// its imports are supplied by weige_host.js from the adapter JS passed in as
// Module.weigeHost.
#include <emscripten/bind.h>

#include <map>
#include <memory>
#include <string>

#include "core/domain/json_reader.h"
#include "core/store/store.h"
#include "core/sync/device.h"
#include "core/sync/outbox.h"

namespace {

using weige::Json;
using weige::Result;
using weige::Status;
using weige::store::Store;

// The stores this module instance has open, by handle.
class Registry {
 public:
  int Add(std::unique_ptr<Store> store) {
    int handle = next_++;
    stores_[handle] = std::move(store);
    return handle;
  }
  Store* Find(int handle) {
    auto it = stores_.find(handle);
    return it == stores_.end() ? nullptr : it->second.get();
  }
  bool Remove(int handle) { return stores_.erase(handle) > 0; }

 private:
  int next_ = 1;
  std::map<int, std::unique_ptr<Store>> stores_;
};

Registry& Stores() {
  static Registry registry;
  return registry;
}

std::string NotOpen(int handle) {
  return Result::Fail(weige::InvalidArgument("runtime.closed",
                                             "no open database with handle " +
                                                 std::to_string(handle)))
      .Dump();
}

// open(name, optionsJson): {value: {handle}}. Options (all optional):
//   journal: "wal" (default) or "delete"
//   cache_kib: SQLite page cache size in KiB (default SQLite's 2000)
//   synchronous: "full" (default) or "normal"
// With "full" a dispatch returns after the host's sync of its commit, in both
// journal modes. "normal" (WAL: no sync per commit, the native build's
// setting) exists only to compare with the native benchmark: its commits are
// not durable when dispatch returns. Locking is EXCLUSIVE (the build's
// default).
std::string Open(const std::string& name, const std::string& options_json) {
  Json options;
  Status s = weige::ParseJson(options_json.empty() ? "{}" : options_json, 4096, &options);
  if (!s.ok()) return Result::Fail(s).Dump();
  weige::FieldReader r(options, "options");
  std::string journal = r.OptEnum("journal", {"wal", "delete"}).value_or("wal");
  auto cache_kib = r.OptInt("cache_kib", 64, 1 << 20);
  std::string synchronous = r.OptEnum("synchronous", {"full", "normal"}).value_or("full");
  if (!r.ok()) return Result::Fail(r.status()).Dump();
  if (name.empty() || name.size() > 200 || name.find('\0') != std::string::npos) {
    return Result::Fail(weige::InvalidArgument("runtime.bad_name",
                                               "a database name is 1-200 characters"))
        .Dump();
  }
  weige::store::OpenOptions open_options;
  open_options.wal = journal == "wal";
  open_options.synchronous_full = synchronous == "full";
  open_options.cache_kib = cache_kib.value_or(0);
  std::unique_ptr<Store> store;
  s = Store::Open(name, open_options, &store);
  if (!s.ok()) return Result::Fail(s).Dump();
  int handle = Stores().Add(std::move(store));
  return Result::Ok({{"handle", handle}, {"journal", journal}}).Dump();
}

// close(handle): closing checkpoints the WAL into the database and removes it.
std::string Close(int handle) {
  if (!Stores().Remove(handle)) return NotOpen(handle);
  return Result::Ok(nullptr).Dump();
}

// Commands run through sync::ExecuteLocal: each one's changeset is kept for
// the rebase after a pull.
std::string Dispatch(int handle, const std::string& command_json) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return weige::sync::ExecuteLocal(store, command_json).Dump();
}

std::string RunQuery(int handle, const std::string& name, const std::string& params_json) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return store->Query(std::string_view(name), std::string_view(params_json)).Dump();
}

std::string PendingCommands(int handle, double limit, std::string actor) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  if (!(limit >= 1 && limit <= 10000)) {
    return Result::Fail(weige::InvalidArgument("argument.out_of_range",
                                               "limit must be between 1 and 10000"))
        .Dump();
  }
  return weige::sync::PendingCommands(store, static_cast<int64_t>(limit), actor).Dump();
}

std::string SettleCommand(int handle, const std::string& command_id, bool accepted,
                          const std::string& detail) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  Status s = weige::sync::SettleCommand(store, command_id, accepted, detail);
  return (s.ok() ? Result::Ok(nullptr) : Result::Fail(s)).Dump();
}

// Sync (core/sync/device.h): the server's push answers, a pulled page (then
// the rebase), where the next pull starts, and the rejections list.
std::string SettlePush(int handle, const std::string& answers_json) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return weige::sync::SettlePush(store, answers_json).Dump();
}

std::string ApplyPage(int handle, const std::string& page_json) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return weige::sync::ApplyPage(store, page_json).Dump();
}

std::string SyncState(int handle) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return weige::sync::SyncState(store).Dump();
}

std::string Rejections(int handle) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  return weige::sync::Rejections(store).Dump();
}

std::string ResetSync(int handle) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  Status s = weige::sync::ResetSync(store);
  return (s.ok() ? Result::Ok(nullptr) : Result::Fail(s)).Dump();
}

// bootstrap(handle, personId, name, at): the first administrator of an empty
// store (Store::Bootstrap).
std::string Bootstrap(int handle, const std::string& person_id, const std::string& name,
                      double at) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  if (!(at >= 0 && at <= 9007199254740991.0)) {
    return Result::Fail(weige::InvalidArgument("argument.out_of_range", "at is a time in ms"))
        .Dump();
  }
  Status s = store->Bootstrap(person_id, name, static_cast<int64_t>(at));
  return (s.ok() ? Result::Ok({{"person_id", person_id}}) : Result::Fail(s)).Dump();
}

// integrityCheck(handle): {value: {integrity: "ok"}}, or internal
// "store.integrity" with SQLite's findings in the message.
std::string IntegrityCheck(int handle) {
  Store* store = Stores().Find(handle);
  if (store == nullptr) return NotOpen(handle);
  Status s = store->IntegrityCheck();
  if (!s.ok()) return Result::Fail(s).Dump();
  return Result::Ok({{"integrity", "ok"}}).Dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(weige) {
  emscripten::function("open", &Open);
  emscripten::function("close", &Close);
  emscripten::function("dispatch", &Dispatch);
  emscripten::function("query", &RunQuery);
  emscripten::function("pendingCommands", &PendingCommands);
  emscripten::function("settleCommand", &SettleCommand);
  emscripten::function("settlePush", &SettlePush);
  emscripten::function("applyPage", &ApplyPage);
  emscripten::function("syncState", &SyncState);
  emscripten::function("rejections", &Rejections);
  emscripten::function("resetSync", &ResetSync);
  emscripten::function("bootstrap", &Bootstrap);
  emscripten::function("integrityCheck", &IntegrityCheck);
}
