// The report categories a resident or a partner system reports under, and
// each one's form: the attributes asked beyond the description (typed
// questions, as a checklist template's). Data in one place: the apps list
// them, report.submit validates a report's attributes against them, and
// Open311's services and service definitions are generated from them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/checklist_template.h"
#include "core/domain/result.h"

namespace weige {

struct ReportCategory {
  std::string code;            // "fire_safety": the item's and report's category
  std::string name, name_en;   // "消防安全", "Fire safety"
  std::string group;           // "安全" (Open311's service group)
  ChecklistTemplate form;      // id "report.<code>", version 1; no rules
};

// Every category, in the order the apps list them.
const std::vector<ReportCategory>& ReportCategories();
// The category of `code`, or nullptr.
const ReportCategory* FindReportCategory(std::string_view code);

// Checks a report's attributes against its category's form: every required
// question answered, types, options and ranges (EvaluateAnswers with
// require_all). invalid_argument "report.unknown_category" for an unknown
// code; the form's own errors ("answer.*", "argument.*") otherwise.
Status ValidateReportAttributes(const ReportCategory& category, const Json& attributes);

// Form values as text (an Open311 attribute[code]=value, a list for a
// multi-valued one) turned into the answers the form takes: yes_no from
// "true"/"false", numbers parsed, choices and text as given. A value for a
// code the form does not ask is kept (ValidateReportAttributes refuses it);
// a value that does not parse is invalid_argument "report.bad_attribute".
Status AttributesFromForm(const ReportCategory& category,
                          const std::map<std::string, std::vector<std::string>>& values,
                          Json* answers);

}  // namespace weige
