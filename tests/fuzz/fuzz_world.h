// The world every fuzz target starts from: a small demo district (the real
// generator, tools/demo, through the real commands) held as pristine database
// bytes, so each input runs against the same state and a crash replays.
//
//   server  the district with the change log on (what weige-server holds)
//   device  the worker's device, pulled half way through the log, with two
//           commands of its own pending (so an applied page rebases them)
//
// Built once per process, in a temp folder under /dev/shm when it exists.
// A target's seeds come from the same world: set WEIGE_FUZZ_SEEDS=DIR and the
// target writes its seed corpus there and exits (build-scripts/fuzz.sh).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::fuzz {

struct World {
  std::string dir;                    // the temp folder
  std::string server_bytes;           // database file images (no WAL)
  std::string device_bytes;
  std::string device_person;          // the worker the device belongs to
  std::vector<std::string> people;    // one login per role (demo summary)
  std::vector<std::string> commands;  // the demo's own commands (outbox bodies)
  std::vector<std::string> device_commands;  // valid for the device's person, fresh ids
  std::vector<std::string> items, households, buildings, microgrids, regions;
  std::string cycle;
  int64_t now = 0;
  int64_t device_cursor = 0;
};

// The world, built on first use (aborts if the demo cannot be built: the
// harness is broken, not the input).
const World& GetWorld();

// A store opened on a fresh copy of `bytes` at dir/<name>.db.
std::unique_ptr<store::Store> FreshStore(const std::string& bytes, const std::string& name,
                                         bool record_changes);

// Puts `bytes` back as the content of `store` (SQLite's backup API from an
// in-memory copy), much faster than reopening; the store's prepared
// statements re-prepare themselves. `store` must not be in a transaction.
void Restore(store::Store* store, const std::string& bytes);

// When WEIGE_FUZZ_SEEDS names a folder: writes each seed there as seed-<n>
// and exits the process. Otherwise returns.
void MaybeWriteSeeds(const std::vector<std::string>& seeds);

// A command's JSON with its id replaced by `id` (so a seed is not deduplicated).
std::string WithId(const std::string& command_json, const std::string& id);

}  // namespace weige::fuzz
