// Writes a table a row at a time: CSV (UTF-8 with a BOM, so Excel opens
// Chinese correctly; fields quoted by libcsv; CRLF) into a byte sink, or
// XLSX (libxlsxwriter in constant_memory mode: each row goes to a temp file
// as it is written, so memory stays flat however many rows) into a file.
// Text cells that a spreadsheet would run (starting with = + - @, tab or CR)
// are neutralised with a leading ' (CSV/formula injection); numbers are
// written as numbers. An XLSX sheet holds at most 1,048,576 rows: the writer
// continues on a new sheet ("<name> 2", ...) repeating the header.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/registers/register_kinds.h"

namespace weige::registers {

using ByteSink = std::function<Status(std::string_view)>;

// "'" + cell when a spreadsheet would run it (NeedsQuote); the cell otherwise.
std::string Neutralise(std::string_view cell);

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // The first row is the header (repeated on every XLSX sheet).
  virtual Status Row(const std::vector<FileCell>& cells) = 0;
  virtual Status Close() = 0;
};

std::unique_ptr<TableWriter> NewCsvWriter(ByteSink sink);
// internal "export.xlsx" when libxlsxwriter cannot start the file.
Status NewXlsxWriter(const std::string& path, const std::string& sheet_name,
                     std::unique_ptr<TableWriter>* out);

// UTF-8 text (a leading BOM dropped) to GB18030, with iconv.
Status EncodeGb18030(std::string_view utf8, std::string* out);

// A header row from column titles.
std::vector<FileCell> HeaderRow(const std::vector<std::string>& titles);

}  // namespace weige::registers
