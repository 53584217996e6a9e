#include "tests/core/registers/registers_support.h"

#include <iconv.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace weige::testing {

std::string Csv(const Table& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      const std::string& c = row[i];
      if (c.find_first_of(",\"\r\n") == std::string::npos) {
        out += c;
        continue;
      }
      out += '"';
      for (char ch : c) {
        if (ch == '"') out += '"';
        out += ch;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string Xlsx(const Table& rows, bool constant_memory) {
  char tmpl[] = "/tmp/weige-xlsx-test-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  lxw_workbook_options opt = {};
  opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(tmpl, &opt);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Sheet1");
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& v = rows[r][c];
      if (v.empty()) continue;
      auto row = static_cast<lxw_row_t>(r);
      auto col = static_cast<lxw_col_t>(c);
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v[0] == '=') {
        worksheet_write_formula(ws, row, col, v.c_str(), nullptr);
      } else if (*end == '\0' && v.size() < 10 && v[0] != '0') {
        worksheet_write_number(ws, row, col, static_cast<double>(n), nullptr);
      } else {
        worksheet_write_string(ws, row, col, v.c_str(), nullptr);
      }
    }
  }
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::string bytes = ReadAll(tmpl);
  std::remove(tmpl);
  return bytes;
}

Table ReadBack(const std::string& bytes) {
  Table t;
  std::string cell;
  Status s = registers::ReadTable(bytes, registers::Limits{},
                                  [&](size_t, std::vector<std::string>& cells) {
                                    t.push_back(cells);
                                    return Status::Ok();
                                  },
                                  &cell);
  EXPECT_TRUE(s.ok()) << s.reason << " " << s.message;
  return t;
}

std::string Errors(const registers::ImportReport& r) {
  std::string out = r.status.ok() ? "" : r.status.reason + " " + r.status.message + "\n";
  for (const auto& e : r.errors) {
    out += std::to_string(e.row) + " [" + e.column + "] " + e.reason + " " + e.message + "\n";
  }
  return out;
}

registers::ImportReport RegistersTest::Import(registers::Kind kind, const std::string& bytes,
                                              bool dry_run, const std::string& actor,
                                              registers::ImportOptions o) {
  o.dry_run = dry_run;
  if (o.at == 0) o.at = kT0 + (++import_at_) * 1000;
  return registers::ImportFile(&store(), actor, kind, bytes, o);
}

std::string RegistersTest::Dir() {
  // In the temp folder: on PostgreSQL the database's path is a URL.
  std::string d = tmp_->dir() + "/files";
  std::filesystem::create_directories(d);
  return d;
}

std::string RegistersTest::Export(registers::ExportKind kind, registers::Format format,
                                  registers::ExportOptions o, const std::string& actor,
                                  Status* status) {
  std::string out;
  if (o.now == 0) o.now = kT0 + 30 * kDay;
  Status s = registers::Export(&store(), actor, kind, format, o, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  });
  if (status != nullptr) {
    *status = s;
  } else {
    EXPECT_TRUE(s.ok()) << s.reason << " " << s.message;
  }
  return out;
}

}  // namespace weige::testing
