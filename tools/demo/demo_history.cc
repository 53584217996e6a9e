// The history of a micro-grid: every action is planned first (with its time),
// then the plan is sorted by time and run, so each item's events follow one
// another as they would in the field. Nothing happens after `now`: an item
// whose next step would fall later simply stays where it is.
#include <algorithm>
#include <map>

#include "tools/demo/demo_internal.h"
#include "tools/demo/demo_photos.h"

namespace weige::demo {

Routing RouteFor(const std::string& category, const MicrogridPlan& mg) {
  const std::string& s = mg.street_id;
  const std::string property = "wy-" + mg.community_id;
  if (category == "fire_safety") return {property, "xf-" + s};
  if (category == "gas_safety") return {"gas", "xf-" + s};
  if (category == "group_rental") return {"", "pcs-" + s};
  if (category == "fraud_prevention") return {"", "pcs-" + s};
  if (category == "elderly_care") return {"", "mz"};
  if (category == "sanitation" || category == "greening" || category == "parking") {
    return {property, "cg-" + s};
  }
  if (category == "public_facility") return {property, "jdb-" + s};
  if (category == "water_leak") return {property, "water"};
  if (category == "street_light") return {"power", "jdb-" + s};
  if (category == "noise") return {"", "pcs-" + s};
  return {"", "jdb-" + s};
}

Json DoorKnockTemplate(int version) {
  Json questions = {
      {{"key", "ebike_wire"}, {"kind", "yes_no"}, {"required", true},
       {"label", "是否存在电动车飞线充电、入户充电?"},
       {"label_en", "Is an e-bike charged on a flying wire or indoors?"}},
      {{"key", "fire_lane"}, {"kind", "yes_no"}, {"required", true},
       {"label", "楼道、消防通道是否堵塞?"},
       {"label_en", "Are the stairwell or fire lanes blocked?"}},
      {{"key", "elderly_alone"}, {"kind", "yes_no"}, {"required", true},
       {"label", "是否有独居、空巢老人?"},
       {"label_en", "Does an elderly person live alone here?"}},
      {{"key", "housing"}, {"kind", "choice"}, {"required", true},
       {"label", "房屋使用情况"}, {"label_en", "Use of the home"},
       {"options", {"自住", "出租", "群租", "空置", "商用"}},
       {"options_en", {"Owner-occupied", "Rented", "Group rental", "Vacant", "Commercial"}}},
      {{"key", "residents"}, {"kind", "number"}, {"required", true},
       {"label", "实际居住人数"}, {"label_en", "People living here"}, {"min", 0}, {"max", 50}},
      {{"key", "gas"}, {"kind", "choice"}, {"required", true},
       {"label", "燃气使用安全"}, {"label_en", "Gas safety"},
       {"options", {"正常", "管线老化", "有异味", "未通燃气"}},
       {"options_en", {"Normal", "Ageing pipes", "Smells of gas", "No gas supply"}}},
      {{"key", "fraud_leaflet"}, {"kind", "yes_no"}, {"required", true},
       {"label", "是否已发放反诈宣传单并讲解?"},
       {"label_en", "Was the anti-fraud leaflet handed over and explained?"}},
      {{"key", "situation"}, {"kind", "text"}, {"label", "其他情况说明"},
       {"label_en", "Other observations"}, {"max_length", 500}},
      {{"key", "photos"}, {"kind", "photo"}, {"label", "现场照片"}, {"label_en", "Photos"}},
  };
  if (version >= 2) {
    questions.push_back({{"key", "fraud_app"}, {"kind", "yes_no"},
                         {"label", "是否已安装国家反诈中心APP?"},
                         {"label_en", "Is the national anti-fraud app installed?"}});
  }
  auto rule = [](const char* q, const char* op, Json operand, const char* category,
                 const char* title, int days) {
    return Json{{"question", q},
                {op, std::move(operand)},
                {"finding", {{"category", category}, {"title", title}, {"deadline_days", days}}}};
  };
  Json rules = {
      rule("ebike_wire", "equals", true, "fire_safety", "电动车飞线充电", 3),
      rule("fire_lane", "equals", true, "fire_safety", "消防通道堵塞", 1),
      rule("elderly_alone", "equals", true, "elderly_care", "独居老人关爱帮扶", 7),
      rule("housing", "in", {"群租"}, "group_rental", "群租房安全检查", 7),
      rule("residents", "above", 6, "group_rental", "居住人数超标核查", 7),
      rule("gas", "in", {"管线老化", "有异味"}, "gas_safety", "燃气安全隐患", 2),
      rule("fraud_leaflet", "equals", false, "fraud_prevention", "反诈宣传单补发", 7),
  };
  return {{"id", "door_knock"},
          {"version", version},
          {"title", "敲门行动入户走访表"},
          {"title_en", "Door-to-door visit form"},
          {"questions", questions},
          {"rules", rules}};
}

namespace {

constexpr int64_t kMinuteMs = 60000;

struct ItemPlan {
  std::string id, mg, building, category;
  int64_t opened_at = 0, deadline = 0;
  std::string fixed_by;             // set: opened already fixed (即查即改)
  std::string report_id, resident;  // set: opened by a resident's report
  // The name of its random stream when not its id: a report's item keeps
  // the stream it had when report ids named the household, so the demo's
  // history is the one its tests were calibrated on.
  std::string stream;
};

struct Act {
  int64_t at;
  size_t seq;
  std::string type, actor;
  Json payload;
};

struct ReportKind {
  const char* category;
  const char* text;  // follows the place
};
constexpr ReportKind kReportKinds[] = {
    {"sanitation", "东侧有卫生死角，垃圾堆积多日无人清理，气味很大。"},
    {"greening", "楼前绿化带被踩踏毁坏，还有人私自在里面种菜。"},
    {"fire_safety", "楼道里有人私拉电线给电动车充电，存在火灾隐患。"},
    {"fire_safety", "旁边的消防通道被私家车长期占用。"},
    {"street_light", "附近的路灯不亮已经一个星期了，晚上出行不便。"},
    {"water_leak", "顶楼漏水，楼道墙皮大面积脱落。"},
    {"noise", "楼上夜间装修噪音扰民，影响休息。"},
    {"parking", "门口乱停车严重，影响老人孩子通行。"},
    {"pets", "有人遛狗不牵绳，孩子被吓到好几次。"},
    {"public_facility", "单元门禁坏了，外来人员随意进出。"},
};

struct PatrolFinding {
  const char* category;
  const char* title;
  int days;
};
constexpr PatrolFinding kPatrolFindings[] = {
    {"sanitation", "楼道堆放杂物", 3},      {"fire_safety", "电动车楼道停放充电", 2},
    {"public_facility", "单元门禁损坏", 5},        {"fire_safety", "灭火器过期", 7},
    {"sanitation", "垃圾桶满溢未清运", 1},  {"public_facility", "楼道灯损坏", 5},
};

constexpr const char* kSituations[] = {
    "家中老人身体状况良好，子女每周探望。", "租户为外地务工人员，已登记信息。",
    "住户反映楼下夜市噪音较大。",           "已提醒住户定期检查燃气软管。",
    "住户对社区服务表示满意。",             "家中有残疾人，需关注帮扶政策落实。",
};

class Planner {
 public:
  Planner(const World& w, const MicrogridPlan& mg, const std::vector<BuildingPlan>& buildings,
          HistoryStats* stats)
      : w_(w), o_(w.options), mg_(mg), buildings_(buildings), stats_(stats),
        worker_(WorkerOf(mg.id)), head_(GridHeadOf(mg.grid_id)) {}

  void Visits();
  void Patrols();
  void Reports();
  Status Run(Runner& run);

 private:
  bool Add(int64_t at, const char* type, const std::string& actor, Json payload) {
    if (at > o_.now) return false;
    acts_.push_back({at, acts_.size(), type, actor, std::move(payload)});
    return true;
  }
  // The digest of the photo `label` names; its bytes wait in photos_ until
  // the first command citing it runs (see Run).
  std::string Sha(const std::string& label) {
    const std::string full = std::to_string(o_.seed) + ":" + label;
    if (!o_.photos) return FakeSha256(full);
    Photo p = MakePhoto(full);
    std::string sha = p.sha256;
    photos_.emplace(sha, std::move(p.bytes));
    return sha;
  }
  Status UploadCited(Runner& run, const Json& v, const Act& act);
  // A time in working hours (09:00-19:30 Beijing) on the day of `t`.
  static int64_t WorkTime(int64_t t, Rng& rng) {
    int64_t local = t + kBeijingOffsetMs;
    int64_t midnight = local - local % kDayMs - kBeijingOffsetMs;
    return midnight + 9 * kHourMs + rng.Range(0, 630) * kMinuteMs;
  }
  void Visit(const World::Cycle& c, const BuildingPlan& b, const HouseholdPlan& h, Rng& rng);
  void Item(const ItemPlan& it);

  const World& w_;
  const DistrictOptions& o_;
  const MicrogridPlan& mg_;
  const std::vector<BuildingPlan>& buildings_;
  HistoryStats* stats_;
  const std::string worker_, head_;
  std::vector<Act> acts_;
  std::map<std::string, std::string> photos_;  // digest -> bytes, not yet uploaded
};

// The current cycle is in progress whatever day `now` is: a share of its
// households, growing with the part of the cycle gone (15% on its first day,
// ~55% half way, 90% at most), visited between its start and `now`.
double CurrentCycleShare(const World::Cycle& c, int64_t now) {
  const double gone = static_cast<double>(now - c.start) / static_cast<double>(c.end - c.start);
  return std::clamp(0.15 + 0.8 * gone, 0.15, 0.9);
}

void Planner::Visits() {
  Rng rng(o_.seed, "visits:" + mg_.id);
  for (const World::Cycle& c : w_.cycles) {
    const bool current = &c == &w_.cycles.back();
    const int64_t days = (c.end - c.start) / kDayMs;
    const double share = current ? CurrentCycleShare(c, o_.now) : 0.97;
    const int64_t days_gone = (o_.now - c.start) / kDayMs;  // whole days of the current one
    for (const BuildingPlan& b : buildings_) {
      for (const HouseholdPlan& h : b.households) {
        if (!rng.Chance(share)) continue;  // missed that cycle, or not yet visited
        int64_t day = rng.Range(0, current ? days_gone : days - 5);
        int64_t t = WorkTime(c.start + day * kDayMs, rng);
        if (current && t > o_.now) {  // today, later than now: earlier today instead
          t = std::max(c.start, o_.now - rng.Range(5, 300) * kMinuteMs);
        }
        for (int attempt = 1; attempt <= 3 && t < c.end; ++attempt) {
          std::string outcome;
          double x = rng.Uniform();
          if (h.vacant) {
            outcome = "vacant";
          } else if (attempt == 1) {
            outcome = x < 0.80 ? "met" : x < 0.95 ? "not_home" : "refused";
          } else {
            outcome = x < 0.70 ? "met" : "not_home";
          }
          std::string id = "v" + c.name.substr(2, 2) + c.name.substr(5, 2) + "-" + h.id.substr(2);
          if (attempt > 1) id += "-" + std::to_string(attempt);
          const std::string& actor = rng.Chance(0.05) ? head_ : worker_;
          Json p = {{"visit_id", id}, {"household_id", h.id}, {"cycle", c.name},
                    {"outcome", outcome}};
          if (rng.Chance(0.7)) {
            p["gps"] = {{"lat", b.lat + (rng.Uniform() - 0.5) * 0.0004},
                        {"lng", b.lng + (rng.Uniform() - 0.5) * 0.0004}};
          }
          std::vector<ItemPlan> items;
          if (outcome == "met") {
            const bool rental = h.housing == "出租" || h.housing == "群租";
            Json a = {{"ebike_wire", rng.Chance(rental ? 0.08 : 0.03)},
                      {"fire_lane", rng.Chance(0.02)},
                      {"elderly_alone", h.elderly_alone},
                      {"housing", h.housing},
                      {"residents", h.members},
                      {"fraud_leaflet", rng.Chance(0.9)}};
            double g = rng.Uniform();
            a["gas"] = g < 0.95 ? "正常" : g < 0.965 ? "管线老化" : g < 0.975 ? "有异味" : "未通燃气";
            if (c.template_version >= 2) a["fraud_app"] = rng.Chance(0.6);
            if (rng.Chance(0.3)) a["photos"] = {Sha(id + ":door")};
            if (rng.Chance(0.15)) a["situation"] = rng.Pick(kSituations);
            const ChecklistTemplate& tpl = w_.templates[c.template_version - 1];
            std::vector<Finding> found;
            EvaluateAnswers(tpl, a, true, &found);
            Json on_spot = Json::object();
            for (const Finding& f : found) {
              const std::string& k = f.question_key;
              double p_fix = k == "fraud_leaflet" ? 0.95 : k == "elderly_alone" ? 0.85
                           : k == "ebike_wire"   ? 0.35 : k == "fire_lane"     ? 0.3
                           : 0.0;
              if (!on_spot.contains(k) && rng.Chance(p_fix)) {
                on_spot[k] = {Sha(id + ":fixed:" + k)};
              }
            }
            p["template_id"] = w_.template_id;
            p["template_version"] = c.template_version;
            p["answers"] = std::move(a);
            for (const Finding& f : found) {
              ItemPlan it;
              it.category = f.spec.category;
              it.deadline = f.spec.deadline_days > 0 ? t + f.spec.deadline_days * kDayMs : 0;
              if (on_spot.contains(f.question_key)) it.fixed_by = actor;
              items.push_back(std::move(it));
            }
            if (!on_spot.empty()) p["fixed_on_spot"] = std::move(on_spot);
            if (rng.Chance(0.015)) {  // seen on the landing, outside the form
              p["findings"] = Json::array({Json{
                  {"category", "sanitation"},
                  {"title", "楼道堆放杂物"},
                  {"description", h.unit + std::to_string(h.floor) + "层楼道堆放纸箱、旧家具等杂物"},
                  {"deadline_days", 3},
                  {"photos", Json::array({Sha(id + ":landing")})}}});
              ItemPlan it;
              it.category = "sanitation";
              it.deadline = t + 3 * kDayMs;
              items.push_back(std::move(it));
            }
          } else if (outcome == "not_home") {
            p["notes"] = "敲门无人应答，已张贴联系卡";
            p["photos"] = {Sha(id + ":card")};
          } else if (outcome == "refused") {
            p["notes"] = "住户拒绝入户，已做好解释工作";
          } else {
            p["notes"] = "房屋空置，已电话联系业主确认";
          }
          if (!Add(t, "visit.record", actor, std::move(p))) break;
          for (size_t i = 0; i < items.size(); ++i) {
            ItemPlan& it = items[i];
            it.id = id + "." + std::to_string(i + 1);
            it.mg = mg_.id;
            it.building = b.id;
            it.opened_at = t;
            Item(it);
          }
          if (outcome != "not_home") break;
          t = WorkTime(t + rng.Range(1, 5) * kDayMs, rng);
        }
      }
    }
  }
}

void Planner::Patrols() {
  Rng rng(o_.seed, "patrols:" + mg_.id);
  const int64_t window = o_.light_history ? 7 : (o_.now - w_.history_start) / kDayMs;
  const double chance = o_.light_history ? 0.2 : 0.35;
  CivilDate today = BeijingDate(o_.now);
  const int64_t today_start = BeijingMidnight(today.year, today.month, today.day);
  for (const BuildingPlan& b : buildings_) {
    const std::string captain = CaptainOf(b.id);
    for (int64_t d = window; d >= 0; --d) {
      if (!rng.Chance(chance)) continue;
      const int64_t day = today_start - d * kDayMs;
      const int64_t t = day + (rng.Chance(0.5) ? rng.Range(420, 540) : rng.Range(1020, 1200)) *
                                  kMinuteMs;
      CivilDate date = BeijingDate(day);
      char ymd[16];
      std::snprintf(ymd, sizeof ymd, "%04d%02d%02d", static_cast<int>(date.year),
                    static_cast<int>(date.month), static_cast<int>(date.day));
      const std::string id = "pt-" + b.id.substr(2) + "-" + ymd;
      Json p = {{"patrol_id", id}, {"building_id", b.id}};
      if (rng.Chance(0.4)) p["photos"] = {Sha(id + ":photo")};
      std::vector<ItemPlan> items;
      if (rng.Chance(0.03)) {
        const PatrolFinding& f = rng.Pick(kPatrolFindings);
        Json finding = {{"category", f.category}, {"title", f.title}, {"deadline_days", f.days},
                        {"photos", {Sha(id + ":finding")}}};
        ItemPlan it;
        it.category = f.category;
        it.deadline = t + f.days * kDayMs;
        if (std::string(f.category) == "sanitation" && rng.Chance(0.4)) {
          finding["fixed_evidence"] = {Sha(id + ":cleared")};
          it.fixed_by = captain;
        }
        p["findings"] = Json::array({finding});
        p["notes"] = std::string("巡查发现：") + f.title;
        items.push_back(std::move(it));
      } else {
        p["notes"] = "楼栋日常巡查，未发现异常";
      }
      if (!Add(t, "patrol.record", captain, std::move(p))) continue;
      for (size_t i = 0; i < items.size(); ++i) {
        items[i].id = id + "." + std::to_string(i + 1);
        items[i].mg = mg_.id;
        items[i].building = b.id;
        items[i].opened_at = t;
        Item(items[i]);
      }
    }
  }
}

void Planner::Reports() {
  Rng rng(o_.seed, "reports:" + mg_.id);
  const int64_t span = o_.now - w_.history_start - 2 * kHourMs;
  for (const BuildingPlan& b : buildings_) {
    for (const HouseholdPlan& h : b.households) {
      if (h.resident.empty()) continue;
      int n = o_.light_history ? (rng.Chance(0.3) ? 1 : 0)
                               : (rng.Chance(0.4) ? (rng.Chance(0.3) ? 2 : 1) : 0);
      for (int i = 1; i <= n; ++i) {
        int64_t t = w_.history_start + rng.Range(0, span);
        const int64_t local = (t + kBeijingOffsetMs) % kDayMs;
        if (local < 7 * kHourMs || local > 22 * kHourMs) t += 10 * kHourMs;  // awake hours
        const ReportKind& kind = rng.Pick(kReportKinds);
        // Opaque, as a device's are: a report id is public (Open311's
        // service_request_id) and must not name the household.
        const std::string id =
            "r-" + FakeSha256(std::to_string(o_.seed) + ":report:" + h.id + ":" + std::to_string(i))
                       .substr(0, 20);
        ItemPlan it;
        it.id = id + ".item";
        it.stream = "r-" + h.id.substr(2) + "-" + std::to_string(i) + ".item";
        it.category = kind.category;
        it.report_id = id;
        it.resident = h.resident;
        it.mg = mg_.id;
        Json place;
        std::string where;
        double x = rng.Uniform();
        if (x < 0.55) {
          place = {{"building_id", b.id}, {"unit", h.unit}};
          it.building = b.id;
          where = b.name + h.unit;
        } else if (x < 0.8) {
          const BuildingPlan& other = buildings_[rng.Next() % buildings_.size()];
          place = {{"building_id", other.id}};
          it.building = other.id;
          where = other.name;
        } else if (x < 0.92 && !mg_.neighbour.empty()) {
          // Across the lane: routed to the micro-grid that building is in.
          it.building = "b-" + mg_.neighbour + "-1";
          it.mg = mg_.neighbour;
          place = {{"building_id", it.building}};
          where = "隔壁楼";
        } else {
          where = mg_.compound + "南门外";
          place = {{"address", "北京市通州区" + mg_.street_name + where}};
        }
        Json p = {{"report_id", id}, {"category", kind.category},
                  {"description", where + kind.text}, {"place", place},
                  {"household_id", h.id}};
        if (rng.Chance(0.6)) p["photos"] = {Sha(id + ":photo")};
        if (rng.Chance(0.5)) p["phone"] = h.phone;
        if (!Add(t, "report.submit", h.resident, std::move(p))) continue;
        it.opened_at = t;
        Item(it);
      }
    }
  }
}

// One item's life after it is opened: assignment or escalation, the fix,
// verification (销号) by someone else, rejections, reopenings and, for a
// report, the resident's evaluation.
void Planner::Item(const ItemPlan& it) {
  Rng r(o_.seed, "item:" + (it.stream.empty() ? it.id : it.stream));
  const std::string worker = WorkerOf(it.mg);
  const Routing route = RouteFor(it.category, mg_);
  auto verifier_for = [&](const std::string& fixer) {
    if (!it.building.empty() && CaptainOf(it.building) != fixer && r.Chance(0.3)) {
      return CaptainOf(it.building);
    }
    return fixer != worker ? worker : head_;
  };
  auto fix = [&](int64_t at, const std::string& who, int n) {
    return Add(at, "item.mark_fixed", who,
               {{"item_id", it.id},
                {"evidence", {Sha(it.id + ":fix" + std::to_string(n))}},
                {"note", "已整改完毕，附整改后照片"}});
  };
  int64_t t = it.opened_at;
  // An item stalls (nobody takes it up, an escalation is never acknowledged,
  // the owner does nothing) mostly while it is recent: of those opened more
  // than ten days before now, most were dealt with since, late or not. So
  // the items overdue today are a backlog, not every item ever stalled.
  const bool old = o_.now - it.opened_at > 10 * kDayMs;
  auto stalls = [&](bool stalled) { return stalled && (!old || r.Chance(0.06)); };
  std::string fixer = it.fixed_by;
  std::string owner = it.fixed_by;  // who fixes it again after a rejection
  int fixes = 0;
  if (fixer.empty()) {
    const double fate = r.Uniform();
    if (stalls(fate < 0.07)) return;  // nobody has taken it up yet
    if (fate < 0.20) {
      // 网格吹哨、部门报到: the grid head calls in a department.
      t += r.Range(2, 30) * kHourMs;
      const int64_t ack_by = t + 2 * kDayMs;
      if (!Add(t, "item.escalate", head_,
               {{"item_id", it.id}, {"department_id", route.escalate_to}, {"deadline", ack_by},
                {"reason", "网格吹哨：问题超出网格处置能力，请部门报到处置"}})) {
        return;
      }
      if (stalls(r.Chance(0.2))) return;  // never acknowledged: overdue after ack_by
      t += r.Range(1, 60) * kHourMs;
      if (!Add(t, "item.acknowledge", MemberOf(route.escalate_to),
               {{"item_id", it.id}, {"note", "已接报，派员前往处置"}})) {
        return;
      }
      t += r.Range(1, 8) * kHourMs;
      if (!Add(t, "item.assign", head_,
               {{"item_id", it.id}, {"owner_dept", route.escalate_to},
                {"deadline", t + 5 * kDayMs}, {"note", "由报到部门牵头处置"}})) {
        return;
      }
      owner = MemberOf(route.escalate_to);
    } else {
      t += r.Range(1, 24) * kHourMs;
      const int64_t deadline = it.deadline > t ? it.deadline : t + r.Range(3, 10) * kDayMs;
      Json p = {{"item_id", it.id}, {"deadline", deadline}};
      if (route.owner_dept.empty()) {
        p["owner_person"] = worker;
        owner = worker;
      } else {
        p["owner_dept"] = route.owner_dept;
        owner = MemberOf(route.owner_dept);
      }
      if (!Add(t, "item.assign", r.Chance(0.7) ? worker : head_, std::move(p))) return;
      if (r.Chance(0.1)) {
        t += r.Range(1, 20) * kHourMs;
        if (!Add(t, "item.comment", worker,
                 {{"item_id", it.id}, {"text", "已电话督促责任方尽快处理"}})) {
          return;
        }
      }
      if (stalls(fate < 0.30)) return;  // stalled: overdue once the deadline passes
    }
    t += r.Range(3, 140) * kHourMs;
    if (!fix(t, owner, ++fixes)) return;
    fixer = owner;
  }
  for (int round = 1; round <= 3; ++round) {
    std::string verifier = verifier_for(fixer);
    t += r.Range(2, 48) * kHourMs;
    if (round == 1 && r.Chance(0.08)) {
      if (!Add(t, "item.reject_fix", verifier,
               {{"item_id", it.id}, {"reason", "整改不到位，现场仍有隐患"}})) {
        return;
      }
      t += r.Range(4, 72) * kHourMs;
      if (!fix(t, owner, ++fixes)) return;
      fixer = owner;
      verifier = verifier_for(fixer);
      t += r.Range(2, 24) * kHourMs;
    }
    if (!Add(t, "item.verify", verifier,
             {{"item_id", it.id}, {"evidence", {Sha(it.id + ":verify" + std::to_string(round))}},
              {"note", "现场复核整改到位，予以销号"}})) {
      return;
    }
    if (!it.report_id.empty()) {
      if (r.Chance(0.2)) return;  // the resident never rated it
      t += r.Range(2, 72) * kHourMs;
      const double x = r.Uniform();
      int rating = round > 1 ? (x < 0.5 ? 5 : x < 0.85 ? 4 : 3)
                             : (x < 0.45 ? 5 : x < 0.72 ? 4 : x < 0.82 ? 3 : x < 0.92 ? 2 : 1);
      const char* comment = rating >= 4   ? "处理及时，网格员很负责，满意"
                            : rating == 3 ? "问题解决了，但是处理有点慢"
                                          : "问题没有彻底解决，过两天又出现了";
      if (!Add(t, "report.evaluate", it.resident,
               {{"report_id", it.report_id}, {"rating", rating}, {"comment", comment}})) {
        return;
      }
      if (stats_->sample_resident.empty() && mg_.index == 0) {
        stats_->sample_resident = it.resident;
      }
      if (rating > 2) return;  // an unsatisfied rating reopened the item
    } else {
      if (!r.Chance(0.04)) return;
      t += r.Range(1, 6) * kDayMs;
      if (!Add(t, "item.reopen", head_,
               {{"item_id", it.id}, {"reason", "回访发现问题反弹，重新整改"},
                {"deadline", t + 3 * kDayMs}})) {
        return;
      }
    }
    t += r.Range(4, 96) * kHourMs;
    if (!fix(t, owner, ++fixes)) return;
    fixer = owner;
  }
}

Status Planner::Run(Runner& run) {
  std::sort(acts_.begin(), acts_.end(), [](const Act& a, const Act& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  });
  for (Act& a : acts_) {
    // A phone uploads the photos before the command that cites them.
    WEIGE_RETURN_IF_ERROR(UploadCited(run, a.payload, a));
    WEIGE_RETURN_IF_ERROR(run.Run(a.type, a.actor, a.at, std::move(a.payload)));
  }
  return Status::Ok();
}

// Every string of the payload (photos, evidence, answers, findings) that is
// a photo not yet uploaded goes up as the act's actor, once.
Status Planner::UploadCited(Runner& run, const Json& v, const Act& act) {
  if (photos_.empty()) return Status::Ok();
  if (v.is_string()) {
    auto it = photos_.find(v.get_ref<const std::string&>());
    if (it == photos_.end()) return Status::Ok();
    WEIGE_RETURN_IF_ERROR(run.PutPhoto(it->first, it->second, act.actor, act.at));
    photos_.erase(it);
    return Status::Ok();
  }
  if (v.is_structured()) {
    for (const Json& e : v) WEIGE_RETURN_IF_ERROR(UploadCited(run, e, act));
  }
  return Status::Ok();
}

}  // namespace

Status RunHistory(Runner& run, const World& world, const MicrogridPlan& mg,
                  const std::vector<BuildingPlan>& buildings, HistoryStats* stats) {
  Planner p(world, mg, buildings, stats);
  p.Visits();
  p.Patrols();
  p.Reports();
  return p.Run(run);
}

}  // namespace weige::demo
