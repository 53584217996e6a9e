#include "core/registers/import.h"

#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <unordered_map>

#include "core/registers/table_writer.h"
#include "core/store/register_rows.h"

namespace weige::registers {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Maps a header row onto the kind's columns: map[i] is the file column of
// Columns(kind)[i].
Status MapHeader(Kind kind, const std::vector<std::string>& header, std::vector<size_t>* map,
                 std::string* cell) {
  const std::vector<Column>& cols = Columns(kind);
  map->assign(cols.size(), SIZE_MAX);
  for (size_t f = 0; f < header.size(); ++f) {
    std::string h = Unneutralise(header[f]);
    if (h.empty()) continue;
    std::string l = Lower(h);
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < cols.size() && found == SIZE_MAX; ++i) {
      if (h == cols[i].zh) found = i;
      for (const char* a : cols[i].aliases) {
        if (l == Lower(a)) found = i;
      }
    }
    if (found == SIZE_MAX) {
      *cell = CellRef(f, 1);
      return InvalidArgument("import.unknown_column",
                             "未知的列「" + h + "」(unknown column " + h + ")");
    }
    if ((*map)[found] != SIZE_MAX) {
      *cell = CellRef(f, 1);
      return InvalidArgument("import.duplicate_column",
                             "列「" + h + "」重复 (column " + h + " appears twice)");
    }
    (*map)[found] = f;
  }
  std::string missing;
  for (size_t i = 0; i < cols.size(); ++i) {
    if ((*map)[i] != SIZE_MAX || cols[i].optional) continue;
    if (!missing.empty()) missing += "、";
    missing += cols[i].zh;
  }
  if (!missing.empty()) {
    return InvalidArgument("import.missing_column",
                           "缺少列:" + missing + " (missing columns; use the template)");
  }
  return Status::Ok();
}

// One pass over the file: every row through the store in batches, kept
// (`commit`) or rolled back.
class Pass {
 public:
  Pass(store::Store* store, const std::string& actor, Kind kind, std::string_view bytes,
       const ImportOptions& o, ImportReport* report)
      : store_(store), actor_(actor), kind_(kind), bytes_(bytes), o_(o), report_(report),
        batch_(store) {
    char h[17];
    // Two files imported in the same millisecond get distinct command ids.
    std::snprintf(h, sizeof h, "%08llx",
                  static_cast<unsigned long long>(std::hash<std::string_view>{}(bytes) & 0xffffffffu));
    prefix_ = "imp." + std::to_string(o.at) + "." + h;
  }

  enum class Phase {
    kScan,   // the file alone: its header, cells and size (no store)
    kCheck,  // every row through the store, rolled back
    kApply,  // every row through the store, committed batch by batch
    kWhole,  // every row through the store in one transaction, committed
             // only when no row was refused and one changes something
  };

  Status Run(Phase phase, size_t total) {
    phase_ = phase;
    commit_ = phase == Phase::kApply || phase == Phase::kWhole;
    total_ = total;
    Status s = ReadTable(bytes_, o_.limits,
                         [&](size_t row, std::vector<std::string>& cells) { return Row(row, cells); },
                         &report_->cell, &report_->encoding);
    if (s.ok() && !header_done_) {
      s = InvalidArgument("import.empty", "文件为空,没有表头 (the file has no header row)");
    }
    if (s.ok() && batch_.open()) s = EndBatch();
    if (!s.ok() && batch_.open()) (void)batch_.Rollback();
    if (s.ok() && o_.progress && reported_ != done_ && phase != Phase::kScan) {
      o_.progress({commit_ ? "apply" : "check", done_, total_});
    }
    return s;
  }

 private:
  Status Row(size_t row, std::vector<std::string>& cells) {
    if (!header_done_) {
      header_done_ = true;
      return MapHeader(kind_, cells, &map_, &report_->cell);
    }
    std::vector<std::string> ordered(map_.size());
    for (size_t i = 0; i < map_.size(); ++i) {
      if (map_[i] < cells.size()) ordered[i] = std::move(cells[map_[i]]);
    }
    ++report_->rows;
    ++done_;
    if (phase_ == Phase::kScan) return Status::Ok();
    if (!batch_.open()) WEIGE_RETURN_IF_ERROR(batch_.Begin());
    RunRow(row, ordered);
    // Regions refer to regions earlier in the file: a dry run keeps one
    // transaction so later rows see them. Other kinds refer only to rows
    // already in the store.
    bool one_txn = (!commit_ && kind_ == Kind::kRegions) || phase_ == Phase::kWhole;
    if (++in_batch_ < o_.batch_rows) return Status::Ok();
    if (!one_txn) return EndBatch();
    in_batch_ = 0;
    if (phase_ == Phase::kWhole) Progress();
    return Status::Ok();
  }

  void RunRow(size_t row, const std::vector<std::string>& cells) {
    const std::string id = Unneutralise(cells[0]);
    if (!id.empty()) {
      auto [it, fresh] = seen_.emplace(id, row);
      if (!fresh) {
        Refuse(row, Columns(kind_)[0].zh, "import.duplicate_id",
               "编号与第 " + std::to_string(it->second) + " 行重复 (id " + id +
                   " repeats row " + std::to_string(it->second) + ")");
        return;
      }
    }
    std::vector<std::pair<std::string, std::string>> grants;
    if (kind_ == Kind::kPeople && !id.empty()) {
      Status g = store::PersonGrants(store_, id, &grants);
      if (!g.ok()) {
        Refuse(row, "", g.reason, ErrorMessage(g));
        return;
      }
    }
    RowCommands rc = ToCommands(kind_, cells, grants, actor_, o_.at,
                                prefix_ + "." + std::to_string(row));
    if (!rc.error.ok()) {
      Refuse(row, rc.column, rc.error.reason, ErrorMessage(rc.error));
      return;
    }
    store::RowOutcome out = batch_.RunRow(rc.commands);
    if (!out.failed.ok()) {
      const Status& s = out.failed.status;
      Refuse(row, ErrorColumn(kind_, s, out.failed_index), s.reason, ErrorMessage(s));
      return;
    }
    if (out.changed) {
      ++report_->changed;
    } else {
      ++report_->unchanged;
    }
  }

  void Refuse(size_t row, std::string column, const std::string& reason, std::string message) {
    ++report_->refused;
    if (report_->errors.size() < o_.max_errors) {
      report_->errors.push_back(RowError{row, std::move(column), reason, std::move(message)});
    }
  }

  Status EndBatch() {
    in_batch_ = 0;
    bool keep = commit_;
    if (phase_ == Phase::kWhole) keep = report_->refused == 0 && report_->changed > 0;
    Status s = keep ? batch_.Commit() : batch_.Rollback();
    if (s.ok()) Progress();
    return s;
  }

  void Progress() {
    if (!o_.progress) return;
    o_.progress({commit_ ? "apply" : "check", done_, total_});
    reported_ = done_;
  }

  store::Store* store_;
  const std::string& actor_;
  Kind kind_;
  std::string_view bytes_;
  const ImportOptions& o_;
  ImportReport* report_;
  store::CommandBatch batch_;
  std::string prefix_;
  Phase phase_ = Phase::kScan;
  bool commit_ = false, header_done_ = false;
  size_t in_batch_ = 0, done_ = 0, total_ = 0, reported_ = SIZE_MAX;
  std::vector<size_t> map_;
  std::unordered_map<std::string, size_t> seen_;
};

void ResetCounts(ImportReport* r) {
  r->rows = r->refused = r->changed = r->unchanged = 0;
  r->errors.clear();
}

}  // namespace

ImportReport ImportFile(store::Store* store, const std::string& actor, Kind kind,
                        std::string_view bytes, const ImportOptions& options) {
  ImportReport report;
  report.format = LooksLikeXlsx(bytes) ? "xlsx" : "csv";
  if (bytes.size() > options.limits.max_file_bytes) {
    report.status = InvalidArgument(
        "import.too_large", "文件超过 " + std::to_string(options.limits.max_file_bytes >> 20) +
                                " MiB 上限 (the file is over the size limit)");
    return report;
  }
  auto finish = [&](Status s) {
    report.status = std::move(s);
    if (!report.status.ok()) ResetCounts(&report);
    return report;
  };
  // The default, all or nothing, is one pass in one transaction: its
  // commit is the check's verdict (97 s as a check pass then an apply pass
  // on the full-scale district's households, bench-registers.sh; see the
  // note on ImportOptions for the progress callback).
  if (!options.dry_run && !options.apply_valid) {
    Pass whole(store, actor, kind, bytes, options, &report);
    Status s = whole.Run(Pass::Phase::kWhole, 0);
    report.applied = s.ok() && report.refused == 0 && report.changed > 0;
    return finish(s);
  }
  // A file error stops every phase before its first write: with
  // apply_valid, a scan of the file alone comes first.
  const bool one_pass = !options.dry_run;
  {
    Pass first(store, actor, kind, bytes, options, &report);
    Status s = first.Run(one_pass ? Pass::Phase::kScan : Pass::Phase::kCheck, 0);
    if (!s.ok()) return finish(s);
  }
  if (options.dry_run) return finish(Status::Ok());
  size_t total = report.rows;
  ResetCounts(&report);
  Pass apply(store, actor, kind, bytes, options, &report);
  Status s = apply.Run(Pass::Phase::kApply, total);
  report.applied = s.ok() && report.changed > 0;
  return finish(s);
}

ImportReport ImportPath(store::Store* store, const std::string& actor, Kind kind,
                        const std::string& path, const ImportOptions& options) {
  ImportReport report;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    report.status = NotFound("import.no_file", "文件不存在或不可读 (cannot read " + path + ")");
    return report;
  }
  if (static_cast<uint64_t>(st.st_size) > options.limits.max_file_bytes) {
    report.status = InvalidArgument(
        "import.too_large", "文件超过 " + std::to_string(options.limits.max_file_bytes >> 20) +
                                " MiB 上限 (the file is over the size limit)");
    return report;
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f || std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
    report.status = NotFound("import.no_file", "文件不可读 (cannot read " + path + ")");
    return report;
  }
  return ImportFile(store, actor, kind, bytes, options);
}

Json ImportReport::ToJson() const {
  Json j = Result(status).ToJson();
  j.erase("value");
  j["cell"] = cell;
  j["format"] = format;
  j["encoding"] = encoding;
  j["rows"] = rows;
  j["refused"] = refused;
  j["changed"] = changed;
  j["unchanged"] = unchanged;
  j["applied"] = applied;
  Json list = Json::array();
  for (const RowError& e : errors) {
    list.push_back({{"row", e.row}, {"column", e.column}, {"reason", e.reason}, {"message", e.message}});
  }
  j["errors"] = std::move(list);
  return j;
}

std::string ImportReport::ErrorsCsv() const {
  std::string out;
  auto w = NewCsvWriter([&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  w->Row(HeaderRow({"行号", "列", "原因代码", "说明"}));
  for (const RowError& e : errors) {
    w->Row({FileCell{std::to_string(e.row), true}, FileCell{e.column, false},
            FileCell{e.reason, false}, FileCell{e.message, false}});
  }
  w->Close();
  return out;
}

}  // namespace weige::registers
