// weige import / export / template: the registers engine (core/registers)
// from the command line. Flags in any order.
//
//   weige import   --db FILE --actor ID --kind regions|buildings|households|people|departments
//                  FILE.csv|FILE.xlsx [--dry-run] [--apply-valid] [--errors OUT.csv] [--at MS]
//   weige export   --db FILE --actor ID --kind regions|buildings|households|people|departments|
//                  items|visits|reports|figures --format csv|xlsx --out FILE [--region ID]
//                  [--from YYYY-MM-DD --to YYYY-MM-DD] [--now MS]
//   weige template --kind regions|buildings|households|people|departments --format csv|xlsx --out FILE
//   weige samples  --out DIR   (the demo district's sample import files, tools/demo/demo_samples.h)
//
// The actor's grants decide, as for any command: a scoped administrator
// imports and exports only inside its subtree. --to is inclusive (the whole
// day). Exit: 0 ok; 1 a refused row or file, or a failed export; 2 usage.
#include "tools/registers_cli.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "core/registers/export.h"
#include "core/registers/import.h"
#include "core/store/store.h"
#include "tools/demo/demo_samples.h"

namespace weige::tools {

namespace {

using registers::ExportKind;
using registers::Format;
using registers::Kind;

struct Flags {
  std::string db, actor, kind, format, out, region, from, to, errors, file;
  bool dry_run = false, apply_valid = false;
  std::optional<int64_t> at, now;
};

int Usage() {
  std::fprintf(stderr,
               "usage:\n"
               "  weige import   --db FILE --actor ID --kind regions|buildings|households|people|departments\n"
               "                 FILE.csv|FILE.xlsx [--dry-run] [--apply-valid] [--errors OUT.csv]\n"
               "  weige export   --db FILE --actor ID --kind regions|buildings|households|people|departments|\n"
               "                 items|visits|reports|figures --format csv|xlsx --out FILE\n"
               "                 [--region ID] [--from YYYY-MM-DD --to YYYY-MM-DD]\n"
               "  weige template --kind regions|buildings|households|people|departments --format csv|xlsx --out FILE\n"
               "  weige samples  --out DIR\n");
  return 2;
}

bool ParseMs(const char* s, std::optional<int64_t>* out) {
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (end == s || *end != '\0' || v < 0) return false;
  *out = v;
  return true;
}

bool ParseFlags(int argc, char** argv, Flags* f) {
  static const std::pair<const char*, std::string Flags::*> kValues[] = {
      {"--db", &Flags::db},         {"--actor", &Flags::actor}, {"--kind", &Flags::kind},
      {"--format", &Flags::format}, {"--out", &Flags::out},     {"--region", &Flags::region},
      {"--from", &Flags::from},     {"--to", &Flags::to},       {"--errors", &Flags::errors}};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    bool known = false;
    for (const auto& [name, field] : kValues) {
      if (a != name) continue;
      if (i + 1 >= argc) return false;
      f->*field = argv[++i];
      known = true;
    }
    if (known) continue;
    if (a == "--dry-run") {
      f->dry_run = true;
    } else if (a == "--apply-valid") {
      f->apply_valid = true;
    } else if (a == "--at" || a == "--now") {
      if (i + 1 >= argc || !ParseMs(argv[++i], a == "--at" ? &f->at : &f->now)) return false;
    } else if (a.rfind("--", 0) == 0 || !f->file.empty()) {
      return false;
    } else {
      f->file = a;
    }
  }
  return true;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Opens an existing store (never creates one: a mistyped --db is usage).
int OpenStore(const std::string& path, std::unique_ptr<store::Store>* out) {
  if (!Exists(path)) {
    std::fprintf(stderr, "weige: no database at %s\n", path.c_str());
    return 2;
  }
  Status s = store::Store::Open(path, {}, out);
  if (!s.ok()) {
    std::fprintf(stderr, "weige: cannot open %s: %s\n", path.c_str(), s.message.c_str());
    return 2;
  }
  return 0;
}

int Import(const Flags& f) {
  auto kind = registers::ParseKind(f.kind);
  if (f.db.empty() || f.actor.empty() || !kind || f.file.empty() || !f.format.empty() ||
      !f.out.empty()) {
    return Usage();
  }
  std::unique_ptr<store::Store> store;
  if (int rc = OpenStore(f.db, &store); rc != 0) return rc;
  registers::ImportOptions o;
  o.dry_run = f.dry_run;
  o.apply_valid = f.apply_valid;
  o.at = f.at.value_or(NowMs());
  o.progress = [](const registers::ImportProgress& p) {
    if (p.rows_total > 0) {
      std::fprintf(stderr, "\r%s %zu/%zu", p.phase, p.rows_done, p.rows_total);
    } else {
      std::fprintf(stderr, "\r%s %zu", p.phase, p.rows_done);
    }
  };
  registers::ImportReport r = registers::ImportPath(store.get(), f.actor, *kind, f.file, o);
  std::fprintf(stderr, "\n");
  if (!r.status.ok()) {
    std::printf("文件被拒绝 File refused: %s%s%s\n  %s\n", r.status.reason.c_str(),
                r.cell.empty() ? "" : " @ ", r.cell.c_str(), r.status.message.c_str());
    return 1;
  }
  std::printf(
      "%s: %zu 行 rows, %zu 行有误 refused, %zu 行%s changed, %zu 行无变化 unchanged (%s, %s)\n",
      f.dry_run ? "试导入 Dry run" : r.applied ? "已导入 Imported" : "未写入 Nothing written",
      r.rows, r.refused, r.changed, f.dry_run || !r.applied ? "将更新 would be" : "已更新",
      r.unchanged, r.format.c_str(), r.encoding.empty() ? "-" : r.encoding.c_str());
  for (const registers::RowError& e : r.errors) {
    std::printf("  第 %zu 行 row %zu%s%s: %s %s\n", e.row, e.row, e.column.empty() ? "" : " 列 ",
                e.column.c_str(), e.reason.c_str(), e.message.c_str());
  }
  if (r.errors.size() < r.refused) {
    std::printf("  ... %zu more\n", r.refused - r.errors.size());
  }
  if (!r.applied && !f.dry_run && r.refused > 0) {
    std::printf("有错误行,未写入任何数据;修正后重试,或加 --apply-valid 只导入无误的行。\n"
                "Some rows were refused and nothing was written; fix them, or pass --apply-valid.\n");
  }
  if (!f.errors.empty()) {
    std::string csv = r.ErrorsCsv();
    FILE* out = std::fopen(f.errors.c_str(), "wb");
    if (out == nullptr || std::fwrite(csv.data(), 1, csv.size(), out) != csv.size()) {
      std::fprintf(stderr, "weige: cannot write %s\n", f.errors.c_str());
    }
    if (out != nullptr) std::fclose(out);
  }
  return r.refused > 0 ? 1 : 0;
}

int Export(const Flags& f) {
  auto kind = registers::ParseExportKind(f.kind);
  auto format = registers::ParseFormat(f.format);
  if (f.db.empty() || f.actor.empty() || !kind || !format || f.out.empty() || !f.file.empty() ||
      f.from.empty() != f.to.empty()) {
    return Usage();
  }
  registers::ExportOptions o;
  o.region_id = f.region;
  o.now = f.now.value_or(NowMs());
  if (!f.from.empty()) {
    o.from = registers::ParseDate(f.from);
    auto to = registers::ParseDate(f.to);
    if (!o.from || !to) return Usage();
    o.to = *to + 86400000;  // --to is inclusive
  }
  std::unique_ptr<store::Store> store;
  if (int rc = OpenStore(f.db, &store); rc != 0) return rc;
  size_t rows = 0;
  Status s = registers::ExportToFile(store.get(), f.actor, *kind, *format, o, f.out, &rows);
  if (!s.ok()) {
    std::printf("%s\n", Result(s).Dump().c_str());
    return 1;
  }
  std::printf("已导出 Exported %zu 行 rows to %s\n", rows, f.out.c_str());
  return 0;
}

int Template(const Flags& f) {
  auto kind = registers::ParseKind(f.kind);
  auto format = registers::ParseFormat(f.format);
  if (!kind || !format || f.out.empty() || !f.db.empty() || !f.file.empty()) return Usage();
  Status s = registers::WriteTemplate(*kind, *format, f.out);
  if (!s.ok()) {
    std::printf("%s\n", Result(s).Dump().c_str());
    return 1;
  }
  std::printf("模板已写入 Template written: %s\n", f.out.c_str());
  return 0;
}

int Samples(const Flags& f) {
  if (f.out.empty() || !f.db.empty() || !f.kind.empty() || !f.file.empty()) return Usage();
  if (::mkdir(f.out.c_str(), 0755) != 0 && errno != EEXIST) {
    std::printf("%s\n", Result(Internal("samples.mkdir", "cannot create " + f.out)).Dump().c_str());
    return 1;
  }
  std::vector<demo::SampleFile> files;
  Status s = demo::WriteSamples(f.out, &files);
  if (!s.ok()) {
    std::printf("%s\n", Result(s).Dump().c_str());
    return 1;
  }
  std::printf("示例导入文件 Sample import files: %s\n", f.out.c_str());
  for (const demo::SampleFile& file : files) {
    std::printf("  %s  (--kind %s, %d 行 rows)\n", file.name.c_str(), file.kind.c_str(), file.rows);
  }
  return 0;
}

}  // namespace

bool IsRegistersVerb(const char* verb) {
  return std::strcmp(verb, "import") == 0 || std::strcmp(verb, "export") == 0 ||
         std::strcmp(verb, "template") == 0 || std::strcmp(verb, "samples") == 0;
}

int RunRegistersVerb(int argc, char** argv) {
  Flags f;
  if (!ParseFlags(argc, argv, &f)) return Usage();
  std::string verb = argv[1];
  if (verb == "import") return Import(f);
  if (verb == "export") return Export(f);
  if (verb == "samples") return Samples(f);
  return Template(f);
}

}  // namespace weige::tools
