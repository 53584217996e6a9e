// stats.microgrid and stats.rollup: the figures of one micro-grid, and of a
// region's children (for a grid head, or the district).
#include <map>

#include "core/domain/figures.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

constexpr const char* kLevelColumn[] = {"district_id", "street_id", "community_id", "grid_id"};
constexpr const char* kLevels[] = {"district", "street", "community", "grid", "microgrid"};

int LevelIndex(const std::string& level) {
  for (int i = 0; i < 5; ++i) {
    if (level == kLevels[i]) return i;
  }
  return -1;
}

// Figures of every micro-grid selected by `mg_filter`, an SQL expression over
// a micro-grid id column named mg that binds ?1 (the filter's key).
Status CollectFigures(Db& db, const std::string& mg_filter, const std::string& key,
                      const std::string& cycle, int64_t now,
                      std::map<std::string, Figures>* out) {
  {
    Stmt s = db.Q("SELECT mg.id FROM regions mg WHERE mg.level = 'microgrid' AND " + mg_filter);
    s.Bind(1, key);
    while (s.Step()) (*out)[s.Text(0)].microgrids = 1;
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  const std::string in = " IN (SELECT mg.id FROM regions mg WHERE mg.level = 'microgrid' AND " +
                         mg_filter + ")";
  {
    Stmt s = db.Q("SELECT microgrid_id, COUNT(*) FROM households WHERE microgrid_id" + in +
                  " GROUP BY microgrid_id");
    s.Bind(1, key);
    while (s.Step()) (*out)[s.Text(0)].households = s.Int(1);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  {
    Stmt s = db.Q("SELECT microgrid_id, COUNT(*) FROM coverage WHERE microgrid_id" + in +
                  " AND cycle = ?2 GROUP BY microgrid_id");
    s.Bind(1, key).Bind(2, cycle);
    while (s.Step()) (*out)[s.Text(0)].visited = s.Int(1);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  {
    Stmt s = db.Q(
        "SELECT microgrid_id, state, weige_overdue(state, deadline, escalation_deadline,"
        " acknowledged_at, ?2), closed_at - opened_at FROM items WHERE microgrid_id" + in);
    s.Bind(1, key).Bind(2, now);
    while (s.Step()) {
      auto state = ParseItemState(s.Text(1));
      if (state) (*out)[s.Text(0)].AddItem(*state, s.Int(2) != 0, s.Int(3));
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  {
    Stmt s = db.Q("SELECT microgrid_id, COUNT(*), SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END), SUM(rating) FROM reports"
                  " WHERE rating IS NOT NULL AND microgrid_id" + in + " GROUP BY microgrid_id");
    s.Bind(1, key);
    while (s.Step()) {
      Figures& f = (*out)[s.Text(0)];
      f.evaluated = s.Int(1);
      f.satisfied = s.Int(2);
      f.rating_sum = s.Int(3);
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  return Status::Ok();
}

struct StatsParams {
  std::string region_id, cycle;
  int64_t now = 0;
};

Status ReadParams(QueryCtx& q, const char* region_key, StatsParams* p) {
  FieldReader r(q.params(), "params");
  p->region_id = r.Id(region_key);
  p->cycle = r.Str("cycle", 16);
  p->now = r.Int("now", 0, kMaxTime);
  return r.status();
}

Result StatsMicrogrid(QueryCtx& q) {
  StatsParams p;
  WEIGE_RETURN_IF_ERROR(ReadParams(q, "microgrid_id", &p));
  Target t;
  WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), p.region_id, "microgrid", &t.regions));
  WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
  std::map<std::string, Figures> figures;
  WEIGE_RETURN_IF_ERROR(CollectFigures(q.db(), "mg.id = ?1", p.region_id, p.cycle, p.now, &figures));
  Json j = figures[p.region_id].ToJson();
  j["microgrid_id"] = p.region_id;
  j["cycle"] = p.cycle;
  return Result::Ok(j);
}

Result StatsRollup(QueryCtx& q) {
  StatsParams p;
  WEIGE_RETURN_IF_ERROR(ReadParams(q, "region_id", &p));
  Target t;
  std::string level;
  WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), p.region_id, nullptr, &t.regions, &level));
  WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
  int li = LevelIndex(level);
  if (li < 0 || li >= 4) {
    return InvalidArgument("stats.no_children", "a micro-grid has no children; use stats.microgrid");
  }
  // Each micro-grid below the region, mapped to the child it sits under.
  std::string child_col = li == 3 ? "id" : kLevelColumn[li + 1];
  std::map<std::string, std::string> child_of;
  {
    Stmt s = q.db().Q("SELECT id, " + child_col + " FROM regions WHERE level = 'microgrid' AND " +
                      kLevelColumn[li] + " = ?");
    s.Bind(1, p.region_id);
    while (s.Step()) child_of[s.Text(0)] = s.Text(1);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  std::map<std::string, Figures> per_mg;
  WEIGE_RETURN_IF_ERROR(CollectFigures(q.db(), std::string("mg.") + kLevelColumn[li] + " = ?1",
                                       p.region_id, p.cycle, p.now, &per_mg));
  std::map<std::string, Figures> per_child;
  Figures total;
  {
    Stmt s = q.db().Q("SELECT id FROM regions WHERE parent_id = ?");
    s.Bind(1, p.region_id);
    while (s.Step()) per_child[s.Text(0)];
  }
  for (auto& [mg, f] : per_mg) {
    per_child[child_of[mg]].Merge(f);
    total.Merge(f);
  }
  Json children = Json::array();
  for (auto& [id, f] : per_child) {
    Stmt n = q.db().Q("SELECT name, level FROM regions WHERE id = ?");
    n.Bind(1, id);
    Json j = f.ToJson();
    j["region_id"] = id;
    if (n.Step()) {
      j["name"] = n.Text(0);
      j["level"] = n.Text(1);
    }
    children.push_back(std::move(j));
  }
  Json out = total.ToJson();
  out["region_id"] = p.region_id;
  out["level"] = level;
  out["cycle"] = p.cycle;
  out["children"] = std::move(children);
  return Result::Ok(out);
}

}  // namespace

void RegisterStatsQueries(QueryTable* t) {
  (*t)["stats.microgrid"] = StatsMicrogrid;
  (*t)["stats.rollup"] = StatsRollup;
}

}  // namespace weige::store
