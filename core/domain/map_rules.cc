#include "core/domain/map_rules.h"

namespace weige::map {

const char* BandName(Band band) {
  switch (band) {
    case Band::kOverdue: return "overdue";
    case Band::kOpen: return "open";
    case Band::kEmpty: return "empty";
    case Band::kUnvisited: return "unvisited";
    case Band::kPartial: return "partial";
    case Band::kDone: return "done";
  }
  return "empty";
}

Band BuildingBand(int64_t households, int64_t visited, int64_t open_items, int64_t overdue_items) {
  if (overdue_items > 0) return Band::kOverdue;
  if (open_items > 0) return Band::kOpen;
  if (households <= 0) return Band::kEmpty;
  if (visited <= 0) return Band::kUnvisited;
  if (visited < households) return Band::kPartial;
  return Band::kDone;
}

namespace {

Status Bad(const char* reason, const std::string& what) {
  return InvalidArgument(reason, "payload.url " + what);
}

bool ForbiddenChar(unsigned char c) {
  return c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
         c == '`' || c >= 0x80;
}

}  // namespace

Status ValidateTileTemplate(std::string_view url) {
  if (url.size() > kMaxTemplateBytes) {
    return Bad("map.tiles_too_long", "is longer than " + std::to_string(kMaxTemplateBytes) + " bytes");
  }
  size_t start = 0;
  if (url.substr(0, 8) == "https://") {
    start = 8;
  } else if (url.substr(0, 7) == "http://") {
    start = 7;
  } else {
    return Bad("map.tiles_scheme", "must start with https:// or http://");
  }
  for (unsigned char c : url) {
    if (ForbiddenChar(c)) {
      return Bad("map.tiles_character", "holds a character a URL template may not hold");
    }
  }
  const size_t slash = url.find('/', start);
  const std::string_view host = url.substr(start, slash == std::string_view::npos ? url.npos : slash - start);
  if (host.empty() || host.front() == ':' || host.find('@') != host.npos ||
      host.find('?') != host.npos || host.find('#') != host.npos) {
    return Bad("map.tiles_host", "has no host");
  }
  bool z = false, x = false, y = false;
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '}') return Bad("map.tiles_placeholder", "has a } without its {");
    if (url[i] != '{') continue;
    const size_t close = url.find('}', i);
    if (close == url.npos) return Bad("map.tiles_placeholder", "has a { without its }");
    const std::string_view name = url.substr(i + 1, close - i - 1);
    const bool in_host = i < start + host.size();
    if (in_host && name != "s") return Bad("map.tiles_host", "may hold only {s} in its host");
    if (name == "z") {
      z = true;
    } else if (name == "x") {
      x = true;
    } else if (name == "y") {
      y = true;
    } else if (name != "s" && name != "r") {
      return Bad("map.tiles_placeholder",
                 "has {" + std::string(name.substr(0, 16)) + "}; only {z}, {x}, {y}, {s} and {r}");
    }
    i = close;
  }
  if (!z || !x || !y) return Bad("map.tiles_placeholder", "must hold {z}, {x} and {y}");
  if (slash == std::string_view::npos) return Bad("map.tiles_placeholder", "must hold {z}, {x} and {y} in its path");
  return Status::Ok();
}

bool IsTileDatum(std::string_view datum) { return datum == "wgs84" || datum == "gcj02"; }

}  // namespace weige::map
