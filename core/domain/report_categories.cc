#include "core/domain/report_categories.h"

#include <cmath>
#include <cstdlib>

#include "core/domain/json_reader.h"

namespace weige {

namespace {

// code, name, name_en, group, the form's questions (checklist template JSON).
struct CategoryText {
  const char* code;
  const char* name;
  const char* name_en;
  const char* group;
  const char* questions;
};

constexpr CategoryText kCategories[] = {
    {"fire_safety", "消防安全", "Fire safety", "安全",
     R"([{"key": "hazard", "kind": "choice", "required": true, "label": "隐患类型",
          "label_en": "Kind of hazard",
          "options": ["电动车飞线充电", "楼道堆物", "消防通道占用", "灭火器缺失", "其他"],
          "options_en": ["E-bike charged on a flying wire", "Things stored in the stairwell",
                         "Fire lane blocked", "Extinguisher missing", "Other"]}])"},
    {"gas_safety", "燃气安全", "Gas safety", "安全",
     R"([{"key": "smell", "kind": "yes_no", "required": true, "label": "是否闻到燃气味",
          "label_en": "Does it smell of gas?"}])"},
    {"sanitation", "环境卫生", "Sanitation", "环境",
     R"([{"key": "kind", "kind": "choice", "label": "问题", "label_en": "Problem",
          "options": ["垃圾堆积", "卫生死角", "污水外溢"],
          "options_en": ["Rubbish piling up", "Neglected corner", "Sewage overflowing"]}])"},
    {"greening", "绿化", "Green belt", "环境", "[]"},
    {"public_facility", "公共设施", "Public facility", "设施", "[]"},
    {"group_rental", "群租房", "Group rental", "安全", "[]"},
    {"elderly_care", "老人关爱", "Elderly care", "服务", "[]"},
    {"fraud_prevention", "反诈宣传", "Fraud prevention", "服务", "[]"},
    {"noise", "噪音扰民", "Noise", "秩序",
     R"([{"key": "time_of_day", "kind": "choice", "required": true, "label": "发生时段",
          "label_en": "When", "options": ["白天", "夜间"], "options_en": ["Daytime", "At night"]}])"},
    {"parking", "车辆停放", "Parking", "秩序",
     R"([{"key": "blocks_fire_lane", "kind": "yes_no", "required": true,
          "label": "是否占用消防通道", "label_en": "Does it block a fire lane?"}])"},
    {"street_light", "路灯照明", "Street lights", "设施",
     R"([{"key": "lights_out", "kind": "number", "label": "不亮的路灯数",
          "label_en": "Lights out", "min": 1, "max": 100}])"},
    {"water_leak", "房屋漏水", "Water leak", "设施",
     R"([{"key": "floor", "kind": "number", "required": true, "label": "漏水楼层",
          "label_en": "Floor of the leak", "min": -5, "max": 120},
         {"key": "detail", "kind": "text", "label": "位置说明", "label_en": "Where exactly",
          "max_length": 200}])"},
    {"pets", "宠物管理", "Pets", "秩序", "[]"},
    {"other", "其他", "Other", "其他", "[]"},
};

std::vector<ReportCategory> Build() {
  std::vector<ReportCategory> out;
  for (const CategoryText& c : kCategories) {
    ReportCategory cat{c.code, c.name, c.name_en, c.group, {}};
    Json body = {{"id", std::string("report_") + c.code}, {"version", 1}, {"title", c.name},
                 {"title_en", c.name_en}, {"questions", Json::parse(c.questions, nullptr, false)},
                 {"rules", Json::array()}};
    Json& questions = body["questions"];
    if (questions.is_array() && questions.empty()) {
      // A category that asks nothing beyond the description (ParseTemplate
      // wants a question).
      cat.form.id = body["id"].get<std::string>();
      cat.form.version = 1;
      cat.form.title = c.name;
      cat.form.title_en = c.name_en;
    } else if (!ParseTemplate(body, &cat.form).ok()) {
      // The texts above are fixed; a form that fails to parse is a bug the
      // domain tests catch (its id stays empty).
      cat.form = {};
    }
    out.push_back(std::move(cat));
  }
  return out;
}

}  // namespace

const std::vector<ReportCategory>& ReportCategories() {
  static const std::vector<ReportCategory> categories = Build();
  return categories;
}

const ReportCategory* FindReportCategory(std::string_view code) {
  for (const ReportCategory& c : ReportCategories()) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

Status ValidateReportAttributes(const ReportCategory& category, const Json& attributes) {
  if (!attributes.is_object()) {
    return InvalidArgument("argument.wrong_type", "payload.attributes must be an object");
  }
  for (auto it = attributes.begin(); it != attributes.end(); ++it) {
    bool known = false;
    for (const Question& q : category.form.questions) known = known || q.key == it.key();
    if (!known) {
      return InvalidArgument("report.unknown_attribute",
                             "attribute " + it.key() + " is not asked by " + category.code);
    }
  }
  for (const Question& q : category.form.questions) {
    auto it = attributes.find(q.key);
    if (q.required && (it == attributes.end() || it->is_null())) {
      return InvalidArgument("report.missing_attribute",
                             "attribute " + q.key + " is required for " + category.code);
    }
  }
  std::vector<Finding> unused;
  Status s = EvaluateAnswers(category.form, attributes, /*require_all=*/true, &unused);
  if (!s.ok()) s.message = "attributes of " + category.code + ": " + s.message;
  return s;
}

Status AttributesFromForm(const ReportCategory& category,
                          const std::map<std::string, std::vector<std::string>>& values,
                          Json* answers) {
  *answers = Json::object();
  for (const auto& entry : values) {
    // Not a structured binding: clang 14 (emcc) cannot capture one in the lambda below.
    const std::string& key = entry.first;
    const std::vector<std::string>& list = entry.second;
    const Question* q = nullptr;
    for (const Question& each : category.form.questions) {
      if (each.key == key) q = &each;
    }
    if (list.empty()) continue;
    auto bad = [&](const char* want) {
      return InvalidArgument("report.bad_attribute", "attribute " + key + " must be " + want);
    };
    if (list.size() > 1) return bad("a single value");
    const std::string& v = list.front();
    if (q == nullptr || q->kind == QuestionKind::kChoice || q->kind == QuestionKind::kText) {
      (*answers)[key] = v;
    } else if (q->kind == QuestionKind::kYesNo) {
      if (v != "true" && v != "false") return bad("true or false");
      (*answers)[key] = v == "true";
    } else if (q->kind == QuestionKind::kNumber) {
      char* end = nullptr;
      const double d = v.empty() || v.size() > 32 ? NAN : std::strtod(v.c_str(), &end);
      if (std::isnan(d) || std::isinf(d) || end == nullptr || *end != '\0') return bad("a number");
      (*answers)[key] = d;
    } else {
      return bad("absent (photos are not taken through a form)");
    }
  }
  return Status::Ok();
}

}  // namespace weige
