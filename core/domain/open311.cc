#include "core/domain/open311.h"

#include <cstdio>

#include "core/domain/civil_date.h"

namespace weige::open311 {

namespace {

constexpr int64_t kZoneMs = kBeijingOffsetMs;  // +08:00

bool Digits(std::string_view s, size_t at, size_t n, int64_t* out) {
  if (at + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

const char* StateNote(std::string_view state) {
  if (state == "open") return "已受理 / Received";
  if (state == "assigned") return "处理中 / In progress";
  if (state == "fixed") return "已整改，待核验 / Fixed, awaiting verification";
  if (state == "closed") return "已核验销号 / Verified and closed";
  return "";
}

Json OptionalNumber(const std::optional<double>& v) { return v ? Json(*v) : Json(); }

}  // namespace

std::string FormatTime(int64_t ms) {
  const CivilDate c = BeijingDate(ms);
  const int64_t y = c.year, m = c.month, d = c.day;
  const int64_t s = (ms - BeijingMidnight(y, m, d)) / 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld+08:00",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60),
                static_cast<long long>(s % 60));
  return buf;
}

bool ParseTime(std::string_view t, int64_t* ms) {
  if (t.size() > 40) return false;
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, frac_ms = 0;
  if (!Digits(t, 0, 4, &y) || t.size() < 10 || t[4] != '-' || !Digits(t, 5, 2, &mo) ||
      t[7] != '-' || !Digits(t, 8, 2, &d)) {
    return false;
  }
  if (y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return false;
  size_t i = 10;
  if (i < t.size()) {
    if (t[i] != 'T' && t[i] != ' ') return false;
    if (!Digits(t, i + 1, 2, &h) || i + 3 >= t.size() || t[i + 3] != ':' ||
        !Digits(t, i + 4, 2, &mi)) {
      return false;
    }
    i += 6;
    if (i < t.size() && t[i] == ':') {
      if (!Digits(t, i + 1, 2, &s)) return false;
      i += 3;
      if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
        size_t n = 0;
        ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
          if (n < 3) frac_ms = frac_ms * 10 + (t[i] - '0');
          ++n;
          ++i;
        }
        if (n == 0) return false;
        for (; n < 3; ++n) frac_ms *= 10;
      }
    }
    if (h > 23 || mi > 59 || s > 59) return false;
  }
  int64_t zone = kZoneMs;
  if (i < t.size()) {
    if (t[i] == 'Z' && i + 1 == t.size()) {
      zone = 0;
    } else if (t[i] == '+' || t[i] == '-') {
      int64_t zh = 0, zm = 0;
      std::string_view z = t.substr(i + 1);
      if (!Digits(z, 0, 2, &zh)) return false;
      if (z.size() == 5 && z[2] == ':') {
        if (!Digits(z, 3, 2, &zm)) return false;
      } else if (z.size() == 4) {
        if (!Digits(z, 2, 2, &zm)) return false;
      } else if (z.size() != 2) {
        return false;
      }
      if (zh > 14 || zm > 59) return false;
      zone = (t[i] == '+' ? 1 : -1) * (zh * 60 + zm) * 60000;
    } else {
      return false;
    }
  }
  *ms = ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + frac_ms - zone;
  return true;
}

std::string RedactText(std::string text, const std::vector<std::string>& private_values) {
  for (const std::string& v : private_values) {
    if (v.size() < 2) continue;  // one byte would cut words apart
    for (size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 3)) {
      text.replace(at, v.size(), "***");
    }
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i >= 7) {
      out += "***";
    } else {
      out.append(text, i, j - i);
    }
    if (j == i) out += text[j++];
    i = j;
  }
  return out;
}

PublicRequest MakePublicRequest(PublicRequest d, const std::vector<std::string>& private_values) {
  PublicRequest r;
  r.service_request_id = d.service_request_id;
  r.item_state = d.item_state;
  r.status = PublicStatus(d.item_state);
  r.service_code = d.service_code;
  r.description = RedactText(std::move(d.description), private_values);
  r.address = RedactText(std::move(d.address), private_values);
  r.address_id = d.address_id;
  r.requested_ms = d.requested_ms;
  r.updated_ms = d.updated_ms;
  r.expected_ms = d.expected_ms;
  r.lat = d.lat;
  r.lng = d.lng;
  return r;
}

const char* PublicStatus(std::string_view item_state) {
  return item_state == "closed" ? "closed" : "open";
}

Json RequestJson(const PublicRequest& r) {
  const ReportCategory* c = FindReportCategory(r.service_code);
  return {{"service_request_id", r.service_request_id},
          {"status", r.status},
          {"status_notes", StateNote(r.item_state)},
          {"service_name", c != nullptr ? c->name : r.service_code},
          {"service_code", r.service_code},
          {"description", r.description},
          {"agency_responsible", "网格化服务管理中心"},
          {"service_notice", ""},
          {"requested_datetime", FormatTime(r.requested_ms)},
          {"updated_datetime", FormatTime(r.updated_ms)},
          {"expected_datetime", r.expected_ms ? Json(FormatTime(*r.expected_ms)) : Json("")},
          {"address", r.address},
          {"address_id", r.address_id},
          {"zipcode", ""},
          {"lat", OptionalNumber(r.lat)},
          {"long", OptionalNumber(r.lng)},
          {"media_url", ""}};
}

const char* UpdateStatus(std::string_view type) {
  if (type == "item.assigned" || type == "item.fix_rejected" || type == "item.fixed") {
    return "IN_PROGRESS";
  }
  if (type == "item.closed") return "FIXED";
  if (type == "item.reopened") return "OPEN";
  return nullptr;
}

const char* UpdateState(std::string_view type) {
  if (type == "item.assigned" || type == "item.fix_rejected" || type == "item.reopened") {
    return "assigned";
  }
  if (type == "item.fixed") return "fixed";
  if (type == "item.closed") return "closed";
  return nullptr;
}

Json UpdateJson(const PublicUpdate& u) {
  const char* status = UpdateStatus(u.event_type);
  const char* state = UpdateState(u.event_type);
  std::string what = u.event_type == "item.assigned"      ? "已派单 / Assigned"
                     : u.event_type == "item.fixed"       ? "已整改，待核验 / Fixed, awaiting verification"
                     : u.event_type == "item.closed"      ? "核验通过，已销号 / Verified and closed"
                     : u.event_type == "item.fix_rejected" ? "核验未通过，重新整改 / Fix rejected"
                     : u.event_type == "item.reopened"    ? "已重新打开 / Reopened"
                                                           : "";
  return {{"update_id", std::to_string(u.update_seq)},
          {"service_request_id", u.service_request_id},
          {"status", status != nullptr ? status : "OPEN"},
          {"weige_state", state != nullptr ? state : ""},
          {"updated_datetime", FormatTime(u.updated_ms)},
          {"description", what},
          {"media_url", ""}};
}

Json ServiceJson(const ReportCategory& c) {
  return {{"service_code", c.code},
          {"service_name", c.name},
          {"description", c.name + " / " + c.name_en},
          {"metadata", !c.form.questions.empty()},
          {"type", "realtime"},
          {"keywords", c.name_en},
          {"group", c.group}};
}

Json ServiceDefinitionJson(const ReportCategory& c) {
  Json attrs = Json::array();
  int order = 0;
  for (const Question& q : c.form.questions) {
    if (q.kind == QuestionKind::kPhoto) continue;  // not asked through a form
    Json a = {{"variable", true},
              {"code", q.key},
              {"required", q.required},
              {"order", ++order},
              {"description", q.label_en.empty() ? q.label : q.label + " / " + q.label_en}};
    Json values = Json::array();
    switch (q.kind) {
      case QuestionKind::kYesNo:
        a["datatype"] = "singlevaluelist";
        a["datatype_description"] = "true or false";
        values.push_back({{"key", "true"}, {"name", "是 / Yes"}});
        values.push_back({{"key", "false"}, {"name", "否 / No"}});
        break;
      case QuestionKind::kChoice:
        a["datatype"] = "singlevaluelist";
        a["datatype_description"] = "one of the keys";
        for (size_t i = 0; i < q.options.size(); ++i) {
          const std::string en = i < q.options_en.size() ? q.options_en[i] : "";
          values.push_back({{"key", q.options[i]},
                            {"name", en.empty() ? q.options[i] : q.options[i] + " / " + en}});
        }
        break;
      case QuestionKind::kNumber: {
        a["datatype"] = "number";
        char buf[96];
        std::snprintf(buf, sizeof buf, "a number from %g to %g", q.min, q.max);
        a["datatype_description"] = buf;
        break;
      }
      default:
        a["datatype"] = "text";
        a["datatype_description"] = "at most " + std::to_string(q.max_length) + " characters";
        break;
    }
    a["values"] = values;
    attrs.push_back(a);
  }
  return {{"service_code", c.code}, {"attributes", attrs}};
}

}  // namespace weige::open311
