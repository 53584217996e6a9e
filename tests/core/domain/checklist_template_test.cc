#include "core/domain/checklist_template.h"

#include <gtest/gtest.h>

namespace weige {
namespace {

Json Door() {
  return Json::parse(R"({
    "id": "door", "version": 2, "title": "敲门行动入户表",
    "questions": [
      {"key": "ebike", "kind": "yes_no", "label": "电动车飞线充电?", "required": true},
      {"key": "ext", "kind": "choice", "label": "灭火器", "required": true,
       "options": ["ok", "missing", "expired"]},
      {"key": "elderly", "kind": "number", "label": "独居老人", "min": 0, "max": 20},
      {"key": "note", "kind": "text", "label": "备注", "max_length": 5},
      {"key": "photo", "kind": "photo", "label": "照片"}
    ],
    "rules": [
      {"question": "ebike", "equals": true,
       "finding": {"category": "fire_safety", "title": "电动车飞线充电", "deadline_days": 3}},
      {"question": "ext", "in": ["missing", "expired"],
       "finding": {"category": "fire_safety", "title": "灭火器"}},
      {"question": "elderly", "above": 0, "finding": {"category": "care", "title": "老人"}},
      {"question": "elderly", "below": 0.5, "finding": {"category": "none", "title": "无"}}
    ]})");
}

TEST(TemplateTest, ParsesAValidTemplate) {
  ChecklistTemplate t;
  Status s = ParseTemplate(Door(), &t);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_EQ(t.id, "door");
  EXPECT_EQ(t.version, 2);
  ASSERT_EQ(t.questions.size(), 5u);
  EXPECT_EQ(t.questions[0].kind, QuestionKind::kYesNo);
  EXPECT_TRUE(t.questions[0].required);
  EXPECT_EQ(t.questions[1].options, (std::vector<std::string>{"ok", "missing", "expired"}));
  EXPECT_EQ(t.questions[2].min, 0);
  EXPECT_EQ(t.questions[2].max, 20);
  EXPECT_FALSE(t.questions[2].required);
  EXPECT_EQ(t.questions[3].max_length, 5u);
  EXPECT_EQ(t.questions[4].kind, QuestionKind::kPhoto);
  ASSERT_EQ(t.rules.size(), 4u);
  EXPECT_EQ(t.rules[1].question, 1u);
  EXPECT_EQ(t.rules[1].op, Rule::Op::kIn);
  EXPECT_EQ(t.rules[0].finding.deadline_days, 3);
  EXPECT_EQ(t.rules[1].finding.deadline_days, 0);
}

TEST(TemplateTest, EnglishTextsAreOptionalAndTrimmed) {
  ChecklistTemplate t;
  ASSERT_TRUE(ParseTemplate(Door(), &t).ok());
  EXPECT_EQ(t.title, "敲门行动入户表");
  EXPECT_EQ(t.title_en, "");
  EXPECT_EQ(t.questions[0].label, "电动车飞线充电?");
  EXPECT_EQ(t.questions[0].label_en, "");
  EXPECT_TRUE(t.questions[1].options_en.empty());

  Json j = Door();
  j["title_en"] = "  Door-to-door visit ";
  j["questions"][0]["label_en"] = "E-bike charging on a flying wire?\u3000";
  j["questions"][1]["options_en"] = {" Present", nullptr, "\u200b"};
  j["questions"][2]["label_en"] = "   ";  // blank: no English
  ChecklistTemplate en;
  Status s = ParseTemplate(j, &en);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_EQ(en.title_en, "Door-to-door visit");
  EXPECT_EQ(en.questions[0].label_en, "E-bike charging on a flying wire?");
  EXPECT_EQ(en.questions[2].label_en, "");
  EXPECT_EQ(en.questions[1].options_en, (std::vector<std::string>{"Present", "", ""}));
  // The answer's value stays the Chinese option: English is for the screen.
  EXPECT_EQ(en.questions[1].options, (std::vector<std::string>{"ok", "missing", "expired"}));
  std::vector<Finding> f;
  EXPECT_EQ(EvaluateAnswers(en, {{"ebike", false}, {"ext", "Present"}}, true, &f).reason,
            "visit.bad_answer");
  EXPECT_TRUE(EvaluateAnswers(en, {{"ebike", false}, {"ext", "ok"}}, true, &f).ok());
  // Bounds are bytes of UTF-8, as for the Chinese texts: 500 for a label,
  // 200 for a title or an option.
  j["questions"][0]["label_en"] = std::string(500, 'x');
  j["questions"][1]["options_en"] = {std::string(200, 'x'), nullptr, nullptr};
  j["title_en"] = std::string(200, 'x');
  ChecklistTemplate longest;
  s = ParseTemplate(j, &longest);
  EXPECT_TRUE(s.ok()) << s.message;
}

TEST(TemplateTest, RulesAreOptional) {
  Json j = Door();
  j.erase("rules");
  ChecklistTemplate t;
  EXPECT_TRUE(ParseTemplate(j, &t).ok());
  EXPECT_TRUE(t.rules.empty());
}

struct BadTemplate {
  const char* name;
  const char* patch;  // JSON merge patch over Door(), or a whole body when `whole`
  const char* reason;
  bool whole = false;
};

TEST(TemplateTest, ParseErrors) {
  const BadTemplate cases[] = {
      {"not an object", "[1]", "argument.wrong_type", true},
      {"missing id", R"({"id": null})", "argument.missing"},
      {"bad id", R"({"id": "a door"})", "argument.invalid_id"},
      {"version 0", R"({"version": 0})", "argument.out_of_range"},
      {"version text", R"({"version": "2"})", "argument.wrong_type"},
      {"version too big", R"({"version": 1000001})", "argument.out_of_range"},
      {"missing title", R"({"title": null})", "argument.missing"},
      {"long title", nullptr, "argument.too_long"},
      {"missing questions", R"({"questions": null})", "argument.missing"},
      {"questions object", R"({"questions": {}})", "argument.wrong_type"},
      {"no questions", R"({"questions": [], "rules": []})", "template.invalid"},
      {"question not object", R"({"questions": [3]})", "argument.wrong_type"},
      {"question no key", R"({"questions": [{"kind": "yes_no", "label": "x"}]})",
       "argument.missing"},
      {"question bad kind", R"({"questions": [{"key": "a", "kind": "date", "label": "x"}]})",
       "argument.invalid_value"},
      {"question no label", R"({"questions": [{"key": "a", "kind": "yes_no"}]})",
       "argument.missing"},
      {"required not bool",
       R"({"questions": [{"key": "a", "kind": "yes_no", "label": "x", "required": 1}]})",
       "argument.wrong_type"},
      {"choice without options",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x"}], "rules": []})",
       "argument.missing"},
      {"choice empty options",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": []}],
           "rules": []})",
       "template.invalid"},
      {"choice empty option",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": [""]}],
           "rules": []})",
       "argument.empty"},
      {"choice blank option",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["\u3000"]}],
           "rules": []})",
       "argument.empty"},
      {"choice number option",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": [1]}],
           "rules": []})",
       "argument.wrong_type"},
      {"choice option with a control character",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["a\u0007"]}],
           "rules": []})",
       "argument.control_character"},
      {"label_en not a string",
       R"({"questions": [{"key": "a", "kind": "yes_no", "label": "x", "label_en": 5}]})",
       "argument.wrong_type"},
      {"label_en with a newline",
       R"({"questions": [{"key": "a", "kind": "yes_no", "label": "x", "label_en": "a\nb"}]})",
       "argument.control_character"},
      {"title_en not a string", R"({"title_en": ["x"]})", "argument.wrong_type"},
      {"options_en not a list",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["甲"],
                          "options_en": "A"}], "rules": []})",
       "argument.wrong_type"},
      {"options_en shorter than options",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["甲", "乙"],
                          "options_en": ["A"]}], "rules": []})",
       "template.invalid"},
      {"options_en longer than options",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["甲"],
                          "options_en": ["A", "B"]}], "rules": []})",
       "template.invalid"},
      {"options_en entry a number",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["甲"],
                          "options_en": [1]}], "rules": []})",
       "argument.wrong_type"},
      {"options_en entry with a tab",
       R"({"questions": [{"key": "a", "kind": "choice", "label": "x", "options": ["甲"],
                          "options_en": ["A\tB"]}], "rules": []})",
       "argument.control_character"},
      {"long option", nullptr, "argument.too_long"},
      {"long option_en", nullptr, "argument.too_long"},
      {"long label_en", nullptr, "argument.too_long"},
      {"long title_en", nullptr, "argument.too_long"},
      {"number min above max",
       R"({"questions": [{"key": "a", "kind": "number", "label": "x", "min": 5, "max": 1}],
           "rules": []})",
       "template.invalid"},
      {"number min huge",
       R"({"questions": [{"key": "a", "kind": "number", "label": "x", "min": 1e16}],
           "rules": []})",
       "argument.out_of_range"},
      {"text max_length 0",
       R"({"questions": [{"key": "a", "kind": "text", "label": "x", "max_length": 0}],
           "rules": []})",
       "argument.out_of_range"},
      {"duplicate key",
       R"({"questions": [{"key": "a", "kind": "text", "label": "x"},
                         {"key": "a", "kind": "yes_no", "label": "y"}], "rules": []})",
       "template.invalid"},
      {"rules not array", R"({"rules": {}})", "argument.wrong_type"},
      {"rule names no question",
       R"({"rules": [{"question": "zzz", "equals": true, "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"rule without op",
       R"({"rules": [{"question": "ebike", "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"rule with two ops",
       R"({"rules": [{"question": "elderly", "above": 1, "below": 3,
                      "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"equals a list",
       R"({"rules": [{"question": "ebike", "equals": [true], "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"in not a list",
       R"({"rules": [{"question": "ext", "in": "missing", "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"below a string",
       R"({"rules": [{"question": "elderly", "below": "3", "finding": {"category": "c", "title": "t"}}]})",
       "template.invalid"},
      {"rule without finding", R"({"rules": [{"question": "ebike", "equals": true}]})",
       "argument.missing"},
      {"finding without category",
       R"({"rules": [{"question": "ebike", "equals": true, "finding": {"title": "t"}}]})",
       "argument.missing"},
      {"finding deadline too long",
       R"({"rules": [{"question": "ebike", "equals": true,
                      "finding": {"category": "c", "title": "t", "deadline_days": 3651}}]})",
       "argument.out_of_range"},
      {"too many questions", nullptr, "argument.too_many"},
  };
  for (const BadTemplate& c : cases) {
    Json body;
    if (c.whole) {
      body = Json::parse(c.patch);
    } else if (c.patch != nullptr) {
      body = Door();
      body.merge_patch(Json::parse(c.patch));
    } else if (std::string_view(c.name) == "long title") {
      body = Door();
      body["title"] = std::string(201, 'x');
    } else if (std::string_view(c.name) == "long title_en") {
      body = Door();
      body["title_en"] = std::string(201, 'x');
    } else if (std::string_view(c.name) == "long label_en") {
      body = Door();
      body["questions"][0]["label_en"] = std::string(501, 'x');
    } else if (std::string_view(c.name) == "long option") {
      body = Door();
      body["questions"][1]["options"][2] = std::string(201, 'x');
    } else if (std::string_view(c.name) == "long option_en") {
      body = Door();
      body["questions"][1]["options_en"] = {"OK", std::string(201, 'x'), nullptr};
    } else {
      body = Door();
      body["rules"] = Json::array();
      body["questions"] = Json::array();
      for (int i = 0; i < 201; ++i) {
        body["questions"].push_back(
            {{"key", std::string("q").append(std::to_string(i))}, {"kind", "yes_no"}, {"label", "x"}});
      }
    }
    ChecklistTemplate t;
    Status s = ParseTemplate(body, &t);
    EXPECT_EQ(s.code, Code::kInvalidArgument) << c.name;
    EXPECT_EQ(s.reason, c.reason) << c.name << ": " << s.message;
  }
}

ChecklistTemplate Parsed() {
  ChecklistTemplate t;
  EXPECT_TRUE(ParseTemplate(Door(), &t).ok());
  return t;
}

std::vector<std::string> Titles(const std::vector<Finding>& f) {
  std::vector<std::string> out;
  for (const Finding& x : f) out.push_back(x.question_key + ":" + x.spec.title);
  return out;
}

TEST(EvaluateTest, RulesFireInRuleOrder) {
  ChecklistTemplate t = Parsed();
  std::vector<Finding> f;
  Status s = EvaluateAnswers(
      t, {{"ebike", true}, {"ext", "expired"}, {"elderly", 2}, {"note", "ok"}}, true, &f);
  ASSERT_TRUE(s.ok()) << s.message;
  EXPECT_EQ(Titles(f), (std::vector<std::string>{"ebike:电动车飞线充电", "ext:灭火器",
                                                 "elderly:老人"}));
  EXPECT_EQ(f[0].spec.category, "fire_safety");
  EXPECT_EQ(f[0].spec.deadline_days, 3);
}

TEST(EvaluateTest, NoFindingsWhenNothingFires) {
  ChecklistTemplate t = Parsed();
  std::vector<Finding> f;
  ASSERT_TRUE(EvaluateAnswers(t, {{"ebike", false}, {"ext", "ok"}}, true, &f).ok());
  EXPECT_TRUE(f.empty());
  // below 0.5 fires for 0 (and above 0 does not)
  ASSERT_TRUE(EvaluateAnswers(t, {{"ebike", false}, {"ext", "ok"}, {"elderly", 0}}, true, &f).ok());
  EXPECT_EQ(Titles(f), (std::vector<std::string>{"elderly:无"}));
}

TEST(EvaluateTest, RequiredOnlyWhenRequireAll) {
  ChecklistTemplate t = Parsed();
  std::vector<Finding> f;
  Status s = EvaluateAnswers(t, {{"ebike", false}}, true, &f);
  EXPECT_EQ(s.reason, "visit.missing_answer");
  EXPECT_NE(s.message.find("ext"), std::string::npos);
  s = EvaluateAnswers(t, {{"ebike", false}, {"ext", nullptr}}, true, &f);
  EXPECT_EQ(s.reason, "visit.missing_answer") << "null counts as missing";
  EXPECT_TRUE(EvaluateAnswers(t, {{"ebike", false}}, false, &f).ok());
  EXPECT_TRUE(EvaluateAnswers(t, Json::object(), false, &f).ok());
  EXPECT_TRUE(f.empty());
}

TEST(EvaluateTest, AnswerTypesAndRanges) {
  ChecklistTemplate t = Parsed();
  std::string sha(64, 'c');
  struct Case { const char* key; Json value; const char* reason; } cases[] = {
      {"ebike", "yes", "visit.bad_answer"},
      {"ebike", 1, "visit.bad_answer"},
      {"ext", "broken", "visit.bad_answer"},
      {"ext", true, "visit.bad_answer"},
      {"elderly", "3", "visit.bad_answer"},
      {"elderly", 21, "visit.bad_answer"},
      {"elderly", -0.1, "visit.bad_answer"},
      {"note", "123456", "visit.bad_answer"},
      {"note", 5, "visit.bad_answer"},
      {"photo", sha, "visit.bad_answer"},
      {"photo", Json::array({"abc"}), "visit.bad_answer"},
      {"photo", Json(std::vector<std::string>(21, sha)), "visit.bad_answer"},
      {"nope", 1, "visit.unknown_question"},
      {"ebike", nullptr, "visit.missing_answer"},
  };
  for (const auto& c : cases) {
    Json answers = {{"ebike", false}, {"ext", "ok"}};
    answers[c.key] = c.value;
    std::vector<Finding> f;
    Status s = EvaluateAnswers(t, answers, true, &f);
    EXPECT_EQ(s.code, Code::kInvalidArgument) << c.key << " " << c.value;
    EXPECT_EQ(s.reason, c.reason) << c.key << " " << c.value;
    EXPECT_TRUE(f.empty()) << "no findings on an error";
  }
  std::vector<Finding> f;
  EXPECT_TRUE(EvaluateAnswers(t, {{"ebike", false}, {"ext", "ok"}, {"note", "12345"},
                                  {"photo", Json(std::vector<std::string>(20, sha))},
                                  {"elderly", 20}},
                              true, &f)
                  .ok());
}

TEST(EvaluateTest, AnswersMustBeAnObject) {
  ChecklistTemplate t = Parsed();
  std::vector<Finding> f;
  for (Json bad : {Json::array(), Json(1), Json("x"), Json()}) {
    Status s = EvaluateAnswers(t, bad, false, &f);
    EXPECT_EQ(s.reason, "argument.wrong_type") << bad;
  }
}

}  // namespace
}  // namespace weige
