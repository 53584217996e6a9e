// The micro-grid map's rules (issue 12 item 2): the colour band of a
// building, decided here so every app draws the same thing, and the checks
// on an administrator's tile source. Pure functions: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/domain/result.h"

namespace weige::map {

// A building's band, worst first. The first that applies wins:
//   overdue    an item of the building is overdue
//   open       an item of the building is not closed (open, assigned, fixed)
//   empty      the building has no households (nothing to visit)
//   unvisited  no household of it has a counting visit this cycle
//   partial    some have, not all
//   done       every household is visited and no item is open
enum class Band { kOverdue, kOpen, kEmpty, kUnvisited, kPartial, kDone };
inline constexpr Band kBands[] = {Band::kOverdue, Band::kOpen,    Band::kEmpty,
                                  Band::kUnvisited, Band::kPartial, Band::kDone};

const char* BandName(Band band);
Band BuildingBand(int64_t households, int64_t visited, int64_t open_items, int64_t overdue_items);

// A tile URL template as Leaflet and most tile servers take it:
// http(s)://host[:port]/path with {z}, {x} and {y} each present in the path
// or query, optionally {s} (a subdomain) in the host and {r} (retina
// suffix). Nothing else in braces, no white space, quotes, angle brackets
// or backslashes, at most kMaxTemplateBytes.
inline constexpr size_t kMaxTemplateBytes = 512;
// Ok, or invalid_argument with reason "map.tiles_scheme" (not http/https),
// "map.tiles_host" (no host, or a placeholder other than {s} in it),
// "map.tiles_placeholder" ({z}/{x}/{y} missing, or an unknown {name}),
// "map.tiles_character" (a character a URL template may not hold) or
// "map.tiles_too_long"; the message names the problem.
Status ValidateTileTemplate(std::string_view url);

// The datums a tile source may be drawn in: "wgs84" (OpenStreetMap and most
// servers of a city's own) or "gcj02" (Chinese commercial base maps).
bool IsTileDatum(std::string_view datum);

}  // namespace weige::map
