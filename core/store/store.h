// The Weige store: the domain over SQLite. Commands change it, queries read it.
//
//   std::unique_ptr<Store> store;
//   Status s = Store::Open("weige.db", {}, &store);
//   Result r = store->Execute(R"({"id":"c1","type":"item.comment",...})");
//   Result q = store->Query("items.checklist", R"({"actor":"p1","building_id":"b1",...})");
//
// Execute runs one command as one transaction (its own, or a SAVEPOINT inside
// the caller's, so a caller may batch many inside an outer BEGIN): state,
// event(s) and an outbox row commit together, or nothing is written. A command
// id the same actor used before returns the stored result and writes nothing
// (conflict "command.id_reused" if the command differs); ids are per actor. Neither call
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
#include "core/store/db.h"

namespace weige::store {

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
};

struct ExecOptions {
  // Set by the server: the time it accepted the command, stamped on events.
  std::optional<int64_t> server_time;
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

  Result Execute(std::string_view command_json, const ExecOptions& options = {});
  Result Execute(const Json& command, const ExecOptions& options = {});
  Result Query(std::string_view name, std::string_view params_json);
  Result Query(std::string_view name, const Json& params);
  // Text literals are JSON text (not a JSON string value).
  Result Execute(const char* command_json, const ExecOptions& options = {}) {
    return Execute(std::string_view(command_json), options);
  }
  Result Execute(const std::string& command_json, const ExecOptions& options = {}) {
    return Execute(std::string_view(command_json), options);
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

  // Runs `sql` (no results) directly: BEGIN/COMMIT around batches, PRAGMAs.
  Status ExecSql(std::string_view sql);
  Db* db() { return db_.get(); }

  // A digest of every content table's rows, to prove a call wrote nothing.
  std::string ContentDigest();

 private:
  Store() = default;
  Result ExecuteParsed(const Json& command, const std::string& body, const ExecOptions& options);
  // The command's work inside the transaction ExecuteParsed opened.
  Result ExecuteInTx(const std::string& body, const ExecOptions& options, const std::string& id,
                     const std::string& type, const std::string& actor_id, int64_t at,
                     const Json* payload);

  std::unique_ptr<Db> db_;
  std::unordered_map<std::string, CommandHandler> commands_;
  std::unordered_map<std::string, QueryHandler> queries_;
  std::unique_ptr<TemplateCache> templates_;
};

}  // namespace weige::store
