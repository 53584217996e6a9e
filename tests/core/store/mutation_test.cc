// Randomized: valid commands, mutated (a field dropped, a type changed, ids
// swapped, random bytes, truncation, duplicate keys, huge strings, numbers and
// nested arrays), executed. Nothing may crash; every result carries a code of
// the fixed set and a reason; a rejected command leaves ContentDigest()
// unchanged; an accepted one adds exactly one outbox row (or, replayed, writes
// nothing).
//
// Seeded: WEIGE_MUTATION_SEED and WEIGE_MUTATION_CASES override the defaults;
// the seed is printed so a failure can be replayed.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "core/domain/json_reader.h"
#include "tests/core/test_util.h"

namespace weige::testing {
namespace {

constexpr uint64_t kDefaultSeed = 0x5EED20261129ull;
constexpr int kDefaultCases = 12000;
// Cases per block; each block after the first runs inside BEGIN .. ROLLBACK,
// so the store stays small and every block starts from the same world.
constexpr int kBlock = 250;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 0) : fallback;
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

  const std::vector<std::string> ids = {
      "admin", "radmin", "head1", "head2", "worker1", "worker2", "worker3", "captain1",
      "captain3", "resident1", "resident4", "deptp", "deptf", "nobody", "ghost", "d1", "s1",
      "c1", "g1", "g2", "mg1", "mg2", "mg3", "b1", "b2", "b3", "b4", "h1", "h2", "h3", "h4",
      "h5", "h6", "dept_prop", "dept_fire", "door", "setup-1", "setup-2", "m1", "m2",
      "open0", "open1", "assigned0", "assigned1", "fixed0", "fixed1", "closed0", "rep0",
      "rep1", "*", "", "a b", "open0.1", "v1", "x:y-z.1"};
  const std::vector<std::string> keys = {
      "id", "type", "actor", "at", "payload", "item_id", "household_id", "building_id",
      "microgrid_id", "evidence", "reason", "rating", "deadline", "owner_dept", "owner_person",
      "answers", "findings", "template_id", "template_version", "cycle", "outcome", "place",
      "photos", "fixed_evidence", "text", "title", "category", "name", "level", "parent_id"};

  std::string HugeString() {
    size_t n = 1000 + Below(Chance(20) ? 300000 : 5000);
    std::string s;
    s.reserve(n);
    const char* pieces[] = {"a", "网", "格", "\\n", "\"", "\\u0000", " ", "🙂", "\\\\"};
    while (s.size() < n) s += pieces[Below(std::size(pieces))];
    return s;
  }

  Json HugeNumber() {
    switch (Below(12)) {
      case 0: return 1e308;
      case 1: return -1e308;
      case 2: return INT64_MAX;
      case 3: return INT64_MIN;
      case 4: return UINT64_MAX;
      case 5: return 4102444800001LL;
      case 6: return 5e-324;
      case 7: return -0.0;
      case 8: return 1.5;
      case 9: return 0;
      case 10: return -1;
      default: return static_cast<int64_t>(rng_());
    }
  }

  Json Nested() {
    size_t depth = 1 + Below(Chance(30) ? 120 : 20);
    Json v = Chance(50) ? Json(1) : Json::object();
    for (size_t i = 0; i < depth; ++i) v = Chance(80) ? Json::array({std::move(v)}) : Json{{"k", std::move(v)}};
    return v;
  }

  Json Value(int depth = 0) {
    switch (Below(14)) {
      case 0: return nullptr;
      case 1: return Chance(50);
      case 2: return static_cast<int64_t>(Below(10)) - 2;
      case 3: return HugeNumber();
      case 4: return Pick(ids);
      case 5: return HugeString();
      case 6: return depth < 2 ? Json::array({Value(depth + 1), Value(depth + 1)}) : Json::array();
      case 7: return depth < 2 ? Json{{Pick(keys), Value(depth + 1)}} : Json::object();
      case 8: return Nested();
      case 9: return Sha(static_cast<int>(Below(5)));
      case 10: return Json::array({Sha(1)});
      case 11: return std::string(64, 'A');
      case 12: return kT0 + static_cast<int64_t>(Below(10)) * kDay;
      default: return "";
    }
  }

  // Every node of `root` with its parent (nullptr for the root).
  struct Node {
    Json* parent;
    std::string key;  // object parent
    size_t index;     // array parent
    Json* self;
  };
  std::vector<Node> Nodes(Json& root) {
    std::vector<Node> out;
    std::vector<Node> stack = {{nullptr, "", 0, &root}};
    while (!stack.empty()) {
      Node n = stack.back();
      stack.pop_back();
      out.push_back(n);
      if (out.size() > 2000) break;
      if (n.self->is_object()) {
        for (auto it = n.self->begin(); it != n.self->end(); ++it) {
          stack.push_back({n.self, it.key(), 0, &it.value()});
        }
      } else if (n.self->is_array()) {
        for (size_t i = 0; i < n.self->size(); ++i) stack.push_back({n.self, "", i, &(*n.self)[i]});
      }
    }
    return out;
  }

  // One structural mutation; returns its name.
  const char* MutateJson(Json& cmd) {
    std::vector<Node> nodes = Nodes(cmd);
    Node n = nodes[Below(nodes.size())];
    switch (Below(6)) {
      case 0: {  // drop a field
        std::vector<Node> fields;
        for (const Node& x : nodes) {
          if (x.parent != nullptr) fields.push_back(x);
        }
        if (fields.empty()) return "none";
        Node f = Pick(fields);
        if (f.parent->is_object()) {
          f.parent->erase(f.key);
        } else {
          f.parent->erase(f.index);
        }
        return "drop";
      }
      case 1: {  // change a type
        Json v = Value();
        while (v.type() == n.self->type() && !v.is_object()) v = Value();
        *n.self = std::move(v);
        return "retype";
      }
      case 2: {  // swap ids
        std::vector<Node> strings;
        for (const Node& x : nodes) {
          if (x.self->is_string()) strings.push_back(x);
        }
        if (strings.empty()) return "none";
        *Pick(strings).self = Pick(ids);
        return "swap_id";
      }
      case 3:  // huge values
        *n.self = Chance(40) ? Json(HugeString()) : Chance(50) ? HugeNumber() : Nested();
        return "huge";
      case 4: {  // add an extra key
        std::vector<Node> objects;
        for (const Node& x : nodes) {
          if (x.self->is_object()) objects.push_back(x);
        }
        if (objects.empty()) return "none";
        (*Pick(objects).self)[Pick(keys)] = Value();
        return "extra_key";
      }
      default: {  // swap two fields' values
        if (nodes.size() < 3) return "none";
        Node a = nodes[1 + Below(nodes.size() - 1)];
        Node b = nodes[1 + Below(nodes.size() - 1)];
        if (a.self == b.self) return "none";
        // Only swap leaves: swapping a node with its own descendant is undefined.
        if (a.self->is_structured() || b.self->is_structured()) return "none";
        std::swap(*a.self, *b.self);
        return "swap_values";
      }
    }
  }

  // One textual mutation of the serialized command.
  const char* MutateText(std::string& text) {
    switch (Below(5)) {
      case 4: {  // nesting far deeper than any real input, as a field's value
        size_t depth = Chance(50) ? 60 + Below(10) : 1000 + Below(300000);
        std::string deep = "\"" + Pick(keys) + "\":" + std::string(depth, '[') + std::string(depth, ']');
        size_t payload = text.find("\"payload\":{");
        if (payload != std::string::npos) {
          text.insert(payload + 11, deep + ",");
        } else if (!text.empty() && text[0] == '{') {
          text.insert(1, deep + ",");
        }
        return "deep";
      }
      case 0: {  // random bytes
        size_t k = 1 + Below(6);
        for (size_t i = 0; i < k; ++i) {
          char b = static_cast<char>(Below(256));
          size_t pos = Below(text.size() + 1);
          if (Chance(50) && pos < text.size()) {
            text[pos] = b;
          } else {
            text.insert(pos, 1, b);
          }
        }
        return "bytes";
      }
      case 1:  // truncate
        text.resize(Below(text.size()));
        return "truncate";
      case 2: {  // duplicate key (before the last brace: the duplicate wins)
        std::string dup = "\"" + Pick(keys) + "\":" + DumpJson(Value());
        size_t close = text.rfind('}');
        size_t payload = text.find("\"payload\":{");
        if (Chance(50) && payload != std::string::npos) {
          text.insert(payload + 11, dup + ",");
        } else if (close != std::string::npos) {
          text.insert(close, "," + dup);
        }
        return "dup_key";
      }
      default: {  // duplicate key first (the original wins)
        if (!text.empty() && text[0] == '{') {
          text.insert(1, "\"" + Pick(keys) + "\":" + DumpJson(Value()) + ",");
        }
        return "dup_key_first";
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

class MutationTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    for (int i = 0; i < 2; ++i) {
      const std::string n = std::to_string(i);
      const std::string hh = i == 0 ? "h1" : "h2";
      for (const char* state : {"open", "assigned", "fixed", "closed"}) {
        std::string id = state + n;
        MustExec("worker1", "item.open",
                 {{"item_id", id}, {"household_id", hh}, {"category", "c"}, {"title", "t"}});
        if (std::string(state) == "open") continue;
        Assign(id);
        if (std::string(state) == "assigned") continue;
        Fix(id);
        if (std::string(state) == "fixed") continue;
        Close(id);
      }
      MustExec("resident1", "report.submit",
               {{"report_id", "rep" + n}, {"category", "noise"}, {"description", "d"},
                {"place", {{"building_id", "b1"}}}});
      Assign("rep" + n + ".item");
      Fix("rep" + n + ".item");
      Close("rep" + n + ".item");
    }
  }

  // A valid command (valid in the world as SetUp left it), case `i`.
  Json Valid(Mutator& m, int i) {
    const std::string id = "m" + std::to_string(i);
    const std::string n = std::to_string(m.Below(2));
    const int64_t at = kT0 + i;
    auto cmd = [&](const char* type, const char* actor, Json payload) {
      return Cmd(id, type, actor, at, std::move(payload));
    };
    const std::string hh = m.Pick(std::vector<std::string>{"h1", "h2", "h3"});
    switch (m.Below(16)) {
      case 0:
        return cmd("item.open", "worker1",
                   {{"item_id", "n" + id}, {"household_id", hh}, {"category", "sanitation"},
                    {"title", "Rubbish"}, {"photos", {Sha(1)}}, {"deadline", at + kDay}});
      case 1:
        return cmd("item.comment", "head1", {{"item_id", "closed" + n}, {"text", "看过了"}});
      case 2:
        return cmd("item.assign", "head1",
                   {{"item_id", "open" + n}, {"owner_dept", "dept_prop"}, {"deadline", at + kDay}});
      case 3:
        return cmd("item.mark_fixed", "deptp", {{"item_id", "assigned" + n}, {"evidence", {Sha(2)}}});
      case 4:
        return cmd("item.verify", "captain1", {{"item_id", "fixed" + n}, {"evidence", {Sha(3)}}});
      case 5:
        return cmd("item.reject_fix", "worker1", {{"item_id", "fixed" + n}, {"reason", "no"}});
      case 6:
        return cmd("item.escalate", "head1",
                   {{"item_id", "open" + n}, {"department_id", "dept_fire"},
                    {"deadline", at + kDay}, {"reason", "bureau"}});
      case 7:
        return cmd("item.reopen", "head1", {{"item_id", "closed" + n}, {"reason", "recurred"}});
      case 8:
        return cmd("visit.record", "worker1",
                   {{"visit_id", "v" + id}, {"household_id", hh}, {"cycle", kCycle},
                    {"outcome", "met"}, {"template_id", "door"}, {"template_version", 1},
                    {"answers", {{"ebike", true}, {"extinguisher", "expired"}, {"elderly", 1},
                                 {"note", "ok"}, {"photo", {Sha(4)}}}},
                    {"fixed_on_spot", {{"ebike", {Sha(5)}}}},
                    {"findings", {{{"category", "c"}, {"title", "t"}, {"deadline_days", 2}}}},
                    {"gps", {{"lat", 39.9}, {"lng", 116.6}}}, {"photos", {Sha(6)}}});
      case 9:
        return cmd("patrol.record", "captain1",
                   {{"patrol_id", "p" + id}, {"building_id", "b1"}, {"notes", "daily"},
                    {"findings", {{{"category", "fire"}, {"title", "exit"}}}}});
      case 10:
        return cmd("report.submit", "resident1",
                   {{"report_id", "r" + id}, {"category", "noise"}, {"description", "Loud 太吵"},
                    {"place", {{"building_id", "b1"}, {"unit", "1"}}}, {"phone", "123"}});
      case 11:
        return cmd("report.evaluate", "resident1",
                   {{"report_id", "rep" + n}, {"rating", static_cast<int64_t>(1 + m.Below(5))},
                    {"comment", "ok"}});
      case 12:
        return cmd("person.upsert", "admin", {{"id", "p" + id}, {"name", "Person"}, {"phone", "1"}});
      case 13:
        return cmd("household.upsert", "worker1",
                   {{"id", "hh" + id}, {"building_id", "b1"}, {"floor", 3}, {"tags", {"elderly"}}});
      case 14:
        return cmd("region.upsert", "admin",
                   {{"id", "mgx" + id}, {"parent_id", "g1"}, {"level", "microgrid"}, {"name", "X"}});
      default: {
        Json t = DoorTemplate(100 + i);
        return cmd("template.publish", "admin", {{"template", t}});
      }
    }
  }
};

bool KnownCode(Code c) {
  switch (c) {
    case Code::kOk:
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kFailedPrecondition:
    case Code::kPermissionDenied:
    case Code::kConflict:
      return true;
    case Code::kInternal:
      return false;
  }
  return false;
}

TEST_F(MutationTest, ValidCommandsAreMostlyAccepted) {
  // The generator's unmutated commands: a control for the test below.
  Mutator m(kDefaultSeed);
  int accepted = 0;
  const int n = 400;
  store::Transaction block;
  for (int i = 0; i < n; ++i) {
    if (i % 20 == 0) {
      block.Rollback();
      ASSERT_TRUE(store().Begin(&block).ok());
    }
    Result r = store().Execute(Valid(m, i));
    if (r.ok()) ++accepted;
  }
  block.Rollback();
  EXPECT_GT(accepted, n * 7 / 10) << accepted << " of " << n;
}

TEST_F(MutationTest, MutatedCommandsNeverCrashAndRejectionsWriteNothing) {
  const uint64_t seed = EnvOr("WEIGE_MUTATION_SEED", kDefaultSeed);
  const int cases = static_cast<int>(EnvOr("WEIGE_MUTATION_CASES", kDefaultCases));
  std::printf("[ mutation  ] seed 0x%" PRIx64 ", %d cases (WEIGE_MUTATION_SEED to replay)\n", seed,
              cases);
  std::fflush(stdout);
  Mutator m(seed);
  std::map<std::string, int> reasons;
  std::map<std::string, int> mutations;
  int accepted = 0, replayed = 0, internal = 0;
  std::string digest = Digest();
  int64_t outbox = Count("SELECT COUNT(*) FROM outbox");
  // The state every rolled-back block returns to.
  std::string block_digest;
  int64_t block_outbox = 0;
  bool in_block = false;
  store::Transaction block;

  for (int i = 0; i < cases; ++i) {
    // The first block commits for real; later ones roll back to its end.
    if (i > 0 && i % kBlock == 0) {
      if (in_block) {
        block.Rollback();
        digest = block_digest;
        outbox = block_outbox;
        ASSERT_EQ(Digest(), block_digest) << "rollback at case " << i;
      } else {
        block_digest = digest;
        block_outbox = outbox;
      }
      ASSERT_TRUE(store().Begin(&block).ok());
      in_block = true;
    }
    Json cmd = Valid(m, i);
    std::string label;
    const int structural = static_cast<int>(m.Below(3));
    for (int k = 0; k < structural; ++k) label += std::string(m.MutateJson(cmd)) + "+";
    Result r;
    std::string text;
    if (m.Chance(15)) {
      label += "json";
      r = store().Execute(cmd);
    } else {
      text = DumpJson(cmd);
      const int textual = structural == 0 ? 1 + static_cast<int>(m.Below(2)) : static_cast<int>(m.Below(2));
      for (int k = 0; k < textual; ++k) label += std::string(m.MutateText(text)) + "+";
      label += "text";
      r = store().Execute(std::string_view(text));
    }
    mutations[label]++;

    const std::string where = "case " + std::to_string(i) + " (" + label + "): " + Describe(r);
    static const std::set<std::string> kWireCodes = {
        "ok", "invalid_argument", "not_found", "failed_precondition", "permission_denied",
        "conflict", "internal"};
    ASSERT_EQ(kWireCodes.count(std::string(CodeName(r.status.code))), 1u) << where;
    ASSERT_EQ(r.ok(), r.status.code == Code::kOk) << where;
    // Bad input is the caller's fault: never an internal error.
    if (!KnownCode(r.status.code)) {
      ++internal;
      ADD_FAILURE() << "internal error, " << where << "\ncommand: " << (text.empty() ? DumpJson(cmd) : text).substr(0, 500);
    }
    Json wire;
    ASSERT_TRUE(ParseJson(r.Dump(), 1 << 22, &wire).ok()) << where;
    ASSERT_EQ(wire["ok"], r.ok()) << where;
    std::string now = Digest();
    int64_t rows = Count("SELECT COUNT(*) FROM outbox");
    if (r.ok()) {
      ASSERT_EQ(std::string(CodeName(r.status.code)), "ok");
      if (rows == outbox) {
        // Only a command id seen before is accepted without a new row.
        ++accepted;
        ASSERT_EQ(now, digest) << "a replayed command wrote something, " << where;
      } else {
        ++accepted;
        ASSERT_EQ(rows, outbox + 1) << where;
        // Sent again (a retried push): the same answer, nothing written.
        if (m.Chance(10)) {
          Result again = text.empty() ? store().Execute(cmd) : store().Execute(std::string_view(text));
          ASSERT_TRUE(again.ok()) << "replay of " << where << ": " << Describe(again);
          ASSERT_EQ(again.value, r.value) << where;
          ASSERT_EQ(Digest(), now) << "a replay wrote something, " << where;
          ++replayed;
        }
      }
    } else {
      reasons[r.status.reason]++;
      ASSERT_FALSE(r.status.reason.empty()) << where;
      ASSERT_FALSE(r.status.message.empty()) << where;
      ASSERT_TRUE(r.value.is_null()) << where;
      ASSERT_EQ(now, digest) << "a rejected command wrote something, " << where << "\ncommand: "
                             << (text.empty() ? DumpJson(cmd) : text).substr(0, 500);
      ASSERT_EQ(rows, outbox) << where;
    }
    digest = now;
    outbox = rows;
  }
  if (in_block) block.Rollback();

  std::printf("[ mutation  ] %d accepted (%d of them replayed too), %d rejected, %d internal\n",
              accepted, replayed, cases - accepted, internal);
  std::vector<std::pair<int, std::string>> top;
  for (const auto& [reason, n] : reasons) top.push_back({n, reason});
  std::sort(top.rbegin(), top.rend());
  std::printf("[ mutation  ] %zu distinct reasons; most common:", top.size());
  for (size_t k = 0; k < top.size() && k < 12; ++k) {
    std::printf(" %s=%d", top[k].second.c_str(), top[k].first);
  }
  std::printf("\n[ mutation  ] %zu distinct mutation mixes\n", mutations.size());
  EXPECT_EQ(internal, 0);
  if (std::getenv("WEIGE_MUTATION_CASES") == nullptr) {
    EXPECT_GE(cases, 10000);
  }
  EXPECT_GT(accepted, cases / 50) << "the mutations should leave some commands valid";
  EXPECT_GT(top.size(), 25u) << "the mutations should reach many different checks";
  // The store still works.
  EXPECT_OK(Exec("worker1", "item.comment", {{"item_id", "open0"}, {"text", "after"}}));
}

}  // namespace
}  // namespace weige::testing
