// Shared by the registers suites: real files made with real libraries
// (iconv for GB18030, libxlsxwriter for XLSX), and the world's store.
#pragma once

#include <string>
#include <vector>

#include "core/registers/export.h"
#include "core/registers/import.h"
#include "tests/core/test_util.h"

namespace weige::testing {

using Table = std::vector<std::vector<std::string>>;

// A CSV of `rows` (fields quoted when needed), UTF-8 without a BOM.
std::string Csv(const Table& rows);
// `utf8` re-encoded as GB18030 with iconv.
std::string ToGb18030(const std::string& utf8);
// An XLSX (libxlsxwriter) with `rows` on its first sheet: cells that parse
// as integers are numbers; `constant_memory` writes inline strings, else
// shared strings. A cell "=..." is written as a formula.
std::string Xlsx(const Table& rows, bool constant_memory = false);
// The bytes of a file.
std::string ReadAll(const std::string& path);
// Reads a CSV or XLSX with the registers reader (header included).
Table ReadBack(const std::string& bytes);

class RegistersTest : public WorldTest {
 protected:
  registers::ImportReport Import(registers::Kind kind, const std::string& bytes,
                                 bool dry_run = false, const std::string& actor = "admin",
                                 registers::ImportOptions o = {});
  // The export's bytes (CSV or XLSX).
  std::string Export(registers::ExportKind kind, registers::Format format,
                     registers::ExportOptions o = {}, const std::string& actor = "admin",
                     Status* status = nullptr);
  std::string Dir();  // a temp folder of this test

  int import_at_ = 0;
};

// "row column reason" of every error, for failure messages.
std::string Errors(const registers::ImportReport& r);

}  // namespace weige::testing
