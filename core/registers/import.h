// Register import: a CSV or XLSX file of regions, buildings, households or
// people into the store, through the core's own commands (same rules, same
// events), as `actor`. Shared by the CLI (`weige import`) and the server's
// console endpoints.
//
//   ImportOptions o;
//   o.dry_run = true;
//   o.at = now_ms;
//   ImportReport r = ImportFile(store, "admin", Kind::kHouseholds, bytes, o);
//   if (!r.status.ok()) ...   // a bad file: nothing written
//   for (const RowError& e : r.errors) ...   // (row, column, reason, message)
//
// By default it is all or nothing, in one pass: every row is run for real
// (the core's checks, parents earlier in the file included) inside one
// transaction, committed when no row was refused, rolled back otherwise, so
// all errors are known before anything is kept. `dry_run` runs the rows the
// same way in batches of `batch_rows` transactions, all rolled back. With
// `apply_valid` (what the console sends after its dry run) the file alone
// is read first (every file error stops before a write), then the rows are
// applied in batches of `batch_rows` committed transactions and the
// refused ones reported. A row whose upserts change nothing is rolled back too,
// so re-importing a file writes nothing (no event, no outbox row), and a
// corrected file updates rows by their id.
//
// File errors (status; nothing written): "import.too_large" (checked before
// reading), "import.encoding", "import.csv_malformed", "import.xlsx_invalid",
// "import.xlsx_bomb", "import.formula", "import.cell_error",
// "import.too_many_rows", "import.too_many_columns", "import.cell_too_long",
// "import.empty", "import.missing_column", "import.unknown_column",
// "import.duplicate_column". `cell` names the cell when there is one.
// Row errors: "import.duplicate_id", "import.bad_number", "import.bad_level",
// "import.bad_flag", "import.bad_role", "import.roles_mismatch", or the
// reason a core command gave ("region.not_found", "permission.denied", ...).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/registers/register_kinds.h"
#include "core/registers/table_reader.h"
#include "core/store/store.h"

namespace weige::registers {

struct ImportProgress {
  const char* phase;     // "check" (the dry run) or "apply" (the default's one pass too)
  size_t rows_done;      // data rows through this phase so far
  size_t rows_total;     // known with apply_valid (0 while checking, and by default)
};

struct ImportOptions {
  bool dry_run = false;
  bool apply_valid = false;  // apply the valid rows even when some are refused
  int64_t at = 0;            // the commands' time (the caller's clock, ms)
  size_t batch_rows = 1000;
  size_t max_errors = 10000;  // errors listed; all are counted
  Limits limits;
  // After each batch of `batch_rows`. Between transactions with dry_run
  // and apply_valid (the server lets waiting writers in then); inside the
  // file's one transaction by default.
  std::function<void(const ImportProgress&)> progress;
};

struct RowError {
  size_t row = 0;        // as a spreadsheet numbers it (the header is 1)
  std::string column;    // the file's header text; "" for the row as a whole
  std::string reason;    // a stable key
  std::string message;   // zh-CN, then the English
};

struct ImportReport {
  Status status;          // a file error, or ok
  std::string cell;       // where a file error sits ("C5"), if anywhere
  std::string format;     // "csv" or "xlsx"
  std::string encoding;   // "utf-8" or "gb18030" (CSV)
  size_t rows = 0;        // data rows
  size_t refused = 0;     // rows with an error
  size_t changed = 0;     // rows that change the store (applied, or would be)
  size_t unchanged = 0;   // rows the store holds already
  bool applied = false;   // rows were written
  std::vector<RowError> errors;

  // {ok, code, reason, message, cell, format, encoding, rows, refused,
  //  changed, unchanged, applied, errors:[{row, column, reason, message}]}
  Json ToJson() const;
  // The errors as a CSV a user downloads (行号, 列, 原因代码, 说明).
  std::string ErrorsCsv() const;
};

ImportReport ImportFile(store::Store* store, const std::string& actor, Kind kind,
                        std::string_view bytes, const ImportOptions& options);
// Reads `path` first (refusing one over options.limits.max_file_bytes by its
// size, before reading a byte).
ImportReport ImportPath(store::Store* store, const std::string& actor, Kind kind,
                        const std::string& path, const ImportOptions& options);

}  // namespace weige::registers
