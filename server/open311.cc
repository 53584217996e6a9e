// Open311 GeoReport v2 (server/open311.h): the format, the errors, the key,
// then the store (core/store/open311_store.h) and the core's report.submit.
#include "server/open311.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include "core/domain/json_reader.h"
#include "core/domain/open311.h"
#include "core/domain/report_categories.h"
#include "server/http_request.h"
#include "server/http_server.h"

namespace weige::server {

namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kMaxWindowMs = 90 * kDayMs;
constexpr size_t kMaxFormFields = 64;
constexpr size_t kMaxIds = 200;

// The element each item of an array is written as, by the array's name.
const char* ItemName(const std::string& parent) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"services", "service"},         {"service_requests", "request"},
      {"errors", "error"},             {"attributes", "attribute"},
      {"values", "value"},             {"endpoints", "endpoint"},
      {"formats", "format"},           {"service_request_updates", "request_update"}};
  for (const auto& [list, item] : kNames) {
    if (parent == list) return item;
  }
  return "item";
}

void Escape(const std::string& text, std::string* out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += "&gt;"; break;
      case '"': *out += "&quot;"; break;
      case '\'': *out += "&apos;"; break;
      default:
        // XML 1.0 has no place for the other C0 controls.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        *out += static_cast<char>(c);
    }
  }
}

void WriteXml(const Json& v, const std::string& name, std::string* out) {
  if (v.is_array()) {
    *out += "<" + name + ">";
    const std::string item = ItemName(name);
    for (const Json& e : v) WriteXml(e, item, out);
    *out += "</" + name + ">";
    return;
  }
  if (v.is_null()) {
    *out += "<" + name + "/>";
    return;
  }
  *out += "<" + name + ">";
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) WriteXml(it.value(), it.key(), out);
  } else if (v.is_string()) {
    Escape(v.get_ref<const std::string&>(), out);
  } else {
    *out += v.dump();  // numbers, true, false
  }
  *out += "</" + name + ">";
}

// The resource and its format from the path after /open311/v2/.
struct Resource {
  std::string name;  // "requests", "services/fire_safety"
  bool xml = false;
  bool ok = false;
};

Resource ParseResource(const std::string& arg) {
  Resource r;
  for (const char* ext : {".json", ".xml"}) {
    const size_t n = std::strlen(ext);
    if (arg.size() > n && arg.compare(arg.size() - n, n, ext) == 0) {
      r.name = arg.substr(0, arg.size() - n);
      r.xml = ext[1] == 'x';
      r.ok = true;
    }
  }
  return r;
}

void Send(Reply* out, bool xml, int status, const Json& value, const std::string& root) {
  out->status = status;
  out->headers.clear();
  out->Header("Cache-Control", "no-store");
  out->Header("Access-Control-Allow-Origin", "*");
  if (xml) {
    out->type = "text/xml; charset=utf-8";
    out->body = Open311Xml(value, root);
  } else {
    out->type = "application/json; charset=utf-8";
    out->body = DumpJson(value);
  }
}

// The spec's error list: [{code, description}].
void Error(Reply* out, bool xml, int status, const std::string& description) {
  Send(out, xml, status, Json::array({{{"code", status}, {"description", description}}}),
       "errors");
}

// A Status from the store or the core as an Open311 error. The input is the
// partner's: a refused report (bad attribute, no micro-grid there, a place
// that does not exist) is 400; outside the key's region 403.
void StoreError(Reply* out, bool xml, const Status& s, bool input) {
  int status = HttpStatus(s);
  if (input && (s.code == Code::kInvalidArgument || s.code == Code::kFailedPrecondition ||
                s.code == Code::kNotFound || s.code == Code::kConflict)) {
    status = 400;
  }
  if (s.code == Code::kPermissionDenied) status = 403;
  Error(out, xml, status, s.reason + ": " + s.message);
  if (status == 503) out->Header("Retry-After", Transient(s) ? "1" : "60");
}

// A decimal coordinate as text, or nullopt.
std::optional<double> ParseDegrees(const std::string& text, double limit) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == nullptr || *end != '\0' || !std::isfinite(v) || std::fabs(v) > limit) {
    return std::nullopt;
  }
  return v;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = text.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

// start_date/end_date: at most 90 days apart; by default the last 90 days,
// or 90 days from the one given. false once `out` holds the 400.
bool ReadWindow(const Request& req, bool xml, int64_t now, Reply* out, int64_t* from,
                int64_t* to) {
  const bool has_start = req.HasParam("start_date"), has_end = req.HasParam("end_date");
  int64_t start = 0, end = 0;
  if (has_start && !open311::ParseTime(req.Param("start_date"), &start)) {
    Error(out, xml, 400, "start_date is not an ISO 8601 date-time (e.g. 2026-11-05T08:15:30+08:00)");
    return false;
  }
  if (has_end && !open311::ParseTime(req.Param("end_date"), &end)) {
    Error(out, xml, 400, "end_date is not an ISO 8601 date-time (e.g. 2026-11-05T08:15:30+08:00)");
    return false;
  }
  if (!has_end) end = has_start ? start + kMaxWindowMs : now;
  if (!has_start) start = end - kMaxWindowMs;
  if (end < start) {
    Error(out, xml, 400, "end_date is before start_date");
    return false;
  }
  if (end - start > kMaxWindowMs) {
    Error(out, xml, 400, "start_date and end_date are at most 90 days apart");
    return false;
  }
  *from = start;
  *to = end;
  return true;
}

// An urlencoded form (libmicrohttpd's post processor over the body read).
struct Form {
  std::map<std::string, std::vector<std::string>> fields;
  size_t count = 0;
  bool too_many = false;
};

MHD_Result FormField(void* cls, MHD_ValueKind, const char* key, const char*, const char*,
                     const char*, const char* data, uint64_t off, size_t size) {
  auto* form = static_cast<Form*>(cls);
  auto& values = form->fields[key];
  if (off == 0) {
    if (++form->count > kMaxFormFields) {
      form->too_many = true;
      return MHD_NO;
    }
    values.emplace_back();
  }
  if (values.empty()) values.emplace_back();
  values.back().append(data, size);
  return MHD_YES;
}

// false once `out` holds the 400.
bool ReadForm(const Request& req, bool xml, Reply* out, Form* form) {
  const std::string type = req.Header(MHD_HTTP_HEADER_CONTENT_TYPE);
  if (type.compare(0, 33, "application/x-www-form-urlencoded") != 0) {
    Error(out, xml, 400, "send the request as application/x-www-form-urlencoded");
    return false;
  }
  MHD_PostProcessor* pp = MHD_create_post_processor(req.conn, 4096, &FormField, form);
  if (pp == nullptr) {
    Error(out, xml, 400, "the form cannot be read");
    return false;
  }
  MHD_Result fed = MHD_post_process(pp, req.body.data(), req.body.size());
  MHD_Result done = MHD_destroy_post_processor(pp);
  if (form->too_many) {
    Error(out, xml, 400, "the form has more than " + std::to_string(kMaxFormFields) + " fields");
    return false;
  }
  if (fed != MHD_YES || done != MHD_YES) {
    Error(out, xml, 400, "the form is malformed");
    return false;
  }
  return true;
}

std::string One(const Form& f, const char* key) {
  auto it = f.fields.find(key);
  return it == f.fields.end() || it->second.empty() ? "" : it->second.front();
}

Json KeyJson(const store::Open311Key& k) {
  return {{"key_id", k.key_id},         {"partner_id", k.partner_id},
          {"region_id", k.region_id},   {"region_name", k.region_name},
          {"label", k.label},
          {"created_by", k.created_by}, {"rate_per_minute", k.rate_per_minute},
          {"created_at", k.created_at}, {"revoked_at", k.revoked_at ? Json(k.revoked_at) : Json()}};
}

}  // namespace

std::string Open311Xml(const Json& value, const std::string& root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  WriteXml(value, root, &out);
  out += "\n";
  return out;
}

void Open311Refusal(const std::string& path, Reply* out) {
  if (path.compare(0, 12, "/open311/v2/") != 0) return;
  Json weige;
  if (!ParseJson(out->body, out->body.size() + 1, &weige).ok() || !weige.is_object()) return;
  const std::string message = weige.value("message", std::string("the request is refused"));
  std::vector<std::pair<std::string, std::string>> keep;
  for (const auto& h : out->headers) {
    if (h.first == "Retry-After") keep.push_back(h);
  }
  Error(out, ParseResource(path.substr(12)).xml, out->status, message);
  for (auto& h : keep) out->headers.push_back(std::move(h));
}

bool HttpServer::Open311Key(const Request& req, const std::string& api_key, bool public_read,
                            bool xml, Reply* out, store::Open311Key* key) {
  bool found = false;
  Status s;
  if (public_read && !req.HasParam("api_key") && options_.open311_public_per_minute > 0) {
    *key = store::Open311PublicKey(req.remote_addr, options_.open311_public_per_minute);
    found = true;
  } else if (api_key.empty()) {
    Error(out, xml, 403, "api_key is required");
    return false;
  } else if (api_key.size() == 64) {
    auto r = pool_->Read();
    s = store::Open311FindKey(*r, Sha256Hex(api_key), &found, key);
  }
  if (!s.ok()) {
    StoreError(out, xml, s, false);
    return false;
  }
  if (!found || key->revoked_at != 0) {
    Error(out, xml, 403, "api_key is not valid");
    return false;
  }
  bool allowed = false;
  int64_t retry = 0;
  {
    auto w = pool_->Write();
    s = store::Open311CountCall(*w, *key, NowMs(), &allowed, &retry);
  }
  if (!s.ok()) {
    StoreError(out, xml, s, false);
    return false;
  }
  if (!allowed) {
    Error(out, xml, 429, key->partner_id.empty()
                             ? "too many calls without an api_key from this address; try again later"
                             : "too many calls with this api_key; try again later");
    out->Header("Retry-After", std::to_string((retry + 999) / 1000));
    return false;
  }
  return true;
}

void HttpServer::Open311Get(const Request& req, Reply* out) {
  const Resource res = ParseResource(req.arg);
  if (!res.ok) return Error(out, false, 404, "no such resource: name one ending in .json or .xml");
  const bool xml = res.xml;
  const std::string& name = res.name;
  const int64_t now = NowMs();
  if (name == "discovery") {
    const std::string host = req.Header("Host");
    Json endpoint = {{"specification", "http://wiki.open311.org/GeoReport_v2"},
                     {"url", "http://" + (host.empty() ? std::string("localhost") : host) +
                                 "/open311/v2"},
                     {"changeset", "2026-12-02T00:00:00+08:00"},
                     {"type", "production"},
                     {"formats", Json::array({"text/xml", "application/json"})}};
    return Send(out, xml, 200,
                {{"changeset", "2026-12-02T00:00:00+08:00"},
                 {"contact", "网格化服务管理中心 / Grid service centre"},
                 {"key_service",
                  "POST requests needs an api_key, issued by the district's administrators;"
                  " reads need none"},
                 {"endpoints", Json::array({endpoint})}},
                "discovery");
  }
  if (name == "services") {
    Json list = Json::array();
    for (const ReportCategory& c : ReportCategories()) list.push_back(open311::ServiceJson(c));
    return Send(out, xml, 200, list, "services");
  }
  if (name.compare(0, 9, "services/") == 0) {
    const ReportCategory* c = FindReportCategory(name.substr(9));
    if (c == nullptr) return Error(out, xml, 404, "service_code " + name.substr(9) + " not found");
    return Send(out, xml, 200, open311::ServiceDefinitionJson(*c), "service_definition");
  }
  const bool requests = name == "requests", one = name.compare(0, 9, "requests/") == 0;
  const bool token = name.compare(0, 7, "tokens/") == 0;
  const bool updates = name == "servicerequestupdates";
  if (!requests && !one && !token && !updates) return Error(out, xml, 404, "no such resource");
  store::Open311Key key;
  if (!Open311Key(req, req.Param("api_key"), true, xml, out, &key)) return;
  Status s;
  if (token) {
    bool found = false;
    std::string id;
    {
      auto r = pool_->Read();
      s = store::Open311FindToken(*r, key, name.substr(7), &found, &id);
    }
    if (!s.ok()) return StoreError(out, xml, s, false);
    if (!found) return Error(out, xml, 404, "token not found");
    return Send(out, xml, 200,
                Json::array({{{"service_request_id", id}, {"token", name.substr(7)}}}),
                "service_requests");
  }
  if (updates) {
    int64_t from = 0, to = 0;
    if (!ReadWindow(req, xml, now, out, &from, &to)) return;
    std::vector<open311::PublicUpdate> list;
    {
      auto r = pool_->Read();
      s = store::Open311FindUpdates(*r, key, from, to, 1000, &list);
    }
    if (!s.ok()) return StoreError(out, xml, s, false);
    Json j = Json::array();
    for (const open311::PublicUpdate& u : list) j.push_back(open311::UpdateJson(u));
    return Send(out, xml, 200, j, "service_request_updates");
  }
  store::Open311Filter f;
  if (one) {
    f.ids = {name.substr(9)};
  } else if (req.HasParam("service_request_id")) {
    f.ids = SplitCommas(req.Param("service_request_id"));
    if (f.ids.empty() || f.ids.size() > kMaxIds) {
      return Error(out, xml, 400, "service_request_id lists 1 to 200 ids, comma separated");
    }
  } else {
    if (!ReadWindow(req, xml, now, out, &f.from_ms, &f.to_ms)) return;
    if (req.HasParam("service_code")) {
      f.service_codes = SplitCommas(req.Param("service_code"));
      for (const std::string& c : f.service_codes) {
        if (FindReportCategory(c) == nullptr) {
          return Error(out, xml, 404, "service_code " + c + " not found");
        }
      }
    }
    if (req.HasParam("status")) {
      std::vector<std::string> st = SplitCommas(req.Param("status"));
      bool open = false, closed = false;
      for (const std::string& x : st) {
        if (x == "open") open = true;
        else if (x == "closed") closed = true;
        else return Error(out, xml, 400, "status is open, closed or both (comma separated)");
      }
      if (open != closed) f.status = open ? "open" : "closed";
    }
  }
  for (const std::string& id : f.ids) {
    if (!IsValidId(id)) return Error(out, xml, 400, "service_request_id " + id.substr(0, 64) + " is not an id");
  }
  std::vector<open311::PublicRequest> list;
  {
    auto r = pool_->Read();
    s = store::Open311FindRequests(*r, key, f, &list);
  }
  if (!s.ok()) return StoreError(out, xml, s, false);
  if (one && list.empty()) return Error(out, xml, 404, "service_request_id " + f.ids[0] + " not found");
  Json j = Json::array();
  for (const open311::PublicRequest& p : list) j.push_back(open311::RequestJson(p));
  Send(out, xml, 200, j, "service_requests");
}

void HttpServer::Open311Post(const Request& req, Reply* out) {
  const Resource res = ParseResource(req.arg);
  if (!res.ok || res.name != "requests") {
    return Error(out, res.xml, 404, "POST requests.json or requests.xml");
  }
  const bool xml = res.xml;
  Form form;
  if (!ReadForm(req, xml, out, &form)) return;
  store::Open311Key key;
  if (!Open311Key(req, One(form, "api_key"), false, xml, out, &key)) return;
  store::Open311NewRequest nr;
  nr.service_code = One(form, "service_code");
  if (nr.service_code.empty()) return Error(out, xml, 400, "service_code is required");
  const ReportCategory* cat = FindReportCategory(nr.service_code);
  if (cat == nullptr) return Error(out, xml, 400, "service_code " + nr.service_code.substr(0, 64) + " not found");
  const std::string lat = One(form, "lat"), lng = One(form, "long");
  if (!lat.empty() || !lng.empty()) {
    nr.lat = ParseDegrees(lat, 90);
    nr.lng = ParseDegrees(lng, 180);
    if (!nr.lat || !nr.lng) return Error(out, xml, 400, "lat and long are decimal WGS-84 degrees, both");
  }
  nr.address_string = One(form, "address_string");
  nr.address_id = One(form, "address_id");
  if (!nr.lat && nr.address_string.empty() && nr.address_id.empty()) {
    return Error(out, xml, 400, "a location is required: lat and long, address_string or address_id");
  }
  nr.description = One(form, "description");
  // attribute[code]=value and attribute[code][]=value. The reporter's own
  // fields (first_name, last_name, phone, email, device_id, account_id) are
  // not kept: nothing personal is needed to handle the report.
  std::map<std::string, std::vector<std::string>> attrs;
  for (const auto& [k, values] : form.fields) {
    if (k.compare(0, 10, "attribute[") != 0) continue;
    const size_t close = k.find(']');
    if (close == std::string::npos || close == 10) return Error(out, xml, 400, "a malformed attribute field");
    auto& list = attrs[k.substr(10, close - 10)];
    list.insert(list.end(), values.begin(), values.end());
  }
  Status s = AttributesFromForm(*cat, attrs, &nr.attributes);
  if (!s.ok()) return StoreError(out, xml, s, true);
  nr.request_id = "o311-" + NewToken().substr(0, 24);
  nr.token = NewToken().substr(0, 32);
  Result r;
  {
    auto w = pool_->Write();
    r = store::Open311Submit(*w, key, nr, NowMs());
  }
  if (!r.ok()) return StoreError(out, xml, r.status, true);
  Json answer = Json::object();
  answer["service_request_id"] = nr.request_id;
  answer["token"] = nr.token;
  answer["service_notice"] = "";
  answer["account_id"] = "";
  Send(out, xml, 200, Json::array({answer}), "service_requests");
}

// The administrators' keys. Create answers the key once; the store keeps
// only its SHA-256.
void HttpServer::Open311CreateKey(const Request& req, Reply* out) {
  std::string admin;
  Json body;
  if (!SignedInWithBody(req, out, &admin, &body)) return;
  FieldReader r(body, "");
  store::Open311KeySpec spec;
  spec.partner_id = r.Id("partner_id");
  spec.partner_name = r.OptText("partner_name", 200).value_or("");
  spec.region_id = r.Id("region_id");
  spec.label = r.OptText("label", 200).value_or("");
  spec.rate_per_minute = r.OptInt("rate_per_minute", 1, 100000).value_or(120);
  if (!r.ok()) return SendError(out, r.status());
  const std::string api_key = NewToken();
  const std::string key_id = "k" + NewToken().substr(0, 16);
  store::Open311Key key;
  Status s;
  {
    auto w = pool_->Write();
    s = store::Open311CreateKey(*w, admin, spec, key_id, Sha256Hex(api_key), NowMs(), &key);
  }
  if (!s.ok()) return SendError(out, s);
  Json j = KeyJson(key);
  j["ok"] = true;
  j["api_key"] = api_key;
  SendJson(out, 201, DumpJson(j));
}

void HttpServer::Open311ListKeys(const Request& req, Reply* out) {
  std::string admin;
  if (!Authenticate(req, out, &admin, nullptr)) return;
  std::vector<store::Open311Key> keys;
  Status s;
  {
    auto r = pool_->Read();
    s = store::Open311ListKeys(*r, admin, &keys);
  }
  if (!s.ok()) return SendError(out, s);
  Json list = Json::array();
  for (const store::Open311Key& k : keys) list.push_back(KeyJson(k));
  SendJson(out, 200, DumpJson({{"ok", true}, {"keys", list}}));
}

void HttpServer::Open311RevokeKey(const Request& req, Reply* out) {
  std::string admin;
  Json body;
  if (!SignedInWithBody(req, out, &admin, &body)) return;
  FieldReader r(body, "");
  std::string key_id = r.Id("key_id");
  if (!r.ok()) return SendError(out, r.status());
  bool revoked = false;
  Status s;
  {
    auto w = pool_->Write();
    s = store::Open311RevokeKey(*w, admin, key_id, NowMs(), &revoked);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"key_id", key_id}, {"revoked", revoked}}));
}

}  // namespace weige::server
