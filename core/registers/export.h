// Exports of a subtree as CSV (UTF-8 with BOM) or XLSX, streamed from the
// store a page at a time (store::ForEachRow) into a table writer: memory
// stays flat however many rows. Shared by the CLI (`weige export`) and the
// server's console endpoints.
//
//   ExportOptions o;
//   o.region_id = "s1";  o.from = ...;  o.to = ...;  o.now = now_ms;
//   size_t rows = 0;
//   Status s = ExportToFile(store, "admin", ExportKind::kItems, Format::kXlsx, o, "items.xlsx", &rows);
//
// Kinds: the five registers (regions, buildings, households, people,
// departments: each
// export is a valid import file of its kind, columns and values as the
// import reads them), items (整改清单台账: state, owner, deadline, overdue at
// `now`, who fixed/closed it and when, evidence digests), visits (走访记录),
// reports (居民诉求及评价) and figures (per region and cycle: coverage,
// closure rate, overdue, median time to close, satisfaction; the region and
// its children, one block per cycle). Times are written in China Standard
// Time (UTC+8), "YYYY-MM-DD HH:MM". The date range [from, to) applies to
// items (opened), visits (made) and reports (submitted); figures take its
// months as cycles.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/registers/register_kinds.h"
#include "core/registers/table_writer.h"
#include "core/store/store.h"

namespace weige::registers {

enum class ExportKind {
  kRegions, kBuildings, kHouseholds, kPeople, kItems, kVisits, kReports, kFigures, kDepartments
};
enum class Format { kCsv, kXlsx };

std::optional<ExportKind> ParseExportKind(std::string_view name);
std::optional<Format> ParseFormat(std::string_view name);  // "csv", "xlsx"
const char* ExportKindName(ExportKind kind);

struct ExportOptions {
  std::string region_id;              // empty: the district
  std::optional<int64_t> from, to;    // [from, to), ms
  int64_t now = 0;                    // the caller's clock (overdue; figures' cycle)
  std::vector<std::string> cycles;    // figures: these cycles ("2026-11"); else from..to's months, else now's
};

// Writes the export to a file at `path` (replaced).
Status ExportToFile(store::Store* store, const std::string& actor, ExportKind kind, Format format,
                    const ExportOptions& options, const std::string& path, size_t* rows = nullptr);
// Streams it into `sink` (XLSX goes through a temp file: the format is a zip
// whose directory comes last).
Status Export(store::Store* store, const std::string& actor, ExportKind kind, Format format,
              const ExportOptions& options, const ByteSink& sink, size_t* rows = nullptr);

// The empty import file of a register: its header row only.
Status WriteTemplate(Kind kind, Format format, const std::string& path);

// An import file of a register with `rows` (each a field key -> cell text,
// by the kind's column keys; absent keys are empty cells), e.g. the demo's
// sample files. `gb18030`: a CSV in GB18030 without a BOM, as Chinese Excel
// saves one by default (XLSX is always UTF-8 inside).
using FileRecord = std::map<std::string, std::string>;
Status WriteRegisterFile(Kind kind, Format format, const std::string& path,
                         const std::vector<FileRecord>& rows, bool gb18030 = false);

// "<kind>-<region>-<yyyymmdd>.<csv|xlsx>" for a download (the date of `now`, UTC+8).
std::string ExportFileName(ExportKind kind, Format format, const std::string& region_id, int64_t now);

// "YYYY-MM-DD" (UTC+8) to the ms of that day's start; nullopt if malformed.
std::optional<int64_t> ParseDate(std::string_view date);
// ms to "YYYY-MM-DD HH:MM" in UTC+8.
std::string FormatTime(int64_t ms);

}  // namespace weige::registers
