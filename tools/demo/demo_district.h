// A deterministic generator of districts, through the real commands (so every
// row obeys the domain rules): a demo district for people to try, and the
// seed's full scale (1,024 grids, 8,381 micro-grids, ~630,000 households) for
// benchmarks. Same options, same seed -> byte-identical content.
#pragma once

#include <cstdint>
#include <string>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::demo {

struct DistrictOptions {
  uint64_t seed = 20261129;
  int streets = 2;
  int communities_per_street = 2;
  int grids_per_community = 5;
  int microgrids_per_grid = 2;     // 2*2*5*2 = 40 micro-grids
  int households_per_microgrid = 75;  // ~3,000 households
  int history_months = 3;          // visits, items and reports before `now`
  // The end of the history. Fixed here so that tests and benchmarks get the
  // same district; weige-server --demo and `weige demo` pass the clock, so
  // the demo is alive on the day it is built (its current cycle in progress,
  // deadlines around today).
  int64_t now = 1795000000000;     // 2026-11-18 (ms since the epoch)
  bool history = true;             // false: regions, buildings, households, people only
  // Totals spread as evenly as possible over the level above (0: the
  // per-parent counts above). FullScale sets 1,024 and 8,381.
  int total_grids = 0;
  int total_microgrids = 0;
  // Fewer residents, patrols and reports, for district-sized runs.
  bool light_history = false;
  // Every photo a command cites is a generated PNG stored as a blob (as the
  // citing person would upload it). false: made-up digests, no blobs.
  bool photos = true;
};

// The seed's district: 1,024 grids and 8,381 micro-grids of ~75 households.
DistrictOptions FullScale();

// Builds the district into an empty store (bootstrapping its administrator).
// On success `summary` holds {district_id, cycle, now, counts{...},
// logins:[{person_id, name, role, scope_id}...]} — one login per role at least.
Status BuildDistrict(store::Store* store, const DistrictOptions& options, Json* summary);

}  // namespace weige::demo
