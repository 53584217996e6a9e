// Households, people and open items per micro-grid, kept on a server for the
// console's region tree (console.children): counting them live under a
// district took 360 ms for the 628,578 households of the full-scale one
// (weige_bench --only fullscale, console.tree_district), summing 8,381
// rows of microgrid_counts takes a few.
//
// microgrid_counts is derived state, like the change log: triggers on
// households and items (generated here for both engines) keep it while the
// store records (sync_config.recording = 1, a server); a device keeps none
// and pays one lookup of a one-row table per such row written. Open is
// state <> 'closed', as the console counted before. RebuildCountsSql
// recounts from the rows (when recording is turned on, and when the
// triggers are installed anew); InstallChangeLogTriggers installs these
// triggers with the change log's, under one fingerprint.
#pragma once

#include <string>

#include "core/store/db.h"

namespace weige::store {

// The trigger (and on PostgreSQL, trigger function) DDL; every name starts
// with sync_counts_, so the change log's reinstall drops them too.
std::string CountsTriggerSql(Dialect dialect);

// Recounts microgrid_counts from households and items.
std::string RebuildCountsSql();

}  // namespace weige::store
