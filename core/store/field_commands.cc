// visit.record, patrol.record, report.submit, report.evaluate: the work done
// in the field, whose findings open items in the same transaction.
#include "core/domain/checklist_template.h"
#include "core/domain/report_categories.h"
#include "core/store/internal.h"

namespace weige::store {

namespace {

constexpr size_t kMaxFindings = 50;
// Ids of records whose findings derive item ids ("<id>.<n>") stay short enough.
constexpr size_t kMaxParentIdBytes = 56;
// A report's rating at or below this reopens its item.
constexpr int64_t kUnsatisfiedRating = 2;
// A rating at or above this counts as satisfied.
constexpr int64_t kSatisfiedRating = 4;

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// "2026-11" (month), "2026-W47" (week) or "2026-Q4" (quarter).
bool IsValidCycle(std::string_view c) {
  if (c.size() < 7 || !IsDigits(c.substr(0, 4)) || c[4] != '-') return false;
  std::string_view rest = c.substr(5);
  if (rest.size() == 2 && IsDigits(rest)) {
    int m = (rest[0] - '0') * 10 + (rest[1] - '0');
    return m >= 1 && m <= 12;
  }
  if (rest.size() == 3 && rest[0] == 'W' && IsDigits(rest.substr(1))) {
    int w = (rest[1] - '0') * 10 + (rest[2] - '0');
    return w >= 1 && w <= 53;
  }
  return rest.size() == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4';
}

Status CheckParentId(const std::string& id, const char* field) {
  if (id.size() > kMaxParentIdBytes) {
    return InvalidArgument("argument.too_long", std::string("payload.") + field +
                                                    " must be at most 56 characters");
  }
  return Status::Ok();
}

// Explicit findings: [{category, title, description?, deadline_days?, photos?,
// fixed_evidence?}] appended to `items` (ids and places filled by the caller).
Status ReadFindings(const Json* findings, int64_t at, std::vector<Tx::NewItem>* items) {
  if (findings == nullptr) return Status::Ok();
  for (size_t i = 0; i < findings->size(); ++i) {
    FieldReader f((*findings)[i], "payload.findings[" + std::to_string(i) + "]");
    Tx::NewItem n;
    n.category = f.Id("category");
    n.title = f.Text("title", kNameBytes);
    n.description = f.OptText("description", kTextBytes, TextLines::kMany).value_or("");
    int64_t days = f.OptInt("deadline_days", 0, 3650).value_or(0);
    n.deadline = days > 0 ? at + days * kDayMs : 0;
    n.photos = f.Sha256List("photos", 0, kMaxPhotos);
    n.fixed_evidence = f.Sha256List("fixed_evidence", 0, kMaxPhotos);
    if (!f.ok()) return f.status();
    items->push_back(std::move(n));
  }
  return Status::Ok();
}

Status OpenFindings(Tx& tx, std::vector<Tx::NewItem>* items, const std::string& parent_id,
                    const char* source, const std::string& microgrid,
                    const std::string& building, const std::string& household,
                    Json* opened) {
  *opened = Json::array();
  for (size_t i = 0; i < items->size(); ++i) {
    Tx::NewItem& n = (*items)[i];
    n.id = parent_id + "." + std::to_string(i + 1);
    n.source = source;
    n.source_id = parent_id;
    n.microgrid_id = microgrid;
    n.building_id = building;
    n.household_id = household;
    WEIGE_RETURN_IF_ERROR(tx.OpenItem(n));
    opened->push_back(n.id);
  }
  return Status::Ok();
}

// The template a visit names: from the cache when the stored body is the one
// parsed before, else parsed into *scratch (and cached).
Status LoadTemplate(Tx& tx, const std::string& id, int64_t version, ChecklistTemplate* scratch,
                    const ChecklistTemplate** out) {
  Stmt s = tx.db().Q("SELECT body FROM templates WHERE id = ? AND version = ?");
  s.Bind(1, id).Bind(2, version);
  if (!s.Step()) {
    WEIGE_RETURN_IF_ERROR(s.status());
    return NotFound("template.not_found",
                    "no template " + id + " version " + std::to_string(version));
  }
  std::string body = s.Text(0);
  TemplateCache* cache = tx.templates;
  if (cache != nullptr) {
    auto it = cache->entries.find({id, version});
    if (it != cache->entries.end() && it->second.body == body) {
      *out = &it->second.parsed;
      return Status::Ok();
    }
  }
  WEIGE_RETURN_IF_ERROR(ParseTemplate(JsonOrNull(body), scratch));
  *out = scratch;
  if (cache != nullptr) {
    if (cache->entries.size() >= TemplateCache::kMaxEntries) cache->entries.clear();
    TemplateCache::Entry& e = cache->entries[{id, version}];
    e.body = std::move(body);
    e.parsed = *scratch;
  }
  return Status::Ok();
}

Result VisitRecord(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string visit_id = r.Id("visit_id");
  std::string household = r.Id("household_id");
  std::string cycle = r.Str("cycle", 16);
  std::string outcome = r.Enum("outcome", {"met", "not_home", "refused", "vacant"});
  auto template_id = r.OptId("template_id");
  auto template_version = r.OptInt("template_version", 1, 1000000);
  const Json* answers = r.Object("answers", /*optional=*/true);
  auto notes = r.OptText("notes", kTextBytes, TextLines::kMany);
  auto photos = r.Sha256List("photos", 0, kMaxPhotos);
  const Json* gps = r.Object("gps", /*optional=*/true);
  const Json* findings = r.Array("findings", kMaxFindings, /*optional=*/true);
  const Json* on_spot = r.Object("fixed_on_spot", /*optional=*/true);
  std::optional<double> lat, lng;
  if (gps != nullptr && r.ok()) {
    FieldReader g(*gps, "payload.gps");
    lat = g.OptNumber("lat", -90, 90);
    lng = g.OptNumber("lng", -180, 180);
    if (!g.ok()) return Result::Fail(g.status());
  }
  if (!r.ok()) return Result::Fail(r.status());
  WEIGE_RETURN_IF_ERROR(CheckParentId(visit_id, "visit_id"));
  if (!IsValidCycle(cycle)) {
    return Result::Fail(InvalidArgument("visit.bad_cycle",
                                        "payload.cycle must look like 2026-11, 2026-W47 or 2026-Q4"));
  }
  if (template_id.has_value() != template_version.has_value()) {
    return Result::Fail(InvalidArgument("visit.template_version",
                                        "template_id and template_version go together"));
  }
  if (answers != nullptr && !template_id) {
    return Result::Fail(InvalidArgument("visit.template_required",
                                        "answers need the template they answer"));
  }
  Target target;
  std::string microgrid, building;
  Status s = TargetForHousehold(tx.db(), household, &target, &microgrid, &building);
  if (s.ok()) s = Require(tx.actor(), Action::kVisit, target);
  if (!s.ok()) return Result::Fail(s);

  std::vector<Tx::NewItem> items;
  if (template_id) {
    ChecklistTemplate parsed;
    const ChecklistTemplate* t = nullptr;
    std::vector<Finding> found;
    s = LoadTemplate(tx, *template_id, *template_version, &parsed, &t);
    if (s.ok()) {
      s = EvaluateAnswers(*t, answers ? *answers : Json::object(), outcome == "met", &found);
    }
    if (!s.ok()) return Result::Fail(s);
    for (const Finding& f : found) {
      Tx::NewItem n;
      n.category = f.spec.category;
      n.title = f.spec.title;
      n.deadline = f.spec.deadline_days > 0 ? tx.at + f.spec.deadline_days * kDayMs : 0;
      if (on_spot != nullptr && on_spot->contains(f.question_key)) {
        FieldReader fx(*on_spot, "payload.fixed_on_spot");
        n.fixed_evidence = fx.Sha256List(f.question_key.c_str(), 1, kMaxPhotos);
        if (!fx.ok()) return Result::Fail(fx.status());
      }
      items.push_back(std::move(n));
    }
  }
  s = ReadFindings(findings, tx.at, &items);
  if (!s.ok()) return Result::Fail(s);
  if (outcome != "met" && !items.empty()) {
    return Result::Fail(InvalidArgument("visit.findings_without_meeting",
                                        "only a visit that met the household records findings"));
  }
  {
    Stmt dup = tx.db().Q("SELECT 1 FROM visits WHERE id = ?");
    dup.Bind(1, visit_id);
    if (dup.Step()) return Result::Fail(Conflict("visit.exists", "the visit is recorded already"));
  }
  const bool counts = outcome == "met" || outcome == "vacant";
  Stmt w = tx.db().Q(
      "INSERT INTO visits(id, household_id, microgrid_id, cycle, outcome, counts, worker_id, at,"
      " template_id, template_version, answers, notes, photos, lat, lng)"
      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  w.Bind(1, visit_id).Bind(2, household).Bind(3, microgrid).Bind(4, cycle).Bind(5, outcome);
  w.Bind(6, counts ? 1 : 0).Bind(7, tx.actor().person_id).Bind(8, tx.at).Bind(9, template_id);
  w.Bind(10, template_version);
  if (answers != nullptr) {
    w.Bind(11, DumpJson(*answers));
  } else {
    w.Bind(11, nullptr);
  }
  w.Bind(12, notes);
  if (photos.empty()) {
    w.Bind(13, nullptr);
  } else {
    w.Bind(13, DumpJson(Json(photos)));
  }
  w.Bind(14, lat).Bind(15, lng);
  s = w.Run();
  if (s.ok() && counts) {
    Stmt c = tx.db().Q("INSERT INTO coverage(microgrid_id, cycle, household_id)"
                       " VALUES(?,?,?) ON CONFLICT DO NOTHING");
    s = c.Bind(1, microgrid).Bind(2, cycle).Bind(3, household).Run();
  }
  Json opened;
  if (s.ok()) {
    s = tx.Event("visit", visit_id, "visit.recorded", "",
                 {{"household_id", household}, {"cycle", cycle}, {"outcome", outcome}}, photos);
  }
  if (s.ok()) {
    s = OpenFindings(tx, &items, visit_id, "visit", microgrid, building, household, &opened);
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"visit_id", visit_id}, {"items", opened}, {"counts", counts}});
}

Result PatrolRecord(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string patrol_id = r.Id("patrol_id");
  std::string building = r.Id("building_id");
  auto notes = r.OptText("notes", kTextBytes, TextLines::kMany);
  auto photos = r.Sha256List("photos", 0, kMaxPhotos);
  const Json* findings = r.Array("findings", kMaxFindings, /*optional=*/true);
  if (!r.ok()) return Result::Fail(r.status());
  WEIGE_RETURN_IF_ERROR(CheckParentId(patrol_id, "patrol_id"));
  Target target;
  std::string microgrid;
  Status s = TargetForBuilding(tx.db(), building, &target, &microgrid);
  if (s.ok()) s = Require(tx.actor(), Action::kPatrol, target);
  std::vector<Tx::NewItem> items;
  if (s.ok()) s = ReadFindings(findings, tx.at, &items);
  if (!s.ok()) return Result::Fail(s);
  Stmt dup = tx.db().Q("SELECT 1 FROM patrols WHERE id = ?");
  dup.Bind(1, patrol_id);
  if (dup.Step()) return Result::Fail(Conflict("patrol.exists", "the patrol is recorded already"));
  Stmt w = tx.db().Q(
      "INSERT INTO patrols(id, building_id, captain_id, at, notes, photos) VALUES(?,?,?,?,?,?)");
  w.Bind(1, patrol_id).Bind(2, building).Bind(3, tx.actor().person_id).Bind(4, tx.at);
  w.Bind(5, notes);
  if (photos.empty()) {
    w.Bind(6, nullptr);
  } else {
    w.Bind(6, DumpJson(Json(photos)));
  }
  s = w.Run();
  if (s.ok()) {
    s = tx.Event("patrol", patrol_id, "patrol.recorded", "", {{"building_id", building}}, photos);
  }
  Json opened;
  if (s.ok()) s = OpenFindings(tx, &items, patrol_id, "patrol", microgrid, building, "", &opened);
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"patrol_id", patrol_id}, {"items", opened}});
}

// A report as written, by a resident or a partner system.
struct NewReport {
  std::string id, resident_id, household_id, microgrid_id;
  std::optional<std::string> building_id, unit, room, address;
  std::string category, description;
  std::optional<std::string> phone;
  std::vector<std::string> photos;
  bool contact_ok = false;
};

// The first 90 bytes of a description as an item's title, valid UTF-8 (a cut
// multi-byte sequence dropped).
std::string ReportTitle(const std::string& description) {
  std::string title = description.substr(0, std::min<size_t>(description.size(), 90));
  while (!title.empty() && (static_cast<unsigned char>(title.back()) & 0x80) != 0) {
    size_t len = title.size();
    size_t start = len - 1;
    while (start > 0 && (static_cast<unsigned char>(title[start]) & 0xC0) == 0x80) --start;
    unsigned char lead = static_cast<unsigned char>(title[start]);
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - start == need) break;
    title.resize(start);
  }
  return title;
}

// Writes the report, its "report.submitted" event (`data` plus microgrid_id
// and item_id) and its linked item; *value gets {report_id, item_id,
// microgrid_id}. conflict "report.exists" for a report id in use.
Status WriteReport(Tx& tx, const NewReport& rep, Json data, Json* value) {
  {
    Stmt dup = tx.db().Q("SELECT 1 FROM reports WHERE id = ?");
    dup.Bind(1, rep.id);
    if (dup.Step()) return Conflict("report.exists", "the report exists already");
  }
  Tx::NewItem n;
  n.id = rep.id + ".item";
  n.microgrid_id = rep.microgrid_id;
  n.building_id = rep.building_id.value_or("");
  n.category = rep.category;
  n.title = ReportTitle(rep.description);
  n.description = rep.description;
  n.source = "report";
  n.source_id = rep.id;
  n.photos = rep.photos;
  Stmt w = tx.db().Q(
      "INSERT INTO reports(id, resident_id, household_id, microgrid_id, building_id, unit, room,"
      " address, category, description, phone, photos, item_id, submitted_at, contact_ok)"
      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  w.Bind(1, rep.id).Bind(2, rep.resident_id).Bind(3, rep.household_id).Bind(4, rep.microgrid_id);
  w.Bind(5, rep.building_id).Bind(6, rep.unit).Bind(7, rep.room).Bind(8, rep.address);
  w.Bind(9, rep.category).Bind(10, rep.description).Bind(11, rep.phone);
  if (rep.photos.empty()) {
    w.Bind(12, nullptr);
  } else {
    w.Bind(12, DumpJson(Json(rep.photos)));
  }
  w.Bind(13, n.id).Bind(14, tx.at).Bind(15, rep.contact_ok ? 1 : 0);
  WEIGE_RETURN_IF_ERROR(w.Run());
  data["microgrid_id"] = rep.microgrid_id;
  data["item_id"] = n.id;
  WEIGE_RETURN_IF_ERROR(tx.Event("report", rep.id, "report.submitted", "", data, rep.photos));
  WEIGE_RETURN_IF_ERROR(tx.OpenItem(n));
  *value = {{"report_id", rep.id}, {"item_id", n.id}, {"microgrid_id", rep.microgrid_id}};
  return Status::Ok();
}

// report.submit by a partner system (an Open311 client, Role::kPartner): the
// place is a building (named, or the nearest to the position given) inside
// the partner's region; the report belongs to no household ("") and carries
// no phone; its event records the partner as its source.
Result PartnerReportSubmit(Tx& tx, const std::string& report_id, const std::string& category,
                           const std::string& description, const std::vector<std::string>& photos,
                           const Json* attributes, std::optional<std::string> building,
                           const std::optional<std::string>& address,
                           const std::optional<LocationPoint>& location) {
  WEIGE_RETURN_IF_ERROR(CheckParentId(report_id, "report_id"));
  if (FindReportCategory(category) == nullptr) {
    return Result::Fail(InvalidArgument("report.unknown_category", "no report category " + category));
  }
  Json routed;
  Status s;
  if (!building && location) {
    LocationRoute route;
    s = RouteByLocation(tx.db(), location->lat, location->lng, &route);
    if (!s.ok()) return Result::Fail(s);
    building = route.building_id;
    routed = {{"lat", location->lat}, {"lng", location->lng},
              {"building_id", route.building_id}, {"distance_m", route.distance_m}};
  }
  if (!building) {
    return Result::Fail(InvalidArgument("report.place_required",
                                        "a partner names a building or a position"));
  }
  Target target;
  std::string microgrid;
  s = TargetForBuilding(tx.db(), *building, &target, &microgrid);
  if (s.ok()) s = Require(tx.actor(), Action::kReportSubmit, target);
  if (!s.ok()) return Result::Fail(s);
  NewReport rep;
  rep.id = report_id;
  rep.resident_id = tx.actor().person_id;
  rep.microgrid_id = microgrid;
  rep.building_id = building;
  rep.address = address;
  rep.category = category;
  rep.description = description;
  rep.photos = photos;
  Json data = {{"source", {{"kind", "partner"}, {"partner_id", tx.actor().person_id}}}};
  if (attributes != nullptr) data["attributes"] = *attributes;
  if (!routed.is_null()) data["routed_by_location"] = routed;
  Json value;
  s = WriteReport(tx, rep, std::move(data), &value);
  if (!s.ok()) return Result::Fail(s);
  value["building_id"] = *building;
  if (!routed.is_null()) value["distance_m"] = routed["distance_m"];
  return Result::Ok(value);
}

Result ReportSubmit(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string report_id = r.Id("report_id");
  std::string category = r.Id("category");
  std::string description = r.Text("description", kTextBytes, TextLines::kMany);
  const Json* place = r.Object("place");
  auto photos = r.Sha256List("photos", 0, kMaxPhotos);
  auto phone = r.OptText("phone", 32);
  // "You may contact me": only then is the phone shown (in full) to the
  // person handling the item, through report.reveal_phone.
  const bool contact_ok = r.Bool("contact_ok", false);
  auto household = r.OptId("household_id");
  // Answers to the category's form (report_categories.h), checked when given.
  const Json* attributes = r.Object("attributes", /*optional=*/true);
  if (!r.ok()) return Result::Fail(r.status());
  if (attributes != nullptr) {
    const ReportCategory* cat = FindReportCategory(category);
    if (cat == nullptr) {
      return Result::Fail(InvalidArgument("report.unknown_category",
                                          "no report category " + category));
    }
    WEIGE_RETURN_IF_ERROR(ValidateReportAttributes(*cat, *attributes));
  }
  FieldReader p(*place, "payload.place");
  auto building = p.OptId("building_id");
  auto unit = p.OptText("unit", 32);
  auto room = p.OptText("room", 32);
  auto address = p.OptText("address", kNameBytes);
  // A WGS-84 position ({lat, lng}): with no building named, it routes the
  // report to the nearest building's micro-grid (RouteByLocation).
  std::optional<LocationPoint> location;
  Status ls = ReadPlaceLocation(p, "location", "payload.place.location", &location);
  if (!ls.ok()) return Result::Fail(ls);
  if (p.ok() && !building && !address && !location) {
    p.Fail("building_id", "argument.missing", "or place.address or place.location is required");
  }
  if (!p.ok()) return Result::Fail(p.status());
  WEIGE_RETURN_IF_ERROR(CheckParentId(report_id, "report_id"));

  // A partner system (Open311) reports about a building inside its region,
  // from no household of its own.
  const bool partner = !tx.actor().Has(Role::kResident) && tx.actor().Has(Role::kPartner);
  if (partner && household) {
    return Result::Fail(InvalidArgument("report.partner_household",
                                        "a partner system reports from no household"));
  }
  if (partner) return PartnerReportSubmit(tx, report_id, category, description, photos,
                                          attributes, building, address, location);
  // The resident's own household: the one named, or their only one.
  std::vector<std::string> homes;
  for (const Grant& g : tx.actor().grants) {
    if (g.role == Role::kResident) homes.push_back(g.scope_id);
  }
  Status s = Require(tx.actor(), Action::kReportSubmit, Target{});
  if (s.ok() && household &&
      std::find(homes.begin(), homes.end(), *household) == homes.end()) {
    s = PermissionDenied("report.not_your_household", "the household is not the resident's");
  }
  if (s.ok() && !household) household = homes.front();
  Target home;
  std::string home_mg;
  if (s.ok()) s = TargetForHousehold(tx.db(), *household, &home, &home_mg);
  // Routed to the micro-grid of the place named, else of the resident's home.
  std::string microgrid = home_mg;
  Target at_place;
  // The resident's own building is routed through the household row: a
  // resident's device holds its household but not the building's row.
  Json routed;
  if (s.ok() && !building && location) {
    LocationRoute route;
    s = RouteByLocation(tx.db(), location->lat, location->lng, &route);
    if (s.ok()) {
      building = route.building_id;
      routed = {{"lat", location->lat}, {"lng", location->lng},
                {"building_id", route.building_id}, {"distance_m", route.distance_m}};
    }
  }
  if (s.ok() && building && *building != home.building_id) {
    s = TargetForBuilding(tx.db(), *building, &at_place, &microgrid);
  }
  if (!s.ok()) return Result::Fail(s);
  NewReport rep{report_id, tx.actor().person_id, *household, microgrid, building, unit, room,
                address, category, description, phone, photos, contact_ok};
  Json data = Json::object();
  if (attributes != nullptr) data["attributes"] = *attributes;
  if (!routed.is_null()) {
    data["routed_by_location"] = routed;
  } else if (location) {
    data["location"] = {{"lat", location->lat}, {"lng", location->lng}};
  }
  Json value;
  s = WriteReport(tx, rep, std::move(data), &value);
  if (!s.ok()) return Result::Fail(s);
  if (!routed.is_null()) {
    value["building_id"] = *building;
    value["distance_m"] = routed["distance_m"];
  }
  return Result::Ok(value);
}

Result ReportEvaluate(Tx& tx) {
  FieldReader r(*tx.payload, "payload");
  std::string report_id = r.Id("report_id");
  int64_t rating = r.Int("rating", 1, 5);
  auto comment = r.OptText("comment", kTextBytes, TextLines::kMany);
  if (!r.ok()) return Result::Fail(r.status());
  Stmt rep = tx.db().Q(
      "SELECT item_id, evaluated_episode, duplicate_of, follow_state, follow_episode"
      " FROM reports WHERE id = ?");
  rep.Bind(1, report_id);
  if (!rep.Step()) return Result::Fail(NotFound("report.not_found", "no report " + report_id));
  std::string item_id = rep.Text(0);
  std::optional<int64_t> evaluated_episode;
  if (!rep.IsNull(1)) evaluated_episode = rep.Int(1);
  const bool duplicate = !rep.IsNull(2);
  const std::string follow_state = rep.Text(3);
  const int64_t follow_episode = rep.Int(4);
  ItemRow item;
  Target target;
  Status s = LoadItem(tx.db(), item_id, &item, &target);
  if (s.ok()) s = Require(tx.actor(), Action::kReportEvaluate, target);
  // A duplicate (duplicate_commands.cc) is evaluated on its original's
  // closure: the state and episode it follows; an unsatisfied evaluation
  // reopens the original's item.
  if (s.ok() && duplicate) {
    item.state = ParseItemState(follow_state).value_or(ItemState::kOpen);
    item.reopen_count = follow_episode;
    item_id = item.duplicate_of;
  }
  if (s.ok() && item.state != ItemState::kClosed) {
    s = FailedPrecondition("report.not_closed", "a report is evaluated after its item is closed");
  }
  // Which closure: the item's reopen_count, the store's own count of
  // episodes. Device times (`at`) are recorded, never compared: a resident
  // whose clock runs behind the verifier's once evaluated one closure 3 times.
  if (s.ok() && IsEpisodeEvaluated(evaluated_episode, item.reopen_count)) {
    s = FailedPrecondition("report.already_evaluated", "this closure is evaluated already");
  }
  if (!s.ok()) return Result::Fail(s);
  Stmt w = tx.db().Q(
      "UPDATE reports SET rating = ?, eval_comment = ?, evaluated_at = ?, evaluated_episode = ?"
      " WHERE id = ?");
  s = w.Bind(1, rating).Bind(2, comment).Bind(3, tx.at).Bind(4, item.reopen_count)
          .Bind(5, report_id).Run();
  const bool satisfied = rating >= kSatisfiedRating;
  const bool reopen = rating <= kUnsatisfiedRating;
  if (s.ok()) {
    s = tx.Event("report", report_id, "report.evaluated", comment.value_or(""),
                 {{"rating", rating}, {"satisfied", satisfied}});
  }
  if (s.ok() && reopen) {
    Stmt u = tx.db().Q(
        "UPDATE items SET state = 'assigned', fixed_by = NULL, fixed_at = NULL, closed_by = NULL,"
        " closed_at = NULL, reopen_count = reopen_count + 1, updated_at = ? WHERE id = ?");
    s = u.Bind(1, tx.at).Bind(2, item_id).Run();
    if (s.ok()) {
      Json data = {{"rating", rating}, {"cause", "resident_unsatisfied"}};
      if (duplicate) data["duplicate_report_id"] = report_id;
      s = tx.Event("item", item_id, "item.reopened", comment.value_or(""), data);
    }
    if (s.ok()) s = ReflectOnDuplicates(tx, item_id);
  }
  if (!s.ok()) return Result::Fail(s);
  return Result::Ok({{"report_id", report_id},
                     {"item_id", item_id},
                     {"satisfied", satisfied},
                     {"item_state", reopen ? "assigned" : "closed"}});
}

}  // namespace

void RegisterFieldCommands(CommandTable* t) {
  (*t)["visit.record"] = VisitRecord;
  (*t)["patrol.record"] = PatrolRecord;
  (*t)["report.submit"] = ReportSubmit;
  (*t)["report.evaluate"] = ReportEvaluate;
  (*t)["report.reveal_phone"] = ReportRevealPhone;
}

}  // namespace weige::store
