// The operations console's queries, read online from the server by an
// administrator (or a grid head) whose browser replicates nothing:
//   console.children  one page of a node's children in the region tree
//                     (district > ... > micro-grid > building > household)
//                     with counts (households, people, open items)
//   console.search    households by address, building or head's name
//   console.people    people by name or id, with their grants
//   console.events    the event log filtered by person, entity, region, time
//   console.templates every version of the checklist templates
// Every page is keyed (`after` an id, `before` a seq), never an OFFSET, and
// every row is one the actor's grants reach (a scoped administrator sees
// only its subtree).
#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/store/console_index.h"
#include "core/store/internal.h"
#include "core/store/sync_tables.h"

namespace weige::store {

namespace {

constexpr int64_t kDefaultPage = 50;
constexpr int64_t kMaxPage = 200;
// Rows examined for one page of a filtered scan: a page may come back short
// (with a cursor to go on from) rather than read the whole table.
constexpr int64_t kMaxScan = 5000;

constexpr const char* kLevels[] = {"district", "street", "community", "grid", "microgrid"};
constexpr const char* kLevelColumn[] = {"district_id", "street_id", "community_id", "grid_id", "id"};

int LevelIndex(const std::string& level) {
  for (int i = 0; i < 5; ++i) {
    if (level == kLevels[i]) return i;
  }
  return -1;
}

bool IsConsoleReader(const Actor& a) { return a.Has(Role::kAdmin) || a.Has(Role::kGridHead); }

bool AdminOfEverything(const Actor& a) {
  for (const Grant& g : a.grants) {
    if (g.role == Role::kAdmin && g.scope_id == kEverywhere) return true;
  }
  return false;
}

Status RequireConsoleReader(const Actor& a) {
  if (IsConsoleReader(a)) return Status::Ok();
  return PermissionDenied("permission.denied", "the console is for administrators and grid heads");
}

// Region chains by micro-grid id, and whether the actor reads each.
class ReachCache {
 public:
  ReachCache(Db& db, const Actor& actor) : db_(db), actor_(actor) {}
  // Whether the actor reads micro-grid `mg` (and, with `within`, whether it
  // lies under that region).
  bool Reads(const std::string& mg, const std::string& within = "") {
    auto it = chains_.find(mg);
    if (it == chains_.end()) {
      std::vector<std::string> chain;
      if (!RegionChain(db_, mg, nullptr, &chain).ok()) chain.clear();
      it = chains_.emplace(mg, std::move(chain)).first;
    }
    if (it->second.empty()) return false;
    if (!within.empty() &&
        std::find(it->second.begin(), it->second.end(), within) == it->second.end()) {
      return false;
    }
    Target t;
    t.regions = it->second;
    return Can(actor_, Action::kRegionRead, t);
  }

 private:
  Db& db_;
  const Actor& actor_;
  RegionChains chains_;
};

// One page of a filtered scan of `s` (which reads at most kMaxScan rows):
// `row(s, &rows)` appends the row it keeps, if any; `key(s)` is the paging key
// of each row read. Answers {name: rows, next}, next being the key to go on
// from when the page is full or the scan stopped at kMaxScan rows (else null).
template <class Key, class Row>
Result ScanPage(Stmt& s, const char* name, int64_t limit, Key key, Row row) {
  Json rows = Json::array();
  Json last;
  int64_t scanned = 0;
  while (static_cast<int64_t>(rows.size()) < limit && s.Step()) {
    ++scanned;
    last = key(s);
    WEIGE_RETURN_IF_ERROR(row(s, &rows));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  const bool more = static_cast<int64_t>(rows.size()) == limit || scanned == kMaxScan;
  return Result::Ok({{name, std::move(rows)}, {"next", more ? std::move(last) : Json()}});
}

// A region filter must name a region the actor reads.
Status RequireWithin(Db& db, const Actor& a, const std::optional<std::string>& within) {
  if (!within) return Status::Ok();
  Target t;
  WEIGE_RETURN_IF_ERROR(RegionChain(db, *within, nullptr, &t.regions));
  return Require(a, Action::kRegionRead, t);
}

// The SQL filter selecting the micro-grids of a region's subtree (binds ?1).
std::string MicrogridsUnder(int level) {
  return std::string("SELECT id FROM regions WHERE level = 'microgrid' AND ") +
         kLevelColumn[level] + " = ?1";
}

struct Counts {
  int64_t households = 0, people = 0, open_items = 0;
};

Status CountWhere(Db& db, const std::string& household_where, const std::string& item_where,
                  const std::string& key, const std::string& key2, Counts* c) {
  Stmt h = db.Q("SELECT COUNT(*), COALESCE(SUM(members), 0) FROM households WHERE " +
                household_where);
  h.Bind(1, key);
  if (!key2.empty()) h.Bind(2, key2);
  if (h.Step()) {
    c->households = h.Int(0);
    c->people = h.Int(1);
  }
  WEIGE_RETURN_IF_ERROR(h.status());
  Stmt i = db.Q("SELECT COUNT(*) FROM items WHERE state <> 'closed' AND " + item_where);
  i.Bind(1, key);
  if (!key2.empty()) i.Bind(2, key2);
  if (i.Step()) c->open_items = i.Int(0);
  return i.status();
}

Json CountsJson(const Counts& c) {
  return {{"households", c.households}, {"people", c.people}, {"open_items", c.open_items}};
}

Status RegionNode(Db& db, const std::string& id, const std::string& level, const std::string& name,
                  Json* out) {
  const int li = LevelIndex(level);
  if (li < 0) return InvalidArgument("region.bad_level", "unknown level " + level);
  const std::string in = "microgrid_id IN (" + MicrogridsUnder(li) + ")";
  Counts c;
  bool kept = false;
  WEIGE_RETURN_IF_ERROR(Recording(db, &kept));
  if (kept) {  // a server keeps the counts per micro-grid (console_index.h)
    Stmt k = db.Q("SELECT COALESCE(SUM(households), 0), COALESCE(SUM(people), 0),"
                  " COALESCE(SUM(open_items), 0) FROM microgrid_counts WHERE " + in);
    k.Bind(1, id);
    if (k.Step()) c = {k.Int(0), k.Int(1), k.Int(2)};
    WEIGE_RETURN_IF_ERROR(k.status());
  } else {
    WEIGE_RETURN_IF_ERROR(CountWhere(db, in, in, id, "", &c));
  }
  *out = {{"type", "region"}, {"id", id}, {"level", level}, {"name", name},
          {"counts", CountsJson(c)}, {"has_children", true}};
  return Status::Ok();
}

// The roots the actor's console grants reach: the districts for an
// administrator of everything, else the regions of their grants.
Status Roots(QueryCtx& q, Json* nodes) {
  Db& db = q.db();
  std::vector<std::string> seen;
  auto add = [&](Stmt& s) -> Status {
    while (s.Step()) {
      if (std::find(seen.begin(), seen.end(), s.Text(0)) != seen.end()) continue;
      seen.push_back(s.Text(0));
      Json n;
      WEIGE_RETURN_IF_ERROR(RegionNode(db, s.Text(0), s.Text(1), s.Text(2), &n));
      nodes->push_back(std::move(n));
    }
    return s.status();
  };
  if (AdminOfEverything(q.actor())) {
    Stmt s = db.Q("SELECT id, level, name FROM regions WHERE parent_id IS NULL ORDER BY id LIMIT ?");
    s.Bind(1, kMaxPage);
    return add(s);
  }
  for (const Grant& g : q.actor().grants) {
    if (g.role != Role::kAdmin && g.role != Role::kGridHead) continue;
    Stmt s = db.Q("SELECT id, level, name FROM regions WHERE id = ?");
    s.Bind(1, g.scope_id);
    WEIGE_RETURN_IF_ERROR(add(s));
  }
  return Status::Ok();
}

Json HouseholdJson(const Stmt& s, int open_items) {
  // id, building_id, microgrid_id, unit, floor, room, head_name, members
  return {{"type", "household"},
          {"id", s.Text(0)},
          {"building_id", s.Text(1)},
          {"microgrid_id", s.Text(2)},
          {"unit", StrOrNull(s.Text(3))},
          {"floor", s.IsNull(4) ? Json() : Json(s.Int(4))},
          {"room", StrOrNull(s.Text(5))},
          {"head_name", StrOrNull(s.Text(6))},
          {"counts", {{"households", 1}, {"people", s.IsNull(7) ? 0 : s.Int(7)},
                      {"open_items", open_items}}},
          {"has_children", false}};
}

constexpr const char* kHouseholdCols =
    "h.id, h.building_id, h.microgrid_id, h.unit, h.floor, h.room, h.head_name, h.members";

Result Children(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto region = r.OptId("region_id");
  auto building = r.OptId("building_id");
  auto after = r.OptId("after");
  const int64_t limit = r.OptInt("limit", 1, kMaxPage).value_or(kDefaultPage);
  if (!r.ok()) return r.status();
  WEIGE_RETURN_IF_ERROR(RequireConsoleReader(q.actor()));
  if (region && building) {
    return InvalidArgument("query.scope_required", "give at most one of region_id, building_id");
  }
  Db& db = q.db();
  Json nodes = Json::array();
  if (!region && !building) {
    WEIGE_RETURN_IF_ERROR(Roots(q, &nodes));
    return Result::Ok({{"nodes", nodes}, {"next", nullptr}});
  }
  std::string last;
  if (region) {
    Target t;
    std::string level;
    WEIGE_RETURN_IF_ERROR(RegionChain(db, *region, nullptr, &t.regions, &level));
    WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
    if (level != "microgrid") {
      Stmt s = db.Q("SELECT id, level, name FROM regions WHERE parent_id = ?1 AND id > ?2"
                    " ORDER BY id LIMIT ?3");
      s.Bind(1, *region).Bind(2, after.value_or("")).Bind(3, limit);
      while (s.Step()) {
        Json n;
        WEIGE_RETURN_IF_ERROR(RegionNode(db, s.Text(0), s.Text(1), s.Text(2), &n));
        last = s.Text(0);
        nodes.push_back(std::move(n));
      }
      WEIGE_RETURN_IF_ERROR(s.status());
    } else {
      Stmt s = db.Q("SELECT id, name, address FROM buildings WHERE microgrid_id = ?1 AND id > ?2"
                    " ORDER BY id LIMIT ?3");
      s.Bind(1, *region).Bind(2, after.value_or("")).Bind(3, limit);
      while (s.Step()) {
        Counts c;
        WEIGE_RETURN_IF_ERROR(CountWhere(db, "microgrid_id = ?2 AND building_id = ?1",
                                         "microgrid_id = ?2 AND building_id = ?1", s.Text(0),
                                         *region, &c));
        last = s.Text(0);
        nodes.push_back({{"type", "building"}, {"id", s.Text(0)}, {"name", s.Text(1)},
                         {"address", StrOrNull(s.Text(2))}, {"counts", CountsJson(c)},
                         {"has_children", c.households > 0}});
      }
      WEIGE_RETURN_IF_ERROR(s.status());
    }
  } else {
    Target t;
    std::string mg;
    WEIGE_RETURN_IF_ERROR(TargetForBuilding(db, *building, &t, &mg));
    WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
    Stmt s = db.Q(std::string("SELECT ") + kHouseholdCols +
                  ", (SELECT COUNT(*) FROM items i WHERE i.microgrid_id = h.microgrid_id"
                  " AND i.household_id = h.id AND i.state <> 'closed')"
                  " FROM households h WHERE h.microgrid_id = ?1 AND h.building_id = ?2"
                  " AND h.id > ?3 ORDER BY h.id LIMIT ?4");
    s.Bind(1, mg).Bind(2, *building).Bind(3, after.value_or("")).Bind(4, limit);
    while (s.Step()) {
      last = s.Text(0);
      nodes.push_back(HouseholdJson(s, static_cast<int>(s.Int(8))));
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  const bool more = static_cast<int64_t>(nodes.size()) == limit;
  return Result::Ok({{"nodes", nodes}, {"next", more ? Json(last) : Json()}});
}

// The bigram of `text` with the fewest households under it, on a server
// that keeps them (console_index.h): "" when one has none (nothing can
// match); nullopt when the store keeps none, the text has fewer than two
// characters, or every bigram is common (the matches are dense: a scan finds
// a page of them soon).
Status RarestGram(Db& db, const std::string& text, std::optional<std::string>* out) {
  out->reset();
  constexpr int64_t kDense = 20000;     // candidate households
  constexpr int64_t kPerBuilding = 30;  // households a building's gram stands for
  std::vector<std::string> grams = Bigrams(text);
  if (grams.empty()) return Status::Ok();
  bool kept = false;
  WEIGE_RETURN_IF_ERROR(Recording(db, &kept));
  if (!kept) return Status::Ok();
  int64_t best = -1;
  for (const std::string& g : grams) {
    Stmt c = db.Q(
        "SELECT (SELECT COUNT(*) FROM household_grams WHERE gram = ?1),"
        " (SELECT COUNT(*) FROM building_grams WHERE gram = ?1)");
    c.Bind(1, g);
    if (!c.Step()) return c.status().ok() ? Internal("console.grams", "no count") : c.status();
    const int64_t cost = c.Int(0) + kPerBuilding * c.Int(1);
    if (cost == 0) {
      *out = std::string();
      return Status::Ok();
    }
    if (best < 0 || cost < best) {
      best = cost;
      *out = g;
    }
  }
  if (best > kDense) out->reset();
  return Status::Ok();
}

// A LIKE pattern matching `text` anywhere, with % _ and \ taken literally.
std::string Contains(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Result Search(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string text = r.Text("q", 64);
  auto within = r.OptId("region_id");
  auto after = r.OptId("after");
  const int64_t limit = r.OptInt("limit", 1, kMaxPage).value_or(kDefaultPage);
  if (!r.ok()) return r.status();
  WEIGE_RETURN_IF_ERROR(RequireConsoleReader(q.actor()));
  Db& db = q.db();
  WEIGE_RETURN_IF_ERROR(RequireWithin(db, q.actor(), within));
  ReachCache reach(db, q.actor());
  // On a server, the households under the query's rarest bigram
  // (console_index.h); else, or when even that one is common, a scan.
  std::optional<std::string> gram;
  WEIGE_RETURN_IF_ERROR(RarestGram(db, text, &gram));
  if (gram && gram->empty()) return Result::Ok({{"households", Json::array()}, {"next", nullptr}});
  constexpr const char* kMatches =
      " AND (h.head_name LIKE ?2 ESCAPE '\\' OR b.address LIKE ?2 ESCAPE '\\' OR b.name LIKE ?2"
      " ESCAPE '\\') ORDER BY h.id LIMIT ?3";
  Stmt s = db.Q(std::string("SELECT ") + kHouseholdCols +
                ", b.name, b.address FROM households h JOIN buildings b ON b.id = h.building_id"
                " WHERE h.id > ?1" +
                (gram ? " AND h.id IN (SELECT household_id FROM household_grams WHERE gram = ?4"
                        "  AND household_id > ?1 UNION SELECT h2.id FROM building_grams g"
                        "  JOIN buildings b2 ON b2.id = g.building_id JOIN households h2"
                        "  ON h2.microgrid_id = b2.microgrid_id AND h2.building_id = b2.id"
                        "  WHERE g.gram = ?4 AND h2.id > ?1)"
                      : "") +
                kMatches);
  s.Bind(1, after.value_or("")).Bind(2, Contains(text)).Bind(3, kMaxScan);
  if (gram) s.Bind(4, *gram);
  return ScanPage(
      s, "households", limit, [](Stmt& row) { return Json(row.Text(0)); },
      [&](Stmt& row, Json* out) {
        if (!reach.Reads(row.Text(2), within.value_or(""))) return Status::Ok();
        Json n = HouseholdJson(row, 0);
        n.erase("counts");
        n["building_name"] = row.Text(8);
        n["address"] = StrOrNull(row.Text(9));
        out->push_back(std::move(n));
        return Status::Ok();
      });
}

Result People(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto text = r.OptStr("q", 64);
  auto after = r.OptId("after");
  const int64_t limit = r.OptInt("limit", 1, kMaxPage).value_or(kDefaultPage);
  if (!r.ok()) return r.status();
  const Actor& a = q.actor();
  if (!a.Has(Role::kAdmin)) {
    return PermissionDenied("permission.denied", "only an administrator lists people");
  }
  Db& db = q.db();
  const bool everything = AdminOfEverything(a);
  const std::string pattern = text && !text->empty() ? Contains(*text) : "%";
  Stmt s = db.Q(
      "SELECT p.id, p.name, p.phone FROM people p WHERE p.id > ?1 AND (p.name LIKE ?2 ESCAPE '\\'"
      " OR p.id LIKE ?2 ESCAPE '\\') ORDER BY p.id LIMIT ?3");
  s.Bind(1, after.value_or("")).Bind(2, pattern).Bind(3, kMaxScan);
  return ScanPage(
      s, "people", limit, [](Stmt& row) { return Json(row.Text(0)); },
      [&](Stmt& row, Json* out) {
        Actor subject;
        WEIGE_RETURN_IF_ERROR(LoadActor(db, row.Text(0), &subject));
        // A scoped administrator lists the people it manages, and only those
        // holding some grant (a person without one belongs to no subtree).
        if (!everything && (subject.grants.empty() || !ManagesPerson(db, a, row.Text(0)).ok())) {
          return Status::Ok();
        }
        Json grants = Json::array();
        for (const Grant& g : subject.grants) {
          Stmt n = db.Q(
              "SELECT name FROM regions WHERE id = ?1 UNION ALL SELECT name FROM buildings"
              " WHERE id = ?1 UNION ALL SELECT name FROM departments WHERE id = ?1 LIMIT 1");
          n.Bind(1, g.scope_id);
          Json name = n.Step() ? Json(n.Text(0)) : Json();
          grants.push_back({{"role", std::string(RoleName(g.role))}, {"scope_id", g.scope_id},
                            {"scope_name", name}});
        }
        out->push_back({{"id", row.Text(0)},
                        {"name", row.Text(1)},
                        {"phone", StrOrNull(row.Text(2))},
                        {"grants", grants}});
        return Status::Ok();
      });
}

Result Events(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto person = r.OptId("person_id");
  auto entity = r.OptStr("entity", 32);
  auto entity_id = r.OptId("entity_id");
  auto within = r.OptId("region_id");
  auto from = r.OptInt("from", 0, kMaxTime);
  auto to = r.OptInt("to", 0, kMaxTime);
  auto before = r.OptInt("before", 1, INT64_MAX);
  const int64_t limit = r.OptInt("limit", 1, kMaxPage).value_or(kDefaultPage);
  if (!r.ok()) return r.status();
  const Actor& a = q.actor();
  WEIGE_RETURN_IF_ERROR(RequireConsoleReader(a));
  Db& db = q.db();
  WEIGE_RETURN_IF_ERROR(RequireWithin(db, a, within));
  const bool everything = AdminOfEverything(a);
  ReachCache reach(db, a);
  // The micro-grid an event's entity sits in; NULL for the district-wide ones
  // (people, regions, departments, templates): only an administrator of
  // everything reads those, and no region filter selects them.
  Stmt s = db.Q(
      "SELECT e.seq, e.type, e.entity, e.entity_id, e.actor, p.name, e.at, e.server_at, e.reason,"
      " e.data, e.evidence, CASE e.entity"
      "  WHEN 'item' THEN (SELECT microgrid_id FROM items WHERE id = e.entity_id)"
      "  WHEN 'visit' THEN (SELECT microgrid_id FROM visits WHERE id = e.entity_id)"
      "  WHEN 'report' THEN (SELECT microgrid_id FROM reports WHERE id = e.entity_id)"
      "  WHEN 'household' THEN (SELECT microgrid_id FROM households WHERE id = e.entity_id)"
      "  WHEN 'building' THEN (SELECT microgrid_id FROM buildings WHERE id = e.entity_id)"
      "  WHEN 'patrol' THEN (SELECT b.microgrid_id FROM patrols t JOIN buildings b"
      "   ON b.id = t.building_id WHERE t.id = e.entity_id)"
      "  ELSE NULL END"
      " FROM events e LEFT JOIN people p ON p.id = e.actor"
      " WHERE (CAST(?1 AS TEXT) IS NULL OR e.actor = ?1)"
      " AND (CAST(?2 AS TEXT) IS NULL OR e.entity = ?2)"
      " AND (CAST(?3 AS TEXT) IS NULL OR e.entity_id = ?3)"
      " AND (CAST(?4 AS BIGINT) IS NULL OR e.seq < ?4)"
      " AND (CAST(?5 AS BIGINT) IS NULL OR COALESCE(e.server_at, e.at) >= ?5)"
      " AND (CAST(?6 AS BIGINT) IS NULL OR COALESCE(e.server_at, e.at) < ?6)"
      " ORDER BY e.seq DESC LIMIT ?7");
  s.Bind(1, person).Bind(2, entity).Bind(3, entity_id).Bind(4, before).Bind(5, from).Bind(6, to)
      .Bind(7, kMaxScan);
  return ScanPage(
      s, "events", limit, [](Stmt& row) { return Json(row.Int(0)); },
      [&](Stmt& row, Json* out) {
        const bool placed = !row.IsNull(11);
        if (placed) {
          if (!reach.Reads(row.Text(11), within.value_or(""))) return Status::Ok();
        } else if (!everything || within) {
          return Status::Ok();
        }
        out->push_back({{"seq", row.Int(0)},
                        {"type", row.Text(1)},
                        {"entity", row.Text(2)},
                        {"entity_id", row.Text(3)},
                        {"actor", row.Text(4)},
                        {"actor_name", StrOrNull(row.Text(5))},
                        {"at", row.Int(6)},
                        {"server_at", row.IsNull(7) ? Json() : Json(row.Int(7))},
                        {"reason", StrOrNull(row.Text(8))},
                        {"data", JsonOrNull(row.Text(9))},
                        {"evidence", row.IsNull(10) ? Json::array() : JsonOrNull(row.Text(10))},
                        {"microgrid_id", placed ? Json(row.Text(11)) : Json()}});
        return Status::Ok();
      });
}

// Every version of every checklist template, newest first within an id
// (templates serve the whole district: any console reader lists them; only
// an administrator of everything publishes).
Result Templates(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto id = r.OptId("template_id");
  if (!r.ok()) return r.status();
  WEIGE_RETURN_IF_ERROR(RequireConsoleReader(q.actor()));
  Stmt s = q.db().Q(
      "SELECT id, version, body, published_at FROM templates WHERE (CAST(?1 AS TEXT) IS NULL OR id = ?1)"
      " ORDER BY id, version DESC LIMIT ?2");
  s.Bind(1, id).Bind(2, kMaxPage);
  Json out = Json::array();
  while (s.Step()) {
    out.push_back({{"id", s.Text(0)}, {"version", s.Int(1)}, {"body", JsonOrNull(s.Text(2))},
                   {"published_at", s.Int(3)}});
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"templates", out}, {"can_publish", AdminOfEverything(q.actor())}});
}

}  // namespace

void RegisterConsoleQueries(QueryTable* t) {
  (*t)["console.children"] = Children;
  (*t)["console.search"] = Search;
  (*t)["console.people"] = People;
  (*t)["console.events"] = Events;
  (*t)["console.templates"] = Templates;
}

}  // namespace weige::store
