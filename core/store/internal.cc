#include "core/store/internal.h"

namespace weige::store {

Json JsonOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  Json j;
  if (!ParseJson(text, kMaxCommandBytes, &j).ok()) return nullptr;
  return j;
}

Json StrOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Status LoadActor(Db& db, const std::string& person_id, Actor* out) {
  // One statement for the person and their grants (a round trip each on
  // PostgreSQL, where a command's statements are its cost).
  Stmt s = db.Q(
      "SELECT r.role, r.scope_id FROM people p LEFT JOIN roles r ON r.person_id = p.id"
      " WHERE p.id = ?");
  s.Bind(1, person_id);
  out->person_id = person_id;
  out->grants.clear();
  bool found = false;
  while (s.Step()) {
    found = true;
    if (s.IsNull(0)) continue;
    auto role = ParseRole(s.Text(0));
    if (role) out->grants.push_back({*role, s.Text(1)});
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  if (!found) return NotFound("actor.unknown", "no person with id " + person_id);
  return Status::Ok();
}

Status RegionChain(Db& db, const std::string& region_id, const char* want_level,
                   std::vector<std::string>* chain, std::string* level) {
  Stmt s = db.Q(
      "SELECT level, district_id, street_id, community_id, grid_id FROM regions WHERE id = ?");
  s.Bind(1, region_id);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    std::string what = want_level ? want_level : "region";
    return NotFound(what + ".not_found", "no " + what + " with id " + region_id);
  }
  std::string lvl = s.Text(0);
  if (want_level != nullptr && lvl != want_level) {
    return InvalidArgument("region.wrong_level",
                           region_id + " is a " + lvl + ", not a " + want_level);
  }
  chain->clear();
  for (int c = 1; c <= 4; ++c) {
    if (!s.IsNull(c) && s.Text(c) != region_id) chain->push_back(s.Text(c));
  }
  chain->push_back(region_id);
  if (level != nullptr) *level = lvl;
  return Status::Ok();
}

Status TargetForBuilding(Db& db, const std::string& building_id, Target* t,
                         std::string* microgrid_id) {
  Stmt s = db.Q("SELECT microgrid_id FROM buildings WHERE id = ?");
  s.Bind(1, building_id);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("building.not_found", "no building with id " + building_id);
  }
  std::string mg = s.Text(0);
  t->building_id = building_id;
  if (microgrid_id != nullptr) *microgrid_id = mg;
  return RegionChain(db, mg, "microgrid", &t->regions);
}

Status TargetForHousehold(Db& db, const std::string& household_id, Target* t,
                          std::string* microgrid_id, std::string* building_id) {
  Stmt s = db.Q("SELECT building_id, microgrid_id FROM households WHERE id = ?");
  s.Bind(1, household_id);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("household.not_found", "no household with id " + household_id);
  }
  t->household_id = household_id;
  t->building_id = s.Text(0);
  std::string mg = s.Text(1);
  if (microgrid_id != nullptr) *microgrid_id = mg;
  if (building_id != nullptr) *building_id = t->building_id;
  return RegionChain(db, mg, "microgrid", &t->regions);
}

Status Require(const Actor& actor, Action action, const Target& target) {
  if (Can(actor, action, target)) return Status::Ok();
  return PermissionDenied("permission.denied", "person " + actor.person_id + " may not " +
                                                   std::string(ActionName(action)) + " here");
}

Status RequireAdminOfEverything(const Actor& actor) {
  for (const Grant& g : actor.grants) {
    if (g.role == Role::kAdmin && g.scope_id == kEverywhere) return Status::Ok();
  }
  return PermissionDenied("permission.denied", "only an administrator of everything may do this");
}

const char kItemColumns[] =
    "i.id, i.microgrid_id, i.building_id, i.household_id, i.category, i.title, i.description,"
    " i.state, i.source, i.source_id, i.owner_person, i.owner_dept, i.escalated_to,"
    " i.deadline, i.escalation_deadline, i.acknowledged_at, i.opened_by, i.fixed_by,"
    " i.closed_by, i.opened_at, i.fixed_at, i.closed_at, i.reopen_count, i.updated_at,"
    " (SELECT resident_id FROM reports r WHERE r.item_id = i.id), i.duplicate_of";

void ReadItemRow(const Stmt& s, ItemRow* it) {
  it->id = s.Text(0);
  it->microgrid_id = s.Text(1);
  it->building_id = s.Text(2);
  it->household_id = s.Text(3);
  it->category = s.Text(4);
  it->title = s.Text(5);
  it->description = s.Text(6);
  it->state = ParseItemState(s.Text(7)).value_or(ItemState::kOpen);
  it->source = s.Text(8);
  it->source_id = s.Text(9);
  it->owner_person = s.Text(10);
  it->owner_dept = s.Text(11);
  it->escalated_to = s.Text(12);
  it->deadline = s.Int(13);
  it->escalation_deadline = s.Int(14);
  it->acknowledged_at = s.Int(15);
  it->opened_by = s.Text(16);
  it->fixed_by = s.Text(17);
  it->closed_by = s.Text(18);
  it->opened_at = s.Int(19);
  it->fixed_at = s.Int(20);
  it->closed_at = s.Int(21);
  it->reopen_count = s.Int(22);
  it->updated_at = s.Int(23);
  it->reporter = s.Text(24);
  it->duplicate_of = s.Text(25);
}

Status LoadItem(Db& db, const std::string& item_id, ItemRow* item, Target* target) {
  Stmt s = db.Q(std::string("SELECT ") + kItemColumns + " FROM items i WHERE i.id = ?");
  s.Bind(1, item_id);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("item.not_found", "no item with id " + item_id);
  }
  ReadItemRow(s, item);
  return TargetOfItem(db, *item, target);
}

Status TargetOfItem(Db& db, const ItemRow& item, Target* target, RegionChains* chains) {
  target->building_id = item.building_id;
  target->household_id = item.household_id;
  target->owner_person = item.owner_person;
  target->owner_dept = item.owner_dept;
  target->escalated_to = item.escalated_to;
  target->reporter = item.reporter;
  if (chains != nullptr) {
    auto it = chains->find(item.microgrid_id);
    if (it != chains->end()) {
      target->regions = it->second;
      return Status::Ok();
    }
  }
  // A device holds only its scope: a department's phone has the items
  // assigned to it but not their micro-grid's regions. Without the chain the
  // item is still judged by its parties (owner, reporter, building,
  // household); no region grant can reach it there anyway.
  Status chain = RegionChain(db, item.microgrid_id, "microgrid", &target->regions);
  if (chain.code == Code::kNotFound) {
    target->regions.clear();
    chain = Status::Ok();
  }
  if (chain.ok() && chains != nullptr) (*chains)[item.microgrid_id] = target->regions;
  return chain;
}

Json ItemJson(const ItemRow& i, std::optional<int64_t> now) {
  auto time_or_null = [](int64_t t) { return t > 0 ? Json(t) : Json(nullptr); };
  Json j = {
      {"id", i.id},
      {"microgrid_id", i.microgrid_id},
      {"building_id", StrOrNull(i.building_id)},
      {"household_id", StrOrNull(i.household_id)},
      {"category", i.category},
      {"title", i.title},
      {"description", StrOrNull(i.description)},
      {"state", std::string(ItemStateName(i.state))},
      {"source", i.source},
      {"source_id", StrOrNull(i.source_id)},
      {"owner_person", StrOrNull(i.owner_person)},
      {"owner_dept", StrOrNull(i.owner_dept)},
      {"deadline", time_or_null(i.deadline)},
      {"escalated_to", StrOrNull(i.escalated_to)},
      {"escalation_deadline", time_or_null(i.escalation_deadline)},
      {"acknowledged_at", time_or_null(i.acknowledged_at)},
      {"opened_by", i.opened_by},
      {"opened_at", i.opened_at},
      {"fixed_by", StrOrNull(i.fixed_by)},
      {"fixed_at", time_or_null(i.fixed_at)},
      {"closed_by", StrOrNull(i.closed_by)},
      {"closed_at", time_or_null(i.closed_at)},
      {"reopen_count", i.reopen_count},
      {"updated_at", i.updated_at},
      {"duplicate_of", StrOrNull(i.duplicate_of)},
  };
  if (now) {
    j["overdue"] = IsOverdue(i.state, i.deadline, i.escalation_deadline, i.acknowledged_at > 0,
                             *now);
  }
  return j;
}

Json PlaceFromRows(Db& db, const ItemRow& i) {
  Json p = Json::object();
  {
    Stmt s = db.Q("SELECT name FROM regions WHERE id = ?");
    s.Bind(1, i.microgrid_id);
    if (s.Step()) p["microgrid"] = s.Text(0);
  }
  if (!i.building_id.empty()) {
    Stmt s = db.Q("SELECT name, address, lat, lng FROM buildings WHERE id = ?");
    s.Bind(1, i.building_id);
    if (s.Step()) {
      p["building"] = s.Text(0);
      if (!s.IsNull(1) && !s.Text(1).empty()) p["address"] = s.Text(1);
      // The building's WGS-84 position (the apps convert for their maps);
      // null: the building is known and not placed.
      p["location"] = s.IsNull(2) || s.IsNull(3) ? Json()
                                                 : Json{{"lat", s.Double(2)}, {"lng", s.Double(3)}};
    }
  }
  if (!i.household_id.empty()) {
    Stmt s = db.Q("SELECT unit, room FROM households WHERE id = ?");
    s.Bind(1, i.household_id);
    if (s.Step()) {
      if (!s.IsNull(0) && !s.Text(0).empty()) p["unit"] = s.Text(0);
      if (!s.IsNull(1) && !s.Text(1).empty()) p["room"] = s.Text(1);
    }
  }
  return p;
}

Json ItemPlace(Db& db, const ItemRow& i) {
  Json p = PlaceFromRows(db, i);
  const bool complete = p.contains("microgrid") && (i.building_id.empty() || p.contains("building")) &&
                        (i.household_id.empty() || p.contains("unit") || p.contains("room"));
  if (complete) return p;
  Stmt s = db.Q(
      "SELECT data FROM events WHERE entity = 'item' AND entity_id = ?"
      " AND type IN ('item.escalated', 'item.assigned', 'item.opened') ORDER BY seq DESC");
  s.Bind(1, i.id);
  while (s.Step()) {
    Json data = JsonOrNull(s.Text(0));
    if (!data.is_object() || !data.contains("place") || !data["place"].is_object()) continue;
    for (const char* key : {"microgrid", "building", "address", "unit", "room"}) {
      auto it = data["place"].find(key);
      if (!p.contains(key) && it != data["place"].end() && it->is_string()) p[key] = *it;
    }
    auto loc = data["place"].find("location");
    if (!p.contains("location") && loc != data["place"].end() && (loc->is_object() || loc->is_null())) {
      p["location"] = *loc;
    }
    break;
  }
  return p;
}

std::string PersonName(Db& db, const std::string& person_id) {
  Stmt s = db.Q("SELECT name FROM people WHERE id = ?");
  s.Bind(1, person_id);
  return s.Step() ? s.Text(0) : std::string();
}

Json ItemEscalation(Db& db, const ItemRow& i) {
  if (i.escalated_to.empty()) return nullptr;
  Json e = {{"department_id", i.escalated_to},
            {"deadline", i.escalation_deadline > 0 ? Json(i.escalation_deadline) : Json()},
            {"acknowledged_at", i.acknowledged_at > 0 ? Json(i.acknowledged_at) : Json()},
            {"by", nullptr}, {"by_name", nullptr}, {"at", nullptr}, {"reason", nullptr}};
  Stmt s = db.Q(
      "SELECT actor, at, reason, data FROM events WHERE entity = 'item' AND entity_id = ?"
      " AND type = 'item.escalated' ORDER BY seq DESC LIMIT 1");
  s.Bind(1, i.id);
  if (s.Step()) {
    e["by"] = s.Text(0);
    e["at"] = s.Int(1);
    e["reason"] = StrOrNull(s.Text(2));
    std::string name = PersonName(db, s.Text(0));
    Json data = JsonOrNull(s.Text(3));
    if (name.empty() && data.is_object() && data.contains("by_name") && data["by_name"].is_string()) {
      name = data["by_name"].get<std::string>();
    }
    e["by_name"] = StrOrNull(name);
  }
  return e;
}

Status Tx::Event(const char* entity, const std::string& entity_id, const std::string& type,
                 const std::string& reason, const Json& data,
                 const std::vector<std::string>& evidence) {
  Stmt s = db_.Q(
      "INSERT INTO events(command_id, entity, entity_id, type, actor, at, server_at, reason,"
      " data, evidence) VALUES(?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, id).Bind(2, entity).Bind(3, entity_id).Bind(4, type).Bind(5, actor_.person_id);
  s.Bind(6, at).Bind(7, options_.server_time).BindOrNull(8, reason);
  if (data.is_null()) {
    s.Bind(9, nullptr);
  } else {
    s.Bind(9, DumpJson(data));
  }
  if (evidence.empty()) {
    s.Bind(10, nullptr);
  } else {
    s.Bind(10, DumpJson(Json(evidence)));
  }
  return s.Run();
}

Status Tx::OpenItem(const NewItem& n) {
  {
    Stmt dup = db_.Q("SELECT 1 FROM items WHERE id = ?");
    dup.Bind(1, n.id);
    if (dup.Step()) return Conflict("item.exists", "an item with id " + n.id + " exists");
    WEIGE_RETURN_IF_ERROR(dup.status());
  }
  const bool fixed = !n.fixed_evidence.empty();
  Stmt s = db_.Q(
      "INSERT INTO items(id, microgrid_id, building_id, household_id, category, title,"
      " description, state, source, source_id, deadline, opened_by, opened_at, fixed_by,"
      " fixed_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, n.id).Bind(2, n.microgrid_id).BindOrNull(3, n.building_id)
      .BindOrNull(4, n.household_id).Bind(5, n.category).Bind(6, n.title)
      .BindOrNull(7, n.description).Bind(8, fixed ? "fixed" : "open").Bind(9, n.source)
      .BindOrNull(10, n.source_id);
  if (n.deadline > 0) {
    s.Bind(11, n.deadline);
  } else {
    s.Bind(11, nullptr);
  }
  s.Bind(12, actor_.person_id).Bind(13, at);
  if (fixed) {
    s.Bind(14, actor_.person_id).Bind(15, at);
  } else {
    s.Bind(14, nullptr).Bind(15, nullptr);
  }
  s.Bind(16, at);
  WEIGE_RETURN_IF_ERROR(s.Run());
  Json data = {{"category", n.category}, {"title", n.title}, {"source", n.source}};
  if (!n.source_id.empty()) data["source_id"] = n.source_id;
  if (n.source == "report") {
    // A resident's device holds no building row: the place as this store
    // knows it (the server's, once synced) travels with the item to them.
    ItemRow row;
    row.id = n.id;
    row.microgrid_id = n.microgrid_id;
    row.building_id = n.building_id;
    row.household_id = n.household_id;
    data["place"] = PlaceFromRows(db_, row);
  }
  if (n.deadline > 0) data["deadline"] = n.deadline;
  WEIGE_RETURN_IF_ERROR(Event("item", n.id, "item.opened", "", data, n.photos));
  if (fixed) {
    WEIGE_RETURN_IF_ERROR(
        Event("item", n.id, "item.fixed", "immediate_fix", Json::object(), n.fixed_evidence));
  }
  return Status::Ok();
}

std::string JsonStrings(const Db& db, int n) {
  const std::string p = "?" + std::to_string(n);
  return db.dialect() == Dialect::kPostgres
             ? "(SELECT json_array_elements_text(CAST(" + p + " AS JSON)))"
             : "(SELECT value FROM json_each(" + p + "))";
}

std::string JsonInts(const Db& db, int n) {
  const std::string p = "?" + std::to_string(n);
  return db.dialect() == Dialect::kPostgres
             ? "(SELECT CAST(json_array_elements_text(CAST(" + p + " AS JSON)) AS BIGINT))"
             : "(SELECT value FROM json_each(" + p + "))";
}

}  // namespace weige::store
