// Reads a register file, CSV or XLSX, a row at a time, within fixed bounds.
//
//   Limits limits;
//   std::string cell;  // where a file error sits ("C5"), when it has a place
//   Status s = ReadTable(bytes, limits, [](size_t row, std::vector<std::string>& cells) {
//     ...; return Status::Ok();
//   }, &cell);
//
// CSV (libcsv, RFC 4180 quoting) in UTF-8 with or without a BOM, or in
// GB18030 (which covers GBK and GB2312: what Chinese Excel writes): bytes
// that are valid UTF-8 are UTF-8, others are decoded as GB18030 with iconv;
// a file that is neither is invalid_argument "import.encoding". XLSX
// (libzip + expat): the workbook's first sheet, shared and inline strings,
// numbers and booleans; every part is inflated a chunk at a time with its
// size and ratio bounded (a zip bomb stops at the bound, it never fills
// memory). Formula cells are refused with their position ("import.formula").
// Rows come in file order, the header first; `row` is the row number a
// spreadsheet shows (1 for the header); rows of empty cells are skipped.
// Cells are trimmed of surrounding spaces. A non-ok Status from `on_row`
// stops the read and is returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"

namespace weige::registers {

struct Limits {
  size_t max_file_bytes = size_t{256} << 20;  // refused before reading
  size_t max_rows = 2'000'000;
  size_t max_columns = 64;
  size_t max_cell_bytes = 4096;
  uint64_t max_part_bytes = uint64_t{1} << 30;  // an XLSX part, inflated
  // Inflated/compressed ratio of a part past 1 MiB. Sheets of a register
  // compress 5-20x (measured on the demo's 3,000 households: 9x); bombs
  // reach 1,000x and more.
  uint64_t max_ratio = 200;
  uint64_t max_shared_strings_bytes = uint64_t{256} << 20;
};

using RowFn = std::function<Status(size_t row, std::vector<std::string>& cells)>;

// True when `bytes` start like a zip archive (an XLSX file).
bool LooksLikeXlsx(std::string_view bytes);

// UTF-8 (a BOM dropped) or GB18030 into UTF-8; "import.encoding" otherwise.
Status DecodeText(std::string_view bytes, std::string* utf8, bool* was_gb18030 = nullptr);

// `in` from one encoding to another through iconv; false when iconv cannot
// (an invalid sequence, or no such encoding). `grow`: output bytes at most
// per input byte.
bool Iconv(const char* to, const char* from, std::string_view in, size_t grow, std::string* out);

// `encoding`, when given, is set to "utf-8" or "gb18030" once decoded.
Status ReadCsv(std::string_view bytes, const Limits& limits, const RowFn& on_row,
               std::string* error_cell, std::string* encoding = nullptr);
Status ReadXlsx(std::string_view bytes, const Limits& limits, const RowFn& on_row,
                std::string* error_cell);
// Either, by content (`encoding` stays untouched for XLSX).
Status ReadTable(std::string_view bytes, const Limits& limits, const RowFn& on_row,
                 std::string* error_cell, std::string* encoding = nullptr);

// "A1"-style reference of a 0-based column and 1-based row.
std::string CellRef(size_t column, size_t row);

}  // namespace weige::registers
