#include "core/domain/json_reader.h"

#include <cmath>

namespace weige {

namespace {

// nlohmann's dump, copy and == recurse once per nesting level: a 1 MB command
// nesting 400,000 arrays overflowed an 8 MB native stack (wasm stacks are far
// smaller). Real inputs nest under 10 levels.
constexpr int kMaxJsonDepth = 64;

bool NestsTooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

Status ParseJson(std::string_view text, size_t max_bytes, Json* out) {
  if (text.size() > max_bytes) {
    return InvalidArgument("json.too_large", "input is larger than " +
                                                 std::to_string(max_bytes) + " bytes");
  }
  // nlohmann's lexer takes a NUL byte for the end of input, so
  // `{valid}\0 garbage` parsed as the valid part. JSON text never holds a raw
  // NUL (inside a string it must be escaped), so any NUL is malformed.
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgument("json.malformed", "input holds a NUL byte");
  }
  if (NestsTooDeep(text)) {
    return InvalidArgument("json.too_deep", "input nests deeper than " +
                                                std::to_string(kMaxJsonDepth) + " levels");
  }
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return InvalidArgument("json.malformed", "input is not valid JSON");
  }
  *out = std::move(parsed);
  return Status::Ok();
}

bool IsValidId(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == ':' || c == '-';
    if (!good) return false;
  }
  return true;
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

FieldReader::FieldReader(const Json& obj, std::string path) : obj_(obj), path_(std::move(path)) {
  if (!obj_.is_object()) {
    status_ = InvalidArgument("argument.wrong_type", path_ + " must be a JSON object");
  }
}

std::string FieldReader::Path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

void FieldReader::Fail(const char* key, std::string reason, const std::string& what) {
  if (!status_.ok()) return;
  status_ = InvalidArgument(std::move(reason), Path(key) + " " + what);
}

const Json* FieldReader::Find(const char* key) {
  if (!status_.ok()) return nullptr;
  auto it = obj_.find(key);
  if (it == obj_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> FieldReader::OptStr(const char* key, size_t max_bytes) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "argument.wrong_type", "must be a string");
    return std::nullopt;
  }
  const std::string& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    Fail(key, "argument.too_long", "must be at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::string FieldReader::Str(const char* key, size_t max_bytes, bool allow_empty) {
  if (!status_.ok()) return {};
  auto s = OptStr(key, max_bytes);
  if (!status_.ok()) return {};
  if (!s) {
    Fail(key, "argument.missing", "is required");
    return {};
  }
  if (s->empty() && !allow_empty) {
    Fail(key, "argument.empty", "must not be empty");
    return {};
  }
  return *s;
}

std::optional<std::string> FieldReader::OptText(const char* key, size_t max_bytes,
                                                TextLines lines) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "argument.wrong_type", "must be a string");
    return std::nullopt;
  }
  std::string_view t = TrimSpace(v->get_ref<const std::string&>());
  Status s = CheckText(t, max_bytes, lines, Path(key));
  if (!s.ok()) {
    if (status_.ok()) status_ = std::move(s);
    return std::nullopt;
  }
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

std::string FieldReader::Text(const char* key, size_t max_bytes, TextLines lines) {
  if (!status_.ok()) return {};
  const Json* v = Find(key);
  if (v == nullptr) {
    Fail(key, "argument.missing", "is required");
    return {};
  }
  auto s = OptText(key, max_bytes, lines);
  if (!status_.ok()) return {};
  if (!s) {
    Fail(key, "argument.empty", "must not be empty or blank");
    return {};
  }
  return *s;
}

std::optional<std::string> FieldReader::OptId(const char* key) {
  auto s = OptStr(key, 64);
  if (s && !IsValidId(*s)) {
    Fail(key, "argument.invalid_id", "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
    return std::nullopt;
  }
  return s;
}

std::string FieldReader::Id(const char* key) {
  if (!status_.ok()) return {};
  if (Find(key) == nullptr) {
    Fail(key, "argument.missing", "is required");
    return {};
  }
  auto s = OptId(key);
  return s ? *s : std::string();
}

std::optional<std::string> FieldReader::OptEnum(const char* key,
                                                std::initializer_list<std::string_view> allowed) {
  auto s = OptStr(key, 64);
  if (!s) return std::nullopt;
  for (std::string_view a : allowed) {
    if (*s == a) return s;
  }
  std::string list;
  for (std::string_view a : allowed) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  Fail(key, "argument.invalid_value", "must be one of: " + list);
  return std::nullopt;
}

std::string FieldReader::Enum(const char* key, std::initializer_list<std::string_view> allowed) {
  if (!status_.ok()) return {};
  if (Find(key) == nullptr) {
    Fail(key, "argument.missing", "is required");
    return {};
  }
  auto s = OptEnum(key, allowed);
  return s ? *s : std::string();
}

std::optional<int64_t> FieldReader::OptInt(const char* key, int64_t min, int64_t max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  int64_t n = 0;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      Fail(key, "argument.out_of_range", "is out of range");
      return std::nullopt;
    }
    n = static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    n = v->get<int64_t>();
  } else {
    Fail(key, "argument.wrong_type", "must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    Fail(key, "argument.out_of_range",
         "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

int64_t FieldReader::Int(const char* key, int64_t min, int64_t max) {
  if (!status_.ok()) return 0;
  if (Find(key) == nullptr) {
    Fail(key, "argument.missing", "is required");
    return 0;
  }
  auto n = OptInt(key, min, max);
  return n ? *n : 0;
}

std::optional<double> FieldReader::OptNumber(const char* key, double min, double max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    Fail(key, "argument.wrong_type", "must be a number");
    return std::nullopt;
  }
  double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    Fail(key, "argument.out_of_range", "is out of range");
    return std::nullopt;
  }
  return d;
}

bool FieldReader::Bool(const char* key, bool fallback) {
  const Json* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    Fail(key, "argument.wrong_type", "must be true or false");
    return fallback;
  }
  return v->get<bool>();
}

const Json* FieldReader::Array(const char* key, size_t max_items, bool optional) {
  if (!status_.ok()) return nullptr;
  const Json* v = Find(key);
  if (v == nullptr) {
    if (!optional) Fail(key, "argument.missing", "is required");
    return nullptr;
  }
  if (!v->is_array()) {
    Fail(key, "argument.wrong_type", "must be an array");
    return nullptr;
  }
  if (v->size() > max_items) {
    Fail(key, "argument.too_many", "must have at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return v;
}

const Json* FieldReader::Object(const char* key, bool optional) {
  if (!status_.ok()) return nullptr;
  const Json* v = Find(key);
  if (v == nullptr) {
    if (!optional) Fail(key, "argument.missing", "is required");
    return nullptr;
  }
  if (!v->is_object()) {
    Fail(key, "argument.wrong_type", "must be an object");
    return nullptr;
  }
  return v;
}

std::vector<std::string> FieldReader::Sha256List(const char* key, size_t min_items,
                                                 size_t max_items) {
  std::vector<std::string> out;
  const Json* arr = Array(key, max_items, /*optional=*/min_items == 0);
  if (arr == nullptr) return out;
  for (const Json& e : *arr) {
    if (!e.is_string() || !IsSha256Hex(e.get_ref<const std::string&>())) {
      Fail(key, "argument.invalid_sha256", "must hold lowercase hex SHA-256 digests");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  if (out.size() < min_items) {
    Fail(key, "evidence.required", "must hold at least " + std::to_string(min_items) +
                                      " photo digest(s)");
    return {};
  }
  return out;
}

std::vector<std::string> FieldReader::IdList(const char* key, size_t max_items) {
  std::vector<std::string> out;
  const Json* arr = Array(key, max_items, /*optional=*/true);
  if (arr == nullptr) return out;
  for (const Json& e : *arr) {
    if (!e.is_string() || !IsValidId(e.get_ref<const std::string&>())) {
      Fail(key, "argument.invalid_id", "must hold ids");
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace weige
