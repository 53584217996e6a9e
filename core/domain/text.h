// Free text people type: names, titles, reasons, descriptions, comments.
//
// Every such field of a command goes through CheckText (FieldReader::Text and
// OptText call it), so "reason required" cannot be met by spaces, a title
// cannot be a full-width space (U+3000) or a zero-width one, and no text
// carries a control character the screens would show as garbage.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/domain/result.h"

namespace weige {

// Upper bounds, in bytes of UTF-8 (a Chinese character is 3 bytes).
inline constexpr size_t kNameBytes = 200;     // names, titles, addresses
inline constexpr size_t kReasonBytes = 1000;  // reasons and notes of a step
inline constexpr size_t kTextBytes = 4000;    // descriptions, comments, visit notes

enum class TextLines { kOne, kMany };

// `s` without leading and trailing white space: Unicode White_Space (ASCII
// space and \t\n\v\f\r, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000) and the invisible U+200B-U+200D, U+2060,
// U+FEFF. Stops at bytes that are not valid UTF-8.
std::string_view TrimSpace(std::string_view s);

// Checks already-trimmed text: at most max_bytes, no C0 control character or
// DEL (\t \n \r allowed in kMany text). Returns invalid_argument
// "argument.too_long" / "argument.control_character" naming `what`, else ok.
Status CheckText(std::string_view trimmed, size_t max_bytes, TextLines lines,
                 const std::string& what);

// An address as typed, reduced to what two spellings of the same place
// share: full-width ASCII (Ａ１-) as half-width, ASCII letters in lower case,
// white space (as TrimSpace) and punctuation (ASCII and the CJK 、，。·－—（）
// ＃ and the like) dropped. "北京市 通州区 土桥小区３号楼" and
// "北京市通州区土桥小区3号楼" have the same key. Invalid UTF-8 bytes are kept
// as they are.
std::string AddressKey(std::string_view s);

}  // namespace weige
