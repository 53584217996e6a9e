// The four registers a district loads (regions, buildings, households,
// people): their columns, how a file row becomes the core's commands, and how
// a stored row becomes a file row again. One table serves import, export and
// the templates, so an export of a register is a valid import file of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/store/register_rows.h"

namespace weige::registers {

enum class Kind { kRegions, kBuildings, kHouseholds, kPeople, kDepartments };

std::optional<Kind> ParseKind(std::string_view name);  // "regions", ...
const char* KindName(Kind kind);
store::RowSet RowSetOf(Kind kind);

struct Column {
  const char* key;                    // the field, e.g. "parent_id"
  const char* zh;                     // the header a file carries, e.g. "上级区域"
  std::vector<const char*> aliases;   // also accepted (English, compared case-blind)
  bool number = false;                // written as a number
  bool optional = false;              // a file may leave it out (absent: unchanged)
};

// The columns of a kind, in file order; every one but the optional ones must
// be present in a file (a missing column would otherwise clear its field on
// every row; an optional one, the coordinates, is left as stored).
const std::vector<Column>& Columns(Kind kind);
// The column a field key names; nullptr if none.
const Column* ColumnOf(Kind kind, std::string_view key);
// The column a command's error points at (by the payload field its message
// names, or by its reason: a missing parent is the parent column); "" for
// the row as a whole.
std::string ErrorColumn(Kind kind, const Status& error, size_t command_index);
// zh-CN first, then the core's English message.
std::string ErrorMessage(const Status& error);

// Whether a spreadsheet would run `cell` (it starts with = + - @, tab or CR,
// after any leading quotes): export then writes it with one more leading '.
bool NeedsQuote(std::string_view cell);
// A file cell as it was before export neutralised it ("'=x" -> "=x",
// "''=x" -> "'=x").
std::string Unneutralise(std::string_view cell);
// Splits a list cell ("a、b；c") into its items.
std::vector<std::string> SplitList(std::string_view cell);

// A data row's cells, in Columns(kind) order, as the core's commands.
// `grants` (people only) are the person's current (role, scope) grants: the
// row's roles are granted when missing and the others revoked (never the
// importing actor's own); an empty roles cell leaves the grants as they are. A conversion error (a number,
// level, flag or role that does not parse) fills `error` and `column`.
struct RowCommands {
  std::vector<Json> commands;
  Status error;
  std::string column;
};
RowCommands ToCommands(Kind kind, const std::vector<std::string>& cells,
                       const std::vector<std::pair<std::string, std::string>>& grants,
                       const std::string& actor, int64_t at, const std::string& id_prefix);

// A stored row (ForEachRow's columns for the kind) as file cells.
struct FileCell {
  std::string text;
  bool number = false;
};
std::vector<FileCell> ToFileRow(Kind kind, const store::Row& row);

}  // namespace weige::registers
