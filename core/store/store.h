// The Weige store: the domain over SQLite. Commands change it, queries read it.
//
//   std::unique_ptr<Store> store;
//   Status s = Store::Open("weige.db", {}, &store);
//   Result r = store->Execute(R"({"id":"c1","type":"item.comment",...})");
//   Result q = store->Query("items.checklist", R"({"actor":"p1","building_id":"b1",...})");
//
// The store owns its database: no SQL and no database handle leave
// core/store. Callers group store calls with a Transaction (transaction.h);
// the sync tables are reached through sync_store.h and device_store.h.
//
// Execute runs one command as one transaction (its own, or a savepoint inside
// the caller's Transaction, so a caller may batch many): state, event(s) and
// an outbox row commit together, or nothing is written. A command id the same
// actor used before returns the stored result and writes nothing (conflict
// "command.id_reused" if the command differs); ids are per actor. Neither call
// throws; every failure is a Result with code, reason and message. Not
// thread-safe: one thread per Store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/domain/result.h"
#include "core/store/transaction.h"

namespace weige::store {

class Db;

struct OpenOptions {
  const char* vfs = nullptr;       // SQLite VFS name; nullptr for the default
  bool wal = true;                 // journal_mode=WAL (else DELETE)
  bool synchronous_full = false;   // synchronous=FULL (else NORMAL)
  // locking_mode=EXCLUSIVE, set before the journal mode: WAL then needs no
  // shared memory (a VFS without xShm, as the wasm build's host VFS; the
  // wasm build makes it SQLite's compiled-in default instead).
  bool exclusive = false;
  // Turns on the server's change log for this database (sync_changes, see
  // sync_schema.cc); the setting is stored in the file and stays on. Devices
  // leave it off.
  bool record_changes = false;
  // > 0: the connection's page cache, in KiB (else SQLite's default, 2,000).
  int64_t cache_kib = 0;
  // > 0: reads go through a shared memory map of up to this many bytes of
  // the file (PRAGMA mmap_size; SQLite only, capped by its build at 2 GiB):
  // the OS page cache serves every connection without a copy per
  // connection. Writes still go through the journal as without it.
  int64_t mmap_bytes = 0;
  // > 0: a statement that finds the database locked waits up to this long
  // before it fails (else it fails at once).
  int busy_timeout_ms = 0;
  // > 0: the database file may grow to about this many bytes; past it,
  // writes fail with internal "store.full".
  int64_t max_db_bytes = 0;
};

struct ExecOptions {
  // Set by the server: the time it accepted the command, stamped on events.
  std::optional<int64_t> server_time;
  // The device's rebase: runs again, on the current state, a command the
  // actor's outbox already holds (with the same type, time and payload)
  // instead of answering from it. The handler's writes are made afresh; the
  // outbox row stays as it is (its seq, state and stored result). not_found
  // "outbox.not_found" if the outbox has no such command.
  bool rerun = false;
};

// What Execute did.
struct ExecReport {
  bool replayed = false;    // answered from the stored result; nothing written
  int64_t outbox_seq = 0;   // the outbox row it wrote (0: none)
  std::string command_id;   // the command's id, once it parsed
};

class Tx;
class QueryCtx;
struct TemplateCache;
using CommandHandler = Result (*)(Tx&);
using QueryHandler = Result (*)(QueryCtx&);

// Upper bounds on input sizes.
inline constexpr size_t kMaxCommandBytes = 1 << 20;
inline constexpr size_t kMaxQueryBytes = 64 << 10;

class Store {
 public:
  static Status Open(const std::string& path, const OpenOptions& options,
                     std::unique_ptr<Store>* out);
  ~Store();

  // `report`, when given, says what the call did (also on failure).
  Result Execute(std::string_view command_json, const ExecOptions& options = {},
                 ExecReport* report = nullptr);
  Result Execute(const Json& command, const ExecOptions& options = {},
                 ExecReport* report = nullptr);
  Result Query(std::string_view name, std::string_view params_json);
  Result Query(std::string_view name, const Json& params);
  // Text literals are JSON text (not a JSON string value).
  Result Execute(const char* command_json, const ExecOptions& options = {},
                 ExecReport* report = nullptr) {
    return Execute(std::string_view(command_json), options, report);
  }
  Result Execute(const std::string& command_json, const ExecOptions& options = {},
                 ExecReport* report = nullptr) {
    return Execute(std::string_view(command_json), options, report);
  }
  Result Query(std::string_view name, const char* params_json) {
    return Query(name, std::string_view(params_json));
  }
  Result Query(std::string_view name, const std::string& params_json) {
    return Query(name, std::string_view(params_json));
  }

  // On a store with no people yet: creates `person_id` as an administrator of
  // everything (scope "*"). failed_precondition "store.not_empty" otherwise.
  // This is how a new server or demo gets its first actor; not a command.
  Status Bootstrap(const std::string& person_id, const std::string& name, int64_t at);
  // *empty: whether the store has no people yet (what Bootstrap requires).
  Status IsEmpty(bool* empty);

  // Opens *tx on this store (see transaction.h): a transaction when none is
  // open, else a savepoint inside the open one.
  Status Begin(Transaction* tx, TxMode mode = TxMode::kDeferred);
  // Whether a transaction is open on this store.
  bool InTransaction() const;

  // The page cache, in KiB (as OpenOptions::cache_kib); 0 restores the
  // default. For a bulk load that wants more for a while.
  Status SetCacheKib(int64_t kib);
  // A full check of the database file: ok, or internal "store.integrity"
  // with the engine's findings as the message.
  Status IntegrityCheck();

  // A digest of every content table's rows, to prove a call wrote nothing.
  std::string ContentDigest();

 private:
  friend Db& DbOf(Store& store);
  Store() = default;
  Result ExecuteParsed(const Json& command, const std::string& body, const ExecOptions& options,
                       ExecReport* report);
  // The command's work inside the transaction ExecuteParsed opened.
  Result ExecuteInTx(const std::string& body, const ExecOptions& options, const std::string& id,
                     const std::string& type, const std::string& actor_id, int64_t at,
                     const Json* payload, ExecReport* report);

  std::unique_ptr<Db> db_;
  std::unordered_map<std::string, CommandHandler> commands_;
  std::unordered_map<std::string, QueryHandler> queries_;
  std::unique_ptr<TemplateCache> templates_;
};

}  // namespace weige::store
