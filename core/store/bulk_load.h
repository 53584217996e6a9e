// A bulk load of a whole store into an empty PostgreSQL store: the fastest
// honest way to put a generated district (weige demo --full-scale, built
// through the real commands on SQLite in about a minute) on the server's
// engine, where the same commands one statement at a time would take an hour.
#pragma once

#include <functional>
#include <string>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::store {

// Copies every row of `from` (an SQLite store) into `to` (a PostgreSQL store
// with no people yet, migrated to the same schema), table by table with
// COPY, parents before children, in one transaction, then moves the
// identity sequences past the copied rows and ANALYZEs. The change log and
// the server's own settings (sync_*) are not copied: `to` records its own
// once opened with record_changes (its backfill tags every copied row).
// `progress`, when given, hears each table's name and row count.
// failed_precondition "store.not_empty" when `to` holds people;
// invalid_argument "store.bad_engines" unless from is SQLite and to is
// PostgreSQL.
Status CopyStore(Store& from, Store& to,
                 const std::function<void(const std::string&, int64_t)>& progress = {});

}  // namespace weige::store
