#include "core/registers/register_kinds.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "core/domain/json_reader.h"
#include "core/domain/text.h"

namespace weige::registers {

namespace {

const std::vector<Column> kRegionColumns = {
    {"id", "区域编号", {"id", "region_id"}},
    {"parent_id", "上级区域", {"parent", "parent_id"}},
    {"level", "层级", {"level"}},
    {"name", "名称", {"name"}},
    {"code", "区划代码", {"code", "代码"}},
};
const std::vector<Column> kBuildingColumns = {
    {"id", "楼栋编号", {"id", "building_id"}},
    {"microgrid_id", "微网格", {"microgrid", "microgrid_id"}},
    {"name", "名称", {"name"}},
    {"address", "地址", {"address"}},
    {"units", "单元数", {"units"}, true},
    {"floors", "层数", {"floors"}, true},
    // WGS-84 degrees, both or neither (building.upsert checks the pair).
    {"lat", "纬度", {"lat", "latitude"}, true, true},
    {"lng", "经度", {"lng", "lon", "longitude"}, true, true},
};
const std::vector<Column> kHouseholdColumns = {
    {"id", "户编号", {"id", "household_id"}},
    {"building_id", "楼栋", {"building", "building_id", "楼栋编号"}},
    {"unit", "单元", {"unit"}},
    {"floor", "楼层", {"floor"}, true},
    {"room", "门牌号", {"room", "房号"}},
    {"head_name", "户主", {"head", "head_name", "户主姓名"}},
    {"members", "人数", {"members", "户内人数"}, true},
    {"phone", "电话", {"phone", "联系电话"}},
    {"rental", "出租", {"rental", "出租房屋"}},
    {"floating", "流动人口", {"floating", "floating_population"}},
    {"tags", "标签", {"tags"}},
};
const std::vector<Column> kPeopleColumns = {
    {"id", "人员编号", {"id", "person_id"}},
    {"name", "姓名", {"name"}},
    {"phone", "电话", {"phone", "联系电话"}},
    {"roles", "角色", {"roles", "role"}},
    {"scopes", "范围", {"scopes", "scope", "scope_id"}},
};

const std::vector<Column> kDepartmentColumns = {
    {"id", "部门编号", {"id", "department_id"}},
    {"name", "名称", {"name", "部门名称"}},
    {"kind", "类别", {"kind", "type", "部门类别"}},
};

// The tags the household flags stand for (the demo's and the seed's words).
constexpr char kRentalTag[] = "出租房";
constexpr char kFloatingTag[] = "流动人口";

struct Label {
  const char* key;
  const char* zh;
  std::vector<const char*> more;
};
const std::vector<Label> kLevels = {
    {"district", "区", {"区县", "区/县"}},
    {"street", "街道", {"乡镇", "街道/乡镇"}},
    {"community", "社区", {"村", "村/社区"}},
    {"grid", "网格", {}},
    {"microgrid", "微网格", {}},
};
// department.upsert's kinds.
const std::vector<Label> kDepartmentKinds = {
    {"property", "物业", {"物业公司", "物业服务企业"}},
    {"bureau", "职能部门", {"部门", "政府部门"}},
    {"utility", "公用事业", {"公共事业", "水电气"}},
    {"other", "其他", {"其它"}},
};
const std::vector<Label> kRoles = {
    {"worker", "网格员", {}},      {"grid_head", "网格长", {}},   {"captain", "楼栋长", {}},
    {"resident", "居民", {}},      {"department", "职能部门", {"部门"}},
    {"admin", "管理员", {}},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The key of a label (zh, English key, or another accepted word).
std::optional<std::string> ParseLabel(const std::vector<Label>& labels, std::string_view v) {
  std::string l = Lower(v);
  for (const Label& x : labels) {
    if (l == x.key || v == x.zh) return std::string(x.key);
    for (const char* m : x.more) {
      if (v == m) return std::string(x.key);
    }
  }
  return std::nullopt;
}

const char* LabelZh(const std::vector<Label>& labels, const std::string& key) {
  for (const Label& x : labels) {
    if (key == x.key) return x.zh;
  }
  return nullptr;
}

std::optional<bool> ParseFlag(std::string_view v) {
  std::string l = Lower(v);
  if (v.empty() || v == "否" || l == "n" || l == "no" || l == "false" || l == "0") return false;
  if (v == "是" || l == "y" || l == "yes" || l == "true" || l == "1") return true;
  return std::nullopt;
}

// An integer cell ("3", or "3.0" as spreadsheets write it).
std::optional<int64_t> ParseInt(std::string_view v) {
  std::string s(v);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || errno != 0) return std::nullopt;
  if (*end == '.') {
    for (++end; *end == '0'; ++end) {
    }
  }
  if (*end != '\0') return std::nullopt;
  return n;
}

// A decimal number of degrees ("39.9050", "-0.5"); no exponent, no "°".
std::optional<double> ParseDegrees(std::string_view v) {
  std::string s(v);
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digits = false, dot = false;
  for (size_t k = i; k < s.size(); ++k) {
    if (s[k] >= '0' && s[k] <= '9') {
      digits = true;
    } else if (s[k] == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digits || s.size() > 24) return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

struct ZhReason {
  const char* reason;
  const char* zh;
};
const ZhReason kZh[] = {
    {"argument.missing", "必填项为空"},
    {"argument.empty", "不能为空"},
    {"argument.too_long", "内容过长"},
    {"argument.wrong_type", "格式不正确"},
    {"argument.invalid_id", "编号只能由字母、数字和 _ . : - 组成,最长 64 位"},
    {"argument.invalid_value", "取值不在允许范围内"},
    {"argument.out_of_range", "数值超出允许范围"},
    {"argument.too_many", "项目过多"},
    {"argument.control_character", "不能含有控制字符或换行"},
    {"region.bad_parent", "上级区域的层级不对"},
    {"region.moved", "已有区域的上级和层级不能修改"},
    {"region.reserved_id", "编号 * 是保留字"},
    {"region.not_found", "上级区域不存在(可放在同一文件中靠前的行里)"},
    {"microgrid.not_found", "微网格不存在"},
    {"building.not_found", "楼栋不存在"},
    {"household.not_found", "住户不存在"},
    {"department.not_found", "职能部门不存在"},
    {"person.not_found", "人员不存在"},
    {"permission.denied", "无权操作:超出您的管理范围"},
    {"actor.unknown", "导入人不存在"},
    {"import.duplicate_id", "编号在文件中重复"},
    {"import.bad_number", "应为整数"},
    {"import.bad_level", "层级应为 区/街道/社区/网格/微网格"},
    {"import.bad_department_kind", "类别应为 物业/职能部门/公用事业/其他"},
    {"import.bad_flag", "应填 是 或 否"},
    {"import.bad_role", "角色无法识别(网格员/网格长/楼栋长/居民/职能部门/管理员)"},
    {"import.roles_mismatch", "角色与范围的个数不一致"},
};

Status CellError(const char* reason, const std::string& english) {
  return InvalidArgument(reason, english);
}

std::string Cell(const std::vector<std::string>& cells, size_t i) {
  return i < cells.size() ? Unneutralise(cells[i]) : std::string();
}

Json Command(const std::string& id, const char* type, const std::string& actor, int64_t at,
             Json payload) {
  return {{"id", id}, {"type", type}, {"actor", actor}, {"at", at}, {"payload", std::move(payload)}};
}

}  // namespace

std::optional<Kind> ParseKind(std::string_view name) {
  if (name == "regions") return Kind::kRegions;
  if (name == "buildings") return Kind::kBuildings;
  if (name == "households") return Kind::kHouseholds;
  if (name == "people") return Kind::kPeople;
  if (name == "departments") return Kind::kDepartments;
  return std::nullopt;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kRegions: return "regions";
    case Kind::kBuildings: return "buildings";
    case Kind::kHouseholds: return "households";
    case Kind::kPeople: return "people";
    case Kind::kDepartments: return "departments";
  }
  return "";
}

store::RowSet RowSetOf(Kind kind) {
  switch (kind) {
    case Kind::kRegions: return store::RowSet::kRegions;
    case Kind::kBuildings: return store::RowSet::kBuildings;
    case Kind::kHouseholds: return store::RowSet::kHouseholds;
    case Kind::kPeople: return store::RowSet::kPeople;
    case Kind::kDepartments: return store::RowSet::kDepartments;
  }
  return store::RowSet::kRegions;
}

const std::vector<Column>& Columns(Kind kind) {
  switch (kind) {
    case Kind::kRegions: return kRegionColumns;
    case Kind::kBuildings: return kBuildingColumns;
    case Kind::kHouseholds: return kHouseholdColumns;
    case Kind::kPeople: return kPeopleColumns;
    case Kind::kDepartments: return kDepartmentColumns;
  }
  return kRegionColumns;
}

const Column* ColumnOf(Kind kind, std::string_view key) {
  for (const Column& c : Columns(kind)) {
    if (key == c.key) return &c;
  }
  return nullptr;
}

std::string ErrorColumn(Kind kind, const Status& error, size_t command_index) {
  if (kind == Kind::kPeople && command_index > 0) {
    const std::string& r = error.reason;
    bool scope = r.size() > 10 && r.compare(r.size() - 10, 10, ".not_found") == 0;
    return ColumnOf(kind, scope ? "scopes" : "roles")->zh;
  }
  // FieldReader messages start with the field's path: "payload.phone ...".
  size_t at = error.message.find("payload.");
  if (at != std::string::npos) {
    size_t start = at + 8, end = start;
    while (end < error.message.size() && error.message[end] != ' ' && error.message[end] != '.' &&
           error.message[end] != '[') {
      ++end;
    }
    const Column* c = ColumnOf(kind, error.message.substr(start, end - start));
    if (c != nullptr) return c->zh;
  }
  const std::string& r = error.reason;
  bool parent = r.size() > 10 && r.compare(r.size() - 10, 10, ".not_found") == 0;
  parent = parent || r == "region.bad_parent" || r == "region.moved";
  if (parent) {
    switch (kind) {
      case Kind::kRegions: return ColumnOf(kind, "parent_id")->zh;
      case Kind::kBuildings: return ColumnOf(kind, "microgrid_id")->zh;
      case Kind::kHouseholds: return ColumnOf(kind, "building_id")->zh;
      case Kind::kPeople: return ColumnOf(kind, "scopes")->zh;
      case Kind::kDepartments: return "";
    }
  }
  return "";
}

std::string ErrorMessage(const Status& error) {
  for (const ZhReason& z : kZh) {
    if (error.reason == z.reason) return std::string(z.zh) + " (" + error.message + ")";
  }
  return "该行被拒绝 (" + error.message + ")";
}

bool NeedsQuote(std::string_view cell) {
  size_t i = 0;
  while (i < cell.size() && cell[i] == '\'') ++i;  // "'=x" must stay "'=x" after a round trip
  return i < cell.size() && std::strchr("=+-@\t\r", cell[i]) != nullptr;
}

std::string Unneutralise(std::string_view cell) {
  if (!cell.empty() && cell[0] == '\'' && NeedsQuote(cell.substr(1))) cell.remove_prefix(1);
  return std::string(cell);
}

std::vector<std::string> SplitList(std::string_view cell) {
  static const char* const kSeps[] = {"、", "；", ";", "，", ",", "\n", "|"};
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (i < cell.size()) {
    size_t sep = 0;
    for (const char* s : kSeps) {
      size_t n = std::strlen(s);
      if (cell.compare(i, n, s) == 0) {
        sep = n;
        break;
      }
    }
    if (sep == 0) {
      cur += cell[i++];
      continue;
    }
    i += sep;
    std::string_view t = TrimSpace(cur);
    if (!t.empty()) out.emplace_back(t);
    cur.clear();
  }
  std::string_view t = TrimSpace(cur);
  if (!t.empty()) out.emplace_back(t);
  return out;
}

RowCommands ToCommands(Kind kind, const std::vector<std::string>& cells,
                       const std::vector<std::pair<std::string, std::string>>& grants,
                       const std::string& actor, int64_t at, const std::string& id_prefix) {
  RowCommands out;
  const std::vector<Column>& cols = Columns(kind);
  Json p = Json::object();
  auto fail = [&](const char* key, const char* reason, const std::string& english) {
    out.error = CellError(reason, english);
    out.column = ColumnOf(kind, key)->zh;
  };
  // Plain text fields go in as given (empty: absent); numbers are parsed.
  for (size_t i = 0; i < cols.size() && out.error.ok(); ++i) {
    const Column& c = cols[i];
    std::string v = Cell(cells, i);
    if (v.empty()) continue;
    std::string key = c.key;
    if (key == "lat" || key == "lng") {
      auto d = ParseDegrees(v);
      if (!d) {
        fail(c.key, "import.bad_number", key + " must be a number of degrees");
        break;
      }
      p[key] = *d;
    } else if (c.number) {
      auto n = ParseInt(v);
      if (!n) {
        fail(c.key, "import.bad_number", key + " must be an integer");
        break;
      }
      p[key] = *n;
    } else if (key == "level") {
      auto l = ParseLabel(kLevels, v);
      if (!l) {
        fail(c.key, "import.bad_level", "unknown level " + v);
        break;
      }
      p[key] = *l;
    } else if (kind == Kind::kDepartments && key == "kind") {
      auto k = ParseLabel(kDepartmentKinds, v);
      if (!k) {
        fail(c.key, "import.bad_department_kind", "unknown department kind " + v);
        break;
      }
      p[key] = *k;
    } else if (key != "rental" && key != "floating" && key != "tags" && key != "roles" &&
               key != "scopes") {
      p[key] = v;
    }
  }
  if (!out.error.ok()) return out;
  const std::string id = p.value("id", "");
  switch (kind) {
    case Kind::kRegions:
      out.commands.push_back(Command(id_prefix + ".0", "region.upsert", actor, at, p));
      break;
    case Kind::kBuildings:
      out.commands.push_back(Command(id_prefix + ".0", "building.upsert", actor, at, p));
      break;
    case Kind::kDepartments:
      out.commands.push_back(Command(id_prefix + ".0", "department.upsert", actor, at, p));
      break;
    case Kind::kHouseholds: {
      std::vector<std::string> tags = SplitList(Cell(cells, 10));
      for (auto [key, tag] : {std::pair{"rental", kRentalTag}, {"floating", kFloatingTag}}) {
        size_t i = key == std::string("rental") ? 8 : 9;
        auto flag = ParseFlag(Cell(cells, i));
        if (!flag) {
          fail(key, "import.bad_flag", std::string(key) + " must be 是 or 否");
          return out;
        }
        bool has = std::find(tags.begin(), tags.end(), tag) != tags.end();
        if (*flag && !has) tags.push_back(tag);
        if (!*flag && !Cell(cells, i).empty()) tags.erase(std::remove(tags.begin(), tags.end(), tag), tags.end());
      }
      if (!tags.empty()) p["tags"] = tags;
      out.commands.push_back(Command(id_prefix + ".0", "household.upsert", actor, at, p));
      break;
    }
    case Kind::kPeople: {
      out.commands.push_back(Command(id_prefix + ".0", "person.upsert", actor, at, p));
      std::vector<std::string> roles = SplitList(Cell(cells, 3));
      std::vector<std::string> scopes = SplitList(Cell(cells, 4));
      if (roles.empty() && scopes.empty()) break;  // grants left as they are
      if (roles.size() != scopes.size()) {
        fail("scopes", "import.roles_mismatch", "roles and scopes differ in number");
        return out;
      }
      std::vector<std::pair<std::string, std::string>> want;
      for (size_t i = 0; i < roles.size(); ++i) {
        auto r = ParseLabel(kRoles, roles[i]);
        if (!r) {
          fail("roles", "import.bad_role", "unknown role " + roles[i]);
          return out;
        }
        want.emplace_back(*r, scopes[i]);
      }
      int n = 1;
      auto change = [&](const char* type, const std::pair<std::string, std::string>& g) {
        out.commands.push_back(Command(id_prefix + "." + std::to_string(n++), type, actor, at,
                                       {{"person_id", id}, {"role", g.first}, {"scope_id", g.second}}));
      };
      for (const auto& g : want) {
        if (std::find(grants.begin(), grants.end(), g) == grants.end()) change("role.grant", g);
      }
      // An import never takes the importing administrator's own grants away
      // (a file could otherwise lock its importer out).
      for (const auto& g : grants) {
        if (id != actor && std::find(want.begin(), want.end(), g) == want.end()) {
          change("role.revoke", g);
        }
      }
      break;
    }
  }
  return out;
}

std::vector<FileCell> ToFileRow(Kind kind, const store::Row& row) {
  std::vector<FileCell> out;
  auto text = [&](size_t i) { return i < row.size() && !row[i].null ? row[i].text : std::string(); };
  auto plain = [&](size_t i) {
    out.push_back(FileCell{text(i), i < row.size() && row[i].number && !row[i].null});
  };
  switch (kind) {
    case Kind::kRegions: {
      plain(0);
      plain(1);
      const char* zh = LabelZh(kLevels, text(2));
      out.push_back(FileCell{zh ? zh : text(2), false});
      plain(3);
      plain(4);
      break;
    }
    case Kind::kBuildings:
      for (size_t i = 0; i < 6; ++i) plain(i);
      break;
    case Kind::kHouseholds: {
      for (size_t i = 0; i < 8; ++i) plain(i);
      Json tags;
      if (!ParseJson(text(8).empty() ? "null" : text(8), 1 << 16, &tags).ok()) tags = nullptr;
      std::string joined;
      bool rental = false, floating = false;
      if (tags.is_array()) {
        for (const Json& t : tags) {
          if (!t.is_string()) continue;
          const std::string& s = t.get_ref<const std::string&>();
          rental = rental || s == kRentalTag;
          floating = floating || s == kFloatingTag;
          if (!joined.empty()) joined += "、";
          joined += s;
        }
      }
      out.push_back(FileCell{rental ? "是" : "否", false});
      out.push_back(FileCell{floating ? "是" : "否", false});
      out.push_back(FileCell{joined, false});
      break;
    }
    case Kind::kPeople: {
      plain(0);
      plain(1);
      plain(2);
      std::string roles, scopes;
      std::string grants = text(3);
      size_t start = 0;
      while (start < grants.size()) {
        size_t end = grants.find('\n', start);
        if (end == std::string::npos) end = grants.size();
        std::string g = grants.substr(start, end - start);
        size_t sp = g.find(' ');
        if (sp != std::string::npos) {
          const char* zh = LabelZh(kRoles, g.substr(0, sp));
          if (!roles.empty()) {
            roles += "；";
            scopes += "；";
          }
          roles += zh ? zh : g.substr(0, sp);
          scopes += g.substr(sp + 1);
        }
        start = end + 1;
      }
      out.push_back(FileCell{roles, false});
      out.push_back(FileCell{scopes, false});
      break;
    }
    case Kind::kDepartments: {
      plain(0);
      plain(1);
      const char* zh = LabelZh(kDepartmentKinds, text(2));
      out.push_back(FileCell{zh ? zh : text(2), false});
      break;
    }
  }
  return out;
}

}  // namespace weige::registers
