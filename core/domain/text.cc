#include "core/domain/text.h"

#include <cstdint>

namespace weige {

namespace {

bool IsSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

// The code point starting at s[i] and its length; 0 length if not valid UTF-8.
uint32_t DecodeAt(std::string_view s, size_t i, size_t* len) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
  *len = 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) return 0;
    c = (c << 6) | (t & 0x3F);
  }
  *len = n;
  return c;
}

// ASCII and CJK punctuation an address may be written with or without.
bool IsAddressPunctuation(uint32_t c) {
  return (c < 0x80 && c > 0x20 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                                    (c >= 'A' && c <= 'Z'))) ||
         (c >= 0x2010 && c <= 0x2027) ||  // dashes, quotes, bullets, ellipsis
         (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) || c == 0x30FB ||
         c == 0x00B7;
}

void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

std::string AddressKey(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    uint32_t c = DecodeAt(s, i, &len);
    if (len == 0) {  // not UTF-8: kept byte for byte
      out.push_back(s[i++]);
      continue;
    }
    i += len;
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII
    if (IsSpace(c) || IsAddressPunctuation(c)) continue;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    AppendUtf8(c, &out);
  }
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t len = 0;
    uint32_t c = DecodeAt(s, begin, &len);
    if (len == 0 || !IsSpace(c)) break;
    begin += len;
  }
  size_t end = s.size();
  while (end > begin) {
    // Back up to the lead byte of the last code point (at most 4 bytes).
    size_t start = end - 1;
    while (start > begin && end - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
      --start;
    }
    size_t len = 0;
    uint32_t c = DecodeAt(s, start, &len);
    if (len != end - start || !IsSpace(c)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

Status CheckText(std::string_view trimmed, size_t max_bytes, TextLines lines,
                 const std::string& what) {
  if (trimmed.size() > max_bytes) {
    return InvalidArgument("argument.too_long",
                           what + " must be at most " + std::to_string(max_bytes) + " bytes");
  }
  for (char ch : trimmed) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool allowed = lines == TextLines::kMany && (c == '\t' || c == '\n' || c == '\r');
    if ((c < 0x20 || c == 0x7F) && !allowed) {
      return InvalidArgument("argument.control_character",
                             what + " must not hold control characters" +
                                 (lines == TextLines::kOne ? " or line breaks" : ""));
    }
  }
  return Status::Ok();
}

}  // namespace weige
