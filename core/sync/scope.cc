#include "core/sync/scope.h"

#include <algorithm>
#include <cstdio>

#include "core/domain/json_reader.h"

namespace weige::sync {

namespace {

// Calls fn(tag) for each string of a JSON array of tags.
template <typename Fn>
void ForEachTag(std::string_view keys, Fn fn) {
  if (keys.empty()) return;
  Json j;
  if (!ParseJson(keys, 1 << 16, &j).ok() || !j.is_array()) return;
  for (const Json& t : j) {
    if (t.is_string()) fn(t.get_ref<const std::string&>());
  }
}

void AppendInt(std::string* out, int64_t v) { *out += std::to_string(v); }

void AppendQuoted(std::string* out, std::string_view s) {
  // Table and op names are plain identifiers; escape anyway for safety.
  *out += DumpJson(Json(std::string(s)));
}

}  // namespace

bool Scope::Has(std::string_view tag) const {
  return std::binary_search(tags.begin(), tags.end(), tag,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

Scope ScopeOf(const std::string& person_id, const std::vector<Grant>& grants,
              const std::vector<store::GrantPlaces>& places) {
  Scope s;
  s.tags.push_back("all");
  s.tags.push_back("p:" + person_id);
  for (size_t i = 0; i < grants.size() && i < places.size(); ++i) {
    const Grant& g = grants[i];
    const store::GrantPlaces& p = places[i];
    if (p.everything) s.everything = true;
    for (const std::string& r : p.regions) s.tags.push_back("rs:" + r);
    switch (g.role) {
      case Role::kAdmin:
      case Role::kGridHead:
      case Role::kWorker:
        for (const std::string& m : p.microgrids) s.tags.push_back("m:" + m);
        break;
      case Role::kCaptain:
        s.tags.push_back("b:" + g.scope_id);
        break;
      case Role::kResident:
        s.tags.push_back("h:" + g.scope_id);
        break;
      case Role::kDepartment:
        s.tags.push_back("d:" + g.scope_id);
        break;
      case Role::kPartner:  // an Open311 client: its own rows only ("p:")
        break;
    }
  }
  std::sort(s.tags.begin(), s.tags.end());
  s.tags.erase(std::unique(s.tags.begin(), s.tags.end()), s.tags.end());
  return s;
}

Delivery Decide(const Scope& scope, std::string_view keys, std::string_view old_keys) {
  if (scope.everything) return Delivery::kSend;
  bool live = false;
  ForEachTag(keys, [&](const std::string& t) { live = live || scope.Has(t); });
  if (live) return Delivery::kSend;
  bool old = false;
  ForEachTag(old_keys, [&](const std::string& t) { old = old || scope.Has(t); });
  return old ? Delivery::kEvict : Delivery::kSkip;
}

uint64_t ScopeDigest::Mix(int64_t seq) {
  // splitmix64's finalizer.
  uint64_t z = static_cast<uint64_t>(seq) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void ScopeDigest::Add(int64_t seq) {
  ++count_;
  sum_ += Mix(seq);
}

std::string ScopeDigest::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(sum_));
  return buf;
}

std::string EncodePage(const std::vector<store::Change>& changes,
                       const std::vector<Delivery>& deliveries, int64_t next_cursor,
                       bool has_more, int64_t head, const ScopeDigest* digest) {
  std::string out = "{\"ok\":true,\"changes\":[";
  bool first = true;
  for (size_t i = 0; i < changes.size() && i < deliveries.size(); ++i) {
    const store::Change& c = changes[i];
    if (deliveries[i] == Delivery::kSkip) continue;
    if (!first) out += ',';
    first = false;
    out += "{\"seq\":";
    AppendInt(&out, c.seq);
    out += ",\"table\":";
    AppendQuoted(&out, c.table);
    out += ",\"op\":";
    const bool evict = deliveries[i] == Delivery::kEvict;
    AppendQuoted(&out, evict ? std::string_view("evict") : std::string_view(c.op));
    out += ",\"pk\":";
    out += c.pk.empty() ? "[]" : c.pk;
    if (!evict && !c.row.empty()) {
      out += ",\"row\":";
      out += c.row;
    }
    out += '}';
  }
  out += "],\"next_cursor\":";
  AppendInt(&out, next_cursor);
  out += ",\"has_more\":";
  out += has_more ? "true" : "false";
  out += ",\"head\":";
  AppendInt(&out, head);
  out += ",\"digest\":";
  if (digest == nullptr) {
    out += "null";
  } else {
    out += "{\"count\":";
    AppendInt(&out, digest->count());
    out += ",\"hash\":\"" + digest->Hex() + "\",\"through\":";
    AppendInt(&out, next_cursor);
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace weige::sync
