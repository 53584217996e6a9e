// region/department/building/household/person upsert, role.grant/revoke,
// template.publish.
#include "core/domain/checklist_template.h"
#include "core/domain/geo.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

constexpr const char* kLevels[] = {"district", "street", "community", "grid", "microgrid"};

int LevelIndex(const std::string& level) {
  for (int i = 0; i < 5; ++i) {
    if (level == kLevels[i]) return i;
  }
  return -1;
}

Status RequireAnyAdmin(const Actor& actor) {
  if (actor.Has(Role::kAdmin)) return Status::Ok();
  return PermissionDenied("permission.denied", "only an administrator may do this");
}


// Whether `actor` administers a grant of `role` over `scope` (whose target is
// `target`): an administrator whose scope reaches it; "everywhere" and
// department grants (departments sit outside the region tree) only by an
// administrator of everything.
Status RequireAdminOver(const Actor& actor, Role role, const std::string& scope,
                        const Target& target) {
  for (const Grant& g : actor.grants) {
    if (g.role != Role::kAdmin) continue;
    if (g.scope_id == kEverywhere) return Status::Ok();
    if (scope != kEverywhere && role != Role::kDepartment && Covers(g, target)) {
      return Status::Ok();
    }
  }
  return PermissionDenied("permission.denied", "no administrator scope over " + scope);
}

// The end of an upsert whose INSERT ... ON CONFLICT DO UPDATE ... WHERE
// <some column differs> just ran: an upsert that changed nothing writes no
// event and answers {"<entity>_id": id, "unchanged": true} (a register
// imported twice leaves the event log as it was). `changed` overrides the
// statement's own change count (a building's upsert runs a second UPDATE).
Result Upserted(Tx& tx, const char* entity, const std::string& id,
                std::optional<bool> changed = std::nullopt) {
  Json value = {{std::string(entity) + "_id", id}};
  if (!changed.value_or(tx.db().Changes() > 0)) {
    value["unchanged"] = true;
    return Result::Ok(value);
  }
  Status s = tx.Event(entity, id, std::string(entity) + ".upserted", "", *tx.payload);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok(value);
}

Result RegionUpsert(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("id");
  auto parent = r.OptId("parent_id");
  std::string level = r.Enum("level", {"district", "street", "community", "grid", "microgrid"});
  std::string name = r.Text("name", kNameBytes);
  auto code = r.OptStr("code", 64);
  if (!r.ok()) return Result::Fail(r.status());
  if (id == kEverywhere) return Result::Fail(InvalidArgument("region.reserved_id", "* is reserved"));
  if ((level == "district") != !parent.has_value()) {
    return Result::Fail(InvalidArgument(
        "region.bad_parent", "a district has no parent; every other region has one"));
  }
  Target target;
  std::vector<std::string> ancestors(4);  // district, street, community, grid
  if (parent) {
    std::string parent_level;
    Status s = RegionChain(tx.db(), *parent, nullptr, &target.regions, &parent_level);
    if (!s.ok()) return Result::Fail(s);
    if (LevelIndex(parent_level) + 1 != LevelIndex(level)) {
      return Result::Fail(InvalidArgument(
          "region.bad_parent", "a " + level + " cannot sit under a " + parent_level));
    }
    for (size_t i = 0; i < target.regions.size() && i < 4; ++i) ancestors[i] = target.regions[i];
  }
  if (LevelIndex(level) < 4) ancestors[static_cast<size_t>(LevelIndex(level))] = id;
  Status s = Require(tx.actor(), Action::kManageDirectory, target);
  if (!s.ok()) return Result::Fail(s);
  {
    Stmt old = tx.db().Q("SELECT parent_id, level FROM regions WHERE id = ?");
    old.Bind(1, id);
    if (old.Step() && (old.Text(0) != parent.value_or("") || old.Text(1) != level)) {
      return Result::Fail(FailedPrecondition("region.moved",
                                             "a region's parent and level cannot change"));
    }
  }
  Stmt w = tx.db().Q(
      "INSERT INTO regions(id, parent_id, level, name, code, district_id, street_id,"
      " community_id, grid_id) VALUES(?,?,?,?,?,?,?,?,?)"
      " ON CONFLICT(id) DO UPDATE SET name = excluded.name, code = excluded.code"
      " WHERE regions.name IS DISTINCT FROM excluded.name"
      " OR regions.code IS DISTINCT FROM excluded.code");
  w.Bind(1, id).Bind(2, parent).Bind(3, level).Bind(4, name).Bind(5, code);
  for (int i = 0; i < 4; ++i) w.BindOrNull(6 + i, ancestors[static_cast<size_t>(i)]);
  s = w.Run();
  if (!s.ok()) return Result::Fail(s);
  return Upserted(tx, "region", id);
}

Result DepartmentUpsert(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("id");
  std::string name = r.Text("name", kNameBytes);
  std::string kind = r.Enum("kind", {"property", "bureau", "utility", "other"});
  if (!r.ok()) return Result::Fail(r.status());
  Status s = RequireAdminOfEverything(tx.actor());
  if (!s.ok()) return Result::Fail(s);
  Stmt w = tx.db().Q(
      "INSERT INTO departments(id, name, kind) VALUES(?,?,?) ON CONFLICT(id) DO UPDATE SET"
      " name = excluded.name, kind = excluded.kind"
      " WHERE departments.name IS DISTINCT FROM excluded.name"
      " OR departments.kind IS DISTINCT FROM excluded.kind");
  s = w.Bind(1, id).Bind(2, name).Bind(3, kind).Run();
  if (!s.ok()) return Result::Fail(s);
  return Upserted(tx, "department", id);
}

Result BuildingUpsert(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("id");
  std::string mg = r.Id("microgrid_id");
  std::string name = r.Text("name", kNameBytes);
  auto address = r.OptText("address", kNameBytes);
  auto units = r.OptInt("units", 0, 100);
  auto floors = r.OptInt("floors", 0, 200);
  // WGS-84 coordinates, both or neither; absent keeps those the building has
  // (a register without them, or a worker's building.locate, is not undone).
  auto lat = r.OptNumber("lat", -90, 90);
  auto lng = r.OptNumber("lng", -180, 180);
  if (r.ok() && lat.has_value() != lng.has_value()) {
    r.Fail(lat ? "lng" : "lat", "argument.missing", "is required with the other coordinate");
  }
  if (!r.ok()) return Result::Fail(r.status());
  if (lat) lat = geo::RoundCoordinate(*lat);
  if (lng) lng = geo::RoundCoordinate(*lng);
  Target target;
  Status s = RegionChain(tx.db(), mg, "microgrid", &target.regions);
  if (s.ok()) s = Require(tx.actor(), Action::kManageBuilding, target);
  if (!s.ok()) return Result::Fail(s);
  Target old;
  std::string old_mg;
  if (TargetForBuilding(tx.db(), id, &old, &old_mg).ok()) {
    s = Require(tx.actor(), Action::kManageBuilding, old);
    if (!s.ok()) return Result::Fail(s);
  }
  Stmt w = tx.db().Q(
      "INSERT INTO buildings(id, microgrid_id, name, address, units, floors, lat, lng)"
      " VALUES(?,?,?,?,?,?,?,?)"
      " ON CONFLICT(id) DO UPDATE SET microgrid_id = excluded.microgrid_id,"
      " name = excluded.name, address = excluded.address, units = excluded.units,"
      " floors = excluded.floors, lat = COALESCE(excluded.lat, buildings.lat),"
      " lng = COALESCE(excluded.lng, buildings.lng)"
      " WHERE buildings.microgrid_id IS DISTINCT FROM excluded.microgrid_id"
      " OR buildings.name IS DISTINCT FROM excluded.name"
      " OR buildings.address IS DISTINCT FROM excluded.address"
      " OR buildings.units IS DISTINCT FROM excluded.units"
      " OR buildings.floors IS DISTINCT FROM excluded.floors"
      " OR (excluded.lat IS NOT NULL AND (buildings.lat IS DISTINCT FROM excluded.lat"
      " OR buildings.lng IS DISTINCT FROM excluded.lng))");
  s = w.Bind(1, id).Bind(2, mg).Bind(3, name).Bind(4, address).Bind(5, units).Bind(6, floors)
          .Bind(7, lat).Bind(8, lng).Run();
  const bool changed = s.ok() && tx.db().Changes() > 0;
  // Only a moved building moves its households: the UPDATE scans every
  // household (no index on building_id): ~45 ms at full scale (630k).
  if (s.ok() && !old_mg.empty() && old_mg != mg) {
    Stmt hh = tx.db().Q("UPDATE households SET microgrid_id = ? WHERE building_id = ?");
    s = hh.Bind(1, mg).Bind(2, id).Run();
  }
  if (!s.ok()) return Result::Fail(s);
  return Upserted(tx, "building", id, changed);
}

Result HouseholdUpsert(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("id");
  std::string building = r.Id("building_id");
  auto unit = r.OptText("unit", 32);
  auto floor = r.OptInt("floor", -10, 200);
  auto room = r.OptText("room", 32);
  auto head = r.OptText("head_name", kNameBytes);
  auto members = r.OptInt("members", 0, 100);
  auto phone = r.OptStr("phone", 32);
  const Json* tags = r.Array("tags", 20, /*optional=*/true);
  if (tags != nullptr) {
    for (const Json& t : *tags) {
      if (!t.is_string() || t.get_ref<const std::string&>().empty() ||
          t.get_ref<const std::string&>().size() > 64) {
        r.Fail("tags", "argument.wrong_type", "must hold short strings");
      }
    }
  }
  if (!r.ok()) return Result::Fail(r.status());
  Target target;
  std::string mg;
  Status s = TargetForBuilding(tx.db(), building, &target, &mg);
  if (s.ok()) s = Require(tx.actor(), Action::kManageHousehold, target);
  if (!s.ok()) return Result::Fail(s);
  Target old;
  if (TargetForHousehold(tx.db(), id, &old).ok()) {
    s = Require(tx.actor(), Action::kManageHousehold, old);
    if (!s.ok()) return Result::Fail(s);
  }
  Stmt w = tx.db().Q(
      "INSERT INTO households(id, building_id, microgrid_id, unit, floor, room, head_name,"
      " members, phone, tags) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
      " building_id = excluded.building_id, microgrid_id = excluded.microgrid_id,"
      " unit = excluded.unit, floor = excluded.floor, room = excluded.room,"
      " head_name = excluded.head_name, members = excluded.members, phone = excluded.phone,"
      " tags = excluded.tags"
      " WHERE households.building_id IS DISTINCT FROM excluded.building_id"
      " OR households.unit IS DISTINCT FROM excluded.unit"
      " OR households.floor IS DISTINCT FROM excluded.floor"
      " OR households.room IS DISTINCT FROM excluded.room"
      " OR households.head_name IS DISTINCT FROM excluded.head_name"
      " OR households.members IS DISTINCT FROM excluded.members"
      " OR households.phone IS DISTINCT FROM excluded.phone"
      " OR households.tags IS DISTINCT FROM excluded.tags");
  w.Bind(1, id).Bind(2, building).Bind(3, mg).Bind(4, unit).Bind(5, floor).Bind(6, room);
  w.Bind(7, head).Bind(8, members).Bind(9, phone);
  if (tags != nullptr) {
    w.Bind(10, DumpJson(*tags));
  } else {
    w.Bind(10, nullptr);
  }
  s = w.Run();
  if (!s.ok()) return Result::Fail(s);
  return Upserted(tx, "household", id);
}

Status ScopeTarget(Db& db, Role role, const std::string& scope, Target* t);

// An existing person is edited only by an administrator over every grant
// they hold (a scoped administrator edits nobody who works outside its
// subtree); a new person, or one with no grants, by any administrator.
Status RequireManagesPerson(Tx& tx, const std::string& person_id) {
  return ManagesPerson(tx.db(), tx.actor(), person_id);
}

Result PersonUpsert(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string id = r.Id("id");
  std::string name = r.Text("name", kNameBytes);
  auto phone = r.OptStr("phone", 32);
  if (!r.ok()) return Result::Fail(r.status());
  Status s = RequireAnyAdmin(tx.actor());
  if (s.ok()) s = RequireManagesPerson(tx, id);
  if (!s.ok()) return Result::Fail(s);
  Stmt w = tx.db().Q(
      "INSERT INTO people(id, name, phone) VALUES(?,?,?) ON CONFLICT(id) DO UPDATE SET"
      " name = excluded.name, phone = excluded.phone"
      " WHERE people.name IS DISTINCT FROM excluded.name"
      " OR people.phone IS DISTINCT FROM excluded.phone");
  s = w.Bind(1, id).Bind(2, name).Bind(3, phone).Run();
  if (!s.ok()) return Result::Fail(s);
  return Upserted(tx, "person", id);
}

// The target a grant's scope stands for, checking it exists and fits the role.
Status ScopeTarget(Db& db, Role role, const std::string& scope, Target* t) {
  switch (role) {
    case Role::kWorker:
      return RegionChain(db, scope, "microgrid", &t->regions);
    case Role::kGridHead:
    case Role::kAdmin:
    case Role::kPartner:
      if (role == Role::kAdmin && scope == kEverywhere) return Status::Ok();
      return RegionChain(db, scope, nullptr, &t->regions);
    case Role::kCaptain:
      return TargetForBuilding(db, scope, t);
    case Role::kResident:
      return TargetForHousehold(db, scope, t);
    case Role::kDepartment: {
      Stmt s = db.Q("SELECT 1 FROM departments WHERE id = ?");
      s.Bind(1, scope);
      if (s.Step()) return Status::Ok();
      return NotFound("department.not_found", "no department with id " + scope);
    }
  }
  return Internal("role.unknown", "unknown role");
}

Result RoleChange(Tx& tx, bool grant) {
  FieldReader r(*tx.payload, "payload");
  std::string person = r.Id("person_id");
  std::string role_name =
      r.Enum("role", {"worker", "grid_head", "captain", "resident", "department", "admin",
                      "partner"});
  std::string scope = r.Str("scope_id", 64);
  if (!r.ok()) return Result::Fail(r.status());
  if (scope != kEverywhere && !IsValidId(scope)) {
    return Result::Fail(InvalidArgument("argument.invalid_id", "payload.scope_id is not an id"));
  }
  Role role = *ParseRole(role_name);
  Actor subject;
  Status s = LoadActor(tx.db(), person, &subject);
  if (!s.ok()) return Result::Fail(NotFound("person.not_found", "no person with id " + person));
  Target target;
  s = ScopeTarget(tx.db(), role, scope, &target);
  if (!s.ok()) return Result::Fail(s);
  s = RequireAdminOver(tx.actor(), role, scope, target);
  if (!s.ok()) return Result::Fail(s);
  Stmt w = tx.db().Q(grant ? "INSERT INTO roles(person_id, role, scope_id) VALUES(?,?,?)"
                                 " ON CONFLICT DO NOTHING"
                           : "DELETE FROM roles WHERE person_id = ? AND role = ? AND scope_id = ?");
  s = w.Bind(1, person).Bind(2, role_name).Bind(3, scope).Run();
  if (s.ok() && tx.db().Changes() == 0) {
    s = grant ? FailedPrecondition("role.already_granted", "the person holds this role already")
              : NotFound("role.not_granted", "the person does not hold this role");
  }
  if (s.ok()) {
    s = tx.Event("person", person, grant ? "role.granted" : "role.revoked", "", *tx.payload);
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"person_id", person}, {"role", role_name}, {"scope_id", scope}});
}

Result RoleGrant(Tx& tx) { return RoleChange(tx, true); }
Result RoleRevoke(Tx& tx) { return RoleChange(tx, false); }

Result TemplatePublish(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  const Json* body = r.Object("template");
  if (!r.ok()) return Result::Fail(r.status());
  ChecklistTemplate t;
  Status s = ParseTemplate(*body, &t);
  if (s.ok()) s = RequireAdminOfEverything(tx.actor());
  if (!s.ok()) return Result::Fail(s);
  {
    Stmt latest = tx.db().Q("SELECT MAX(version) FROM templates WHERE id = ?");
    latest.Bind(1, t.id);
    if (latest.Step() && !latest.IsNull(0) && latest.Int(0) >= t.version) {
      return Result::Fail(Conflict("template.version_exists",
                                   "template " + t.id + " already has version " +
                                       std::to_string(latest.Int(0)) + " or newer"));
    }
  }
  Stmt w = tx.db().Q("INSERT INTO templates(id, version, body, published_at) VALUES(?,?,?,?)");
  s = w.Bind(1, t.id).Bind(2, t.version).Bind(3, DumpJson(*body)).Bind(4, tx.at).Run();
  if (s.ok()) {
    s = tx.Event("template", t.id, "template.published", "", {{"version", t.version}});
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"template_id", t.id}, {"version", t.version}});
}

}  // namespace

Status ManagesPerson(Db& db, const Actor& actor, const std::string& person_id) {
  WEIGE_RETURN_IF_ERROR(RequireAnyAdmin(actor));
  Actor subject;
  if (!LoadActor(db, person_id, &subject).ok()) return Status::Ok();
  for (const Grant& g : subject.grants) {
    Target t;
    (void)ScopeTarget(db, g.role, g.scope_id, &t);  // a vanished scope: no region reaches it
    WEIGE_RETURN_IF_ERROR(RequireAdminOver(actor, g.role, g.scope_id, t));
  }
  return Status::Ok();
}

void RegisterDirectoryCommands(CommandTable* t) {
  (*t)["region.upsert"] = RegionUpsert;
  (*t)["department.upsert"] = DepartmentUpsert;
  (*t)["building.upsert"] = BuildingUpsert;
  (*t)["household.upsert"] = HouseholdUpsert;
  (*t)["person.upsert"] = PersonUpsert;
  (*t)["role.grant"] = RoleGrant;
  (*t)["role.revoke"] = RoleRevoke;
  (*t)["template.publish"] = TemplatePublish;
}

}  // namespace weige::store
