// Bad input, table-driven: every entry is rejected with a known code and
// reason, and writes nothing (ContentDigest unchanged).
#include <cstdio>
#include <set>

#include "core/domain/json_reader.h"

#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

struct Bad {
  std::string name;
  std::string text;
  const char* code;
  const char* reason;
};

std::string C(const std::string& type, const std::string& actor, Json payload) {
  return DumpJson(Cmd("bad-1", type, actor, kT0 + kDay, std::move(payload)));
}

// The command envelope with one field replaced by raw JSON text.
std::string Envelope(const std::string& id, const std::string& type, const std::string& actor,
                     const std::string& at, const std::string& payload) {
  std::string out = "{";
  auto add = [&](const char* key, const std::string& raw) {
    if (raw.empty()) return;
    if (out.size() > 1) out += ",";
    out += std::string("\"") + key + "\":" + raw;
  };
  add("id", id);
  add("type", type);
  add("actor", actor);
  add("at", at);
  add("payload", payload);
  return out + "}";
}

std::string Quoted(std::string s) {
  s.insert(s.begin(), '"');
  s.push_back('"');
  return s;
}

const std::string kPerson = R"({"id":"p9","name":"x"})";

class BadInputTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    MustExec("worker1", "item.open",
             {{"item_id", "open1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}});
    MustExec("worker1", "item.open",
             {{"item_id", "fixed1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"},
              {"fixed_evidence", {Sha(1)}}});
    MustExec("worker1", "item.open",
             {{"item_id", "closed1"}, {"household_id", "h2"}, {"category", "c"}, {"title", "t"},
              {"fixed_evidence", {Sha(1)}}});
    MustExec("head1", "item.verify", {{"item_id", "closed1"}, {"evidence", {Sha(2)}}});
    MustExec("worker1", "item.open",
             {{"item_id", "esc1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}});
    MustExec("head1", "item.escalate", {{"item_id", "esc1"}, {"department_id", "dept_fire"},
                                        {"deadline", kT0 + kDay}, {"reason", "r"}});
    MustExec("resident1", "report.submit", {{"report_id", "rep1"}, {"category", "noise"},
                                            {"description", "d"}, {"place", {{"address", "x"}}}});
  }
};

std::vector<Bad> Table() {
  const std::string at = "1767312000000";
  const std::string ok_id = "\"bad-1\"", ok_type = "\"person.upsert\"", ok_actor = "\"admin\"";
  std::vector<Bad> t = {
      // Not JSON at all.
      {"empty", "", "invalid_argument", "json.malformed"},
      {"whitespace", "   \n", "invalid_argument", "json.malformed"},
      {"open brace", "{", "invalid_argument", "json.malformed"},
      {"prose", "not json", "invalid_argument", "json.malformed"},
      {"single quotes", "{'id':'x'}", "invalid_argument", "json.malformed"},
      {"trailing comma", R"({"id":"x",})", "invalid_argument", "json.malformed"},
      {"trailing garbage", Envelope(ok_id, ok_type, ok_actor, at, kPerson) + " x",
       "invalid_argument", "json.malformed"},
      {"two documents", Envelope(ok_id, ok_type, ok_actor, at, kPerson) + "{}",
       "invalid_argument", "json.malformed"},
      {"truncated", Envelope(ok_id, ok_type, ok_actor, at, kPerson).substr(0, 40),
       "invalid_argument", "json.malformed"},
      {"invalid utf-8 byte", Envelope("\"bad\xff\"", ok_type, ok_actor, at, kPerson),
       "invalid_argument", "json.malformed"},
      {"overlong utf-8", Envelope(ok_id, ok_type, ok_actor, at, R"({"id":"p9","name":")" "\xc0\xaf" R"("})"),
       "invalid_argument", "json.malformed"},
      {"truncated utf-8", Envelope(ok_id, ok_type, ok_actor, at, R"({"id":"p9","name":")" "\xe7\xbd" R"("})"),
       "invalid_argument", "json.malformed"},
      {"utf-16 surrogate bytes", Envelope(ok_id, ok_type, ok_actor, at, R"({"id":"p9","name":")" "\xed\xa0\x80" R"("})"),
       "invalid_argument", "json.malformed"},
      {"lone surrogate escape", Envelope(ok_id, ok_type, ok_actor, at, R"({"id":"p9","name":"\ud800"})"),
       "invalid_argument", "json.malformed"},
      {"nul byte in string", Envelope(ok_id, ok_type, ok_actor, at, std::string(R"({"id":"p9","name":"a)") + '\0' + "b\"}"),
       "invalid_argument", "json.malformed"},
      {"raw newline in string", Envelope(ok_id, ok_type, ok_actor, at, "{\"id\":\"p9\",\"name\":\"a\nb\"}"),
       "invalid_argument", "json.malformed"},
      {"number overflowing double", Envelope(ok_id, ok_type, ok_actor, "1e400", kPerson),
       "invalid_argument", "json.malformed"},
      {"NaN literal", Envelope(ok_id, ok_type, ok_actor, "NaN", kPerson), "invalid_argument",
       "json.malformed"},
      {"oversize", std::string(store::kMaxCommandBytes + 1, ' '), "invalid_argument",
       "json.too_large"},
      {"oversize valid command",
       Envelope(ok_id, ok_type, ok_actor, at,
                R"({"id":"p9","name":"x","pad":")" + std::string(store::kMaxCommandBytes, 'a') + "\"}"),
       "invalid_argument", "json.too_large"},
      {"deep nesting", std::string(100000, '[') + std::string(100000, ']'), "invalid_argument",
       "json.too_deep"},
      {"deep nesting unclosed", std::string(500000, '{'), "invalid_argument", "json.too_deep"},
      {"deep nesting in payload",
       Envelope(ok_id, ok_type, ok_actor, at,
                R"({"id":"p9","name":"x","extra":)" + std::string(300000, '[') +
                    std::string(300000, ']') + "}"),
       "invalid_argument", "json.too_deep"},
      // Not a command object.
      {"array", "[]", "invalid_argument", "argument.wrong_type"},
      {"null", "null", "invalid_argument", "argument.wrong_type"},
      {"number", "42", "invalid_argument", "argument.wrong_type"},
      {"string", "\"item.open\"", "invalid_argument", "argument.wrong_type"},
      {"empty object", "{}", "invalid_argument", "argument.missing"},
      // The envelope's fields.
      {"id missing", Envelope("", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.missing"},
      {"id null", Envelope("null", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.missing"},
      {"id number", Envelope("7", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.wrong_type"},
      {"id with space", Envelope("\"a b\"", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.invalid_id"},
      {"id empty", Envelope("\"\"", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.invalid_id"},
      {"id 65 chars", Envelope(Quoted(std::string(65, 'x')), ok_type, ok_actor, at, kPerson),
       "invalid_argument", "argument.too_long"},
      {"id chinese", Envelope("\"命令\"", ok_type, ok_actor, at, kPerson), "invalid_argument", "argument.invalid_id"},
      {"type missing", Envelope(ok_id, "", ok_actor, at, kPerson), "invalid_argument", "argument.missing"},
      {"type object", Envelope(ok_id, "{}", ok_actor, at, kPerson), "invalid_argument", "argument.wrong_type"},
      {"type unknown", Envelope(ok_id, "\"item.delete\"", ok_actor, at, kPerson), "invalid_argument",
       "command.unknown_type"},
      {"type empty", Envelope(ok_id, "\"\"", ok_actor, at, kPerson), "invalid_argument", "argument.empty"},
      {"type huge", Envelope(ok_id, Quoted(std::string(100000, 't')), ok_actor, at, kPerson),
       "invalid_argument", "argument.too_long"},
      {"actor missing", Envelope(ok_id, ok_type, "", at, kPerson), "invalid_argument", "argument.missing"},
      {"actor unknown", Envelope(ok_id, ok_type, "\"ghost\"", at, kPerson), "not_found", "actor.unknown"},
      {"actor list", Envelope(ok_id, ok_type, "[\"admin\"]", at, kPerson), "invalid_argument",
       "argument.wrong_type"},
      {"actor wildcard", Envelope(ok_id, ok_type, "\"*\"", at, kPerson), "invalid_argument",
       "argument.invalid_id"},
      {"at missing", Envelope(ok_id, ok_type, ok_actor, "", kPerson), "invalid_argument", "argument.missing"},
      {"at negative", Envelope(ok_id, ok_type, ok_actor, "-1", kPerson), "invalid_argument",
       "argument.out_of_range"},
      {"at past 2100", Envelope(ok_id, ok_type, ok_actor, "4102444800001", kPerson), "invalid_argument",
       "argument.out_of_range"},
      {"at uint64 max", Envelope(ok_id, ok_type, ok_actor, "18446744073709551615", kPerson),
       "invalid_argument", "argument.out_of_range"},
      {"at beyond uint64", Envelope(ok_id, ok_type, ok_actor, "99999999999999999999999", kPerson),
       "invalid_argument", "argument.wrong_type"},
      {"at fraction", Envelope(ok_id, ok_type, ok_actor, "1.5", kPerson), "invalid_argument",
       "argument.wrong_type"},
      {"at string", Envelope(ok_id, ok_type, ok_actor, "\"2026-01-01\"", kPerson), "invalid_argument",
       "argument.wrong_type"},
      {"at huge float", Envelope(ok_id, ok_type, ok_actor, "1e308", kPerson), "invalid_argument",
       "argument.wrong_type"},
      {"payload missing", Envelope(ok_id, ok_type, ok_actor, at, ""), "invalid_argument", "argument.missing"},
      {"payload null", Envelope(ok_id, ok_type, ok_actor, at, "null"), "invalid_argument", "argument.missing"},
      {"payload array", Envelope(ok_id, ok_type, ok_actor, at, "[]"), "invalid_argument", "argument.wrong_type"},
      {"payload string", Envelope(ok_id, ok_type, ok_actor, at, "\"{}\""), "invalid_argument",
       "argument.wrong_type"},
      {"id reused", DumpJson(Cmd("setup-1", "person.upsert", "admin", kT0, {{"id", "p9"}, {"name", "x"}})),
       "conflict", "command.id_reused"},
      // Payload fields: directory.
      {"person name missing", C("person.upsert", "admin", {{"id", "p9"}}), "invalid_argument", "argument.missing"},
      {"person name huge", C("person.upsert", "admin", {{"id", "p9"}, {"name", std::string(300000, 'n')}}),
       "invalid_argument", "argument.too_long"},
      {"person by worker", C("person.upsert", "worker1", {{"id", "p9"}, {"name", "x"}}), "permission_denied",
       "permission.denied"},
      {"region district with parent",
       C("region.upsert", "admin", {{"id", "d2"}, {"level", "district"}, {"name", "x"}, {"parent_id", "d1"}}),
       "invalid_argument", "region.bad_parent"},
      {"region level unknown", C("region.upsert", "admin", {{"id", "x"}, {"level", "city"}, {"name", "x"}}),
       "invalid_argument", "argument.invalid_value"},
      {"region moved",
       C("region.upsert", "admin", {{"id", "mg1"}, {"level", "microgrid"}, {"name", "x"}, {"parent_id", "g2"}}),
       "failed_precondition", "region.moved"},
      {"department kind", C("department.upsert", "admin", {{"id", "d"}, {"name", "x"}, {"kind", "army"}}),
       "invalid_argument", "argument.invalid_value"},
      {"building units", C("building.upsert", "admin", {{"id", "b9"}, {"microgrid_id", "mg1"}, {"name", "x"}, {"units", 101}}),
       "invalid_argument", "argument.out_of_range"},
      {"building in a grid", C("building.upsert", "admin", {{"id", "b9"}, {"microgrid_id", "g1"}, {"name", "x"}}),
       "invalid_argument", "region.wrong_level"},
      {"building by worker", C("building.upsert", "worker1", {{"id", "b9"}, {"microgrid_id", "mg1"}, {"name", "x"}}),
       "permission_denied", "permission.denied"},
      {"household floor", C("household.upsert", "worker1", {{"id", "h9"}, {"building_id", "b1"}, {"floor", 500}}),
       "invalid_argument", "argument.out_of_range"},
      {"household tag number", C("household.upsert", "worker1", {{"id", "h9"}, {"building_id", "b1"}, {"tags", {1}}}),
       "invalid_argument", "argument.wrong_type"},
      {"household unknown building", C("household.upsert", "worker1", {{"id", "h9"}, {"building_id", "b99"}}),
       "not_found", "building.not_found"},
      {"role unknown", C("role.grant", "admin", {{"person_id", "nobody"}, {"role", "king"}, {"scope_id", "mg1"}}),
       "invalid_argument", "argument.invalid_value"},
      {"role already", C("role.grant", "admin", {{"person_id", "worker1"}, {"role", "worker"}, {"scope_id", "mg1"}}),
       "failed_precondition", "role.already_granted"},
      {"role revoke absent", C("role.revoke", "admin", {{"person_id", "nobody"}, {"role", "worker"}, {"scope_id", "mg1"}}),
       "not_found", "role.not_granted"},
      {"template same version", C("template.publish", "admin", {{"template", DoorTemplate(1)}}), "conflict",
       "template.version_exists"},
      {"template not object", C("template.publish", "admin", {{"template", "door"}}), "invalid_argument",
       "argument.wrong_type"},
      // Items.
      {"item unknown", C("item.assign", "head1", {{"item_id", "nope"}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}}),
       "not_found", "item.not_found"},
      {"assign two owners",
       C("item.assign", "head1", {{"item_id", "open1"}, {"owner_dept", "dept_prop"}, {"owner_person", "deptp"}, {"deadline", kT0 + kDay}}),
       "invalid_argument", "item.owner_required"},
      {"assign no owner", C("item.assign", "head1", {{"item_id", "open1"}, {"deadline", kT0 + kDay}}),
       "invalid_argument", "item.owner_required"},
      {"assign deadline 0", C("item.assign", "head1", {{"item_id", "open1"}, {"owner_dept", "dept_prop"}, {"deadline", 0}}),
       "invalid_argument", "argument.out_of_range"},
      {"assign unknown dept", C("item.assign", "head1", {{"item_id", "open1"}, {"owner_dept", "dept_x"}, {"deadline", kT0 + kDay}}),
       "not_found", "department.not_found"},
      {"assign closed", C("item.assign", "head1", {{"item_id", "closed1"}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}}),
       "failed_precondition", "item.closed"},
      {"assign by captain", C("item.assign", "captain1", {{"item_id", "open1"}, {"owner_dept", "dept_prop"}, {"deadline", kT0 + kDay}}),
       "permission_denied", "permission.denied"},
      {"fix no evidence", C("item.mark_fixed", "worker1", {{"item_id", "open1"}}), "invalid_argument",
       "argument.missing"},
      {"fix empty evidence", C("item.mark_fixed", "worker1", {{"item_id", "open1"}, {"evidence", Json::array()}}),
       "invalid_argument", "evidence.required"},
      {"fix uppercase digest",
       C("item.mark_fixed", "worker1", {{"item_id", "open1"}, {"evidence", {std::string(64, 'A')}}}),
       "invalid_argument", "argument.invalid_sha256"},
      {"fix 21 photos",
       C("item.mark_fixed", "worker1", {{"item_id", "open1"}, {"evidence", std::vector<std::string>(21, Sha(1))}}),
       "invalid_argument", "argument.too_many"},
      {"fix evidence string", C("item.mark_fixed", "worker1", {{"item_id", "open1"}, {"evidence", Sha(1)}}),
       "invalid_argument", "argument.wrong_type"},
      {"fix closed", C("item.mark_fixed", "worker1", {{"item_id", "closed1"}, {"evidence", {Sha(1)}}}),
       "failed_precondition", "item.closed"},
      {"fix outside scope", C("item.mark_fixed", "worker2", {{"item_id", "open1"}, {"evidence", {Sha(1)}}}),
       "permission_denied", "permission.denied"},
      {"verify by fixer", C("item.verify", "worker1", {{"item_id", "fixed1"}, {"evidence", {Sha(3)}}}),
       "failed_precondition", "item.verifier_is_fixer"},
      {"verify open", C("item.verify", "head1", {{"item_id", "open1"}, {"evidence", {Sha(3)}}}),
       "failed_precondition", "item.illegal_transition"},
      {"verify closed", C("item.verify", "head1", {{"item_id", "closed1"}, {"evidence", {Sha(3)}}}),
       "failed_precondition", "item.closed"},
      {"verify by department", C("item.verify", "deptp", {{"item_id", "fixed1"}, {"evidence", {Sha(3)}}}),
       "permission_denied", "permission.denied"},
      {"reject no reason", C("item.reject_fix", "head1", {{"item_id", "fixed1"}}), "invalid_argument",
       "argument.missing"},
      {"reject empty reason", C("item.reject_fix", "head1", {{"item_id", "fixed1"}, {"reason", ""}}),
       "invalid_argument", "argument.empty"},
      {"reject closed", C("item.reject_fix", "head1", {{"item_id", "closed1"}, {"reason", "x"}}),
       "failed_precondition", "item.closed"},
      {"reopen by worker", C("item.reopen", "worker1", {{"item_id", "closed1"}, {"reason", "x"}}),
       "permission_denied", "permission.denied"},
      {"reopen open", C("item.reopen", "head1", {{"item_id", "open1"}, {"reason", "x"}}),
       "failed_precondition", "item.not_closed"},
      {"reopen no reason", C("item.reopen", "head1", {{"item_id", "closed1"}}), "invalid_argument",
       "argument.missing"},
      {"escalate unknown dept",
       C("item.escalate", "head1", {{"item_id", "open1"}, {"department_id", "dept_x"}, {"deadline", kT0 + kDay}, {"reason", "r"}}),
       "not_found", "department.not_found"},
      {"escalate twice",
       C("item.escalate", "head1", {{"item_id", "esc1"}, {"department_id", "dept_fire"}, {"deadline", kT0 + kDay}, {"reason", "r"}}),
       "failed_precondition", "item.already_escalated"},
      {"escalate closed",
       C("item.escalate", "head1", {{"item_id", "closed1"}, {"department_id", "dept_fire"}, {"deadline", kT0 + kDay}, {"reason", "r"}}),
       "failed_precondition", "item.closed"},
      {"acknowledge unescalated", C("item.acknowledge", "admin", {{"item_id", "open1"}}), "failed_precondition",
       "item.not_escalated"},
      {"acknowledge other dept", C("item.acknowledge", "deptp", {{"item_id", "esc1"}}), "permission_denied",
       "permission.denied"},
      {"comment too long", C("item.comment", "worker1", {{"item_id", "open1"}, {"text", std::string(4001, 'x')}}),
       "invalid_argument", "argument.too_long"},
      {"comment outsider", C("item.comment", "resident4", {{"item_id", "open1"}, {"text", "x"}}),
       "permission_denied", "permission.denied"},
      {"open no place", C("item.open", "worker1", {{"item_id", "n1"}, {"category", "c"}, {"title", "t"}}),
       "invalid_argument", "argument.missing"},
      {"open place mismatch",
       C("item.open", "worker1", {{"item_id", "n1"}, {"household_id", "h1"}, {"microgrid_id", "mg2"}, {"category", "c"}, {"title", "t"}}),
       "invalid_argument", "item.place_mismatch"},
      {"open unknown household",
       C("item.open", "worker1", {{"item_id", "n1"}, {"household_id", "h99"}, {"category", "c"}, {"title", "t"}}),
       "not_found", "household.not_found"},
      {"open duplicate id",
       C("item.open", "worker1", {{"item_id", "open1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}}),
       "conflict", "item.exists"},
      {"open by outside captain",
       C("item.open", "captain3", {{"item_id", "n1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}}),
       "permission_denied", "permission.denied"},
      {"open category with space",
       C("item.open", "worker1", {{"item_id", "n1"}, {"household_id", "h1"}, {"category", "fire safety"}, {"title", "t"}}),
       "invalid_argument", "argument.invalid_id"},
      {"open deadline float",
       C("item.open", "worker1", {{"item_id", "n1"}, {"household_id", "h1"}, {"category", "c"}, {"title", "t"}, {"deadline", 1.5}}),
       "invalid_argument", "argument.wrong_type"},
      {"open title array",
       C("item.open", "worker1", {{"item_id", "n1"}, {"household_id", "h1"}, {"category", "c"}, {"title", {"t"}}}),
       "invalid_argument", "argument.wrong_type"},
      // Visits, patrols, reports.
      {"visit bad cycle",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", "2026-13"}, {"outcome", "met"}}),
       "invalid_argument", "visit.bad_cycle"},
      {"visit bad outcome",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "maybe"}}),
       "invalid_argument", "argument.invalid_value"},
      {"visit missing answer",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
                                     {"template_id", "door"}, {"template_version", 1}, {"answers", {{"ebike", true}}}}),
       "invalid_argument", "visit.missing_answer"},
      {"visit unknown template",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
                                     {"template_id", "gas"}, {"template_version", 1}}),
       "not_found", "template.not_found"},
      {"visit answers array",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
                                     {"template_id", "door"}, {"template_version", 1}, {"answers", Json::array()}}),
       "invalid_argument", "argument.wrong_type"},
      {"visit outside scope",
       C("visit.record", "worker2", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"}}),
       "permission_denied", "permission.denied"},
      {"visit 51 findings",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
                                     {"findings", std::vector<Json>(51, Json{{"category", "c"}, {"title", "t"}})}}),
       "invalid_argument", "argument.too_many"},
      {"visit gps out of range",
       C("visit.record", "worker1", {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
                                     {"gps", {{"lat", 0}, {"lng", 181}}}}),
       "invalid_argument", "argument.out_of_range"},
      {"patrol unknown building", C("patrol.record", "captain1", {{"patrol_id", "p1"}, {"building_id", "b99"}}),
       "not_found", "building.not_found"},
      {"patrol by worker", C("patrol.record", "worker1", {{"patrol_id", "p1"}, {"building_id", "b1"}}),
       "permission_denied", "permission.denied"},
      {"report by worker",
       C("report.submit", "worker1", {{"report_id", "r1"}, {"category", "c"}, {"description", "d"}, {"place", {{"address", "x"}}}}),
       "permission_denied", "permission.denied"},
      {"report for another household",
       C("report.submit", "resident1", {{"report_id", "r1"}, {"category", "c"}, {"description", "d"},
                                        {"household_id", "h4"}, {"place", {{"address", "x"}}}}),
       "permission_denied", "report.not_your_household"},
      {"report place empty",
       C("report.submit", "resident1", {{"report_id", "r1"}, {"category", "c"}, {"description", "d"}, {"place", Json::object()}}),
       "invalid_argument", "argument.missing"},
      {"report place string",
       C("report.submit", "resident1", {{"report_id", "r1"}, {"category", "c"}, {"description", "d"}, {"place", "here"}}),
       "invalid_argument", "argument.wrong_type"},
      {"report exists",
       C("report.submit", "resident1", {{"report_id", "rep1"}, {"category", "c"}, {"description", "d"}, {"place", {{"address", "x"}}}}),
       "conflict", "report.exists"},
      {"evaluate not closed", C("report.evaluate", "resident1", {{"report_id", "rep1"}, {"rating", 5}}),
       "failed_precondition", "report.not_closed"},
      {"evaluate rating 6", C("report.evaluate", "resident1", {{"report_id", "rep1"}, {"rating", 6}}),
       "invalid_argument", "argument.out_of_range"},
      {"evaluate unknown", C("report.evaluate", "resident1", {{"report_id", "rep9"}, {"rating", 5}}),
       "not_found", "report.not_found"},
      {"evaluate by other", C("report.evaluate", "resident4", {{"report_id", "rep1"}, {"rating", 5}}),
       "permission_denied", "permission.denied"},
  };
  return t;
}

TEST_F(BadInputTest, EveryBadCommandIsRejectedAndWritesNothing) {
  std::vector<Bad> table = Table();
  ASSERT_GE(table.size(), 50u);
  std::set<std::string> names;
  const std::string before = Digest();
  const int64_t outbox = Count("SELECT COUNT(*) FROM outbox");
  for (const Bad& b : table) {
    EXPECT_TRUE(names.insert(b.name).second) << "duplicate case name " << b.name;
    Result r = store().Execute(std::string_view(b.text));
    EXPECT_FALSE(r.ok()) << b.name;
    EXPECT_EQ(std::string(CodeName(r.status.code)), b.code) << b.name << ": " << Describe(r);
    EXPECT_EQ(r.status.reason, b.reason) << b.name << ": " << Describe(r);
    EXPECT_FALSE(r.status.message.empty()) << b.name;
    EXPECT_TRUE(r.value.is_null()) << b.name;
    EXPECT_EQ(Digest(), before) << b.name << " wrote something";
    // The result serializes (the binding's wire form).
    Json wire;
    EXPECT_TRUE(ParseJson(r.Dump(), 1 << 20, &wire).ok()) << b.name;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox"), outbox);
  std::printf("[ bad input ] %zu commands\n", table.size());
}

TEST_F(BadInputTest, TheSameCommandsAsParsedJson) {
  // The Json overload (used by the server's push) must agree with the text one.
  const std::string before = Digest();
  int compared = 0;
  for (const Bad& b : Table()) {
    Json j;
    if (!ParseJson(b.text, store::kMaxCommandBytes, &j).ok()) continue;
    Result r = store().Execute(j);
    EXPECT_EQ(r.status.reason, b.reason) << b.name;
    EXPECT_EQ(Digest(), before) << b.name;
    ++compared;
  }
  EXPECT_GT(compared, 80);
}

TEST_F(BadInputTest, BadQueries) {
  struct Q { std::string name, query, params; const char* code; const char* reason; };
  const std::vector<Q> table = {
      {"unknown query", "items.all", R"({"actor":"admin"})", "invalid_argument", "query.unknown"},
      {"empty name", "", R"({"actor":"admin"})", "invalid_argument", "query.unknown"},
      {"malformed", "items.checklist", "{", "invalid_argument", "json.malformed"},
      {"invalid utf-8", "item.detail", "{\"actor\":\"admin\",\"item_id\":\"\xfe\"}", "invalid_argument", "json.malformed"},
      {"oversize", "items.checklist", std::string(store::kMaxQueryBytes + 1, ' '), "invalid_argument", "json.too_large"},
      {"deep", "items.checklist", std::string(1000, '[') + std::string(1000, ']'), "invalid_argument", "json.too_deep"},
      {"array", "items.checklist", "[]", "invalid_argument", "argument.wrong_type"},
      {"no actor", "items.checklist", "{}", "invalid_argument", "argument.missing"},
      {"empty params", "items.checklist", "", "invalid_argument", "argument.missing"},
      {"unknown actor", "items.checklist", R"({"actor":"ghost"})", "not_found", "actor.unknown"},
      {"actor number", "items.checklist", R"({"actor":1})", "invalid_argument", "argument.wrong_type"},
      {"checklist no now", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1"})", "invalid_argument", "argument.missing"},
      {"checklist two scopes", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1","building_id":"b1","now":1})",
       "invalid_argument", "query.scope_required"},
      {"checklist no scope", "items.checklist", R"({"actor":"admin","now":1})", "invalid_argument", "query.scope_required"},
      {"checklist unknown building", "items.checklist", R"({"actor":"admin","building_id":"b99","now":1})", "not_found",
       "building.not_found"},
      {"checklist limit 0", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1","now":1,"limit":0})",
       "invalid_argument", "argument.out_of_range"},
      {"checklist limit huge", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1","now":1,"limit":1e300})",
       "invalid_argument", "argument.wrong_type"},
      {"checklist now negative", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1","now":-1})",
       "invalid_argument", "argument.out_of_range"},
      {"checklist include_closed string", "items.checklist", R"({"actor":"admin","microgrid_id":"mg1","now":1,"include_closed":"yes"})",
       "invalid_argument", "argument.wrong_type"},
      {"checklist other person", "items.checklist", R"({"actor":"worker1","owner_person":"worker2","now":1})",
       "permission_denied", "permission.denied"},
      {"checklist other dept", "items.checklist", R"({"actor":"deptp","owner_dept":"dept_fire","now":1})",
       "permission_denied", "permission.denied"},
      {"detail unknown", "item.detail", R"({"actor":"admin","item_id":"nope"})", "not_found", "item.not_found"},
      {"detail outsider", "item.detail", R"({"actor":"resident4","item_id":"open1"})", "permission_denied", "permission.denied"},
      {"due no cycle", "worker.households_due", R"({"actor":"worker1","microgrid_id":"mg1"})", "invalid_argument",
       "argument.missing"},
      {"due outside", "worker.households_due", R"({"actor":"worker2","microgrid_id":"mg1","cycle":"2026-01"})",
       "permission_denied", "permission.denied"},
      {"visits both", "visits.list", R"({"actor":"worker1","microgrid_id":"mg1","household_id":"h1"})",
       "invalid_argument", "query.scope_required"},
      {"visits unknown household", "visits.list", R"({"actor":"worker1","household_id":"h99"})", "not_found",
       "household.not_found"},
      {"stats grid as microgrid", "stats.microgrid", R"({"actor":"admin","microgrid_id":"g1","cycle":"2026-01","now":1})",
       "invalid_argument", "region.wrong_level"},
      {"rollup microgrid", "stats.rollup", R"({"actor":"admin","region_id":"mg1","cycle":"2026-01","now":1})",
       "invalid_argument", "stats.no_children"},
      {"rollup outside", "stats.rollup", R"({"actor":"head2","region_id":"g1","cycle":"2026-01","now":1})",
       "permission_denied", "permission.denied"},
      {"reports limit", "reports.mine", R"({"actor":"resident1","limit":5000})", "invalid_argument",
       "argument.out_of_range"},
  };
  const std::string before = Digest();
  for (const Q& q : table) {
    Result r = store().Query(q.query, std::string_view(q.params));
    EXPECT_FALSE(r.ok()) << q.name;
    EXPECT_EQ(std::string(CodeName(r.status.code)), q.code) << q.name << ": " << Describe(r);
    EXPECT_EQ(r.status.reason, q.reason) << q.name << ": " << Describe(r);
    EXPECT_EQ(Digest(), before) << q.name;
  }
  // A failed query leaves no transaction open behind it.
  EXPECT_OK(Exec("worker1", "item.comment", {{"item_id", "open1"}, {"text", "still works"}}));
}

}  // namespace
}  // namespace weige::testing
