// Reading untrusted JSON without throwing.
//
// nlohmann::json throws (or, under JSON_NOEXCEPTION, aborts) on at(), on get<T>
// of the wrong type and on operator[] of a non-object. Everything the core reads
// from a command or query goes through FieldReader instead, which checks each
// type first and remembers the first problem as an invalid_argument Status.
// After the first error every accessor returns an empty default, so a handler
// can read all its fields and check status() once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/domain/text.h"

namespace weige {

// Parses text; a parse error, trailing garbage, input over max_bytes, or
// nesting deeper than 64 arrays/objects gives invalid_argument
// "json.malformed" / "json.too_large" / "json.too_deep".
Status ParseJson(std::string_view text, size_t max_bytes, Json* out);

// Ids are 1-64 characters of [A-Za-z0-9_.:-].
bool IsValidId(std::string_view s);
// Lowercase hex SHA-256 (64 characters).
bool IsSha256Hex(std::string_view s);

class FieldReader {
 public:
  // `obj` must outlive the reader. `path` prefixes messages ("payload").
  FieldReader(const Json& obj, std::string path);

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

  // A required id (see IsValidId).
  std::string Id(const char* key);
  std::optional<std::string> OptId(const char* key);
  // A string of 1..max_bytes bytes (0..max_bytes when allow_empty).
  std::string Str(const char* key, size_t max_bytes, bool allow_empty = false);
  std::optional<std::string> OptStr(const char* key, size_t max_bytes);
  // Text a person typed (see text.h): trimmed of Unicode white space, then
  // required non-empty ("argument.missing" / "argument.empty"), at most
  // max_bytes, no control characters. OptText gives nullopt for absent or
  // blank text.
  std::string Text(const char* key, size_t max_bytes, TextLines lines = TextLines::kOne);
  std::optional<std::string> OptText(const char* key, size_t max_bytes,
                                     TextLines lines = TextLines::kOne);
  // One of the given values.
  std::string Enum(const char* key, std::initializer_list<std::string_view> allowed);
  std::optional<std::string> OptEnum(const char* key,
                                     std::initializer_list<std::string_view> allowed);
  int64_t Int(const char* key, int64_t min, int64_t max);
  std::optional<int64_t> OptInt(const char* key, int64_t min, int64_t max);
  std::optional<double> OptNumber(const char* key, double min, double max);
  bool Bool(const char* key, bool fallback);
  // An array of at most max_items (required unless optional; absent -> nullptr).
  const Json* Array(const char* key, size_t max_items, bool optional = false);
  const Json* Object(const char* key, bool optional = false);
  // A list of SHA-256 hex strings (absent -> empty unless min_items > 0).
  std::vector<std::string> Sha256List(const char* key, size_t min_items, size_t max_items);
  // A list of ids.
  std::vector<std::string> IdList(const char* key, size_t max_items);

  // Records an error for `key` unless one is already recorded.
  void Fail(const char* key, std::string reason, const std::string& what);

 private:
  const Json* Find(const char* key);  // nullptr if absent or null
  std::string Path(const char* key) const;

  const Json& obj_;
  std::string path_;
  Status status_;
};

}  // namespace weige
