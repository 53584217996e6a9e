// Register import through the core's commands: encodings and formats, the
// dry run, idempotence, corrections by id, parents in the same file,
// scoped administrators, and the all-or-nothing default.
#include "tests/core/registers/registers_support.h"

namespace weige::testing {
namespace {

using registers::Kind;

const std::vector<std::string> kHouseholdHeader = {"户编号", "楼栋", "单元", "楼层", "门牌号", "户主",
                                                   "人数",   "电话", "出租", "流动人口", "标签"};

Table Households() {
  return {kHouseholdHeader,
          {"n1", "b1", "2单元", "3", "301", "张伟", "3", "13800000001", "是", "否", ""},
          {"n2", "b1", "2单元", "3", "302", "李娜", "2", "13800000002", "否", "是", "独居老人"},
          {"n3", "b3", "1单元", "-1", "B01", "王芳", "", "", "", "", "党员、低保户"}};
}

class ImportTest : public RegistersTest {
 protected:
  int64_t Events() { return Count("SELECT COUNT(*) FROM events"); }
  // A stored row, read back through store::ForEachRow (columns as
  // register_rows.h lists them), within `region` ("" for the district).
  store::Row Stored(store::RowSet set, const std::string& id, const std::string& region = "") {
    store::RowFilter f;
    f.actor = "admin";
    f.region_id = region;
    store::Row found;
    Status s = store::ForEachRow(&store(), set, f, [&](const store::Row& r) {
      if (r[0].text == id) found = r;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message;
    if (found.empty()) ADD_FAILURE() << "no row " << id;
    return found;
  }
  std::string Household(const std::string& id, size_t column) {
    store::Row r = Stored(store::RowSet::kHouseholds, id);
    return r.empty() ? "<none>" : r[column].text;
  }
};

TEST_F(ImportTest, HouseholdsCsvApplyThenReimportChangesNothing) {
  std::string csv = Csv(Households());
  int64_t events = Events();
  auto r = Import(Kind::kHouseholds, csv);
  ASSERT_TRUE(r.status.ok()) << Errors(r);
  EXPECT_EQ(r.rows, 3u);
  EXPECT_EQ(r.refused, 0u) << Errors(r);
  EXPECT_EQ(r.changed, 3u);
  EXPECT_TRUE(r.applied);
  EXPECT_EQ(r.encoding, "utf-8");
  EXPECT_EQ(Events(), events + 3);  // one household.upserted each, as by hand
  EXPECT_EQ(Household("n1", 8), "[\"出租房\"]");
  EXPECT_EQ(Household("n2", 8), "[\"独居老人\",\"流动人口\"]");
  EXPECT_EQ(Household("n3", 8), "[\"党员\",\"低保户\"]");
  EXPECT_EQ(Household("n3", 3), "-1");
  EXPECT_EQ(Stored(store::RowSet::kHouseholds, "n3", "mg2")[1].text, "b3");  // placed in mg2

  std::string before = Digest();
  auto again = Import(Kind::kHouseholds, csv);
  ASSERT_TRUE(again.status.ok()) << Errors(again);
  EXPECT_EQ(again.unchanged, 3u);
  EXPECT_EQ(again.changed, 0u);
  EXPECT_FALSE(again.applied);
  EXPECT_EQ(Digest(), before);  // no event, no outbox row, nothing
}

TEST_F(ImportTest, CorrectedFileUpdatesByIdWithoutDuplicating) {
  ASSERT_TRUE(Import(Kind::kHouseholds, Csv(Households())).status.ok());
  int64_t households = Count("SELECT COUNT(*) FROM households");
  int64_t events = Events();
  Table fixed = Households();
  fixed[2][5] = "李娜娜";  // n2's head corrected
  auto r = Import(Kind::kHouseholds, Csv(fixed));
  ASSERT_TRUE(r.status.ok()) << Errors(r);
  EXPECT_EQ(r.changed, 1u);
  EXPECT_EQ(r.unchanged, 2u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households"), households);
  EXPECT_EQ(Events(), events + 1);
  EXPECT_EQ(Household("n2", 5), "李娜娜");
}

TEST_F(ImportTest, Gb18030AndBomAndXlsxReadTheSame) {
  const std::string utf8 = Csv(Households());
  struct Case {
    const char* name;
    std::string bytes;
    const char* format;
    const char* encoding;
  };
  const Case cases[] = {
      {"gb18030", ToGb18030(utf8), "csv", "gb18030"},
      {"utf-8 bom", "\xEF\xBB\xBF" + utf8, "csv", "utf-8"},
      {"xlsx shared strings", Xlsx(Households(), false), "xlsx", ""},
      {"xlsx inline strings", Xlsx(Households(), true), "xlsx", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string digest = Digest();
    auto dry = Import(Kind::kHouseholds, c.bytes, /*dry_run=*/true);
    ASSERT_TRUE(dry.status.ok()) << Errors(dry);
    EXPECT_EQ(dry.format, c.format);
    EXPECT_EQ(dry.encoding, c.encoding);
    EXPECT_EQ(dry.rows, 3u);
    EXPECT_EQ(dry.refused, 0u) << Errors(dry);
    EXPECT_EQ(Digest(), digest);
  }
  // The GB18030 file's Chinese arrives intact.
  ASSERT_TRUE(Import(Kind::kHouseholds, ToGb18030(utf8)).applied);
  EXPECT_EQ(Household("n2", 5), "李娜");
  EXPECT_EQ(Household("n1", 2), "2单元");
  // The same rows from XLSX change nothing (numbers read back as integers).
  std::string digest = Digest();
  auto x = Import(Kind::kHouseholds, Xlsx(Households(), false));
  EXPECT_EQ(x.unchanged, 3u) << Errors(x);
  EXPECT_EQ(Digest(), digest);
}

TEST_F(ImportTest, DryRunListsEveryErrorAndWritesNothing) {
  Table t = Households();
  t[1][1] = "b-nowhere";   // unknown building
  t[2][3] = "三楼";         // not a number
  t[3][8] = "也许";         // not a flag
  t.push_back({"n1", "b1", "", "", "", "", "", "", "", "", ""});  // duplicate id
  t.push_back({"bad id!", "b1", "", "", "", "", "", "", "", "", ""});
  std::string digest = Digest();
  auto r = Import(Kind::kHouseholds, Csv(t), /*dry_run=*/true);
  ASSERT_TRUE(r.status.ok()) << Errors(r);
  ASSERT_EQ(r.errors.size(), 5u) << Errors(r);
  EXPECT_EQ(r.refused, 5u);
  struct Want {
    size_t row;
    const char* column;
    const char* reason;
  };
  const Want want[] = {{2, "楼栋", "building.not_found"},
                       {3, "楼层", "import.bad_number"},
                       {4, "出租", "import.bad_flag"},
                       {5, "户编号", "import.duplicate_id"},
                       {6, "户编号", "argument.invalid_id"}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.errors[i].row, want[i].row);
    EXPECT_EQ(r.errors[i].column, want[i].column) << r.errors[i].message;
    EXPECT_EQ(r.errors[i].reason, want[i].reason) << r.errors[i].message;
    EXPECT_FALSE(r.errors[i].message.empty());
  }
  EXPECT_NE(r.errors[0].message.find("楼栋不存在"), std::string::npos) << r.errors[0].message;
  EXPECT_EQ(Digest(), digest);
  // The downloadable errors file is a CSV with the same rows.
  Table back = ReadBack(r.ErrorsCsv());
  ASSERT_EQ(back.size(), 6u);
  EXPECT_EQ(back[0][0], "行号");
  EXPECT_EQ(back[1][2], "building.not_found");
}

TEST_F(ImportTest, OneRefusedRowWritesNothingUnlessApplyValid) {
  Table t = Households();
  t[1][1] = "b-nowhere";
  std::string digest = Digest();
  auto strict = Import(Kind::kHouseholds, Csv(t));
  ASSERT_TRUE(strict.status.ok());
  EXPECT_EQ(strict.refused, 1u);
  EXPECT_FALSE(strict.applied);
  EXPECT_EQ(Digest(), digest);

  registers::ImportOptions o;
  o.apply_valid = true;
  auto partial = Import(Kind::kHouseholds, Csv(t), false, "admin", o);
  EXPECT_EQ(partial.refused, 1u);
  EXPECT_EQ(partial.changed, 2u);
  EXPECT_TRUE(partial.applied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM households WHERE id IN ('n1','n2','n3')"), 2);
}

TEST_F(ImportTest, RegionsMayNameParentsEarlierInTheFile) {
  Table t = {{"区域编号", "上级区域", "层级", "名称", "区划代码"},
             {"s9", "d1", "街道", "新街道", "110112009"},
             {"c9", "s9", "社区", "新社区", ""},
             {"g9", "c9", "grid", "新网格", ""},
             {"m9", "g9", "微网格", "新微网格", ""}};
  std::string digest = Digest();
  auto dry = Import(Kind::kRegions, Csv(t), true);
  EXPECT_EQ(dry.refused, 0u) << Errors(dry);
  EXPECT_EQ(dry.changed, 4u);
  EXPECT_EQ(Digest(), digest);
  registers::ImportOptions o;
  o.batch_rows = 1;  // every row its own transaction: parents committed first
  auto r = Import(Kind::kRegions, Csv(t), false, "admin", o);
  EXPECT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(Stored(store::RowSet::kRegions, "m9")[1].text, "g9");
  // A child before its parent is refused: the parent is not known yet.
  Table backwards = {t[0], {"m8", "g8", "微网格", "x", ""}, {"g8", "c9", "网格", "y", ""}};
  auto b = Import(Kind::kRegions, Csv(backwards), true);
  ASSERT_EQ(b.errors.size(), 1u) << Errors(b);
  EXPECT_EQ(b.errors[0].row, 2u);
  EXPECT_EQ(b.errors[0].column, "上级区域");
  EXPECT_EQ(b.errors[0].reason, "region.not_found");
}

TEST_F(ImportTest, BuildingCoordinatesAreBothOrNeitherAndInRange) {
  Table t = {{"楼栋编号", "微网格", "名称", "地址", "单元数", "层数", "纬度", "经度"},
             {"b30", "mg1", "30号楼", "", "", "", "39.9050000", "116.6560000"},
             {"b31", "mg1", "31号楼", "", "", "", "39.9", ""},
             {"b32", "mg1", "32号楼", "", "", "", "91", "116.6"},
             {"b33", "mg1", "33号楼", "", "", "", "39.9°", "116.6"},
             {"b34", "mg1", "34号楼", "", "", "", "", ""}};
  auto r = Import(Kind::kBuildings, Csv(t), true);
  ASSERT_EQ(r.errors.size(), 3u) << Errors(r);
  EXPECT_EQ(r.errors[0].row, 3u);
  EXPECT_EQ(r.errors[0].reason, "argument.missing");
  EXPECT_EQ(r.errors[0].column, "经度");
  EXPECT_EQ(r.errors[1].row, 4u);
  EXPECT_EQ(r.errors[1].reason, "argument.out_of_range");
  EXPECT_EQ(r.errors[1].column, "纬度");
  EXPECT_EQ(r.errors[2].row, 5u);
  EXPECT_EQ(r.errors[2].reason, "import.bad_number");
  auto ok = Import(Kind::kBuildings, Csv({t[0], t[1], t[5]}), false);
  ASSERT_TRUE(ok.applied) << Errors(ok);
  auto row = Stored(store::RowSet::kBuildings, "b30");
  ASSERT_EQ(row.size(), 8u);
  EXPECT_EQ(row[6].text, "39.905");
  EXPECT_EQ(row[7].text, "116.656");
  EXPECT_EQ(Stored(store::RowSet::kBuildings, "b34")[6].text, "");
  // A file without the two columns (an older template) keeps them.
  Table old = {{"楼栋编号", "微网格", "名称", "地址", "单元数", "层数"},
               {"b30", "mg1", "30号楼新名", "", "", ""}};
  auto o = Import(Kind::kBuildings, Csv(old), false);
  ASSERT_TRUE(o.applied) << Errors(o);
  EXPECT_EQ(Stored(store::RowSet::kBuildings, "b30")[6].text, "39.905");
  EXPECT_EQ(Stored(store::RowSet::kBuildings, "b30")[2].text, "30号楼新名");
}

TEST_F(ImportTest, ScopedAdminImportsOnlyInsideItsSubtree) {
  // radmin administers g2 (mg3 with b4); mg1 is outside.
  Table t = {{"楼栋编号", "微网格", "名称", "地址", "单元数", "层数"},
             {"b30", "mg3", "30号楼", "新华路30号", "2", "6"},
             {"b31", "mg1", "31号楼", "", "", ""}};
  std::string digest = Digest();
  auto r = Import(Kind::kBuildings, Csv(t), false, "radmin");
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].row, 3u);
  EXPECT_EQ(r.errors[0].reason, "permission.denied");
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(Digest(), digest);
  // Moving an existing building out of another's subtree is refused too.
  Table move = {t[0], {"b1", "mg3", "Building b1", "", "", ""}};
  auto m = Import(Kind::kBuildings, Csv(move), true, "radmin");
  ASSERT_EQ(m.errors.size(), 1u) << Errors(m);
  EXPECT_EQ(m.errors[0].reason, "permission.denied");
  // Inside: fine.
  auto ok = Import(Kind::kBuildings, Csv({t[0], t[1]}), false, "radmin");
  EXPECT_TRUE(ok.applied) << Errors(ok);
  // A worker is no administrator of people.
  Table people = {{"人员编号", "姓名", "电话", "角色", "范围"}, {"x1", "某人", "", "", ""}};
  auto w = Import(Kind::kPeople, Csv(people), true, "worker1");
  ASSERT_EQ(w.errors.size(), 1u);
  EXPECT_EQ(w.errors[0].reason, "permission.denied");
}

TEST_F(ImportTest, PeopleRowsGrantAndRevokeToMatchTheFile) {
  Table t = {{"人员编号", "姓名", "电话", "角色", "范围"},
             {"w9", "赵敏", "13900000009", "网格员；楼栋长", "mg1；b1"},
             {"w10", "钱进", "", "", ""}};
  auto r = Import(Kind::kPeople, Csv(t));
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(Stored(store::RowSet::kPeople, "w9")[3].text, "captain b1\nworker mg1");
  // The corrected file drops the captain role and moves the worker.
  t[1][3] = "worker";
  t[1][4] = "mg2";
  auto c = Import(Kind::kPeople, Csv(t));
  ASSERT_TRUE(c.applied) << Errors(c);
  EXPECT_EQ(c.changed, 1u);
  EXPECT_EQ(Stored(store::RowSet::kPeople, "w9")[3].text, "worker mg2");
  std::string digest = Digest();
  EXPECT_EQ(Import(Kind::kPeople, Csv(t)).unchanged, 2u);
  EXPECT_EQ(Digest(), digest);
  // The importer's own row adds a grant but takes none of its own away.
  Table self = {t[0], {"admin", "Admin", "", "网格员", "mg1"}};
  auto own = Import(Kind::kPeople, Csv(self));
  ASSERT_TRUE(own.applied) << Errors(own);
  EXPECT_EQ(Stored(store::RowSet::kPeople, "admin")[3].text, "admin *\nworker mg1");
  // A role that does not parse, and a scope that does not exist.
  t[1][3] = "队长";
  t[2][3] = "网格员";
  t[2][4] = "mg404";
  auto bad = Import(Kind::kPeople, Csv(t), true);
  ASSERT_EQ(bad.errors.size(), 2u) << Errors(bad);
  EXPECT_EQ(bad.errors[0].reason, "import.bad_role");
  EXPECT_EQ(bad.errors[1].reason, "microgrid.not_found");
  EXPECT_EQ(bad.errors[1].column, "范围");
}

TEST_F(ImportTest, DepartmentsByTheirChineseKindOnlyByTheDistrictsAdministrator) {
  Table t = {{"部门编号", "名称", "类别"},
             {"dept_gas", "区燃气供应站", "公用事业"},
             {"dept_pm", "某某物业", "property"},
             {"dept_x", "某某局", "不存在的类别"}};
  // A scoped administrator manages no department (they serve the district).
  std::string digest = Digest();
  auto scoped = Import(Kind::kDepartments, Csv({t[0], t[1]}), false, "radmin");
  ASSERT_EQ(scoped.errors.size(), 1u) << Errors(scoped);
  EXPECT_EQ(scoped.errors[0].reason, "permission.denied");
  EXPECT_EQ(Digest(), digest);
  auto bad = Import(Kind::kDepartments, Csv(t), true);
  ASSERT_EQ(bad.errors.size(), 1u) << Errors(bad);
  EXPECT_EQ(bad.errors[0].row, 4u);
  EXPECT_EQ(bad.errors[0].reason, "import.bad_department_kind");
  EXPECT_EQ(bad.errors[0].column, "类别");
  EXPECT_EQ(Digest(), digest);
  t.pop_back();
  auto r = Import(Kind::kDepartments, Csv(t));
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.changed, 2u);
  EXPECT_EQ(Stored(store::RowSet::kDepartments, "dept_gas")[2].text, "utility");
  EXPECT_EQ(Stored(store::RowSet::kDepartments, "dept_pm")[2].text, "property");
  // Renamed in a corrected file: updated by its id, not duplicated.
  t[1][1] = "区燃气公司";
  auto c = Import(Kind::kDepartments, Csv(t));
  EXPECT_EQ(c.changed, 1u) << Errors(c);
  EXPECT_EQ(c.unchanged, 1u);
  EXPECT_EQ(Stored(store::RowSet::kDepartments, "dept_gas")[1].text, "区燃气公司");
}

TEST_F(ImportTest, EnglishHeadersAndAnyColumnOrder) {
  Table t = {{"Name", "Microgrid", "ID", "units", "floors", "Address"},
             {"40号楼", "mg2", "b40", "3", "18", "通胡大街40号"}};
  auto r = Import(Kind::kBuildings, Csv(t));
  ASSERT_TRUE(r.applied) << Errors(r);
  store::Row b40 = Stored(store::RowSet::kBuildings, "b40");
  EXPECT_EQ(b40[2].text + "/" + b40[5].text, "40号楼/18");
}

TEST_F(ImportTest, ProgressIsReportedPerBatch) {
  Table t = {kHouseholdHeader};
  for (int i = 0; i < 25; ++i) {
    t.push_back({"p" + std::to_string(i), "b2", "", "", "", "", "", "", "", "", ""});
  }
  registers::ImportOptions o;
  o.batch_rows = 10;
  std::vector<std::string> seen;
  o.progress = [&](const registers::ImportProgress& p) {
    seen.push_back(std::string(p.phase) + " " + std::to_string(p.rows_done) + "/" +
                   std::to_string(p.rows_total));
  };
  auto r = Import(Kind::kHouseholds, Csv(t), false, "admin", o);
  ASSERT_TRUE(r.applied) << Errors(r);
  // All or nothing is one pass in one transaction.
  EXPECT_EQ(seen, (std::vector<std::string>{"apply 10/0", "apply 20/0", "apply 25/0"}));
  // The console's two calls: a dry run, then the valid rows applied.
  seen.clear();
  r = Import(Kind::kHouseholds, Csv(t), true, "admin", o);
  o.apply_valid = true;
  r = Import(Kind::kHouseholds, Csv(t), false, "admin", o);
  EXPECT_EQ(seen, (std::vector<std::string>{"check 10/0", "check 20/0", "check 25/0",
                                            "apply 10/25", "apply 20/25", "apply 25/25"}));
}

}  // namespace
}  // namespace weige::testing
