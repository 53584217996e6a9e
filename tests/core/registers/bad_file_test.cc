// Bad files: each gives its error and leaves the database exactly as it was
// (Store::ContentDigest before and after), dry run or not.
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <functional>

#include "tests/core/registers/registers_support.h"

namespace weige::testing {
namespace {

using registers::Kind;

const std::vector<std::string> kHeader = {"楼栋编号", "微网格", "名称", "地址", "单元数", "层数"};

std::string Buildings(const std::vector<std::vector<std::string>>& rows) {
  Table t = {kHeader};
  for (const auto& r : rows) t.push_back(r);
  return Csv(t);
}

// An archive with the parts of an XLSX workbook whose sheet is `sheet`
// (stored deflated by libzip).
std::string ZipWorkbook(const std::string& sheet) {
  static const std::string kWorkbook =
      R"(<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
      R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
      R"(<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>)";
  static const std::string kRels =
      R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
      R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" )"
      R"(Target="worksheets/sheet1.xml"/></Relationships>)";
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(out);
  zip_t* z = zip_open_from_source(out, ZIP_TRUNCATE, &err);
  auto add = [&](const char* name, const std::string& body) {
    zip_source_t* s = zip_source_buffer(z, body.data(), body.size(), 0);
    zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(i), ZIP_CM_DEFLATE, 9);
  };
  add("xl/workbook.xml", kWorkbook);
  add("xl/_rels/workbook.xml.rels", kRels);
  add("xl/worksheets/sheet1.xml", sheet);
  EXPECT_EQ(zip_close(z), 0);
  zip_source_open(out);
  zip_source_seek(out, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(out);
  zip_source_seek(out, 0, SEEK_SET);
  std::string bytes(static_cast<size_t>(size), '\0');
  zip_source_read(out, bytes.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(out);
  zip_source_free(out);
  return bytes;
}

// 64 MiB of one repeated row inflating from ~64 KiB: a ratio near 1,000.
std::string ZipBomb() {
  std::string row = R"(<row><c t="inlineStr"><is><t>x</t></is></c></row>)";
  std::string sheet = R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
  sheet.reserve(64 << 20);
  while (sheet.size() < (64u << 20)) sheet += row;
  sheet += "</sheetData></worksheet>";
  return ZipWorkbook(sheet);
}

struct BadCase {
  const char* name;
  std::function<std::string()> bytes;
  const char* reason;       // the file's error, or else the first row's
  const char* cell = "";    // where a file error sits, when it has a place
  registers::Limits limits = {};
};

class BadFileTest : public RegistersTest {};

TEST_F(BadFileTest, EachGivesItsErrorAndWritesNothing) {
  registers::Limits small;
  small.max_rows = 10;
  const BadCase cases[] = {
      {"utf-16 (NUL bytes)", [] { return std::string("\xFF\xFE\x3C\x68\x00\x00", 6); },
       "import.encoding"},
      {"neither utf-8 nor gb18030", [] { return std::string("\xE6\xA5\xBC,\x81\x20\xFF\xFF\r\n"); },
       "import.encoding"},
      {"empty file", [] { return std::string(); }, "import.empty"},
      {"missing column",
       [] { return Csv({{"楼栋编号", "微网格", "名称"}, {"b9", "mg1", "x"}}); },
       "import.missing_column"},
      {"unknown column",
       [] {
         Table t = {kHeader};
         t[0].push_back("备注");
         return Csv(t);
       },
       "import.unknown_column", "G1"},
      {"duplicate column",
       [] {
         Table t = {kHeader};
         t[0].push_back("name");
         return Csv(t);
       },
       "import.duplicate_column", "G1"},
      {"duplicate ids in the file",
       [] { return Buildings({{"b9", "mg1", "x", "", "", ""}, {"b9", "mg1", "y", "", "", ""}}); },
       "import.duplicate_id"},
      {"unknown parent", [] { return Buildings({{"b9", "mg404", "x", "", "", ""}}); },
       "microgrid.not_found"},
      {"formula in csv (after a valid row)",
       [] { return Buildings({{"b8", "mg1", "ok", "", "", ""}, {"b9", "mg1", "=1+2", "", "", ""}}); },
       "import.formula", "C3"},
      {"formula in xlsx",
       [] {
         Table t = {kHeader, {"b9", "mg1", "x", "", "=2*3", ""}};
         return Xlsx(t);
       },
       "import.formula", "E2"},
      {"malformed csv (open quote)", [] { return Csv({kHeader}) + "b9,mg1,\"x\n"; },
       "import.csv_malformed", "C2"},
      {"too many rows",
       [] {
         std::vector<std::vector<std::string>> rows;
         for (int i = 0; i < 11; ++i) rows.push_back({"b9" + std::to_string(i), "mg1", "x", "", "", ""});
         return Buildings(rows);
       },
       "import.too_many_rows", "", small},
      {"too many columns",
       [] {
         Table t = {kHeader};
         t.push_back(std::vector<std::string>(70, "x"));
         return Csv(t);
       },
       "import.too_many_columns", "BM2"},
      {"over-long cell", [] { return Buildings({{"b9", "mg1", std::string(5000, 'x'), "", "", ""}}); },
       "import.cell_too_long", "C2"},
      {"over-long cell in xlsx",
       [] {
         Table t = {kHeader, {"b9", "mg1", std::string(5000, 'x'), "", "", ""}};
         return Xlsx(t);
       },
       "import.cell_too_long", "C2"},
      {"zip that is no workbook", [] { return std::string("PK\x03\x04garbage", 11); },
       "import.xlsx_invalid"},
      {"zip bomb disguised as xlsx", ZipBomb, "import.xlsx_bomb"},
      {"billion laughs in the sheet",
       [] {
         std::string dtd = "<!DOCTYPE w [<!ENTITY a0 \"xxxxxxxxxx\">";
         for (int i = 1; i < 10; ++i) {
           dtd += "<!ENTITY a" + std::to_string(i) + " \"";
           for (int k = 0; k < 10; ++k) dtd += "&a" + std::to_string(i - 1) + ";";
           dtd += "\">";
         }
         dtd += "]>";
         return ZipWorkbook(dtd + R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
                                  R"(<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>)"
                                  R"(</sheetData></worksheet>)");
       },
       "import.xlsx_invalid"},
      {"sheet that is not xml",
       [] { return ZipWorkbook("<worksheet><sheetData><row><c>"); }, "import.xlsx_invalid"},
      {"file over the size cap",
       [] { return std::string(1025, 'a'); },
       "import.too_large", "", [] {
         registers::Limits l;
         l.max_file_bytes = 1024;
         return l;
       }()},
  };
  for (const BadCase& c : cases) {
    const std::string reason = c.reason;
    // With --apply-valid the valid rows of a file with bad rows are written;
    // a bad file (a file error) still writes nothing.
    const bool file_error = reason.rfind("import.", 0) == 0 && reason != "import.duplicate_id";
    for (int mode = 0; mode < (file_error ? 3 : 2); ++mode) {
      const bool dry = mode == 0;
      SCOPED_TRACE(std::string(c.name) + (dry ? " (dry run)" : mode == 2 ? " (apply valid)" : ""));
      std::string digest = Digest();
      registers::ImportOptions o;
      o.limits = c.limits;
      o.apply_valid = mode == 2;
      o.batch_rows = 1;  // a row applied before the bad cell would be committed
      auto r = Import(Kind::kBuildings, c.bytes(), dry, "admin", o);
      std::string got = !r.status.ok() ? r.status.reason
                        : r.errors.empty() ? std::string("(no error)")
                                           : r.errors[0].reason;
      EXPECT_EQ(got, c.reason) << Errors(r);
      if (!r.status.ok()) {
        EXPECT_EQ(r.cell, c.cell);
        EXPECT_FALSE(r.status.message.empty());
      }
      EXPECT_FALSE(r.applied);
      EXPECT_EQ(Digest(), digest);
    }
  }
}

// "A 2 GB file": refused by its size before a byte is read (a sparse file,
// so the test writes nothing to disk).
TEST_F(BadFileTest, TwoGigabyteFileIsRefusedBeforeReading) {
  std::string path = Dir() + "/huge.csv";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, int64_t{2} << 30), 0);
  ::close(fd);
  std::string digest = Digest();
  registers::ImportOptions o;
  o.at = kT0;
  auto r = registers::ImportPath(&store(), "admin", Kind::kHouseholds, path, o);
  EXPECT_EQ(r.status.reason, "import.too_large");
  EXPECT_EQ(Digest(), digest);
  ::unlink(path.c_str());
}

// A bomb whose stated sizes are honest but huge is refused from its central
// directory, before inflating anything.
TEST_F(BadFileTest, BombIsStoppedAtTheBoundNotAfterInflating) {
  registers::Limits l;
  l.max_part_bytes = 8 << 20;  // below the bomb's 64 MiB
  l.max_ratio = 1u << 30;       // only the size bound applies
  std::string cell;
  size_t rows = 0;
  Status s = registers::ReadXlsx(ZipBomb(), l,
                                 [&](size_t, std::vector<std::string>&) {
                                   ++rows;
                                   return Status::Ok();
                                 },
                                 &cell);
  EXPECT_EQ(s.reason, "import.xlsx_bomb");
  EXPECT_EQ(rows, 0u);
}

}  // namespace
}  // namespace weige::testing
