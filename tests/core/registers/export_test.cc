// Exports: read back with the registers reader (libcsv, libzip + expat),
// the round trip of every register, neutralised cells, subtrees, date
// ranges, permissions, and a sink that fails midway.
#include "tests/core/registers/registers_support.h"

namespace weige::testing {
namespace {

using registers::ExportKind;
using registers::Format;
using registers::Kind;

class ExportTest : public RegistersTest {
 protected:
  // Column `title`'s cell in `row` of a table read back.
  static std::string At(const Table& t, size_t row, const std::string& title) {
    for (size_t c = 0; c < t[0].size(); ++c) {
      if (t[0][c] == title) return row < t.size() && c < t[row].size() ? t[row][c] : "";
    }
    ADD_FAILURE() << "no column " << title;
    return "";
  }
  static size_t RowOf(const Table& t, const std::string& id) {
    for (size_t r = 1; r < t.size(); ++r) {
      if (t[r][0] == id) return r;
    }
    ADD_FAILURE() << "no row " << id;
    return 0;
  }
};

TEST_F(ExportTest, EveryRegisterRoundTripsUnchangedInBothFormats) {
  MustExec("admin", "household.upsert",
           {{"id", "h1"}, {"building_id", "b1"}, {"unit", "1"}, {"floor", -1}, {"room", "B01"},
            {"head_name", "=HYPERLINK(\"http://x\")"}, {"members", 4}, {"phone", "+8613800000000"},
            {"tags", {"独居老人", "出租房"}}});
  MustExec("admin", "building.upsert",
           {{"id", "b1"}, {"microgrid_id", "mg1"}, {"name", "1号楼"}, {"address", "@home"},
            {"units", 2}, {"floors", 6}, {"lat", 39.9051234}, {"lng", 116.6560007}});
  MustExec("admin", "building.upsert",
           {{"id", "b2"}, {"microgrid_id", "mg1"}, {"name", "2号楼"}, {"lat", -0.5}, {"lng", -179.9999999}});
  MustExec("admin", "region.upsert",
           {{"id", "g1"}, {"parent_id", "c1"}, {"level", "grid"}, {"name", "-网格一"}, {"code", "0101"}});
  MustExec("admin", "household.upsert", {{"id", "h2"}, {"building_id", "b1"}, {"head_name", "'=quoted"}});
  MustExec("admin", "household.upsert", {{"id", "h3"}, {"building_id", "b2"}, {"head_name", "'plain"}});
  for (Kind kind : {Kind::kRegions, Kind::kBuildings, Kind::kHouseholds, Kind::kPeople,
                    Kind::kDepartments}) {
    for (Format format : {Format::kCsv, Format::kXlsx}) {
      SCOPED_TRACE(std::string(registers::KindName(kind)) + (format == Format::kCsv ? " csv" : " xlsx"));
      std::string file = Export(*registers::ParseExportKind(registers::KindName(kind)), format);
      std::string digest = Digest();
      for (bool dry : {true, false}) {
        auto r = Import(kind, file, dry);
        ASSERT_TRUE(r.status.ok()) << Errors(r);
        EXPECT_EQ(r.refused, 0u) << Errors(r);
        EXPECT_EQ(r.changed, 0u) << Errors(r);
        EXPECT_GT(r.unchanged, 0u);
        EXPECT_EQ(Digest(), digest);
      }
    }
  }
}

TEST_F(ExportTest, CsvHasABomAndNeutralisedCells) {
  MustExec("admin", "household.upsert",
           {{"id", "h1"}, {"building_id", "b1"}, {"head_name", "=cmd|' /C calc'!A0"},
            {"phone", "+8613800000000"}, {"floor", -2}, {"tags", {"出租房"}}});
  std::string csv = Export(ExportKind::kHouseholds, Format::kCsv);
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("\"'=cmd|' /C calc'!A0\""), std::string::npos);
  EXPECT_NE(csv.find("\"'+8613800000000\""), std::string::npos);
  EXPECT_NE(csv.find(",-2,"), std::string::npos);  // a number stays a number
  Table t = ReadBack(csv);
  size_t r = RowOf(t, "h1");
  EXPECT_EQ(At(t, r, "户主"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(At(t, r, "出租"), "是");
  EXPECT_EQ(At(t, r, "流动人口"), "否");
  EXPECT_EQ(At(t, r, "标签"), "出租房");
  Table x = ReadBack(Export(ExportKind::kHouseholds, Format::kXlsx));
  EXPECT_EQ(At(x, RowOf(x, "h1"), "户主"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(At(x, RowOf(x, "h1"), "楼层"), "-2");
}

TEST_F(ExportTest, LedgerCarriesStateOwnerDeadlineOverdueAndEvidence) {
  std::string open = OpenItem("h1");
  std::string closed = ItemIn("closed", "h2");
  std::string other = OpenItem("h6", "worker3");
  Assign(open, kT0 + kDay);  // overdue at now = kT0 + 30 days
  registers::ExportOptions o;
  o.now = kT0 + 30 * kDay;
  Table t = ReadBack(Export(ExportKind::kItems, Format::kXlsx, o));
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0][0], "整改编号");
  size_t r = RowOf(t, open);
  EXPECT_EQ(At(t, r, "状态"), "整改中");
  EXPECT_EQ(At(t, r, "责任单位"), "dept_prop");
  EXPECT_EQ(At(t, r, "整改期限"), registers::FormatTime(kT0 + kDay));
  EXPECT_EQ(At(t, r, "是否逾期"), "是");
  size_t c = RowOf(t, closed);
  EXPECT_EQ(At(t, c, "状态"), "已销号");
  EXPECT_EQ(At(t, c, "整改人"), "deptp");
  EXPECT_EQ(At(t, c, "销号人"), "head1");
  EXPECT_EQ(At(t, c, "是否逾期"), "否");
  // The fix's and the verification's evidence, in event order.
  EXPECT_EQ(At(t, c, "证据哈希"), Sha(1) + "；" + Sha(2));
  // A subtree: g2 holds only h6's item.
  o.region_id = "g2";
  Table g2 = ReadBack(Export(ExportKind::kItems, Format::kCsv, o));
  ASSERT_EQ(g2.size(), 2u);
  EXPECT_EQ(g2[1][0], other);
  // A date range before everything: the header only.
  o.region_id = "";
  o.from = kT0 - 10 * kDay;
  o.to = kT0 - 9 * kDay;
  EXPECT_EQ(ReadBack(Export(ExportKind::kItems, Format::kCsv, o)).size(), 1u);
}

TEST_F(ExportTest, VisitsReportsAndFigures) {
  MustExec("worker1", "visit.record",
           {{"visit_id", "v1"}, {"household_id", "h1"}, {"cycle", kCycle}, {"outcome", "met"},
            {"template_id", "door"}, {"template_version", 1},
            {"answers", {{"ebike", false}, {"extinguisher", "ok"}}}});
  registers::ExportOptions o;
  Table v = ReadBack(Export(ExportKind::kVisits, Format::kCsv, o));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(At(v, 1, "走访结果"), "已入户");
  EXPECT_EQ(At(v, 1, "计入覆盖"), "是");
  EXPECT_EQ(At(v, 1, "网格员"), "worker1");
  Table rep = ReadBack(Export(ExportKind::kReports, Format::kCsv, o));
  EXPECT_EQ(rep[0][0], "诉求编号");
  o.cycles = {kCycle};
  o.now = kT0 + kDay;
  Table f = ReadBack(Export(ExportKind::kFigures, Format::kXlsx, o));
  ASSERT_EQ(f.size(), 3u);  // d1 and its one street
  EXPECT_EQ(At(f, 1, "区域编号"), "d1");
  EXPECT_EQ(At(f, 1, "户数"), "6");
  EXPECT_EQ(At(f, 1, "已走访户数"), "1");
  EXPECT_EQ(At(f, 2, "区域编号"), "s1");
  // A micro-grid's figures: one row.
  o.region_id = "mg1";
  Table m = ReadBack(Export(ExportKind::kFigures, Format::kCsv, o));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(At(m, 1, "名称"), "Region mg1");
  EXPECT_EQ(At(m, 1, "覆盖率"), "33.3");
  // A grid's: the grid (named) and its micro-grids.
  o.region_id = "g1";
  Table g = ReadBack(Export(ExportKind::kFigures, Format::kCsv, o, "head1"));
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(At(g, 1, "名称"), "Region g1");
  EXPECT_EQ(At(g, 1, "层级"), "网格");
  EXPECT_EQ(At(g, 2, "区域编号"), "mg1");
}

TEST_F(ExportTest, ScopeDecidesWhoExportsWhat) {
  registers::ExportOptions o;
  o.region_id = "g1";
  Status s;
  Export(ExportKind::kHouseholds, Format::kCsv, o, "radmin", &s);  // radmin: g2 only
  EXPECT_EQ(s.reason, "permission.denied");
  Export(ExportKind::kItems, Format::kCsv, o, "head2", &s);
  EXPECT_EQ(s.reason, "permission.denied");
  Export(ExportKind::kItems, Format::kCsv, o, "head1", &s);  // a grid head: its grid
  EXPECT_TRUE(s.ok()) << s.message;
  Export(ExportKind::kPeople, Format::kCsv, o, "head1", &s);  // people: administrators only
  EXPECT_EQ(s.reason, "permission.denied");
  o.region_id = "g2";
  Table people = ReadBack(Export(ExportKind::kPeople, Format::kCsv, o, "radmin"));
  std::vector<std::string> ids;
  for (size_t r = 1; r < people.size(); ++r) ids.push_back(people[r][0]);
  EXPECT_EQ(ids, (std::vector<std::string>{"head2", "radmin", "worker3"}));
  o.region_id = "mg2";  // a micro-grid: its worker, and the captain and resident inside it
  people = ReadBack(Export(ExportKind::kPeople, Format::kCsv, o, "admin"));
  ids.clear();
  for (size_t r = 1; r < people.size(); ++r) ids.push_back(people[r][0]);
  EXPECT_EQ(ids, (std::vector<std::string>{"captain3", "resident4", "worker2"}));
  o.region_id = "g2";
  // The subtree's regions, without its root (an existing parent).
  Table regions = ReadBack(Export(ExportKind::kRegions, Format::kCsv, o, "radmin"));
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[1][0], "mg3");
  o.region_id = "nowhere";
  Export(ExportKind::kItems, Format::kCsv, o, "admin", &s);
  EXPECT_EQ(s.reason, "region.not_found");
}

TEST_F(ExportTest, StreamsInPagesAndStopsWhenTheSinkFails) {
  for (int i = 0; i < 30; ++i) {
    MustExec("admin", "household.upsert", {{"id", "x" + std::to_string(i)}, {"building_id", "b4"}});
  }
  // Pages of 7 rows give the same rows, in the same order, as one page.
  store::RowFilter f;
  f.actor = "admin";
  std::vector<std::string> big, small;
  ASSERT_TRUE(store::ForEachRow(&store(), store::RowSet::kHouseholds, f, [&](const store::Row& r) {
                big.push_back(r[0].text);
                return Status::Ok();
              }).ok());
  f.page_rows = 7;
  ASSERT_TRUE(store::ForEachRow(&store(), store::RowSet::kHouseholds, f, [&](const store::Row& r) {
                small.push_back(r[0].text);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(big.size(), 36u);
  EXPECT_EQ(big, small);
  // A sink that fails stops the export with its error.
  size_t chunks = 0;
  registers::ExportOptions o;
  o.now = kT0;
  Status s = registers::Export(&store(), "admin", ExportKind::kHouseholds, Format::kCsv, o,
                               [&](std::string_view) {
                                 ++chunks;
                                 return Internal("test.sink", "client went away");
                               });
  EXPECT_EQ(s.reason, "test.sink");
  EXPECT_EQ(chunks, 1u);
}

TEST_F(ExportTest, TemplatesAreEmptyImportFiles) {
  for (Kind kind : {Kind::kRegions, Kind::kBuildings, Kind::kHouseholds, Kind::kPeople,
                    Kind::kDepartments}) {
    for (Format format : {Format::kCsv, Format::kXlsx}) {
      std::string path = Dir() + "/t." + (format == Format::kCsv ? "csv" : "xlsx");
      ASSERT_TRUE(registers::WriteTemplate(kind, format, path).ok());
      std::string bytes = ReadAll(path);
      Table t = ReadBack(bytes);
      ASSERT_EQ(t.size(), 1u);
      EXPECT_EQ(t[0].size(), registers::Columns(kind).size());
      EXPECT_EQ(t[0][0], registers::Columns(kind)[0].zh);
      auto r = Import(kind, bytes, true);
      EXPECT_TRUE(r.status.ok()) << Errors(r);
      EXPECT_EQ(r.rows, 0u);
    }
  }
}

}  // namespace
}  // namespace weige::testing
