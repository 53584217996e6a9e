// The device side of sync as SQL over a Store's database (migration 3,
// device_schema.cc): the pull cursor and digest, the changesets of commands
// applied locally, rejections, and the raw row writes a pulled page makes.
// What to do with them (the rebase) is decided in core/sync/device.h.
//
// Every call runs on the caller's connection and transaction; none opens its
// own. Not thread-safe (one thread per Store).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/result.h"
#include "core/store/store.h"

struct sqlite3_session;

namespace weige::store {

// Records what one command changes, with SQLite's session extension, in
// every content table but the outbox (a rebase keeps its rows: it reruns
// commands with ExecOptions::rerun, which leaves them as they are).
class ChangeRecorder {
 public:
  ChangeRecorder() = default;
  ChangeRecorder(const ChangeRecorder&) = delete;
  ChangeRecorder& operator=(const ChangeRecorder&) = delete;
  ~ChangeRecorder();

  Status Start(Store& store);
  // The changeset recorded since Start (binary; empty when nothing changed).
  // Recording stops.
  Status Finish(std::string* changeset);

 private:
  sqlite3_session* session_ = nullptr;
};

// Applies the inverse of `changeset`, taking its changes back. A row already
// gone is skipped; a row changed since is put back as the changeset found it.
Status UndoChangeset(Store& store, const std::string& changeset);

// sync_device's one row.
struct DeviceSyncState {
  int64_t cursor = 0;
  int64_t digest_count = 0;
  uint64_t digest_sum = 0;
  int64_t head = 0;
  bool resync = false;
};
Status LoadDeviceState(Store& store, DeviceSyncState* out);
Status SaveDeviceState(Store& store, const DeviceSyncState& state);
// Sets sync_device.rebasing: while 1, events may be deleted and replaced.
Status SetRebasing(Store& store, bool on);

// A command the rebase tracks (sync_local) with its outbox row, if any.
struct LocalCommand {
  std::string command_id, state, body;  // state: the outbox's ("" if no row)
  int64_t outbox_seq = 0;
  bool applied = false;                 // a changeset is stored
  std::string changeset;
  std::optional<int64_t> accepted_seq;
};
// Every tracked command, oldest outbox row first.
Status LoadLocalCommands(Store& store, std::vector<LocalCommand>* out);
// Stores (replacing) a command's changeset; nullptr stores "not applied".
Status SaveLocalChangeset(Store& store, const std::string& command_id, const std::string* changeset);
Status DropLocal(Store& store, const std::string& command_id);

// Settles a command: accepted (seq: the server's, if known) or rejected with
// the losing reason (source "server" or "rebase"). Only a command in
// `from_states` ("pending", "rejected", ...) changes; *changed says whether
// it did.
Status MarkAccepted(Store& store, const std::string& command_id, std::optional<int64_t> seq,
                    bool* changed);
Status MarkRejected(Store& store, const std::string& command_id, const Status& why, const char* source,
                    bool* changed);

// The bodies (JSON text) of the oldest `limit` pending outbox rows, oldest
// first; only `actor`'s when it is not empty.
Status LoadPendingBodies(Store& store, int64_t limit, const std::string& actor,
                         std::vector<std::string>* out);
// Settles a pending outbox row by hand (the outbox's SettleCommand): state
// accepted or rejected, `detail` kept in its result as "settled". *changed
// is false when no pending row has that id.
Status SettleOutboxRow(Store& store, const std::string& command_id, bool accepted,
                       const std::string& detail, bool* changed);

// Counts of outbox rows by state, and of commands not applied locally.
struct OutboxCounts {
  int64_t pending = 0, accepted = 0, rejected = 0, unapplied = 0;
};
Status CountOutbox(Store& store, OutboxCounts* out);

// The rejections list, oldest first: [{id, type, actor, at, payload, code,
// reason, message, source}]. A rejection settled without a reason (the old
// SettleCommand) reads its detail from the outbox result.
Status LoadRejections(Store& store, Json* out);
// Which of `commands` ((actor, command id) pairs) have an outbox row not
// (yet) accepted; their command ids, oldest first.
Status UnacceptedAmong(Store& store, const std::vector<std::pair<std::string, std::string>>& commands,
                       std::vector<std::string>* out);

// Turns foreign key enforcement on or off for the connection; only outside
// a transaction (a page is applied with it off: see core/sync/device.h).
// failed_precondition "sync.in_transaction" inside one.
Status SetForeignKeys(Store& store, bool on);

// Writes of a pulled page. `table` must be one of the synced tables
// (regions ... events); columns a row names that the table lacks are
// ignored; pk is the JSON array of primary key values in key order.
// invalid_argument "sync.bad_change" otherwise. Keeps the tables' shapes for
// its lifetime (one page).
class PageWriter {
 public:
  explicit PageWriter(Store& store);
  Status Upsert(const std::string& table, const Json& row);
  Status Delete(const std::string& table, const Json& pk);

 private:
  struct TableInfo {
    std::set<std::string> columns;
    std::vector<std::string> pk;  // in key order
  };
  Status Info(const std::string& table, const TableInfo** out);

  Db& db_;
  std::map<std::string, TableInfo> tables_;
};
// Empties every synced table (for a full resync); the outbox stays.
Status WipeSyncedTables(Store& store);

}  // namespace weige::store
