// The console's derived state on a server, so its pages stay fast on a
// whole district (the full-scale one: 628,578 households, 22,832 buildings):
//
//   microgrid_counts  households, people and open items per micro-grid, for
//                     the region tree (console.children). Counting them live
//                     under the district took 360 ms; summing 8,381 rows takes
//                     a few. Open is state <> 'closed'.
//   household_grams   the character bigrams of each household head's name,
//   building_grams    and of each building's name and address (lower-cased),
//                     for console.search: a query of two characters or more
//                     reads the households under its rarest bigram instead of
//                     scanning them all for a LIKE '%…%' (a miss read every
//                     household, 415 ms); one-character queries, and ones whose
//                     every bigram is common (dense matches), still scan.
//
// Like the change log, they are kept by triggers generated here for both
// engines, only while the store records (sync_config.recording = 1, a
// server): a device keeps none and pays one lookup of a one-row table per
// such row written. RebuildConsoleIndexSql rebuilds them from the rows (when
// recording is turned on, and when the triggers are installed anew);
// InstallChangeLogTriggers installs these triggers with the change log's,
// under one fingerprint.
#pragma once

#include <string>
#include <vector>

#include "core/store/db.h"

namespace weige::store {

// The trigger (and on PostgreSQL, trigger function) DDL; every name starts
// with sync_console_, so the change log's reinstall drops them too.
std::string ConsoleIndexTriggerSql(Dialect dialect);

// Rebuilds the three tables from households, buildings and items.
std::string RebuildConsoleIndexSql(Dialect dialect);

// The distinct character bigrams of `text`, lower-cased as the index holds
// them (ASCII letters; other characters as they are). Fewer than two
// characters: none.
std::vector<std::string> Bigrams(const std::string& text);

}  // namespace weige::store
