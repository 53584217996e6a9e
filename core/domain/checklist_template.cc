#include "core/domain/checklist_template.h"

#include "core/domain/json_reader.h"
#include "core/domain/text.h"

namespace weige {

namespace {

constexpr size_t kMaxQuestions = 200;
constexpr size_t kMaxRules = 400;
constexpr size_t kMaxOptions = 50;
constexpr size_t kLabelBytes = 500;

Status TemplateError(const std::string& what) {
  return InvalidArgument("template.invalid", "template: " + what);
}

// One option's text (`what` names it in errors): a string whose trimmed text
// is non-empty (unless `may_be_blank`), at most kNameBytes, one line. *out
// gets the trimmed text.
Status OptionText(const Json& v, const std::string& what, bool may_be_blank, std::string* out) {
  if (!v.is_string()) {
    return InvalidArgument("argument.wrong_type", what + " must be a string");
  }
  std::string_view t = TrimSpace(v.get_ref<const std::string&>());
  WEIGE_RETURN_IF_ERROR(CheckText(t, kNameBytes, TextLines::kOne, what));
  if (t.empty() && !may_be_blank) {
    return InvalidArgument("argument.empty", what + " must not be empty or blank");
  }
  out->assign(t);
  return Status::Ok();
}

// "options" (required, the answers' values) and "options_en" (optional).
Status ParseOptions(FieldReader& r, const std::string& path, Question* out) {
  const Json* opts = r.Array("options", kMaxOptions);
  if (!r.ok()) return r.status();
  for (size_t i = 0; i < opts->size(); ++i) {
    std::string text;
    WEIGE_RETURN_IF_ERROR(
        OptionText((*opts)[i], path + ".options[" + std::to_string(i) + "]", false, &text));
    // The value is the option as written: answers are compared to it.
    out->options.push_back((*opts)[i].get<std::string>());
  }
  if (out->options.empty()) return TemplateError("a choice needs options");
  const Json* en = r.Array("options_en", kMaxOptions, /*optional=*/true);
  if (!r.ok()) return r.status();
  if (en == nullptr) return Status::Ok();
  if (en->size() != opts->size()) {
    return TemplateError(path + ".options_en must list one text per option");
  }
  for (size_t i = 0; i < en->size(); ++i) {
    std::string text;
    if (!(*en)[i].is_null()) {
      WEIGE_RETURN_IF_ERROR(OptionText(
          (*en)[i], path + ".options_en[" + std::to_string(i) + "]", true, &text));
    }
    out->options_en.push_back(std::move(text));
  }
  return Status::Ok();
}

bool ParseKind(const std::string& s, QuestionKind* k) {
  static const struct { const char* name; QuestionKind kind; } kKinds[] = {
      {"yes_no", QuestionKind::kYesNo}, {"choice", QuestionKind::kChoice},
      {"number", QuestionKind::kNumber}, {"text", QuestionKind::kText},
      {"photo", QuestionKind::kPhoto}};
  for (const auto& e : kKinds) {
    if (s == e.name) {
      *k = e.kind;
      return true;
    }
  }
  return false;
}

Status ParseQuestion(const Json& q, size_t index, Question* out) {
  const std::string path = "questions[" + std::to_string(index) + "]";
  FieldReader r(q, path);
  out->key = r.Id("key");
  out->label = r.Text("label", kLabelBytes);
  out->label_en = r.OptText("label_en", kLabelBytes).value_or("");
  std::string kind = r.Enum("kind", {"yes_no", "choice", "number", "text", "photo"});
  out->required = r.Bool("required", false);
  if (!r.ok()) return r.status();
  ParseKind(kind, &out->kind);
  if (out->kind == QuestionKind::kChoice) {
    WEIGE_RETURN_IF_ERROR(ParseOptions(r, path, out));
  }
  if (out->kind == QuestionKind::kNumber) {
    out->min = r.OptNumber("min", -1e15, 1e15).value_or(-1e15);
    out->max = r.OptNumber("max", -1e15, 1e15).value_or(1e15);
    if (r.ok() && out->min > out->max) return TemplateError("min is above max");
  }
  if (out->kind == QuestionKind::kText) {
    out->max_length = static_cast<size_t>(r.OptInt("max_length", 1, 20000).value_or(2000));
  }
  return r.status();
}

Status ParseRule(const Json& j, size_t index, const ChecklistTemplate& t, Rule* out) {
  FieldReader r(j, "rules[" + std::to_string(index) + "]");
  std::string key = r.Id("question");
  const Json* finding = r.Object("finding");
  if (!r.ok()) return r.status();
  bool found = false;
  for (size_t i = 0; i < t.questions.size(); ++i) {
    if (t.questions[i].key == key) {
      out->question = i;
      found = true;
    }
  }
  if (!found) return TemplateError("rule " + std::to_string(index) + " names no question");
  int ops = 0;
  for (const char* op : {"equals", "in", "below", "above"}) {
    auto it = j.find(op);
    if (it == j.end()) continue;
    ++ops;
    out->operand = *it;
    std::string_view name(op);
    if (name == "equals") {
      out->op = Rule::Op::kEquals;
      if (!it->is_primitive() || it->is_null()) return TemplateError("equals takes a scalar");
    } else if (name == "in") {
      out->op = Rule::Op::kIn;
      if (!it->is_array()) return TemplateError("in takes a list");
    } else {
      out->op = name == "below" ? Rule::Op::kBelow : Rule::Op::kAbove;
      if (!it->is_number()) return TemplateError(std::string(op) + " takes a number");
    }
  }
  if (ops != 1) return TemplateError("a rule needs exactly one of equals, in, below, above");
  FieldReader f(*finding, "rules[" + std::to_string(index) + "].finding");
  out->finding.category = f.Id("category");
  out->finding.title = f.Text("title", kNameBytes);
  out->finding.deadline_days = f.OptInt("deadline_days", 0, 3650).value_or(0);
  return f.status();
}

bool RuleFires(const Rule& rule, const Json& answer) {
  switch (rule.op) {
    case Rule::Op::kEquals:
      return answer == rule.operand;
    case Rule::Op::kIn:
      for (const Json& v : rule.operand) {
        if (v == answer) return true;
      }
      return false;
    case Rule::Op::kBelow:
      return answer.is_number() && answer.get<double>() < rule.operand.get<double>();
    case Rule::Op::kAbove:
      return answer.is_number() && answer.get<double>() > rule.operand.get<double>();
  }
  return false;
}

Status CheckAnswer(const Question& q, const Json& a) {
  auto bad = [&](const std::string& what) {
    return InvalidArgument("visit.bad_answer", "answers." + q.key + " " + what);
  };
  switch (q.kind) {
    case QuestionKind::kYesNo:
      if (!a.is_boolean()) return bad("must be true or false");
      break;
    case QuestionKind::kChoice: {
      if (!a.is_string()) return bad("must be one of the options");
      bool ok = false;
      for (const auto& o : q.options) ok = ok || a.get_ref<const std::string&>() == o;
      if (!ok) return bad("must be one of the options");
      break;
    }
    case QuestionKind::kNumber:
      if (!a.is_number()) return bad("must be a number");
      if (a.get<double>() < q.min || a.get<double>() > q.max) return bad("is out of range");
      break;
    case QuestionKind::kText:
      if (!a.is_string()) return bad("must be text");
      if (a.get_ref<const std::string&>().size() > q.max_length) return bad("is too long");
      break;
    case QuestionKind::kPhoto:
      if (!a.is_array() || a.size() > 20) return bad("must be a list of photo digests");
      for (const Json& p : a) {
        if (!p.is_string() || !IsSha256Hex(p.get_ref<const std::string&>())) {
          return bad("must be a list of photo digests");
        }
      }
      break;
  }
  return Status::Ok();
}

}  // namespace

Status ParseTemplate(const Json& body, ChecklistTemplate* out) {
  FieldReader r(body, "template");
  out->id = r.Id("id");
  out->version = r.Int("version", 1, 1000000);
  out->title = r.Text("title", kNameBytes);
  out->title_en = r.OptText("title_en", kNameBytes).value_or("");
  const Json* questions = r.Array("questions", kMaxQuestions);
  const Json* rules = r.Array("rules", kMaxRules, /*optional=*/true);
  if (!r.ok()) return r.status();
  if (questions->empty()) return TemplateError("needs at least one question");
  for (size_t i = 0; i < questions->size(); ++i) {
    Question q;
    WEIGE_RETURN_IF_ERROR(ParseQuestion((*questions)[i], i, &q));
    for (const Question& other : out->questions) {
      if (other.key == q.key) return TemplateError("duplicate question key " + q.key);
    }
    out->questions.push_back(std::move(q));
  }
  if (rules != nullptr) {
    for (size_t i = 0; i < rules->size(); ++i) {
      Rule rule;
      WEIGE_RETURN_IF_ERROR(ParseRule((*rules)[i], i, *out, &rule));
      out->rules.push_back(std::move(rule));
    }
  }
  return Status::Ok();
}

Status EvaluateAnswers(const ChecklistTemplate& t, const Json& answers, bool require_all,
                       std::vector<Finding>* findings) {
  if (!answers.is_object()) {
    return InvalidArgument("argument.wrong_type", "payload.answers must be an object");
  }
  for (auto it = answers.begin(); it != answers.end(); ++it) {
    bool known = false;
    for (const Question& q : t.questions) known = known || q.key == it.key();
    if (!known) {
      return InvalidArgument("visit.unknown_question",
                             "answers names a question the template does not have");
    }
  }
  for (const Question& q : t.questions) {
    auto it = answers.find(q.key);
    if (it == answers.end() || it->is_null()) {
      if (require_all && q.required) {
        return InvalidArgument("visit.missing_answer",
                               "answers." + q.key + " is required by the template");
      }
      continue;
    }
    WEIGE_RETURN_IF_ERROR(CheckAnswer(q, *it));
  }
  for (const Rule& rule : t.rules) {
    const Question& q = t.questions[rule.question];
    auto it = answers.find(q.key);
    if (it == answers.end() || it->is_null()) continue;
    if (RuleFires(rule, *it)) findings->push_back({q.key, rule.finding});
  }
  return Status::Ok();
}

}  // namespace weige
