#include "core/store/open311_store.h"

#include <algorithm>
#include <utility>

#include "core/domain/text.h"
#include "core/store/internal.h"
#include "core/store/sync_store.h"

namespace weige::store {

namespace {

// The reports (or buildings) whose micro-grid row `g` lies in the region
// bound to parameter `n`: the micro-grid itself or any region above it.
// An empty region (a keyless public read, Open311PublicKey) is every region.
std::string InRegion(int n) {
  const std::string p = "?" + std::to_string(n);
  return "(" + p + " = '' OR g.id = " + p + " OR g.grid_id = " + p + " OR g.community_id = " + p +
         " OR g.street_id = " + p + " OR g.district_id = " + p + ")";
}

// The event types that are status changes (open311::UpdateStatus), as a
// condition on e.type: the partial index events_item_status names the same
// terms (SQLite's migration 15 as ORed equalities, PostgreSQL's 10 as a
// list), and a query uses that index only if it has them.
std::string StatusEvents(const Db& db) {
  return db.dialect() == Dialect::kPostgres
             ? "e.type IN ('item.assigned', 'item.fixed', 'item.closed', 'item.fix_rejected',"
               " 'item.reopened')"
             : "(e.type = 'item.assigned' OR e.type = 'item.fixed' OR e.type = 'item.closed'"
               " OR e.type = 'item.fix_rejected' OR e.type = 'item.reopened')";
}

constexpr char kKeyColumns[] =
    "id, partner_id, region_id, label, created_by, rate_per_minute, created_at,"
    " COALESCE(revoked_at, 0)";

bool IsAsciiDigitAt(const std::string& s, size_t i) { return s[i] >= '0' && s[i] <= '9'; }

// `whole` ends with `part` at a place boundary: not in the middle of a
// number ("11号楼" does not end with "1号楼").
bool EndsAtBoundary(const std::string& whole, const std::string& part) {
  if (part.empty() || part.size() > whole.size()) return false;
  const size_t at = whole.size() - part.size();
  if (whole.compare(at, part.size(), part) != 0) return false;
  return at == 0 || !IsAsciiDigitAt(part, 0) || !IsAsciiDigitAt(whole, at - 1);
}

// The building of the region an address_string names, compared by
// AddressKey (spaces, punctuation and full-width digits as people type
// them): the one whose address or name it is; else the one whose name or
// address it ends with (a partner's address with the city in front); else
// the one whose address ends with it (a partner's without the street).
// Within the best of those, the longest match; two buildings tied there is
// an ambiguous address. Reads the region's buildings (a district's ~23,000
// in a few milliseconds; a POST is rare beside the reads).
Status FindAddress(Db& db, const std::string& region, const std::string& address,
                   std::string* building) {
  const std::string want = AddressKey(address);
  // A match's (rank, length): 3 its address or name, 2 the address_string
  // ends with one of them, 1 its address ends with the address_string.
  using Match = std::pair<int, size_t>;
  Match best_match{0, 0};
  std::vector<std::string> best;
  if (want.size() >= 6) {  // two CJK characters, or six ASCII ones
    Stmt s = db.Q("SELECT b.id, b.name, COALESCE(b.address, '') FROM buildings b"
                  " JOIN regions g ON g.id = b.microgrid_id WHERE " + InRegion(1) + " ORDER BY b.id");
    s.Bind(1, region);
    while (s.Step()) {
      const std::string name = AddressKey(s.Text(1)), full = AddressKey(s.Text(2));
      Match m{0, 0};
      for (const std::string& k : {full, name}) {
        if (k.empty()) continue;
        if (k == want) m = std::max(m, Match{3, k.size()});
        else if (EndsAtBoundary(want, k)) m = std::max(m, Match{2, k.size()});
      }
      if (EndsAtBoundary(full, want)) m = std::max(m, Match{1, want.size()});
      if (m.first == 0 || m < best_match) continue;
      if (best_match < m) {
        best_match = m;
        best.clear();
      }
      best.push_back(s.Text(0));
    }
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  if (best.empty()) {
    return InvalidArgument("open311.address_not_found",
                           "no building of the region has this address; send lat and long");
  }
  if (best.size() > 1) {
    return InvalidArgument("open311.address_ambiguous",
                           std::to_string(best.size()) +
                               " buildings of the region match this address; send address_id or"
                               " lat and long");
  }
  *building = best[0];
  return Status::Ok();
}

void ReadKey(const Stmt& s, Open311Key* k) {
  k->key_id = s.Text(0);
  k->partner_id = s.Text(1);
  k->region_id = s.Text(2);
  k->label = s.Text(3);
  k->created_by = s.Text(4);
  k->rate_per_minute = s.Int(5);
  k->created_at = s.Int(6);
  k->revoked_at = s.Int(7);
}

// Ok when `admin_id` administers `region_id` (the rule of the directory).
Status RequireRegionAdmin(Db& db, const std::string& admin_id, const std::string& region_id) {
  Actor admin;
  WEIGE_RETURN_IF_ERROR(LoadActor(db, admin_id, &admin));
  Target t;
  WEIGE_RETURN_IF_ERROR(RegionChain(db, region_id, nullptr, &t.regions));
  return Require(admin, Action::kManageDirectory, t);
}

// Runs one command as `actor` inside the caller's transaction; a refusal
// is its Status.
Status Run(Store& store, const std::string& id, const char* type, const std::string& actor,
           int64_t at, Json payload, Json* value = nullptr) {
  ExecOptions o;
  o.server_time = at;
  Result r = store.Execute(Json{{"id", id}, {"type", type}, {"actor", actor}, {"at", at},
                                {"payload", std::move(payload)}},
                           o);
  if (r.ok() && value != nullptr) *value = r.value;
  return r.status;
}

}  // namespace

Status Open311CreateKey(Store& store, const std::string& admin_id, const Open311KeySpec& spec,
                        const std::string& key_id, const std::string& key_hash, int64_t at,
                        Open311Key* out) {
  if (!IsValidId(spec.partner_id) || !IsValidId(spec.region_id)) {
    return InvalidArgument("argument.invalid_id", "partner_id and region_id must be ids");
  }
  if (spec.rate_per_minute < 1 || spec.rate_per_minute > 100000) {
    return InvalidArgument("argument.out_of_range", "rate_per_minute must be 1..100000");
  }
  if (spec.label.size() > 200) return InvalidArgument("argument.too_long", "label is too long");
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(store.Begin(&tx, TxMode::kImmediate));
  Db& db = DbOf(store);
  WEIGE_RETURN_IF_ERROR(RequireRegionAdmin(db, admin_id, spec.region_id));
  Actor partner;
  Status found = LoadActor(db, spec.partner_id, &partner);
  if (found.code == Code::kNotFound) {
    if (spec.partner_name.empty()) {
      return InvalidArgument("argument.missing", "partner_name is required for a new partner");
    }
    WEIGE_RETURN_IF_ERROR(Run(store, key_id + ".person", "person.upsert", admin_id, at,
                              {{"id", spec.partner_id}, {"name", spec.partner_name}}));
  } else {
    WEIGE_RETURN_IF_ERROR(found);
    for (const Grant& g : partner.grants) {
      if (g.role != Role::kPartner) {
        return FailedPrecondition("open311.not_a_partner",
                                  "the person holds other roles; a partner is a system of its own");
      }
    }
  }
  bool holds = false;
  for (const Grant& g : partner.grants) {
    holds = holds || (g.role == Role::kPartner && g.scope_id == spec.region_id);
  }
  if (!holds) {
    WEIGE_RETURN_IF_ERROR(Run(store, key_id + ".role", "role.grant", admin_id, at,
                              {{"person_id", spec.partner_id}, {"role", "partner"},
                               {"scope_id", spec.region_id}}));
  }
  Stmt w = db.Q(
      "INSERT INTO open311_keys(id, key_hash, partner_id, region_id, label, created_by,"
      " rate_per_minute, created_at) VALUES(?,?,?,?,?,?,?,?)");
  WEIGE_RETURN_IF_ERROR(w.Bind(1, key_id).Bind(2, key_hash).Bind(3, spec.partner_id)
                            .Bind(4, spec.region_id).Bind(5, spec.label).Bind(6, admin_id)
                            .Bind(7, spec.rate_per_minute).Bind(8, at).Run());
  *out = Open311Key();
  out->key_id = key_id;
  out->partner_id = spec.partner_id;
  out->region_id = spec.region_id;
  out->label = spec.label;
  out->created_by = admin_id;
  out->rate_per_minute = spec.rate_per_minute;
  out->created_at = at;
  return tx.Commit();
}

Status Open311ListKeys(Store& store, const std::string& admin_id, std::vector<Open311Key>* out) {
  Db& db = DbOf(store);
  out->clear();
  Actor admin;
  WEIGE_RETURN_IF_ERROR(LoadActor(db, admin_id, &admin));
  if (!admin.Has(Role::kAdmin)) {
    return PermissionDenied("permission.denied", "only an administrator lists API keys");
  }
  Stmt s = db.Q(std::string("SELECT ") + kKeyColumns +
                ", COALESCE((SELECT g.name FROM regions g WHERE g.id = open311_keys.region_id), '')"
                " FROM open311_keys ORDER BY created_at DESC, id LIMIT 10000");
  while (s.Step()) {
    Open311Key k;
    ReadKey(s, &k);
    k.region_name = s.Text(8);
    Target t;
    if (!RegionChain(db, k.region_id, nullptr, &t.regions).ok()) continue;
    if (Can(admin, Action::kManageDirectory, t)) out->push_back(std::move(k));
  }
  return s.status();
}

Status Open311RevokeKey(Store& store, const std::string& admin_id, const std::string& key_id,
                        int64_t at, bool* revoked) {
  Db& db = DbOf(store);
  std::string region;
  {
    Stmt s = db.Q("SELECT region_id FROM open311_keys WHERE id = ?");
    s.Bind(1, key_id);
    if (s.Step()) region = s.Text(0);
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  if (region.empty() || !RequireRegionAdmin(db, admin_id, region).ok()) {
    return NotFound("open311.key_not_found", "no API key " + key_id);
  }
  Stmt w = db.Q("UPDATE open311_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  WEIGE_RETURN_IF_ERROR(w.Bind(1, at).Bind(2, key_id).Run());
  *revoked = db.Changes() > 0;
  return Status::Ok();
}

Status Open311FindKey(Store& store, const std::string& key_hash, bool* found, Open311Key* out) {
  Db& db = DbOf(store);
  Stmt s = db.Q(std::string("SELECT ") + kKeyColumns + " FROM open311_keys WHERE key_hash = ?");
  s.Bind(1, key_hash);
  *found = s.Step();
  if (*found) ReadKey(s, out);
  return s.status();
}

Open311Key Open311PublicKey(const std::string& client_address, int64_t rate_per_minute) {
  Open311Key k;
  k.key_id = "public:" + client_address;
  k.label = "public";
  k.rate_per_minute = rate_per_minute;
  return k;
}

Status Open311CountCall(Store& store, const Open311Key& key, int64_t now, bool* allowed,
                        int64_t* retry_after_ms) {
  // The store's sliding-window limits (sync_store.h), which sign-ins use too.
  WEIGE_RETURN_IF_ERROR(RateReserve(store, {{"open311:" + key.key_id, static_cast<int>(key.rate_per_minute)}},
                                    60000, now, retry_after_ms));
  *allowed = *retry_after_ms == 0;
  return Status::Ok();
}

Result Open311Submit(Store& store, const Open311Key& key, const Open311NewRequest& req,
                     int64_t now) {
  if (key.partner_id.empty()) {
    return PermissionDenied("open311.key_required", "a report is sent with an api_key");
  }
  Db& db = DbOf(store);
  Json place = Json::object();
  // The place is resolved before the write transaction: an address_string
  // reads the region's buildings, which need not hold the writer.
  if (req.lat && req.lng) {
    place["location"] = {{"lat", *req.lat}, {"lng", *req.lng}};
  } else if (!req.address_id.empty()) {
    place["building_id"] = req.address_id;
  } else if (!req.address_string.empty()) {
    std::string building;
    WEIGE_RETURN_IF_ERROR(FindAddress(db, key.region_id, req.address_string, &building));
    place["building_id"] = building;
  }
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(store.Begin(&tx, TxMode::kImmediate));
  if (!req.address_string.empty()) place["address"] = req.address_string;
  const ReportCategory* cat = FindReportCategory(req.service_code);
  Json payload = {{"report_id", req.request_id},
                  {"category", req.service_code},
                  {"description", req.description.empty() && cat != nullptr ? cat->name
                                                                            : req.description},
                  {"place", place},
                  {"attributes", req.attributes}};
  Json value;
  WEIGE_RETURN_IF_ERROR(
      Run(store, req.request_id, "report.submit", key.partner_id, now, payload, &value));
  Stmt w = db.Q("INSERT INTO open311_tokens(token, report_id, key_id, at) VALUES(?,?,?,?)");
  WEIGE_RETURN_IF_ERROR(
      w.Bind(1, req.token).Bind(2, req.request_id).Bind(3, key.key_id).Bind(4, now).Run());
  WEIGE_RETURN_IF_ERROR(tx.Commit());
  return Result::Ok({{"service_request_id", req.request_id}, {"token", req.token}});
}

Status Open311FindRequests(Store& store, const Open311Key& key, const Open311Filter& f,
                           std::vector<open311::PublicRequest>* out) {
  Db& db = DbOf(store);
  out->clear();
  // The resident's private values are read only to be cut out of the text
  // (MakePublicRequest); they never reach the answer. Times are the
  // server's: a request's is when the server took it (its report.submitted
  // event), its update's the newest of its item's events; a device's
  // clock, submitted_at or updated_at, is never read here.
  const bool by_id = !f.ids.empty();
  // SQLite without statistics would not pick the partial index by itself.
  const char* events = db.dialect() == Dialect::kPostgres || by_id
                           ? "events e"
                           : "events e INDEXED BY events_reports_received";
  std::string sql =
      "SELECT r.id, i.state, r.category, r.description, COALESCE(b.address, b.name, ''),"
      " COALESCE(r.building_id, ''), COALESCE(e.server_at, e.at),"
      " COALESCE((SELECT MAX(COALESCE(x.server_at, x.at)) FROM events x"
      "   WHERE x.entity = 'item' AND x.entity_id = i.id), COALESCE(e.server_at, e.at)),"
      " i.deadline, b.lat, b.lng,"
      " COALESCE(p.name, ''), COALESCE(p.phone, ''), COALESCE(r.phone, ''), r.household_id,"
      " COALESCE(h.head_name, ''), COALESCE(h.phone, '')"
      " FROM " + std::string(events) + " JOIN reports r ON r.id = e.entity_id"
      " JOIN items i ON i.id = r.item_id JOIN regions g ON g.id = r.microgrid_id"
      " LEFT JOIN buildings b ON b.id = r.building_id LEFT JOIN people p ON p.id = r.resident_id"
      " LEFT JOIN households h ON h.id = r.household_id"
      " WHERE e.entity = 'report' AND e.type = 'report.submitted' AND " + InRegion(1);
  int n = 1;
  if (by_id) {
    sql += " AND e.entity_id IN " + JsonStrings(db, ++n);
  } else {
    sql += " AND COALESCE(e.server_at, e.at) >= ?" + std::to_string(++n);
    sql += " AND COALESCE(e.server_at, e.at) <= ?" + std::to_string(++n);
  }
  if (!f.service_codes.empty()) sql += " AND r.category IN " + JsonStrings(db, ++n);
  if (f.status == "closed") sql += " AND i.state = 'closed'";
  if (f.status == "open") sql += " AND i.state <> 'closed'";
  // Ties in time by report id: the index's own order.
  sql += " ORDER BY COALESCE(e.server_at, e.at) DESC, e.entity_id DESC LIMIT ?" + std::to_string(++n);
  Stmt s = db.Q(sql);
  int b = 1;
  s.Bind(b++, key.region_id);
  if (by_id) {
    s.Bind(b++, DumpJson(Json(f.ids)));
  } else {
    s.Bind(b++, f.from_ms).Bind(b++, f.to_ms);
  }
  if (!f.service_codes.empty()) s.Bind(b++, DumpJson(Json(f.service_codes)));
  s.Bind(b++, f.limit);
  while (s.Step()) {
    open311::PublicRequest d;
    d.service_request_id = s.Text(0);
    d.item_state = s.Text(1);
    d.service_code = s.Text(2);
    d.description = s.Text(3);
    d.address = s.Text(4);
    d.address_id = s.Text(5);
    d.requested_ms = s.Int(6);
    d.updated_ms = s.Int(7);
    if (!s.IsNull(8) && s.Int(8) > 0) d.expected_ms = s.Int(8);
    if (!s.IsNull(9) && !s.IsNull(10)) {
      d.lat = s.Double(9);
      d.lng = s.Double(10);
    }
    std::vector<std::string> secrets;
    for (int c = 11; c <= 16; ++c) secrets.push_back(s.Text(c));
    out->push_back(open311::MakePublicRequest(std::move(d), secrets));
  }
  return s.status();
}

Status Open311FindToken(Store& store, const Open311Key& key, const std::string& token, bool* found,
                        std::string* request_id) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "SELECT t.report_id FROM open311_tokens t JOIN open311_keys k ON k.id = t.key_id"
      " WHERE t.token = ?1 AND (?2 = '' OR k.partner_id = ?2)");
  s.Bind(1, token).Bind(2, key.partner_id);
  *found = s.Step();
  if (*found) *request_id = s.Text(0);
  return s.status();
}

Status Open311FindUpdates(Store& store, const Open311Key& key, int64_t from_ms, int64_t to_ms,
                          int64_t limit, std::vector<open311::PublicUpdate>* out) {
  Db& db = DbOf(store);
  out->clear();
  // From the reports in the region to their items' status changes in the
  // window (migration 14's index by item and server time), in the store's
  // order. CROSS JOIN keeps SQLite in that order (without statistics it
  // would read every item's status changes and keep the reports'); to
  // PostgreSQL it is a plain join. SQLite would take events_entity by
  // itself (every event of the item, not only its status changes).
  const char* events = db.dialect() == Dialect::kPostgres ? "events e"
                                                          : "events e INDEXED BY events_item_status";
  Stmt s = db.Q(
      std::string("SELECT e.seq, e.type, e.server_at, r.id FROM reports r CROSS JOIN regions g CROSS JOIN ") +
      events + " WHERE g.id = r.microgrid_id AND " + InRegion(1) +
      " AND e.entity = 'item' AND e.entity_id = r.item_id AND " + StatusEvents(db) +
      " AND e.server_at >= ?2 AND e.server_at <= ?3 ORDER BY e.seq LIMIT ?4");
  s.Bind(1, key.region_id).Bind(2, from_ms).Bind(3, to_ms).Bind(4, limit);
  while (s.Step()) {
    out->push_back({s.Int(0), s.Text(3), s.Text(1), s.Int(2)});
  }
  return s.status();
}

}  // namespace weige::store
