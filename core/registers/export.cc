#include "core/registers/export.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <memory>
#include <utility>

#include "core/store/register_rows.h"

namespace weige::registers {

namespace {

constexpr int64_t kChinaOffsetMs = 8 * 3600 * 1000;
constexpr int64_t kDayMs = 86400000;

// How a stored cell is written.
enum class As { kText, kNumber, kTime, kYesNo, kItemState, kOutcome, kList };

struct OutColumn {
  const char* zh;
  As as;
};

const std::vector<OutColumn> kItemColumns = {
    {"整改编号", As::kText},   {"微网格", As::kText},     {"楼栋", As::kText},
    {"户编号", As::kText},     {"类别", As::kText},       {"问题", As::kText},
    {"状态", As::kItemState},  {"来源", As::kText},       {"责任人", As::kText},
    {"责任单位", As::kText},   {"整改期限", As::kTime},   {"是否逾期", As::kYesNo},
    {"发现人", As::kText},     {"发现时间", As::kTime},   {"整改人", As::kText},
    {"整改时间", As::kTime},   {"销号人", As::kText},     {"销号时间", As::kTime},
    {"复开次数", As::kNumber}, {"证据哈希", As::kList},
};
const std::vector<OutColumn> kVisitColumns = {
    {"走访编号", As::kText}, {"户编号", As::kText},     {"微网格", As::kText},
    {"周期", As::kText},     {"走访结果", As::kOutcome}, {"计入覆盖", As::kYesNo},
    {"网格员", As::kText},   {"走访时间", As::kTime},   {"模板", As::kText},
    {"模板版本", As::kNumber}, {"答案", As::kText},     {"备注", As::kText},
    {"照片哈希", As::kText},
};
const std::vector<OutColumn> kReportColumns = {
    {"诉求编号", As::kText}, {"户编号", As::kText},       {"微网格", As::kText},
    {"类别", As::kText},     {"描述", As::kText},         {"整改编号", As::kText},
    {"整改状态", As::kItemState}, {"提交时间", As::kTime}, {"评分", As::kNumber},
    {"评价意见", As::kText}, {"评价时间", As::kTime},
};
const std::vector<std::string> kFigureTitles = {
    "区域编号", "名称",     "层级",     "周期",   "户数",     "已走访户数",
    "覆盖率",   "整改总数", "待派单",   "整改中", "待验收",   "已销号",
    "逾期",     "销号率",   "销号用时中位数(小时)", "已评价", "满意",   "满意率",
};

// zh-CN labels of stored keys.
using Labels = std::initializer_list<std::pair<const char*, const char*>>;
constexpr Labels kItemStates = {
    {"open", "待派单"}, {"assigned", "整改中"}, {"fixed", "待验收"}, {"closed", "已销号"}};
constexpr Labels kOutcomes = {
    {"met", "已入户"}, {"not_home", "不在家"}, {"refused", "拒访"}, {"vacant", "空置"}};
constexpr Labels kLevelLabels = {{"district", "区"},      {"street", "街道"}, {"community", "社区"},
                                 {"grid", "网格"},        {"microgrid", "微网格"}};

// The label of `key`, or the key itself.
std::string Label(Labels labels, const std::string& key) {
  for (const auto& [k, zh] : labels) {
    if (key == k) return zh;
  }
  return key;
}

std::vector<FileCell> FormatRow(const std::vector<OutColumn>& cols, const store::Row& row) {
  std::vector<FileCell> out;
  out.reserve(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) {
    const store::Cell& c = i < row.size() ? row[i] : store::Cell{};
    if (c.null) {
      out.push_back(FileCell{});
      continue;
    }
    switch (cols[i].as) {
      case As::kText: out.push_back(FileCell{c.text, false}); break;
      case As::kNumber: out.push_back(FileCell{c.text, true}); break;
      case As::kTime: out.push_back(FileCell{FormatTime(std::strtoll(c.text.c_str(), nullptr, 10)), false}); break;
      case As::kYesNo: out.push_back(FileCell{c.text == "1" ? "是" : "否", false}); break;
      case As::kItemState: out.push_back(FileCell{Label(kItemStates, c.text), false}); break;
      case As::kOutcome: out.push_back(FileCell{Label(kOutcomes, c.text), false}); break;
      case As::kList: {
        std::string t = c.text;
        for (size_t p = t.find('\n'); p != std::string::npos; p = t.find('\n', p)) t.replace(p, 1, "；");
        out.push_back(FileCell{t, false});
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> Titles(const std::vector<OutColumn>& cols) {
  std::vector<std::string> t;
  for (const OutColumn& c : cols) t.push_back(c.zh);
  return t;
}

std::string Cycle(int64_t ms) {
  std::time_t t = static_cast<std::time_t>((ms + kChinaOffsetMs) / 1000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  return buf;
}

std::vector<std::string> Cycles(const ExportOptions& o) {
  if (!o.cycles.empty()) return o.cycles;
  if (!o.from || !o.to || *o.to <= *o.from) return {Cycle(o.now)};
  std::vector<std::string> out;
  // Month by month from `from` to the last day before `to`.
  std::string last = Cycle(*o.to - 1);
  for (int64_t t = *o.from; out.size() < 120; t += 28 * kDayMs) {
    std::string c = Cycle(t);
    if (out.empty() || out.back() != c) out.push_back(c);
    if (c == last) break;
  }
  return out;
}

std::string Percent(const Json& v) {
  if (!v.is_number()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v.get<double>() * 100);
  return buf;
}

std::vector<FileCell> FigureRow(const Json& f, const std::string& id, const std::string& name,
                                const std::string& level, const std::string& cycle) {
  auto num = [](const Json& v) { return FileCell{v.is_number() ? v.dump() : "", v.is_number()}; };
  const Json& items = f["items"];
  const Json& sat = f["satisfaction"];
  const Json& median = f["median_close_ms"];
  std::string hours;
  if (median.is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", median.get<double>() / 3600000.0);
    hours = buf;
  }
  return {FileCell{id, false},
          FileCell{name, false},
          FileCell{Label(kLevelLabels, level), false},
          FileCell{cycle, false},
          num(f["households"]),
          num(f["visited"]),
          FileCell{Percent(f["coverage"]), !f["coverage"].is_null()},
          num(items["total"]),
          num(items["open"]),
          num(items["assigned"]),
          num(items["fixed"]),
          num(items["closed"]),
          num(f["overdue"]),
          FileCell{Percent(f["closure_rate"]), !f["closure_rate"].is_null()},
          FileCell{hours, !hours.empty()},
          num(sat["evaluated"]),
          num(sat["satisfied"]),
          FileCell{Percent(sat["rate"]), !sat["rate"].is_null()}};
}

// The region an export covers, with its name and level.
Status ResolveRegion(store::Store* store, const std::string& actor, const std::string& region_id,
                     store::Row* region) {
  store::RowFilter f;
  f.actor = actor;
  f.region_id = region_id;
  f.page_rows = 1;
  f.include_root = true;
  // The root comes first (parents before children): stop there.
  const Status found = Conflict("export.found", "");
  Status s = store::ForEachRow(store, store::RowSet::kRegions, f, [&](const store::Row& r) {
    *region = r;
    return found;
  });
  if (s.reason == "export.found") return Status::Ok();
  return s.ok() ? NotFound("region.not_found", "no region to export") : s;
}

Status Figures(store::Store* store, const std::string& actor, const ExportOptions& o,
               TableWriter* w, size_t* rows) {
  store::Row region;
  WEIGE_RETURN_IF_ERROR(ResolveRegion(store, actor, o.region_id, &region));
  const std::string id = region[0].text;
  WEIGE_RETURN_IF_ERROR(w->Row(HeaderRow(kFigureTitles)));
  for (const std::string& cycle : Cycles(o)) {
    Json params = {{"actor", actor}, {"region_id", id}, {"cycle", cycle}, {"now", o.now}};
    Result r = store->Query("stats.rollup", params);
    if (!r.ok() && r.status.reason == "stats.no_children") {
      Json mp = {{"actor", actor}, {"microgrid_id", id}, {"cycle", cycle}, {"now", o.now}};
      r = store->Query("stats.microgrid", mp);
      if (!r.ok()) return r.status;
      WEIGE_RETURN_IF_ERROR(w->Row(FigureRow(r.value, id, region[3].text, "microgrid", cycle)));
      ++*rows;
      continue;
    }
    if (!r.ok()) return r.status;
    std::string name = region[3].text;
    WEIGE_RETURN_IF_ERROR(w->Row(FigureRow(r.value, id, name, r.value.value("level", ""), cycle)));
    ++*rows;
    for (const Json& c : r.value["children"]) {
      WEIGE_RETURN_IF_ERROR(w->Row(FigureRow(c, c.value("region_id", ""), c.value("name", ""),
                                             c.value("level", ""), cycle)));
      ++*rows;
    }
  }
  return Status::Ok();
}

Status Rows(store::Store* store, const std::string& actor, ExportKind kind,
            const ExportOptions& o, TableWriter* w, size_t* rows) {
  if (kind == ExportKind::kFigures) return Figures(store, actor, o, w, rows);
  store::RowFilter f;
  f.actor = actor;
  f.region_id = o.region_id;
  f.from = o.from;
  f.to = o.to;
  f.now = o.now;
  std::optional<Kind> reg;
  const std::vector<OutColumn>* cols = nullptr;
  store::RowSet set = store::RowSet::kItems;
  switch (kind) {
    case ExportKind::kRegions: reg = Kind::kRegions; break;
    case ExportKind::kBuildings: reg = Kind::kBuildings; break;
    case ExportKind::kHouseholds: reg = Kind::kHouseholds; break;
    case ExportKind::kPeople: reg = Kind::kPeople; break;
    case ExportKind::kDepartments: reg = Kind::kDepartments; break;
    case ExportKind::kItems: cols = &kItemColumns; set = store::RowSet::kItems; break;
    case ExportKind::kVisits: cols = &kVisitColumns; set = store::RowSet::kVisits; break;
    case ExportKind::kReports: cols = &kReportColumns; set = store::RowSet::kReports; break;
    case ExportKind::kFigures: break;
  }
  if (reg) {
    set = RowSetOf(*reg);
    std::vector<std::string> titles;
    for (const Column& c : Columns(*reg)) titles.push_back(c.zh);
    WEIGE_RETURN_IF_ERROR(w->Row(HeaderRow(titles)));
    return store::ForEachRow(store, set, f, [&](const store::Row& r) {
      ++*rows;
      return w->Row(ToFileRow(*reg, r));
    });
  }
  WEIGE_RETURN_IF_ERROR(w->Row(HeaderRow(Titles(*cols))));
  return store::ForEachRow(store, set, f, [&](const store::Row& r) {
    ++*rows;
    return w->Row(FormatRow(*cols, r));
  });
}

const char* SheetName(ExportKind kind) {
  switch (kind) {
    case ExportKind::kRegions: return "区域";
    case ExportKind::kBuildings: return "楼栋";
    case ExportKind::kHouseholds: return "住户";
    case ExportKind::kPeople: return "人员";
    case ExportKind::kDepartments: return "职能部门";
    case ExportKind::kItems: return "整改清单台账";
    case ExportKind::kVisits: return "走访记录";
    case ExportKind::kReports: return "居民诉求";
    case ExportKind::kFigures: return "统计";
  }
  return "Sheet1";
}

ExportKind ExportKindOf(Kind k) {
  switch (k) {
    case Kind::kRegions: return ExportKind::kRegions;
    case Kind::kBuildings: return ExportKind::kBuildings;
    case Kind::kHouseholds: return ExportKind::kHouseholds;
    case Kind::kPeople: return ExportKind::kPeople;
    case Kind::kDepartments: return ExportKind::kDepartments;
  }
  return ExportKind::kRegions;
}

// Opens the writer for `format` at `path` (CSV: a file sink).
Status OpenWriter(Format format, ExportKind kind, const std::string& path, FILE** file,
                  std::unique_ptr<TableWriter>* w) {
  if (format == Format::kXlsx) return NewXlsxWriter(path, SheetName(kind), w);
  *file = std::fopen(path.c_str(), "wb");
  if (*file == nullptr) return Internal("export.open", "cannot write " + path);
  FILE* f = *file;
  *w = NewCsvWriter([f](std::string_view b) {
    if (std::fwrite(b.data(), 1, b.size(), f) != b.size()) {
      return Internal("export.write", "cannot write the export file");
    }
    return Status::Ok();
  });
  return Status::Ok();
}

}  // namespace

std::optional<ExportKind> ParseExportKind(std::string_view name) {
  if (auto k = ParseKind(name)) return ExportKindOf(*k);
  if (name == "items") return ExportKind::kItems;
  if (name == "visits") return ExportKind::kVisits;
  if (name == "reports") return ExportKind::kReports;
  if (name == "figures") return ExportKind::kFigures;
  return std::nullopt;
}

const char* ExportKindName(ExportKind kind) {
  switch (kind) {
    case ExportKind::kRegions: return "regions";
    case ExportKind::kBuildings: return "buildings";
    case ExportKind::kHouseholds: return "households";
    case ExportKind::kPeople: return "people";
    case ExportKind::kDepartments: return "departments";
    case ExportKind::kItems: return "items";
    case ExportKind::kVisits: return "visits";
    case ExportKind::kReports: return "reports";
    case ExportKind::kFigures: return "figures";
  }
  return "";
}

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "xlsx") return Format::kXlsx;
  return std::nullopt;
}

Status ExportToFile(store::Store* store, const std::string& actor, ExportKind kind, Format format,
                    const ExportOptions& options, const std::string& path, size_t* rows) {
  size_t n = 0;
  FILE* file = nullptr;
  std::unique_ptr<TableWriter> w;
  Status s = OpenWriter(format, kind, path, &file, &w);
  if (s.ok()) s = Rows(store, actor, kind, options, w.get(), &n);
  Status c = w ? w->Close() : Status::Ok();
  if (s.ok()) s = c;
  if (file != nullptr && std::fclose(file) != 0 && s.ok()) {
    s = Internal("export.write", "cannot write the export file");
  }
  if (!s.ok()) std::remove(path.c_str());
  if (rows != nullptr) *rows = n;
  return s;
}

Status Export(store::Store* store, const std::string& actor, ExportKind kind, Format format,
              const ExportOptions& options, const ByteSink& sink, size_t* rows) {
  if (format == Format::kCsv) {
    size_t n = 0;
    auto w = NewCsvWriter(sink);
    Status s = Rows(store, actor, kind, options, w.get(), &n);
    if (s.ok()) s = w->Close();
    if (rows != nullptr) *rows = n;
    return s;
  }
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/weige-export-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) return Internal("export.temp", "cannot create a temp file");
  close(fd);
  Status s = ExportToFile(store, actor, kind, format, options, tmpl, rows);
  if (s.ok()) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tmpl.c_str(), "rb"), std::fclose);
    if (!f) s = Internal("export.temp", "cannot read the temp file");
    std::string buf(64 << 10, '\0');
    while (s.ok()) {
      size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
      if (n == 0) break;
      s = sink(std::string_view(buf.data(), n));
    }
  }
  std::remove(tmpl.c_str());
  return s;
}

Status WriteTemplate(Kind kind, Format format, const std::string& path) {
  return WriteRegisterFile(kind, format, path, {});
}

Status WriteRegisterFile(Kind kind, Format format, const std::string& path,
                         const std::vector<FileRecord>& rows, bool gb18030) {
  if (gb18030 && format != Format::kCsv) {
    return InvalidArgument("export.encoding", "GB18030 applies to CSV files only");
  }
  FILE* file = nullptr;
  std::unique_ptr<TableWriter> w;
  std::string utf8;  // a GB18030 file: the CSV text, converted at the end
  Status s;
  if (gb18030) {
    w = NewCsvWriter([&](std::string_view b) {
      utf8.append(b);
      return Status::Ok();
    });
  } else {
    s = OpenWriter(format, ExportKindOf(kind), path, &file, &w);
  }
  std::vector<std::string> titles;
  for (const Column& c : Columns(kind)) titles.push_back(c.zh);
  if (s.ok()) s = w->Row(HeaderRow(titles));
  for (size_t r = 0; s.ok() && r < rows.size(); ++r) {
    std::vector<FileCell> cells;
    for (const Column& c : Columns(kind)) {
      auto it = rows[r].find(c.key);
      cells.push_back(FileCell{it == rows[r].end() ? "" : it->second, c.number});
    }
    s = w->Row(cells);
  }
  Status c = w ? w->Close() : Status::Ok();
  if (s.ok()) s = c;
  if (file != nullptr) std::fclose(file);
  if (s.ok() && gb18030) {
    std::string bytes;
    s = EncodeGb18030(utf8, &bytes);
    FILE* f = s.ok() ? std::fopen(path.c_str(), "wb") : nullptr;
    if (s.ok() && f == nullptr) s = Internal("export.open", "cannot write " + path);
    if (f != nullptr) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
        s = Internal("export.write", "cannot write " + path);
      }
      std::fclose(f);
    }
  }
  return s;
}

std::string ExportFileName(ExportKind kind, Format format, const std::string& region_id,
                           int64_t now) {
  std::time_t t = static_cast<std::time_t>((now + kChinaOffsetMs) / 1000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char date[64];
  std::snprintf(date, sizeof date, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return std::string(ExportKindName(kind)) + "-" + (region_id.empty() ? "district" : region_id) +
         "-" + date + (format == Format::kCsv ? ".csv" : ".xlsx");
}

std::optional<int64_t> ParseDate(std::string_view date) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  std::string s(date);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  std::time_t t = timegm(&tm);
  std::tm back;
  gmtime_r(&t, &back);
  if (back.tm_mday != d) return std::nullopt;  // 2026-02-30
  return static_cast<int64_t>(t) * 1000 - kChinaOffsetMs;
}

std::string FormatTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>((ms + kChinaOffsetMs) / 1000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min);
  return buf;
}

}  // namespace weige::registers
