// The district's directory (regions, departments, people, buildings,
// households, the checklist template), then each micro-grid's history, all
// through Store::Execute in batches of one outer transaction.
#include "tools/demo/demo_district.h"

#include "core/store/sync_store.h"
#include "tools/demo/demo_internal.h"
#include "tools/demo/demo_names.h"

namespace weige::demo {

namespace {

// Commands per outer transaction: larger batches stop paying off past ~10k
// (the commit is a small share), and a batch bounds the WAL's growth.
constexpr int kBatch = 20000;

const std::string kDistrict = "d1";
const std::string kAdmin = "p-admin";

// Spreads `total` over `parts` as evenly as possible: the share of part i.
int Share(int total, int parts, int i) {
  int64_t lo = static_cast<int64_t>(total) * i / parts;
  int64_t hi = static_cast<int64_t>(total) * (i + 1) / parts;
  return static_cast<int>(hi - lo);
}

std::string CommunityName(const std::string& compound) {
  std::string base = compound;
  const std::string xiaoqu = "小区";
  if (base.size() > xiaoqu.size() + 3 &&
      base.compare(base.size() - xiaoqu.size(), xiaoqu.size(), xiaoqu) == 0) {
    base.resize(base.size() - xiaoqu.size());
  }
  return base + "社区";
}

struct Login {
  std::string person_id, name, role, scope_id;
};

class Builder {
 public:
  Builder(store::Store* store, const DistrictOptions& o) : store_(store), o_(o), run_(store, kBatch) {}

  Status Build(Json* summary);

 private:
  Status Person(const std::string& id, const std::string& name, Rng& rng,
                const std::string& role, const std::string& scope, bool login = false);
  Status Department(const std::string& id, const std::string& name, const std::string& kind,
                    Rng& rng, bool login = false);
  Status Directory();
  Status Microgrid(const MicrogridPlan& mg, Rng& rng, int* buildings);
  void PlanCycles();

  store::Store* store_;
  DistrictOptions o_;
  Runner run_;
  World world_;
  int64_t t_dir_ = 0;  // when the directory is entered
  std::vector<MicrogridPlan> mgs_;
  std::vector<Login> logins_;
  int64_t streets_ = 0, communities_ = 0, grids_ = 0, buildings_ = 0, households_ = 0;
  int64_t people_ = 1, departments_ = 0, residents_ = 0;
};

Status Builder::Person(const std::string& id, const std::string& name, Rng& rng,
                       const std::string& role, const std::string& scope, bool login) {
  WEIGE_RETURN_IF_ERROR(run_.Run("person.upsert", kAdmin, t_dir_,
                                 {{"id", id}, {"name", name}, {"phone", PhoneNumber(rng)}}));
  WEIGE_RETURN_IF_ERROR(run_.Run("role.grant", kAdmin, t_dir_,
                                 {{"person_id", id}, {"role", role}, {"scope_id", scope}}));
  ++people_;
  if (login) logins_.push_back({id, name, role, scope});
  return Status::Ok();
}

Status Builder::Department(const std::string& id, const std::string& name,
                           const std::string& kind, Rng& rng, bool login) {
  WEIGE_RETURN_IF_ERROR(run_.Run("department.upsert", kAdmin, t_dir_,
                                 {{"id", id}, {"name", name}, {"kind", kind}}));
  ++departments_;
  return Person(MemberOf(id), PersonName(rng), rng, "department", id, login);
}

void Builder::PlanCycles() {
  CivilDate today = BeijingDate(o_.now);
  for (int back = std::max(0, o_.history_months); back >= 0; --back) {
    int64_t y = today.year, m = today.month - back;
    while (m < 1) {
      m += 12;
      --y;
    }
    World::Cycle c;
    char name[16];
    std::snprintf(name, sizeof name, "%04d-%02d", static_cast<int>(y), static_cast<int>(m));
    c.name = name;
    c.start = BeijingMidnight(y, m, 1);
    c.end = m == 12 ? BeijingMidnight(y + 1, 1, 1) : BeijingMidnight(y, m + 1, 1);
    // The checklist's second version came with the current cycle.
    c.template_version = back == 0 ? 2 : 1;
    world_.cycles.push_back(c);
  }
  world_.history_start = world_.cycles.front().start;
  t_dir_ = world_.history_start - 20 * kDayMs + 9 * kHourMs;
}

Status Builder::Directory() {
  Rng rng(o_.seed, "directory");
  WEIGE_RETURN_IF_ERROR(run_.Run("region.upsert", kAdmin, t_dir_,
                                 {{"id", kDistrict}, {"level", "district"}, {"name", "通州区"},
                                  {"code", "110112"}}));
  WEIGE_RETURN_IF_ERROR(Department("gas", "通州区燃气集团", "utility", rng));
  WEIGE_RETURN_IF_ERROR(Department("power", "国网北京通州供电公司", "utility", rng));
  WEIGE_RETURN_IF_ERROR(Department("water", "通州区自来水公司", "utility", rng));
  WEIGE_RETURN_IF_ERROR(Department("mz", "通州区民政局", "bureau", rng));

  const int communities_total = o_.streets * o_.communities_per_street;
  const int grids_total = o_.total_grids > 0 ? o_.total_grids
                                             : communities_total * o_.grids_per_community;
  const int mgs_total = o_.total_microgrids > 0 ? o_.total_microgrids
                                                : grids_total * o_.microgrids_per_grid;
  int ci = 0, gi = 0, mi = 0;
  for (int s = 0; s < o_.streets; ++s) {
    std::string street_short;
    std::string street_name = StreetName(s, &street_short);
    std::string sid = "s" + std::to_string(s + 1);
    char code[48];
    std::snprintf(code, sizeof code, "110112%03d", s + 1);
    WEIGE_RETURN_IF_ERROR(run_.Run("region.upsert", kAdmin, t_dir_,
                                   {{"id", sid}, {"parent_id", kDistrict}, {"level", "street"},
                                    {"name", street_name}, {"code", code}}));
    ++streets_;
    WEIGE_RETURN_IF_ERROR(Person("p-a-" + sid, PersonName(rng), rng, "admin", sid));
    WEIGE_RETURN_IF_ERROR(Department("jdb-" + sid, street_name + "办事处", "other", rng));
    WEIGE_RETURN_IF_ERROR(Department("pcs-" + sid, street_short + "派出所", "bureau", rng));
    WEIGE_RETURN_IF_ERROR(Department("cg-" + sid, street_short + "城管执法队", "bureau", rng));
    WEIGE_RETURN_IF_ERROR(
        Department("xf-" + sid, street_short + "消防救援站", "bureau", rng, s == 0));
    for (int c = 0; c < o_.communities_per_street; ++c, ++ci) {
      std::string compound = CompoundName(ci);
      std::string cid = sid + "c" + std::to_string(c + 1);
      std::snprintf(code, sizeof code, "110112%03d%03d", s + 1, c + 1);
      WEIGE_RETURN_IF_ERROR(run_.Run("region.upsert", kAdmin, t_dir_,
                                     {{"id", cid}, {"parent_id", sid}, {"level", "community"},
                                      {"name", CommunityName(compound)}, {"code", code}}));
      ++communities_;
      WEIGE_RETURN_IF_ERROR(Department("wy-" + cid, PropertyCompanyName(ci, compound),
                                       "property", rng, ci == 0));
      int grids = o_.total_grids > 0 ? Share(grids_total, communities_total, ci)
                                     : o_.grids_per_community;
      int building_no = 1;
      for (int g = 0; g < grids; ++g, ++gi) {
        std::string gid = cid + "g" + std::to_string(g + 1);
        std::string grid_name = CommunityName(compound) + "第" + std::to_string(g + 1) + "网格";
        WEIGE_RETURN_IF_ERROR(run_.Run("region.upsert", kAdmin, t_dir_,
                                       {{"id", gid}, {"parent_id", cid}, {"level", "grid"},
                                        {"name", grid_name}}));
        ++grids_;
        WEIGE_RETURN_IF_ERROR(
            Person(GridHeadOf(gid), PersonName(rng), rng, "grid_head", gid, gi == 0));
        int n = o_.total_microgrids > 0 ? Share(mgs_total, grids_total, gi)
                                        : o_.microgrids_per_grid;
        for (int m = 0; m < n; ++m, ++mi) {
          MicrogridPlan mg;
          mg.index = mi;
          mg.id = gid + "m" + std::to_string(m + 1);
          mg.name = grid_name + "第" + std::to_string(m + 1) + "微网格";
          mg.grid_id = gid;
          mg.community_id = cid;
          mg.street_id = sid;
          mg.compound = compound;
          mg.street_name = street_name;
          if (n > 1) mg.neighbour = gid + "m" + std::to_string((m + 1) % n + 1);
          // 50-100 households, in pairs that keep the mean.
          Rng pair(o_.seed ^ static_cast<uint64_t>(mi / 2), "households");
          int d = static_cast<int>(pair.Range(0, o_.households_per_microgrid / 4));
          mg.households = std::max(1, o_.households_per_microgrid + (mi % 2 == 0 ? d : -d));
          mg.first_building_no = building_no;
          int buildings = 0;
          WEIGE_RETURN_IF_ERROR(Microgrid(mg, rng, &buildings));
          building_no += buildings;
          mgs_.push_back(std::move(mg));
        }
      }
    }
  }
  // The door-knocking checklist: version 1 before the history, version 2
  // (one more question) at the start of the current cycle.
  world_.template_id = "door_knock";
  for (int v = 1; v <= 2; ++v) {
    Json body = DoorKnockTemplate(v);
    Status s = ParseTemplate(body, &world_.templates[v - 1]);
    if (!s.ok()) return s;
    int64_t at = v == 1 ? t_dir_ + kDayMs : world_.cycles.back().start - 2 * kDayMs;
    if (at <= t_dir_) at = t_dir_ + kDayMs + kHourMs;
    WEIGE_RETURN_IF_ERROR(run_.Run("template.publish", kAdmin, at, {{"template", body}}));
  }
  return Status::Ok();
}

Status Builder::Microgrid(const MicrogridPlan& mg, Rng& rng, int* buildings) {
  WEIGE_RETURN_IF_ERROR(run_.Run("region.upsert", kAdmin, t_dir_,
                                 {{"id", mg.id}, {"parent_id", mg.grid_id},
                                  {"level", "microgrid"}, {"name", mg.name}}));
  WEIGE_RETURN_IF_ERROR(
      Person(WorkerOf(mg.id), PersonName(rng), rng, "worker", mg.id, mg.index == 0));
  const std::string grid_head = GridHeadOf(mg.grid_id);
  const std::string worker = WorkerOf(mg.id);
  std::vector<BuildingPlan> layout = LayOut(o_, mg);
  *buildings = static_cast<int>(layout.size());
  for (const BuildingPlan& b : layout) {
    // The grid head registers buildings; the worker the households in them.
    WEIGE_RETURN_IF_ERROR(run_.Run("building.upsert", grid_head, t_dir_ + kHourMs,
                                   {{"id", b.id}, {"microgrid_id", mg.id}, {"name", b.name},
                                    {"address", b.address}, {"units", b.units},
                                    {"floors", b.floors}, {"lat", b.lat}, {"lng", b.lng}}));
    ++buildings_;
    WEIGE_RETURN_IF_ERROR(
        Person(CaptainOf(b.id), PersonName(rng), rng, "captain", b.id,
               mg.index == 0 && &b == &layout.front()));
    for (const HouseholdPlan& h : b.households) {
      Json p = {{"id", h.id},         {"building_id", b.id},     {"unit", h.unit},
                {"floor", h.floor},   {"room", h.room},          {"head_name", h.head_name},
                {"members", h.members}, {"phone", h.phone}};
      if (!h.tags.empty()) p["tags"] = h.tags;
      WEIGE_RETURN_IF_ERROR(run_.Run("household.upsert", worker, t_dir_ + 2 * kHourMs, p));
      ++households_;
      if (!h.resident.empty()) {
        WEIGE_RETURN_IF_ERROR(Person(h.resident, h.head_name, rng, "resident", h.id));
        ++residents_;
      }
    }
  }
  return Status::Ok();
}

Status Builder::Build(Json* summary) {
  PlanCycles();
  world_.options = o_;
  WEIGE_RETURN_IF_ERROR(store_->Bootstrap(kAdmin, "周建华", t_dir_));
  logins_.push_back({kAdmin, "周建华", "admin", "*"});
  // A larger page cache while building: inserts land all over the indexes.
  WEIGE_RETURN_IF_ERROR(store_->SetCacheKib(256 << 10));
  WEIGE_RETURN_IF_ERROR(run_.Begin());
  Status s = Directory();
  HistoryStats hist;
  if (s.ok() && o_.history) {
    for (const MicrogridPlan& mg : mgs_) {
      s = RunHistory(run_, world_, mg, LayOut(o_, mg), &hist);
      if (!s.ok()) break;
    }
  }
  if (!s.ok()) {
    run_.Rollback();
    store_->SetCacheKib(0);
    return s;
  }
  WEIGE_RETURN_IF_ERROR(run_.Commit());
  WEIGE_RETURN_IF_ERROR(store_->SetCacheKib(0));

  // One login per role at least; the resident is one who has reports to track.
  bool resident = false;
  if (!mgs_.empty()) {
    for (const BuildingPlan& b : LayOut(o_, mgs_.front())) {
      for (const HouseholdPlan& h : b.households) {
        if (h.resident.empty() || resident) continue;
        if (!hist.sample_resident.empty() && h.resident != hist.sample_resident) continue;
        resident = true;
        logins_.push_back({h.resident, h.head_name, "resident", h.id});
      }
    }
  }
  Json logins = Json::array();
  for (const Login& l : logins_) {
    logins.push_back({{"person_id", l.person_id}, {"name", l.name}, {"role", l.role},
                      {"scope_id", l.scope_id}});
  }
  const std::string cycle = world_.cycles.back().name;
  Result figures = store_->Query(
      "stats.rollup", Json{{"actor", kAdmin}, {"region_id", kDistrict}, {"cycle", cycle},
                           {"now", o_.now}});
  if (!figures.ok()) return figures.status;
  figures.value.erase("children");
  Json by_type = Json::object();
  for (const auto& [type, n] : run_.by_type()) by_type[type] = n;
  *summary = {
      {"district_id", kDistrict},
      {"name", "通州区"},
      {"cycle", cycle},
      {"now", o_.now},
      {"seed", o_.seed},
      {"counts",
       {{"streets", streets_},
        {"communities", communities_},
        {"grids", grids_},
        {"microgrids", static_cast<int64_t>(mgs_.size())},
        {"buildings", buildings_},
        {"households", households_},
        {"departments", departments_},
        {"people", people_},
        {"residents", residents_},
        {"commands", run_.commands()},
        {"by_type", by_type}}},
      {"figures", figures.value},
      {"logins", logins},
  };
  return Status::Ok();
}

}  // namespace

DistrictOptions FullScale() {
  DistrictOptions o;
  o.streets = 11;
  o.communities_per_street = 23;  // 253 communities of ~2,500 households
  o.total_grids = 1024;
  o.total_microgrids = 8381;
  o.households_per_microgrid = 75;  // 628,575 households
  o.history_months = 0;             // the current cycle only
  o.light_history = true;
  o.photos = false;                 // ~0.1 ms and ~1 KB each, for no benchmark's sake
  return o;
}

Status Runner::Begin() { return store_->Begin(&tx_); }

Status Runner::Commit() { return tx_.Commit(); }

Status Runner::PutPhoto(const std::string& sha, const std::string& bytes,
                        const std::string& uploader, int64_t at) {
  bool existed = false;
  return store::PutBlob(*store_, sha, bytes, uploader, at, &existed);
}

Status Runner::Run(const std::string& type, const std::string& actor, int64_t at, Json payload,
                   Json* value) {
  ++n_;
  std::string id = "demo-" + std::to_string(n_);
  Json command = {{"id", id}, {"type", type}, {"actor", actor}, {"at", at},
                  {"payload", std::move(payload)}};
  // The district's history is a server's: each command as if pushed when
  // it was made (its events carry that server time, which Open311 and the
  // console's audit read).
  store::ExecOptions options;
  options.server_time = at;
  Result r = store_->Execute(command, options);
  if (!r.ok()) {
    return Error(r.status.code, r.status.reason,
                 "demo command " + id + " (" + type + " by " + actor + ") failed: " +
                     r.status.message);
  }
  ++by_type_[type];
  if (value != nullptr) *value = std::move(r.value);
  if (n_ % batch_ == 0) {
    WEIGE_RETURN_IF_ERROR(Commit());
    WEIGE_RETURN_IF_ERROR(Begin());
  }
  return Status::Ok();
}

std::vector<BuildingPlan> LayOut(const DistrictOptions& o, const MicrogridPlan& mg) {
  Rng rng(o.seed, "layout:" + mg.id);
  const double resident_share = o.light_history ? 0.04 : 0.3;
  // The compound's position in Tongzhou (lat 39.78-39.95, lng 116.55-116.80).
  Rng place(o.seed, "place:" + mg.community_id);
  const double lat0 = 39.78 + place.Uniform() * 0.17;
  const double lng0 = 116.55 + place.Uniform() * 0.25;
  std::vector<BuildingPlan> out;
  int remaining = mg.households;
  for (int k = 1; remaining > 0; ++k) {
    BuildingPlan b;
    b.id = "b-" + mg.id + "-" + std::to_string(k);
    const int no = mg.first_building_no + k - 1;
    b.name = mg.compound + std::to_string(no) + "号楼";
    b.address = "北京市通州区" + mg.street_name + mg.compound + std::to_string(no) + "号楼";
    int rooms;
    if (rng.Chance(0.7)) {  // a walk-up of the 1990s
      b.floors = static_cast<int>(rng.Range(5, 6));
      b.units = static_cast<int>(rng.Range(2, 4));
      rooms = 2;
    } else {  // a mid-rise
      b.floors = static_cast<int>(rng.Range(9, 11));
      b.units = static_cast<int>(rng.Range(1, 2));
      rooms = static_cast<int>(rng.Range(2, 3));
    }
    b.lat = lat0 + (rng.Uniform() - 0.5) * 0.004;
    b.lng = lng0 + (rng.Uniform() - 0.5) * 0.004;
    for (int u = 1; u <= b.units && remaining > 0; ++u) {
      for (int f = 1; f <= b.floors && remaining > 0; ++f) {
        for (int r = 1; r <= rooms && remaining > 0; ++r, --remaining) {
          HouseholdPlan h;
          h.room = std::to_string(f * 100 + r);
          h.unit = std::to_string(u) + "单元";
          h.floor = f;
          h.id = "h-" + mg.id + "-" + std::to_string(k) + "-" + std::to_string(u) + "-" + h.room;
          h.head_name = PersonName(rng);
          h.phone = PhoneNumber(rng);
          h.members = static_cast<int>(rng.Range(1, 5));
          double x = rng.Uniform();
          if (x < 0.03) {
            h.vacant = true;
            h.housing = "空置";
            h.members = 0;
            h.tags.push_back("空置房");
          } else if (x < 0.18) {
            h.housing = "出租";
            h.tags.push_back("出租房");
          } else if (x < 0.195) {
            h.housing = "群租";
            h.members = static_cast<int>(rng.Range(7, 12));
            h.tags.push_back("群租房");
          } else if (x < 0.205) {
            h.housing = "商用";
          } else {
            h.housing = "自住";
          }
          if (!h.vacant && h.housing == "自住" && rng.Chance(0.05)) {
            h.elderly_alone = true;
            h.members = 1;
            h.tags.push_back("独居老人");
          }
          if (!h.vacant && rng.Chance(0.02)) h.tags.push_back("低保户");
          if (!h.vacant && rng.Chance(0.06)) h.tags.push_back("党员");
          if (!h.vacant && rng.Chance(resident_share)) h.resident = "p-r-" + h.id.substr(2);
          b.households.push_back(std::move(h));
        }
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

Status BuildDistrict(store::Store* store, const DistrictOptions& options, Json* summary) {
  if (store == nullptr || summary == nullptr) {
    return InvalidArgument("demo.invalid", "a store and a summary are required");
  }
  if (options.streets < 1 || options.communities_per_street < 1 ||
      options.grids_per_community < 1 || options.microgrids_per_grid < 1 ||
      options.households_per_microgrid < 1 || options.history_months < 0 ||
      options.history_months > 24 || options.total_grids < 0 || options.total_microgrids < 0 ||
      (options.total_grids > 0 &&
       options.total_grids < options.streets * options.communities_per_street) ||
      (options.total_microgrids > 0 &&
       options.total_microgrids < (options.total_grids > 0
                                       ? options.total_grids
                                       : options.streets * options.communities_per_street *
                                             options.grids_per_community))) {
    return InvalidArgument("demo.invalid", "every level needs at least one region per parent");
  }
  Builder b(store, options);
  return b.Build(summary);
}

}  // namespace weige::demo
