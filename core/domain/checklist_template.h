// Checklist templates are data: JSON with an id, a version, typed questions
// and rules that turn answers into findings. Example:
//
//   {"id": "door", "version": 2, "title": "敲门行动入户表", "title_en": "Door-to-door visit",
//    "questions": [{"key": "ebike", "kind": "yes_no", "label": "电动车飞线充电?",
//                   "label_en": "E-bike charged on a flying wire?", "required": true},
//                  {"key": "gas", "kind": "choice", "label": "燃气", "options": ["正常", "有异味"],
//                   "options_en": ["Normal", "Smells of gas"]}, ...],
//    "rules": [{"question": "ebike", "equals": true,
//               "finding": {"category": "fire_safety", "title": "电动车飞线充电",
//                           "deadline_days": 3}}]}
//
// kinds: yes_no (bool), choice (one of "options"), number ("min"/"max"),
// text ("max_length"), photo (a list of SHA-256 digests).
// rule conditions: "equals" (a scalar), "in" (a list), "below" / "above" (numbers).
//
// Texts are zh-CN first ("title", "label", "options": required), English
// second ("title_en", "label_en", "options_en": optional, each bounded like
// its Chinese text; "options_en" lists one entry per option, null or "" where
// an option has no English). An answer to a choice is always the Chinese
// option: the English is only what a screen shows in English mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/domain/result.h"

namespace weige {

enum class QuestionKind { kYesNo, kChoice, kNumber, kText, kPhoto };

struct Question {
  std::string key;
  std::string label, label_en;  // label_en "" when the template has none
  QuestionKind kind = QuestionKind::kYesNo;
  bool required = false;
  std::vector<std::string> options;
  std::vector<std::string> options_en;  // empty, or one per option ("" for none)
  double min = -1e15;
  double max = 1e15;
  size_t max_length = 2000;
};

struct FindingSpec {
  std::string category;
  std::string title;
  int64_t deadline_days = 0;  // 0: no deadline
};

struct Rule {
  size_t question = 0;  // index into questions
  enum class Op { kEquals, kIn, kBelow, kAbove } op = Op::kEquals;
  Json operand;
  FindingSpec finding;
};

struct ChecklistTemplate {
  std::string id;
  int64_t version = 0;
  std::string title, title_en;
  std::vector<Question> questions;
  std::vector<Rule> rules;
};

// A finding produced by answers: the rule's spec and the question it came from.
struct Finding {
  std::string question_key;
  FindingSpec spec;
};

// Validates and parses a template body. Errors: invalid_argument "template.*".
Status ParseTemplate(const Json& body, ChecklistTemplate* out);

// Checks answers against the template (types, options, ranges, unknown keys;
// required questions only when `require_all`), then appends the findings the
// rules produce, in rule order, one per rule that fires.
Status EvaluateAnswers(const ChecklistTemplate& t, const Json& answers, bool require_all,
                       std::vector<Finding>* findings);

}  // namespace weige
