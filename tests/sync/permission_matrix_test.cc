// The permission matrix through the real weige-server: every role x every
// command and query x inside and outside its scope. Allowed ones succeed;
// the others are refused with permission_denied. Then every role pulls the
// whole change log and no row outside its scope comes back.
//
// One person per role, on the store test world (tests/core/test_util.h):
//   admin      radmin    (admin of g2)      inside g2/mg3/b4/h6, outside g1/mg1/b1/h1
//   grid_head  head1     (g1)               inside g1/mg1/b1/h1, outside g2/mg3/b4/h6
//   worker     worker1   (mg1)              inside mg1/b1/h1,    outside mg2/b3/h4
//   captain    captain1  (b1)               inside b1/h1,        outside b2/h3 (same mg)
//   resident   resident1 (h1)               inside h1,           outside h2 (same building)
//   department deptp     (dept_prop)        inside: items owned by / escalated to
//                                           dept_prop; outside: the same for dept_fire
//   partner    partner1  (g1, made here)    inside g1/mg1/b1, outside g2/mg3/b4: an
//                                           Open311 system; it submits reports only
// Preconditions are made by "admin" (administrator of everything) and a
// second one, "root2" (a verifier who is not the fixer).
#include <functional>
#include <map>
#include <set>

#include "tests/sync/server_harness.h"

namespace weige::testing {
namespace {

struct Place {
  std::string hh, building, mg, grid, rollup, dept;
};

struct RoleCase {
  std::string role, person;
  Place in, out;
};

const std::vector<RoleCase>& Roles() {
  static const std::vector<RoleCase> roles = {
      {"admin", "radmin", {"h6", "b4", "mg3", "g2", "g2", "dept_prop"},
       {"h1", "b1", "mg1", "g1", "g1", "dept_prop"}},
      {"grid_head", "head1", {"h1", "b1", "mg1", "g1", "g1", "dept_prop"},
       {"h6", "b4", "mg3", "g2", "g2", "dept_prop"}},
      {"worker", "worker1", {"h1", "b1", "mg1", "g1", "mg1", "dept_prop"},
       {"h4", "b3", "mg2", "g2", "mg2", "dept_prop"}},
      {"captain", "captain1", {"h1", "b1", "mg1", "g1", "g1", "dept_prop"},
       {"h3", "b2", "mg2", "g2", "g2", "dept_prop"}},
      {"resident", "resident1", {"h1", "b1", "mg1", "g1", "g1", "dept_prop"},
       {"h2", "b2", "mg2", "g2", "g2", "dept_prop"}},
      {"department", "deptp", {"h1", "b1", "mg1", "g1", "g1", "dept_prop"},
       {"h1", "b1", "mg1", "g1", "g1", "dept_fire"}},
      {"partner", "partner1", {"h1", "b1", "mg1", "g1", "g1", "dept_prop"},
       {"h6", "b4", "mg3", "g2", "g2", "dept_prop"}},
  };
  return roles;
}

// Who may, inside their scope. Outside, nobody, except where `anywhere`.
struct Rule {
  std::set<std::string> inside;
  std::set<std::string> anywhere;
  std::map<std::string, std::string> special;  // role -> expected code inside
};

const std::set<std::string> kAll = {"admin", "grid_head", "worker", "captain", "resident",
                                    "department"};
const std::set<std::string> kAllAndPartner = {"admin",    "grid_head",  "worker", "captain",
                                              "resident", "department", "partner"};

const std::map<std::string, Rule>& Rules() {
  static const std::map<std::string, Rule> rules = {
      {"region.upsert", {{"admin"}, {}, {}}},
      {"department.upsert", {{}, {}, {}}},  // the administrator of everything only
      {"building.upsert", {{"admin", "grid_head"}, {}, {}}},
      {"household.upsert", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"person.upsert", {{"admin"}, {"admin"}, {}}},
      {"role.grant", {{"admin"}, {}, {}}},
      {"role.revoke", {{"admin"}, {}, {}}},
      {"template.publish", {{}, {}, {}}},  // the administrator of everything only
      {"item.open", {{"admin", "grid_head", "worker", "captain"}, {}, {}}},
      {"item.assign", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"item.mark_fixed", {{"admin", "grid_head", "worker", "captain", "department"}, {}, {}}},
      {"item.verify", {{"admin", "grid_head", "worker", "captain"}, {}, {}}},
      {"item.reject_fix", {{"admin", "grid_head", "worker", "captain"}, {}, {}}},
      {"item.reopen", {{"admin", "grid_head"}, {}, {}}},
      {"item.escalate", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"item.acknowledge", {{"admin", "department"}, {}, {}}},
      {"item.comment", {kAll, {}, {}}},
      {"visit.record", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"patrol.record", {{"admin", "grid_head", "captain"}, {}, {}}},
      {"report.submit", {{"resident", "partner"}, {}, {}}},
      {"report.evaluate", {{"resident"}, {}, {}}},
      {"report.mark_duplicate", {{"admin", "grid_head"}, {}, {}}},
      {"report.unmark_duplicate", {{"admin", "grid_head"}, {}, {}}},
      // Queries.
      {"worker.households_due", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"visits.list", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"items.checklist", {{"admin", "grid_head", "worker", "captain", "department"}, {}, {}}},
      {"item.detail", {kAll, {}, {}}},
      // Everyone's own reports (a partner's: those its system submitted).
      {"reports.mine", {kAllAndPartner, kAllAndPartner, {}}},
      {"stats.microgrid", {{"admin", "grid_head", "worker"}, {}, {}}},
      {"report.duplicate_candidates", {{"admin", "grid_head"}, {}, {}}},
      // A worker's own region is a micro-grid, which has no children.
      {"stats.rollup", {{"admin", "grid_head"}, {}, {{"worker", "invalid_argument"}}}},
      // The console's (online) queries: administrators and grid heads in
      // their subtree; the people list to administrators, filtered to the
      // people they manage.
      {"console.children", {{"admin", "grid_head"}, {}, {}}},
      {"console.search", {{"admin", "grid_head"}, {}, {}}},
      {"console.events", {{"admin", "grid_head"}, {}, {}}},
      {"console.people", {{"admin"}, {"admin"}, {}}},
  };
  return rules;
}

class PermissionMatrixTest : public ServerTest {
 protected:
  std::string Fresh(const std::string& prefix) { return prefix + std::to_string(++fresh_); }

  // Runs a setup command as `person`; it must be accepted.
  Json Setup(const std::string& person, const std::string& type, Json payload) {
    Json a = PushOne(person, type, std::move(payload));
    EXPECT_EQ(a["status"], "accepted") << "setup " << type << " by " << person << ": " << a;
    return a;
  }

  // An item at `hh` in `state`; owned by `dept` when given (then at least
  // assigned), escalated to `escalate` when given.
  std::string Item(const std::string& state, const std::string& hh, const std::string& dept = "",
                   const std::string& escalate = "") {
    std::string id = Fresh("it");
    Setup("admin", "item.open", {{"item_id", id}, {"household_id", hh}, {"category", "fire"},
                                 {"title", "Flying wire"}});
    if (!dept.empty() || state != "open") {
      Setup("admin", "item.assign", {{"item_id", id}, {"owner_dept", dept.empty() ? "dept_prop" : dept},
                                     {"deadline", kT0 + 7 * kDay}});
    }
    if (!escalate.empty()) {
      Setup("admin", "item.escalate", {{"item_id", id}, {"department_id", escalate},
                                       {"deadline", kT0 + 3 * kDay}, {"reason", "beyond the grid"}});
    }
    if (state == "fixed" || state == "closed") {
      Setup("admin", "item.mark_fixed", {{"item_id", id}, {"evidence", {Sha(1)}}});
    }
    if (state == "closed") {
      Setup("root2", "item.verify", {{"item_id", id}, {"evidence", {Sha(2)}}});
    }
    return id;
  }

  // The item a role acts on: at the place's household; for the department,
  // owned by the place's department.
  std::string ItemFor(const RoleCase& rc, const Place& p, const std::string& state,
                      bool escalated = false) {
    bool dept = rc.role == "department";
    return Item(state, p.hh, dept ? p.dept : "",
                escalated ? (dept ? p.dept : std::string("dept_prop")) : "");
  }

  // A closed report of `resident` (for report.evaluate).
  std::string ClosedReport(const std::string& resident, const std::string& building) {
    std::string id = Fresh("rep");
    Json a = Setup(resident, "report.submit",
                   {{"report_id", id}, {"category", "noise"}, {"description", "Loud at night"},
                    {"place", {{"building_id", building}}}});
    std::string item = a["value"]["item_id"];
    Setup("admin", "item.assign", {{"item_id", item}, {"owner_dept", "dept_prop"},
                                   {"deadline", kT0 + 7 * kDay}});
    Setup("admin", "item.mark_fixed", {{"item_id", item}, {"evidence", {Sha(3)}}});
    Setup("root2", "item.verify", {{"item_id", item}, {"evidence", {Sha(4)}}});
    return id;
  }

  // The command's payload for a role at a place (after making its preconditions).
  Json CommandPayload(const std::string& type, const RoleCase& rc, const Place& p, bool inside) {
    if (type == "region.upsert") {
      return {{"id", Fresh("rg")}, {"parent_id", p.grid}, {"level", "microgrid"}, {"name", "New"}};
    }
    if (type == "department.upsert") return {{"id", Fresh("dp")}, {"name", "D"}, {"kind", "other"}};
    if (type == "building.upsert") return {{"id", Fresh("bd")}, {"microgrid_id", p.mg}, {"name", "B"}};
    if (type == "household.upsert") return {{"id", Fresh("hh")}, {"building_id", p.building}};
    if (type == "person.upsert") return {{"id", Fresh("pp")}, {"name", "P"}};
    if (type == "role.grant" || type == "role.revoke") {
      std::string person = Fresh("pp");
      Setup("admin", "person.upsert", {{"id", person}, {"name", "P"}});
      Json g = {{"person_id", person}, {"role", "worker"}, {"scope_id", p.mg}};
      if (type == "role.revoke") Setup("admin", "role.grant", g);
      return g;
    }
    if (type == "template.publish") {
      Json t = DoorTemplate(1);
      t["id"] = Fresh("tpl");
      return {{"template", t}};
    }
    if (type == "item.open") {
      return {{"item_id", Fresh("io")}, {"household_id", p.hh}, {"category", "fire"},
              {"title", "Found"}};
    }
    if (type == "item.assign") {
      return {{"item_id", ItemFor(rc, p, "open")}, {"owner_dept", "dept_prop"},
              {"deadline", kT0 + 9 * kDay}};
    }
    if (type == "item.mark_fixed") {
      return {{"item_id", ItemFor(rc, p, "assigned")}, {"evidence", {Sha(5)}}};
    }
    if (type == "item.verify") return {{"item_id", ItemFor(rc, p, "fixed")}, {"evidence", {Sha(6)}}};
    if (type == "item.reject_fix") {
      return {{"item_id", ItemFor(rc, p, "fixed")}, {"reason", "still broken"}};
    }
    if (type == "item.reopen") return {{"item_id", ItemFor(rc, p, "closed")}, {"reason", "again"}};
    if (type == "item.escalate") {
      return {{"item_id", ItemFor(rc, p, "open")}, {"department_id", "dept_fire"},
              {"deadline", kT0 + 3 * kDay}, {"reason", "beyond the grid"}};
    }
    if (type == "item.acknowledge") return {{"item_id", ItemFor(rc, p, "open", true)}};
    if (type == "item.comment") return {{"item_id", ItemFor(rc, p, "open")}, {"text", "Looked"}};
    if (type == "visit.record") {
      return {{"visit_id", Fresh("vi")}, {"household_id", p.hh}, {"cycle", kCycle},
              {"outcome", "met"}};
    }
    if (type == "patrol.record") return {{"patrol_id", Fresh("pa")}, {"building_id", p.building}};
    if (type == "report.submit" && rc.role == "partner") {
      return {{"report_id", Fresh("rs")}, {"category", "noise"}, {"description", "Noise"},
              {"place", {{"building_id", p.building}}}};
    }
    if (type == "report.submit") {
      return {{"report_id", Fresh("rs")}, {"household_id", p.hh}, {"category", "noise"},
              {"description", "Noise"}, {"place", {{"building_id", p.building}}}};
    }
    if (type == "report.evaluate") {
      std::string report = inside ? ClosedReport("resident1", "b1") : ClosedReport("resident4", "b3");
      return {{"report_id", report}, {"rating", 5}};
    }
    if (type == "report.mark_duplicate" || type == "report.unmark_duplicate") {
      // Two reports about the place's building (resident1 reports anywhere).
      std::string first = Fresh("rd"), second = Fresh("rd");
      for (const std::string& id : {first, second}) {
        Setup("resident1", "report.submit",
              {{"report_id", id}, {"category", "noise"}, {"description", "Loud at night"},
               {"place", {{"building_id", p.building}}}});
      }
      if (type == "report.mark_duplicate") {
        return {{"report_id", second}, {"original_id", first}, {"reason", "same noise"}};
      }
      Setup("admin", "report.mark_duplicate",
            {{"report_id", second}, {"original_id", first}, {"reason", "same noise"}});
      return {{"report_id", second}, {"reason", "a different noise"}};
    }
    ADD_FAILURE() << "no payload for " << type;
    return Json::object();
  }

  Json QueryParams(const std::string& name, const RoleCase& rc, const Place& p) {
    if (name == "worker.households_due") return {{"microgrid_id", p.mg}, {"cycle", kCycle}};
    if (name == "visits.list") return {{"microgrid_id", p.mg}};
    if (name == "items.checklist") {
      if (rc.role == "department") return {{"owner_dept", p.dept}, {"now", kT0}};
      if (rc.role == "captain" || rc.role == "resident") {
        return {{"building_id", p.building}, {"now", kT0}};
      }
      return {{"microgrid_id", p.mg}, {"now", kT0}};
    }
    if (name == "item.detail") return {{"item_id", ItemFor(rc, p, "open")}};
    if (name == "reports.mine") return Json::object();
    if (name == "report.duplicate_candidates") {
      std::string id = Fresh("rq");
      Json a = Setup("resident1", "report.submit",
                     {{"report_id", id}, {"category", "noise"}, {"description", "Loud"},
                      {"place", {{"building_id", p.building}}}});
      return {{"item_id", a["value"]["item_id"]}};
    }
    if (name == "stats.microgrid") return {{"microgrid_id", p.mg}, {"cycle", kCycle}, {"now", kT0}};
    if (name == "stats.rollup") return {{"region_id", p.rollup}, {"cycle", kCycle}, {"now", kT0}};
    if (name == "console.children" || name == "console.events") return {{"region_id", p.grid}};
    if (name == "console.search") return {{"q", "Head"}, {"region_id", p.grid}};
    if (name == "console.people") return {{"q", "Person"}};
    ADD_FAILURE() << "no params for " << name;
    return Json::object();
  }

  int fresh_ = 0;
};

bool IsQuery(const std::string& name) {
  return name == "worker.households_due" || name == "visits.list" || name == "items.checklist" ||
         name == "item.detail" || name == "reports.mine" || name == "stats.microgrid" ||
         name == "stats.rollup" || name == "report.duplicate_candidates" ||
         name.rfind("console.", 0) == 0;
}

TEST_F(PermissionMatrixTest, EveryRoleEveryCommandAndQueryInsideAndOutside) {
  Setup("admin", "person.upsert", {{"id", "root2"}, {"name", "Second admin"}});
  Setup("admin", "role.grant", {{"person_id", "root2"}, {"role", "admin"}, {"scope_id", "*"}});
  Setup("admin", "person.upsert", {{"id", "partner1"}, {"name", "Hotline"}});
  Setup("admin", "role.grant", {{"person_id", "partner1"}, {"role", "partner"}, {"scope_id", "g1"}});
  {
    // root2 signs in with a password set through the server tool.
    server_.Stop();
    for (const char* who : {"root2", "partner1"}) {
      ASSERT_EQ(RunServerTool({"--db", tmp_->path(), "--set-password", who},
                              TestPassword(who) + "\n"),
                0);
    }
    ASSERT_TRUE(server_.Start(tmp_->path()));
    http_ = std::make_unique<HttpClient>(server_.port());
    tokens_.clear();
  }
  int cases = 0, allowed = 0;
  for (const auto& [op, rule] : Rules()) {
    for (const RoleCase& rc : Roles()) {
      for (bool inside : {true, false}) {
        SCOPED_TRACE(op + " by " + rc.role + " (" + rc.person + ") " +
                     (inside ? "inside" : "outside"));
        const Place& p = inside ? rc.in : rc.out;
        std::string expect = "permission_denied";
        if ((inside && rule.inside.count(rc.role)) || rule.anywhere.count(rc.role)) expect = "ok";
        if (inside && rule.special.count(rc.role)) expect = rule.special.at(rc.role);
        std::string got;
        std::string detail;
        if (IsQuery(op)) {
          Json params = QueryParams(op, rc, p);
          HttpReply r = http().Query(Token(rc.person), op, params);
          got = r.status == 200          ? "ok"
                : r.json.is_object() ? r.json.value("code", std::string("no code"))
                                     : "http " + std::to_string(r.status);
          detail = r.body.substr(0, 300);
          if (got == "permission_denied") {
            EXPECT_EQ(r.status, 403);
          }
        } else {
          Json payload = CommandPayload(op, rc, p, inside);
          Json a = PushOne(rc.person, op, payload);
          got = a["status"] == "accepted" ? "ok" : a.value("code", std::string("no code"));
          detail = a.dump();
        }
        EXPECT_EQ(got, expect) << detail;
        ++cases;
        allowed += expect == "ok";
      }
    }
  }
  EXPECT_EQ(cases, 35 * 7 * 2);
  std::printf("permission matrix: %d cases, %d allowed\n", cases, allowed);

  // Pull: nothing outside each role's scope. The administrator of everything
  // gives the map of buildings to micro-grids.
  auto pull_all = [&](const std::string& person) {
    std::vector<Json> out;
    int64_t cursor = 0;
    for (int i = 0; i < 1000; ++i) {
      HttpReply r = http().Get("/api/v1/sync/pull?limit=2000&cursor=" + std::to_string(cursor),
                               Token(person));
      EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
      if (r.status != 200) break;
      for (const Json& c : r.json["changes"]) out.push_back(c);
      cursor = r.json["next_cursor"];
      if (!r.json["has_more"].get<bool>()) break;
    }
    return out;
  };
  std::map<std::string, std::string> building_mg;
  for (const Json& c : pull_all("admin")) {
    if (c["table"] == "buildings") building_mg[c["row"]["id"]] = c["row"]["microgrid_id"];
  }
  const std::map<std::string, std::set<std::string>> mgs = {
      {"radmin", {"mg3"}}, {"head1", {"mg1", "mg2"}}, {"worker1", {"mg1"}}};
  for (const RoleCase& rc : Roles()) {
    SCOPED_TRACE("pull by " + rc.person);
    std::map<std::string, std::set<std::string>> seen;  // table -> ids
    std::set<std::string> my_report_items;
    std::vector<Json> changes = pull_all(rc.person);
    for (const Json& c : changes) {
      if (c["table"] == "reports" && c.contains("row")) my_report_items.insert(c["row"]["item_id"]);
    }
    auto in_mg = [&](const Json& mg) {
      return mgs.count(rc.person) && mg.is_string() && mgs.at(rc.person).count(mg.get<std::string>());
    };
    int rows = 0;
    for (const Json& c : changes) {
      if (!c.contains("row")) continue;  // deletes and evictions carry no row
      ++rows;
      const std::string table = c["table"];
      const Json& row = c["row"];
      std::string id = row.contains("id") && row["id"].is_string() ? row["id"].get<std::string>()
                                                                   : "";
      seen[table].insert(id);
      bool ok = true;
      if (table == "items") {
        if (rc.role == "captain") ok = row["building_id"] == "b1";
        else if (rc.role == "resident") ok = row["household_id"] == "h1" || my_report_items.count(id);
        else if (rc.role == "partner") ok = my_report_items.count(id) > 0;  // its reports' items
        else if (rc.role == "department") {
          ok = row["owner_dept"] == "dept_prop" || row["escalated_to"] == "dept_prop";
        } else ok = in_mg(row["microgrid_id"]);
      } else if (table == "reports") {
        ok = rc.role == "resident" || rc.role == "partner" ? row["resident_id"] == rc.person
                                                           : in_mg(row["microgrid_id"]);
      } else if (table == "visits" || table == "coverage") {
        ok = in_mg(row["microgrid_id"]);
      } else if (table == "households") {
        ok = rc.role == "resident" ? id == "h1" : in_mg(row["microgrid_id"]);
      } else if (table == "buildings") {
        ok = rc.role == "captain" ? id == "b1" : in_mg(row["microgrid_id"]);
      } else if (table == "patrols") {
        ok = rc.role == "captain" ? row["building_id"] == "b1"
                                  : in_mg(Json(building_mg[row["building_id"].get<std::string>()]));
      } else if (table == "people" && (rc.role == "resident" || rc.role == "captain" ||
                                       rc.role == "department")) {
        ok = id != "resident4" && id != "worker2" && id != "captain3" && id != "deptf" &&
             (rc.role != "department" || id != "worker1");
      }
      EXPECT_TRUE(ok) << "outside scope: " << c.dump();
    }
    for (const Json& c : changes) {
      if (c["table"] != "events" || !c.contains("row")) continue;
      const std::string entity = c["row"]["entity"];
      const std::string eid = c["row"]["entity_id"];
      const std::map<std::string, std::string> table_of = {
          {"item", "items"}, {"report", "reports"}, {"visit", "visits"}, {"patrol", "patrols"},
          {"household", "households"}, {"building", "buildings"}, {"region", "regions"}};
      auto t = table_of.find(entity);
      if (t != table_of.end()) {
        EXPECT_TRUE(seen[t->second].count(eid)) << "event of an unseen " << entity << ": " << c.dump();
      } else if (entity == "person") {
        EXPECT_TRUE(eid == rc.person || seen["people"].count(eid)) << c.dump();
      }
    }
    EXPECT_GT(rows, 0);
    if (rc.role == "resident") {
      EXPECT_FALSE(seen["reports"].empty());
      EXPECT_TRUE(seen["visits"].empty());
    }
    if (rc.role == "captain") {
      EXPECT_FALSE(seen["items"].empty());
      EXPECT_FALSE(seen["patrols"].empty());
      EXPECT_TRUE(seen["reports"].empty());
    }
    if (rc.role == "department") {
      EXPECT_FALSE(seen["items"].empty());
    }
    if (rc.role == "worker") {
      EXPECT_FALSE(seen["visits"].empty());
    }
  }
}

}  // namespace
}  // namespace weige::testing
