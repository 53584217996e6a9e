// worker.households_due, visits.list, items.checklist, item.detail, reports.mine,
// templates.current, directory.context.
#include <algorithm>

#include "core/store/internal.h"

namespace weige::store {

namespace {

constexpr int64_t kDefaultLimit = 200;
constexpr int64_t kMaxLimit = 2000;

Status RequireRegionRead(QueryCtx& q, const std::string& region_id, const char* level) {
  Target t;
  WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), region_id, level, &t.regions));
  return Require(q.actor(), Action::kRegionRead, t);
}

Json EventsOf(Db& db, const char* entity, const std::string& id) {
  Json out = Json::array();
  Stmt s = db.Q(
      "SELECT e.seq, e.type, e.actor, e.at, e.server_at, e.reason, e.data, e.evidence,"
      " e.command_id, p.name FROM events e LEFT JOIN people p ON p.id = e.actor"
      " WHERE e.entity = ? AND e.entity_id = ? ORDER BY e.seq");
  s.Bind(1, entity).Bind(2, id);
  while (s.Step()) {
    out.push_back({{"seq", s.Int(0)},
                   {"type", s.Text(1)},
                   {"actor", s.Text(2)},
                   {"at", s.Int(3)},
                   {"server_at", s.IsNull(4) ? Json() : Json(s.Int(4))},
                   {"reason", StrOrNull(s.Text(5))},
                   {"data", JsonOrNull(s.Text(6))},
                   {"evidence", s.IsNull(7) ? Json::array() : JsonOrNull(s.Text(7))},
                   {"command_id", s.Text(8)},
                   {"actor_name", StrOrNull(s.Text(9))}});
    // A device without the actor's row (a department's): the escalation's
    // own record of who escalated.
    Json& ev = out.back();
    if (ev["actor_name"].is_null() && ev["data"].is_object() && ev["data"].contains("by_name")) {
      ev["actor_name"] = ev["data"]["by_name"];
    }
  }
  return out;
}

Result HouseholdsDue(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string mg = r.Id("microgrid_id");
  std::string cycle = r.Str("cycle", 16);
  // With include_visited the households visited this cycle are listed too
  // (visited: true), so a worker reaches them for a follow-up visit.
  const bool include_visited = r.Bool("include_visited", false);
  if (!r.ok()) return r.status();
  WEIGE_RETURN_IF_ERROR(RequireRegionRead(q, mg, "microgrid"));
  Target place;
  WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), mg, "microgrid", &place.regions));
  Json buildings = Json::array();
  int64_t total = 0, due = 0;
  std::string current;
  Stmt s = q.db().Q(
      "SELECT h.id, h.building_id, b.name, h.unit, h.floor, h.room, h.head_name,"
      " c.household_id IS NOT NULL, lv.outcome, lv.at, b.lat IS NOT NULL AND b.lng IS NOT NULL"
      " FROM households h JOIN buildings b ON b.id = h.building_id"
      " LEFT JOIN coverage c ON c.microgrid_id = h.microgrid_id AND c.cycle = ?2"
      "  AND c.household_id = h.id"
      // The last visit is the one the store recorded last (its event's seq),
      // not the one whose device clock (`at`) reads latest. Found from the
      // household's own visits (visits_hh), each visit's event by its key:
      // joining the events first made SQLite walk every visit event of the
      // store per household (60 s for one micro-grid at full scale; pinned
      // by tests/core/store/query_plan_test.cc).
      " LEFT JOIN visits lv ON lv.id = (SELECT v.id FROM visits v WHERE v.household_id = h.id"
      "  AND v.cycle = ?2 ORDER BY (SELECT e.seq FROM events e WHERE e.entity = 'visit'"
      "  AND e.entity_id = v.id AND e.type = 'visit.recorded') DESC LIMIT 1)"
      " WHERE h.microgrid_id = ?1 ORDER BY b.name, h.building_id, h.unit, h.floor, h.room, h.id");
  s.Bind(1, mg).Bind(2, cycle);
  while (s.Step()) {
    ++total;
    const bool visited = s.Int(7) != 0;  // visited with a counting outcome
    if (!visited) ++due;
    if (visited && !include_visited) continue;
    if (buildings.empty() || current != s.Text(1)) {
      current = s.Text(1);
      // Whether the worker may place the building from this visit's GPS
      // (building.locate): it has no location yet and the role allows it.
      const bool located = s.Int(10) != 0;
      place.building_id = current;
      buildings.push_back({{"building_id", current},
                           {"name", s.Text(2)},
                           {"located", located},
                           {"can_locate", !located && Can(q.actor(), Action::kBuildingLocate, place)},
                           {"households", Json::array()}});
    }
    Json h = {{"id", s.Text(0)},
              {"unit", StrOrNull(s.Text(3))},
              {"floor", s.IsNull(4) ? Json() : Json(s.Int(4))},
              {"room", StrOrNull(s.Text(5))},
              {"head_name", StrOrNull(s.Text(6))},
              {"last_outcome", StrOrNull(s.Text(8))},
              {"last_visit_at", s.IsNull(9) ? Json() : Json(s.Int(9))},
              {"visited", visited}};
    buildings.back()["households"].push_back(std::move(h));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"microgrid_id", mg},
                     {"cycle", cycle},
                     {"households", total},
                     {"due", due},
                     {"visited", total - due},
                     {"coverage", total > 0 ? Json(double(total - due) / total) : Json()},
                     {"buildings", buildings}});
}

Result VisitsList(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto mg = r.OptId("microgrid_id");
  auto household = r.OptId("household_id");
  auto cycle = r.OptStr("cycle", 16);
  int64_t limit = r.OptInt("limit", 1, kMaxLimit).value_or(kDefaultLimit);
  auto before = r.OptInt("before", 0, kMaxTime);
  if (!r.ok()) return r.status();
  if (mg.has_value() == household.has_value()) {
    return InvalidArgument("query.scope_required", "give exactly one of microgrid_id, household_id");
  }
  Target t;
  if (mg) {
    WEIGE_RETURN_IF_ERROR(RegionChain(q.db(), *mg, "microgrid", &t.regions));
  } else {
    WEIGE_RETURN_IF_ERROR(TargetForHousehold(q.db(), *household, &t));
  }
  WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kRegionRead, t));
  Stmt s = q.db().Q(
      "SELECT id, household_id, cycle, outcome, worker_id, at, template_id, template_version,"
      " answers, notes, photos, lat, lng FROM visits"
      " WHERE (CAST(?1 AS TEXT) IS NULL OR microgrid_id = ?1)"
      " AND (CAST(?2 AS TEXT) IS NULL OR household_id = ?2)"
      " AND (CAST(?3 AS TEXT) IS NULL OR cycle = ?3) AND (CAST(?4 AS BIGINT) IS NULL OR at < ?4)"
      " ORDER BY at DESC, id LIMIT ?5");
  s.Bind(1, mg).Bind(2, household).Bind(3, cycle).Bind(4, before).Bind(5, limit);
  Json visits = Json::array();
  while (s.Step()) {
    visits.push_back({{"id", s.Text(0)},
                      {"household_id", s.Text(1)},
                      {"cycle", s.Text(2)},
                      {"outcome", s.Text(3)},
                      {"worker_id", s.Text(4)},
                      {"at", s.Int(5)},
                      {"template_id", StrOrNull(s.Text(6))},
                      {"template_version", s.IsNull(7) ? Json() : Json(s.Int(7))},
                      {"answers", JsonOrNull(s.Text(8))},
                      {"notes", StrOrNull(s.Text(9))},
                      {"photos", s.IsNull(10) ? Json::array() : JsonOrNull(s.Text(10))},
                      {"gps", s.IsNull(11) ? Json() : Json{{"lat", s.Double(11)}, {"lng", s.Double(12)}}}});
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"visits", visits}});
}

Result ItemsChecklist(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto building = r.OptId("building_id");
  auto mg = r.OptId("microgrid_id");
  auto owner_person = r.OptId("owner_person");
  auto owner_dept = r.OptId("owner_dept");
  int64_t now = r.Int("now", 0, kMaxTime);
  bool include_closed = r.Bool("include_closed", false);
  int64_t limit = r.OptInt("limit", 1, kMaxLimit).value_or(kDefaultLimit);
  if (!r.ok()) return r.status();
  int given = building.has_value() + mg.has_value() + owner_person.has_value() +
              owner_dept.has_value();
  if (given != 1) {
    return InvalidArgument("query.scope_required",
                           "give exactly one of building_id, microgrid_id, owner_person, owner_dept");
  }
  const Actor& a = q.actor();
  if (building) {
    Target t;
    WEIGE_RETURN_IF_ERROR(TargetForBuilding(q.db(), *building, &t));
    // Captains read their building's list; region readers theirs.
    if (!Can(a, Action::kRegionRead, t) && !Can(a, Action::kPatrol, t)) {
      return PermissionDenied("permission.denied", "not allowed to read this building's items");
    }
  } else if (mg) {
    WEIGE_RETURN_IF_ERROR(RequireRegionRead(q, *mg, "microgrid"));
  } else if (owner_person) {
    if (*owner_person != a.person_id && !a.Has(Role::kAdmin)) {
      return PermissionDenied("permission.denied", "one reads only one's own items");
    }
  } else {
    Target t;
    t.owner_dept = *owner_dept;
    bool ok = a.Has(Role::kAdmin);
    for (const Grant& g : a.grants) ok = ok || (g.role == Role::kDepartment && Covers(g, t));
    if (!ok) return PermissionDenied("permission.denied", "not a member of this department");
  }
  std::string where;
  if (building) where = "i.building_id = ?1";
  if (mg) where = "i.microgrid_id = ?1";
  if (owner_person) where = "i.owner_person = ?1";
  if (owner_dept) where = "(i.owner_dept = ?1 OR i.escalated_to = ?1)";
  Stmt s = q.db().Q(std::string("SELECT ") + kItemColumns +
                    ", weige_overdue(i.state, i.deadline, i.escalation_deadline,"
                    " i.acknowledged_at, ?2) AS od FROM items i WHERE " + where +
                    " AND (?3 OR i.state <> 'closed')"
                    " ORDER BY od DESC, i.state = 'closed', i.deadline IS NULL, i.deadline,"
                    " i.opened_at, i.id LIMIT ?4");
  std::string key = building ? *building : mg ? *mg : owner_person ? *owner_person : *owner_dept;
  s.Bind(1, key).Bind(2, now).Bind(3, include_closed ? 1 : 0).Bind(4, limit);
  Json items = Json::array();
  int64_t overdue = 0;
  RegionChains chains;
  while (s.Step()) {
    ItemRow it;
    ReadItemRow(s, &it);
    Target row_target;
    WEIGE_RETURN_IF_ERROR(TargetOfItem(q.db(), it, &row_target, &chains));
    // An owner's list may reach across the tree: each row is shown only to
    // who may read it (a scoped administrator sees its subtree's rows only).
    if (!Can(a, Action::kItemRead, row_target)) continue;
    Json j = ItemJson(it, now);
    j["actions"] = ItemActions(a, it, row_target);
    j["place"] = ItemPlace(q.db(), it);
    j["escalation"] = ItemEscalation(q.db(), it);
    if (j["overdue"].get<bool>()) ++overdue;
    items.push_back(std::move(j));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"items", items}, {"overdue", overdue}});
}

Result ItemDetail(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string id = r.Id("item_id");
  auto now = r.OptInt("now", 0, kMaxTime);
  if (!r.ok()) return r.status();
  ItemRow item;
  Target t;
  WEIGE_RETURN_IF_ERROR(LoadItem(q.db(), id, &item, &t));
  WEIGE_RETURN_IF_ERROR(Require(q.actor(), Action::kItemRead, t));
  Json j = ItemJson(item, now);
  j["actions"] = ItemActions(q.actor(), item, t);
  DuplicateActions(q.db(), q.actor(), item, t, &j["actions"]);
  j["place"] = ItemPlace(q.db(), item);
  j["escalation"] = ItemEscalation(q.db(), item);
  j["events"] = EventsOf(q.db(), "item", id);
  j["duplicates"] = ReportDuplicatesJson(q.db(), q.actor(), item);
  j["report"] = ReportContactJson(q.db(), q.actor(), item);  // the phone masked
  return Result::Ok(j);
}

Result ReportsMine(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  auto now = r.OptInt("now", 0, kMaxTime);
  int64_t limit = r.OptInt("limit", 1, kMaxLimit).value_or(kDefaultLimit);
  if (!r.ok()) return r.status();
  Stmt s = q.db().Q(
      "SELECT id, household_id, microgrid_id, building_id, unit, room, address, category,"
      " description, phone, photos, item_id, submitted_at, rating, eval_comment, evaluated_at,"
      " evaluated_episode, contact_ok, duplicate_of, follow_state, follow_episode"
      " FROM reports WHERE resident_id = ? ORDER BY submitted_at DESC, id LIMIT ?");
  s.Bind(1, q.actor().person_id).Bind(2, limit);
  Json reports = Json::array();
  std::vector<std::string> item_ids;
  std::vector<std::optional<int64_t>> episodes;  // evaluated_episode
  while (s.Step()) {
    reports.push_back({{"id", s.Text(0)},
                       {"household_id", s.Text(1)},
                       {"microgrid_id", s.Text(2)},
                       {"place", {{"building_id", StrOrNull(s.Text(3))},
                                  {"unit", StrOrNull(s.Text(4))},
                                  {"room", StrOrNull(s.Text(5))},
                                  {"address", StrOrNull(s.Text(6))}}},
                       {"category", s.Text(7)},
                       {"description", s.Text(8)},
                       {"phone", StrOrNull(s.Text(9))},
                       {"photos", s.IsNull(10) ? Json::array() : JsonOrNull(s.Text(10))},
                       {"item_id", s.Text(11)},
                       {"submitted_at", s.Int(12)},
                       {"rating", s.IsNull(13) ? Json() : Json(s.Int(13))},
                       {"comment", StrOrNull(s.Text(14))},
                       {"evaluated_at", s.IsNull(15) ? Json() : Json(s.Int(15))},
                       {"contact_ok", s.Int(17) != 0},
                       {"duplicate_of", StrOrNull(s.Text(18))},
                       {"follow_state", StrOrNull(s.Text(19))},
                       {"follow_episode", s.IsNull(20) ? Json() : Json(s.Int(20))}});
    item_ids.push_back(s.Text(11));
    episodes.push_back(s.IsNull(16) ? std::nullopt : std::optional<int64_t>(s.Int(16)));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  for (size_t i = 0; i < reports.size(); ++i) {
    ItemRow item;
    Target t;
    if (!LoadItem(q.db(), item_ids[i], &item, &t).ok()) continue;
    Json& rep = reports[i];
    rep["own_state"] = std::string(ItemStateName(item.state));
    // The building's name and WGS-84 position as item.detail's place has
    // them: a resident's device holds no building row, so from the item's
    // events (the server's item.opened carries its place).
    const Json place = ItemPlace(q.db(), item);
    if (place.contains("building")) rep["place"]["building"] = place["building"];
    if (place.contains("location")) rep["place"]["location"] = place["location"];
    if (rep["duplicate_of"].is_string()) {
      // A duplicate shows and is evaluated on its original's state
      // (duplicate_commands.cc); this device holds no row of the original.
      const Json& fs = rep["follow_state"];
      const Json& fe = rep["follow_episode"];
      ItemState followed =
          ParseItemState(fs.is_string() ? fs.get<std::string>() : "").value_or(ItemState::kOpen);
      rep["state"] = std::string(ItemStateName(followed));
      rep["overdue"] = Json();
      rep["can_evaluate"] =
          CanEvaluate(followed, episodes[i], fe.is_number_integer() ? fe.get<int64_t>() : 0);
    } else {
      rep["state"] = std::string(ItemStateName(item.state));
      rep["overdue"] = now ? Json(IsOverdue(item.state, item.deadline, item.escalation_deadline,
                                            item.acknowledged_at > 0, *now))
                           : Json();
      rep["can_evaluate"] = CanEvaluate(item.state, episodes[i], item.reopen_count);
    }
    Json timeline = EventsOf(q.db(), "report", rep["id"].get<std::string>());
    for (Json& e : EventsOf(q.db(), "item", item_ids[i])) timeline.push_back(std::move(e));
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const Json& a, const Json& b) { return a["seq"] < b["seq"]; });
    rep["timeline"] = std::move(timeline);
  }
  return Result::Ok({{"reports", reports}});
}

Result TemplatesCurrent(QueryCtx& q) {
  // Templates reach every device ("all"); the newest version of each id.
  Stmt s = q.db().Q(
      "SELECT t.id, t.version, t.body, t.published_at FROM templates t"
      " WHERE t.version = (SELECT MAX(version) FROM templates u WHERE u.id = t.id) ORDER BY t.id");
  Json out = Json::array();
  while (s.Step()) {
    out.push_back({{"id", s.Text(0)},
                   {"version", s.Int(1)},
                   {"body", JsonOrNull(s.Text(2))},
                   {"published_at", s.Int(3)}});
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  return Result::Ok({{"templates", out}});
}

// The findings a template's rules make of answers, before anything is
// recorded: the visit form offers "fixed on the spot" under exactly these
// questions. Answers are checked as visit.record checks them, except that
// unanswered required questions are not an error here.
Result TemplateFindings(QueryCtx& q) {
  FieldReader r(q.params(), "params");
  std::string id = r.Id("template_id");
  int64_t version = r.Int("template_version", 1, 1000000);
  const Json* answers = r.Object("answers", /*optional=*/true);
  if (!r.ok()) return r.status();
  Stmt s = q.db().Q("SELECT body FROM templates WHERE id = ? AND version = ?");
  s.Bind(1, id).Bind(2, version);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("template.not_found", "no template " + id + " version " + std::to_string(version));
  }
  ChecklistTemplate t;
  WEIGE_RETURN_IF_ERROR(ParseTemplate(JsonOrNull(s.Text(0)), &t));
  std::vector<Finding> found;
  WEIGE_RETURN_IF_ERROR(EvaluateAnswers(t, answers ? *answers : Json::object(), false, &found));
  Json out = Json::array();
  for (const Finding& f : found) {
    out.push_back({{"question", f.question_key}, {"category", f.spec.category},
                   {"title", f.spec.title}});
  }
  return Result::Ok({{"findings", out}});
}

// What a person's screens need to name their places: their grants with
// names, the micro-grids and buildings they work in, their own households,
// the departments, and the people holding a role in their micro-grids (the
// candidates for an assignment). Only rows the grants reach are listed.
Result DirectoryContext(QueryCtx& q) {
  constexpr int64_t kMaxRows = 500;
  const Actor& a = q.actor();
  Db& db = q.db();
  Json person = Json::object();
  {
    Stmt s = db.Q("SELECT id, name FROM people WHERE id = ?");
    s.Bind(1, a.person_id);
    if (s.Step()) person = {{"id", s.Text(0)}, {"name", s.Text(1)}};
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  Json grants = Json::array(), microgrids = Json::array(), buildings = Json::array();
  Json households = Json::array(), people = Json::array(), departments = Json::array();
  std::vector<std::string> mg_ids;
  auto add_mg = [&](const std::string& id, const std::string& name, const std::string& grid) {
    if (std::find(mg_ids.begin(), mg_ids.end(), id) != mg_ids.end()) return;
    mg_ids.push_back(id);
    microgrids.push_back({{"id", id}, {"name", name}, {"grid_id", StrOrNull(grid)}});
  };
  std::vector<std::string> building_ids;
  auto add_building = [&](Stmt& s) {  // id, name, address, microgrid_id, units, floors
    if (std::find(building_ids.begin(), building_ids.end(), s.Text(0)) != building_ids.end()) return;
    building_ids.push_back(s.Text(0));
    buildings.push_back({{"id", s.Text(0)},
                         {"name", s.Text(1)},
                         {"address", StrOrNull(s.Text(2))},
                         {"microgrid_id", s.Text(3)},
                         {"units", s.IsNull(4) ? Json() : Json(s.Int(4))},
                         {"floors", s.IsNull(5) ? Json() : Json(s.Int(5))}});
  };
  const char* kBuildingCols = "SELECT id, name, address, microgrid_id, units, floors FROM buildings";
  for (const Grant& g : a.grants) {
    Json name;
    if (g.role == Role::kWorker || g.role == Role::kGridHead || g.role == Role::kAdmin) {
      Stmt r = db.Q("SELECT name FROM regions WHERE id = ?");
      r.Bind(1, g.scope_id);
      if (r.Step()) name = r.Text(0);
      const bool all = g.scope_id == kEverywhere;
      Stmt m = db.Q(
          "SELECT id, name, grid_id FROM regions WHERE level = 'microgrid' AND (?1 OR id = ?2 OR"
          " grid_id = ?2 OR community_id = ?2 OR street_id = ?2 OR district_id = ?2)"
          " ORDER BY id LIMIT ?3");
      m.Bind(1, all ? 1 : 0).Bind(2, g.scope_id).Bind(3, kMaxRows);
      while (m.Step()) add_mg(m.Text(0), m.Text(1), m.Text(2));
      WEIGE_RETURN_IF_ERROR(m.status());
    } else if (g.role == Role::kCaptain) {
      Stmt b = db.Q(std::string(kBuildingCols) + " WHERE id = ?");
      b.Bind(1, g.scope_id);
      if (b.Step()) {
        name = b.Text(1);
        add_building(b);
      }
      WEIGE_RETURN_IF_ERROR(b.status());
    } else if (g.role == Role::kResident) {
      Stmt h = db.Q(
          "SELECT h.id, h.building_id, h.microgrid_id, h.unit, h.floor, h.room, b.name"
          " FROM households h LEFT JOIN buildings b ON b.id = h.building_id WHERE h.id = ?");
      h.Bind(1, g.scope_id);
      if (h.Step()) {
        households.push_back({{"id", h.Text(0)},
                              {"building_id", h.Text(1)},
                              {"microgrid_id", h.Text(2)},
                              {"unit", StrOrNull(h.Text(3))},
                              {"floor", h.IsNull(4) ? Json() : Json(h.Int(4))},
                              {"room", StrOrNull(h.Text(5))},
                              {"building_name", StrOrNull(h.Text(6))}});
        name = h.Text(6) + " " + h.Text(3) + " " + h.Text(5);
      }
      WEIGE_RETURN_IF_ERROR(h.status());
    } else if (g.role == Role::kDepartment) {
      Stmt d = db.Q("SELECT name FROM departments WHERE id = ?");
      d.Bind(1, g.scope_id);
      if (d.Step()) name = d.Text(0);
    }
    grants.push_back({{"role", std::string(RoleName(g.role))}, {"scope_id", g.scope_id},
                      {"name", name}});
  }
  for (const std::string& mg : mg_ids) {
    if (static_cast<int64_t>(buildings.size()) >= kMaxRows) break;
    Stmt b = db.Q(std::string(kBuildingCols) + " WHERE microgrid_id = ? ORDER BY name, id");
    b.Bind(1, mg);
    while (b.Step()) add_building(b);
    WEIGE_RETURN_IF_ERROR(b.status());
  }
  {
    Stmt d = db.Q("SELECT id, name, kind FROM departments ORDER BY kind, id LIMIT ?");
    d.Bind(1, kMaxRows);
    while (d.Step()) departments.push_back({{"id", d.Text(0)}, {"name", d.Text(1)}, {"kind", d.Text(2)}});
    WEIGE_RETURN_IF_ERROR(d.status());
  }
  // People with a worker, grid-head or captain role in the listed places.
  std::vector<std::string> places = mg_ids;
  places.insert(places.end(), building_ids.begin(), building_ids.end());
  if (!places.empty()) {
    Json list = Json::array();
    for (const std::string& p : places) list.push_back(p);
    for (const Json& m : microgrids) list.push_back(m["grid_id"].is_string() ? m["grid_id"] : Json(""));
    Stmt s = db.Q(
        "SELECT p.id, p.name, r.role, r.scope_id FROM roles r JOIN people p ON p.id = r.person_id"
        " WHERE r.role IN ('worker', 'grid_head', 'captain')"
        " AND r.scope_id IN " + JsonStrings(db, 1) + " ORDER BY r.role, p.id LIMIT ?2");
    s.Bind(1, DumpJson(list)).Bind(2, kMaxRows);
    while (s.Step()) {
      people.push_back({{"id", s.Text(0)}, {"name", s.Text(1)}, {"role", s.Text(2)},
                        {"scope_id", s.Text(3)}});
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  return Result::Ok({{"person", person},
                     {"grants", grants},
                     {"microgrids", microgrids},
                     {"buildings", buildings},
                     {"households", households},
                     {"departments", departments},
                     {"people", people}});
}

}  // namespace

void RegisterQueries(QueryTable* t) {
  (*t)["worker.households_due"] = HouseholdsDue;
  (*t)["visits.list"] = VisitsList;
  (*t)["items.checklist"] = ItemsChecklist;
  (*t)["item.detail"] = ItemDetail;
  (*t)["reports.mine"] = ReportsMine;
  (*t)["templates.current"] = TemplatesCurrent;
  (*t)["template.findings"] = TemplateFindings;
  (*t)["directory.context"] = DirectoryContext;
}

}  // namespace weige::store
