#include "tools/demo/demo_samples.h"

#include <cstdio>

#include "core/registers/export.h"
#include "tools/demo/demo_names.h"
#include "tools/demo/demo_util.h"

namespace weige::demo {

namespace {

using registers::FileRecord;
using registers::Format;
using registers::Kind;

constexpr char kMicrogrid[] = "s1c1g1m1";  // the demo's first micro-grid
constexpr char kCompound[] = "示例新苑";     // a compound the demo does not have
constexpr int kUnits = 2, kFloors = 6;

std::string BuildingId(int k) { return std::string("b-") + kMicrogrid + "-x" + std::to_string(k); }

std::vector<FileRecord> Buildings() {
  std::vector<FileRecord> out;
  for (int k = 1; k <= 2; ++k) {
    const std::string name = std::string(kCompound) + std::to_string(k) + "号楼";
    out.push_back({{"id", BuildingId(k)},
                   {"microgrid_id", kMicrogrid},
                   {"name", name},
                   {"address", "北京市通州区" + StreetName(0) + name},
                   {"units", std::to_string(kUnits)},
                   {"floors", std::to_string(kFloors)}});
  }
  return out;
}

// One household a floor and unit; one in six rented, some rented to
// floating population, as the seed's 出租房屋及流动人口 registers carry.
std::vector<FileRecord> Households(int k, Rng& rng) {
  std::vector<FileRecord> out;
  for (int u = 1; u <= kUnits; ++u) {
    for (int f = 1; f <= kFloors; ++f) {
      const std::string room = std::to_string(f * 100 + 1);
      const bool rental = rng.Chance(1.0 / 6);
      const bool floating = rental && rng.Chance(0.5);
      std::string tags;
      if (rng.Chance(0.06)) tags = "党员";
      out.push_back({{"id", "h-" + std::string(kMicrogrid) + "-x" + std::to_string(k) + "-" +
                                std::to_string(u) + "-" + room},
                     {"building_id", BuildingId(k)},
                     {"unit", std::to_string(u) + "单元"},
                     {"floor", std::to_string(f)},
                     {"room", room},
                     {"head_name", PersonName(rng)},
                     {"members", std::to_string(rng.Range(1, 5))},
                     {"phone", PhoneNumber(rng)},
                     {"rental", rental ? "是" : "否"},
                     {"floating", floating ? "是" : "否"},
                     {"tags", tags}});
    }
  }
  return out;
}

std::vector<FileRecord> Captains(Rng& rng) {
  std::vector<FileRecord> out;
  for (int k = 1; k <= 2; ++k) {
    out.push_back({{"id", "p-c-" + std::string(kMicrogrid) + "-x" + std::to_string(k)},
                   {"name", PersonName(rng)},
                   {"phone", PhoneNumber(rng)},
                   {"roles", "楼栋长"},
                   {"scopes", BuildingId(k)}});
  }
  return out;
}

// Two departments an item can be escalated to (the demo has its own).
std::vector<FileRecord> Departments() {
  return {{{"id", "dept-x-property"}, {"name", std::string(kCompound) + "物业服务中心"}, {"kind", "物业"}},
          {{"id", "dept-x-gas"}, {"name", "区燃气供应站"}, {"kind", "公用事业"}}};
}

constexpr char kReadme[] =
    "微格演示:导入示例文件 (Weige demo: sample import files)\n"
    "\n"
    "这些文件在演示区第一个微网格 (s1c1g1m1) 新增两栋楼、楼内住户和各楼的楼栋长,\n"
    "并新增两个可接收上报事项的职能部门。\n"
    "请以管理员 (p-admin) 登录,在「导入导出 → 导入台账」中按编号顺序导入:先「试导入」,\n"
    "核对无误后再「导入有效行」。再次导入同一文件不会改变任何数据。\n"
    "These files add two buildings to the demo's first micro-grid (s1c1g1m1),\n"
    "their households and a building captain for each, and two departments items\n"
    "can be escalated to. Sign in as the\n"
    "administrator (p-admin) and import them under Import/export > Import a register,\n"
    "in the order of their numbers: a dry run first, then apply the valid rows. Importing a file again changes nothing.\n"
    "\n"
    "命令行 Command line:\n"
    "  weige import --db build/demo-server.db --actor p-admin --kind buildings 1-楼栋-buildings.xlsx\n"
    "\n"
    "  1-楼栋-buildings.xlsx            楼栋 buildings (XLSX)\n"
    "  2-住户-households-1号楼-GB18030.csv 1号楼住户 households (CSV, GB18030)\n"
    "  2-住户-households-2号楼.xlsx      2号楼住户 households (XLSX)\n"
    "  3-人员-people-GB18030.csv         楼栋长 building captains (CSV, GB18030)\n"
    "  4-职能部门-departments.xlsx       职能部门 departments (XLSX)\n";

}  // namespace

Status WriteSamples(const std::string& dir, std::vector<SampleFile>* files) {
  Rng rng(20261202, "samples");
  struct Plan {
    const char* name;
    Kind kind;
    const char* kind_name;
    Format format;
    bool gb18030;
    std::vector<FileRecord> rows;
  };
  std::vector<FileRecord> h1 = Households(1, rng);
  std::vector<FileRecord> h2 = Households(2, rng);
  Plan plans[] = {
      {"1-楼栋-buildings.xlsx", Kind::kBuildings, "buildings", Format::kXlsx, false, Buildings()},
      {"2-住户-households-1号楼-GB18030.csv", Kind::kHouseholds, "households", Format::kCsv, true, h1},
      {"2-住户-households-2号楼.xlsx", Kind::kHouseholds, "households", Format::kXlsx, false, h2},
      {"3-人员-people-GB18030.csv", Kind::kPeople, "people", Format::kCsv, true, Captains(rng)},
      {"4-职能部门-departments.xlsx", Kind::kDepartments, "departments", Format::kXlsx, false,
       Departments()},
  };
  files->clear();
  for (const Plan& p : plans) {
    WEIGE_RETURN_IF_ERROR(
        registers::WriteRegisterFile(p.kind, p.format, dir + "/" + p.name, p.rows, p.gb18030));
    files->push_back({p.name, p.kind_name, static_cast<int>(p.rows.size())});
  }
  const std::string readme = dir + "/说明-README.txt";
  FILE* f = std::fopen(readme.c_str(), "wb");
  if (f == nullptr) return Internal("samples.write", "cannot write " + readme);
  const bool ok = std::fputs(kReadme, f) >= 0;
  if (std::fclose(f) != 0 || !ok) return Internal("samples.write", "cannot write " + readme);
  return Status::Ok();
}

}  // namespace weige::demo
