#include "tests/core/test_util.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/store/db.h"

namespace weige::testing {

std::string Sha(int n) {
  char tail[17];
  std::snprintf(tail, sizeof tail, "%016x", static_cast<unsigned>(n));
  return std::string(48, 'a') + tail;
}

Json Cmd(const std::string& id, const std::string& type, const std::string& actor, int64_t at,
         Json payload) {
  return {{"id", id}, {"type", type}, {"actor", actor}, {"at", at}, {"payload", std::move(payload)}};
}

Json DoorTemplate(int64_t version) {
  Json t = Json::parse(R"({
    "id": "door", "version": 1, "title": "敲门行动入户表",
    "questions": [
      {"key": "ebike", "kind": "yes_no", "label": "电动车飞线充电?", "required": true},
      {"key": "extinguisher", "kind": "choice", "label": "灭火器", "required": true,
       "options": ["ok", "missing", "expired"]},
      {"key": "elderly", "kind": "number", "label": "独居老人", "min": 0, "max": 20},
      {"key": "note", "kind": "text", "label": "备注", "max_length": 50},
      {"key": "photo", "kind": "photo", "label": "照片"}
    ],
    "rules": [
      {"question": "ebike", "equals": true,
       "finding": {"category": "fire_safety", "title": "电动车飞线充电", "deadline_days": 3}},
      {"question": "extinguisher", "in": ["missing", "expired"],
       "finding": {"category": "fire_safety", "title": "灭火器缺失或过期", "deadline_days": 7}},
      {"question": "elderly", "above": 0,
       "finding": {"category": "care", "title": "独居老人关怀"}}
    ]})");
  t["version"] = version;
  return t;
}

std::string Describe(const Result& r) {
  if (r.ok()) return "ok " + DumpJson(r.value).substr(0, 300);
  return std::string(CodeName(r.status.code)) + " " + r.status.reason + ": " +
         r.status.message.substr(0, 300);
}

TempDb::TempDb() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "weige-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  dir_ = made;
  path_ = dir_ + "/weige.db";
}

Status ExecSql(store::Store& store, std::string_view sql) { return store::DbOf(store).Exec(sql); }

TempDb::~TempDb() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void WorldTest::SetUp() {
  tmp_ = std::make_unique<TempDb>();
  ASSERT_TRUE(store::Store::Open(tmp_->path(), {}, &store_).ok());
  ASSERT_TRUE(store_->Bootstrap("admin", "Admin", kSetupAt).ok());
  store::Transaction tx;
  ASSERT_TRUE(store_->Begin(&tx).ok());
  int n = 0;
  auto run = [&](const char* type, Json payload) {
    Result r = store_->Execute(
        Cmd("setup-" + std::to_string(++n), type, "admin", kSetupAt, std::move(payload)));
    ASSERT_TRUE(r.ok()) << type << " " << Describe(r);
  };
  auto region = [&](const char* id, const char* parent, const char* level) {
    Json p = {{"id", id}, {"level", level}, {"name", std::string("Region ") + id}};
    if (parent != nullptr) p["parent_id"] = parent;
    run("region.upsert", p);
  };
  region("d1", nullptr, "district");
  region("s1", "d1", "street");
  region("c1", "s1", "community");
  region("g1", "c1", "grid");
  region("g2", "c1", "grid");
  region("mg1", "g1", "microgrid");
  region("mg2", "g1", "microgrid");
  region("mg3", "g2", "microgrid");
  run("department.upsert", {{"id", "dept_prop"}, {"name", "Property Co"}, {"kind", "property"}});
  run("department.upsert", {{"id", "dept_fire"}, {"name", "Fire Bureau"}, {"kind", "bureau"}});
  for (auto [b, mg] : {std::pair{"b1", "mg1"}, {"b2", "mg1"}, {"b3", "mg2"}, {"b4", "mg3"}}) {
    run("building.upsert", {{"id", b}, {"microgrid_id", mg}, {"name", std::string("Building ") + b}});
  }
  int room = 100;
  for (auto [h, b] : {std::pair{"h1", "b1"}, {"h2", "b1"}, {"h3", "b2"}, {"h4", "b3"},
                      {"h5", "b3"}, {"h6", "b4"}}) {
    run("household.upsert", {{"id", h}, {"building_id", b}, {"unit", "1"}, {"floor", 1},
                             {"room", std::to_string(++room)}, {"head_name", std::string("Head ") + h}});
  }
  struct G { const char* person; const char* role; const char* scope; };
  const G grants[] = {
      {"radmin", "admin", "g2"},       {"head1", "grid_head", "g1"},
      {"head2", "grid_head", "g2"},    {"worker1", "worker", "mg1"},
      {"worker2", "worker", "mg2"},    {"worker3", "worker", "mg3"},
      {"captain1", "captain", "b1"},   {"captain3", "captain", "b3"},
      {"resident1", "resident", "h1"}, {"resident4", "resident", "h4"},
      {"deptp", "department", "dept_prop"}, {"deptf", "department", "dept_fire"},
      {"nobody", nullptr, nullptr}};
  for (const G& g : grants) {
    run("person.upsert", {{"id", g.person}, {"name", std::string("Person ") + g.person}});
    if (g.role != nullptr) {
      run("role.grant", {{"person_id", g.person}, {"role", g.role}, {"scope_id", g.scope}});
    }
  }
  run("template.publish", {{"template", DoorTemplate(1)}});
  ASSERT_TRUE(tx.Commit().ok());
}

void WorldTest::TurnOnChangeLog() {
  std::unique_ptr<store::Store> server;
  store::OpenOptions options;
  options.record_changes = true;
  ASSERT_TRUE(store::Store::Open(tmp_->path(), options, &server).ok());
}

void WorldTest::TearDown() {
  store_.reset();
  tmp_.reset();
}

Result WorldTest::Exec(const std::string& actor, const std::string& type, Json payload,
                       int64_t at) {
  return store_->Execute(
      Cmd("c" + std::to_string(++next_cmd_), type, actor, at, std::move(payload)));
}

Json WorldTest::MustExec(const std::string& actor, const std::string& type, Json payload,
                         int64_t at) {
  Result r = Exec(actor, type, std::move(payload), at);
  EXPECT_TRUE(r.ok()) << type << " by " << actor << ": " << Describe(r);
  return r.value;
}

Result WorldTest::Query(const std::string& actor, const std::string& name, Json params) {
  params["actor"] = actor;
  return store_->Query(name, params);
}

Json WorldTest::MustQuery(const std::string& actor, const std::string& name, Json params) {
  Result r = Query(actor, name, std::move(params));
  EXPECT_TRUE(r.ok()) << name << " by " << actor << ": " << Describe(r);
  return r.value;
}

std::string WorldTest::OpenItem(const std::string& household, const std::string& actor,
                                int64_t at, Json extra) {
  std::string id = "item" + std::to_string(++next_item_);
  Json p = {{"item_id", id}, {"household_id", household}, {"category", "sanitation"},
            {"title", "Rubbish in the stairwell"}};
  p.update(extra);
  MustExec(actor, "item.open", p, at);
  return id;
}

void WorldTest::Assign(const std::string& item, int64_t deadline) {
  MustExec("head1", "item.assign",
           {{"item_id", item}, {"owner_dept", "dept_prop"}, {"deadline", deadline}}, kT0 + 60000);
}

void WorldTest::Fix(const std::string& item, const std::string& actor, int64_t at) {
  MustExec(actor, "item.mark_fixed", {{"item_id", item}, {"evidence", {Sha(1)}}}, at);
}

void WorldTest::Close(const std::string& item, const std::string& actor, int64_t at) {
  MustExec(actor, "item.verify", {{"item_id", item}, {"evidence", {Sha(2)}}}, at);
}

std::string WorldTest::ItemIn(const std::string& state, const std::string& household) {
  std::string id = OpenItem(household, household == "h1" || household == "h2" ||
                                               household == "h3"
                                           ? "worker1"
                                           : "head1");
  if (state == "open") return id;
  Assign(id);
  if (state == "assigned") return id;
  Fix(id);
  if (state == "fixed") return id;
  Close(id);
  return id;
}

std::string WorldTest::ItemState(const std::string& item) {
  Json d = ItemDetail(item);
  return d.is_object() ? d["state"].get<std::string>() : std::string("?");
}

Json WorldTest::ItemDetail(const std::string& item) {
  return MustQuery("admin", "item.detail", {{"item_id", item}});
}

int64_t WorldTest::Count(const std::string& sql) {
  store::Stmt s = store::DbOf(*store_).Q(sql);
  int64_t n = -1;
  if (s.Step()) n = s.Int(0);
  return n;
}

}  // namespace weige::testing
