#include "core/registers/table_reader.h"

#include <csv.h>
#include <expat.h>
#include <iconv.h>
#include <zip.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "core/domain/text.h"

namespace weige::registers {

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n;
  }
  return true;
}

Status EncodingError() {
  return InvalidArgument("import.encoding",
                         "文件编码无法识别:请保存为 UTF-8 或 GB18030/GBK 编码的 CSV "
                         "(the file is neither UTF-8 nor GB18030/GBK)");
}

std::string_view Trim(std::string_view s) { return TrimSpace(s); }

}  // namespace

std::string CellRef(size_t column, size_t row) {
  std::string letters;
  size_t c = column + 1;
  while (c > 0) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    c = (c - 1) / 26;
  }
  return letters + std::to_string(row);
}

bool LooksLikeXlsx(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

bool Iconv(const char* to, const char* from, std::string_view in, size_t grow, std::string* out) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out->assign(in.size() * grow + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t in_left = in.size();
  char* dst = out->data();
  size_t out_left = out->size();
  size_t rc = iconv(cd, &src, &in_left, &dst, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) || in_left != 0) return false;
  out->resize(out->size() - out_left);
  return true;
}

Status DecodeText(std::string_view bytes, std::string* utf8, bool* was_gb18030) {
  if (was_gb18030 != nullptr) *was_gb18030 = false;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  // UTF-16 (Excel's "Unicode text") and binary files hold NUL bytes, which
  // neither UTF-8 text nor GB18030 text does.
  if (bytes.find('\0') != std::string_view::npos) return EncodingError();
  if (ValidUtf8(bytes)) {
    utf8->assign(bytes);
    return Status::Ok();
  }
  // GB18030 is at most 4 bytes per character and UTF-8 at most 4, while a
  // 2-byte GB character takes 3 bytes: twice the input always suffices.
  if (!Iconv("UTF-8", "GB18030", bytes, 2, utf8)) return EncodingError();
  if (was_gb18030 != nullptr) *was_gb18030 = true;
  return Status::Ok();
}

// --- CSV -------------------------------------------------------------------

namespace {

struct CsvState {
  const Limits* limits;
  const RowFn* on_row;
  std::string* error_cell;
  std::vector<std::string> cells;
  size_t row = 0;  // records seen
  Status status;
};

bool AllEmpty(const std::vector<std::string>& cells) {
  for (const std::string& c : cells) {
    if (!c.empty()) return false;
  }
  return true;
}

void CsvField(void* data, size_t len, void* user) {
  auto* st = static_cast<CsvState*>(user);
  if (!st->status.ok()) return;
  size_t col = st->cells.size();
  size_t row = st->row + 1;
  if (col >= st->limits->max_columns) {
    *st->error_cell = CellRef(col, row);
    st->status = InvalidArgument("import.too_many_columns",
                                 "列数超过上限 " + std::to_string(st->limits->max_columns) +
                                     " (more than " + std::to_string(st->limits->max_columns) +
                                     " columns)");
    return;
  }
  std::string_view v = Trim(std::string_view(static_cast<const char*>(data), len));
  if (v.size() > st->limits->max_cell_bytes) {
    *st->error_cell = CellRef(col, row);
    st->status = InvalidArgument("import.cell_too_long",
                                 "单元格 " + *st->error_cell + " 超过 " +
                                     std::to_string(st->limits->max_cell_bytes) + " 字节 (cell " +
                                     *st->error_cell + " is too long)");
    return;
  }
  // A CSV cell Excel would run as a formula. An exported cell neutralised
  // with a leading ' ("'=...") is data, not a formula.
  if (!v.empty() && v[0] == '=') {
    *st->error_cell = CellRef(col, row);
    st->status = InvalidArgument("import.formula", "单元格 " + *st->error_cell +
                                                       " 是公式,请改为数值后再导入 (cell " +
                                                       *st->error_cell + " holds a formula)");
    return;
  }
  st->cells.emplace_back(v);
}

void CsvRow(int, void* user) {
  auto* st = static_cast<CsvState*>(user);
  if (!st->status.ok()) return;
  ++st->row;
  if (st->row > st->limits->max_rows + 1) {
    st->status = InvalidArgument("import.too_many_rows",
                                 "行数超过上限 " + std::to_string(st->limits->max_rows) +
                                     " (more than " + std::to_string(st->limits->max_rows) +
                                     " rows)");
  } else if (!AllEmpty(st->cells)) {
    st->status = (*st->on_row)(st->row, st->cells);
  }
  st->cells.clear();
}

}  // namespace

Status ReadCsv(std::string_view bytes, const Limits& limits, const RowFn& on_row,
               std::string* error_cell, std::string* encoding) {
  if (bytes.size() > limits.max_file_bytes) {
    return InvalidArgument("import.too_large", "文件过大 (the file is over the size limit)");
  }
  std::string text;
  bool gb = false;
  WEIGE_RETURN_IF_ERROR(DecodeText(bytes, &text, &gb));
  if (encoding != nullptr) *encoding = gb ? "gb18030" : "utf-8";
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return Internal("import.csv", "cannot start the CSV parser");
  }
  CsvState st{&limits, &on_row, error_cell, {}, 0, Status::Ok()};
  constexpr size_t kChunk = 64 << 10;
  for (size_t at = 0; at < text.size() && st.status.ok(); at += kChunk) {
    size_t n = std::min(kChunk, text.size() - at);
    if (csv_parse(&parser, text.data() + at, n, CsvField, CsvRow, &st) != n) break;
  }
  if (st.status.ok() && csv_error(&parser) == CSV_SUCCESS) {
    csv_fini(&parser, CsvField, CsvRow, &st);
  }
  int err = csv_error(&parser);
  csv_free(&parser);
  WEIGE_RETURN_IF_ERROR(st.status);
  if (err != CSV_SUCCESS) {
    *error_cell = CellRef(st.cells.size(), st.row + 1);
    return InvalidArgument("import.csv_malformed",
                           "CSV 格式错误,第 " + std::to_string(st.row + 1) + " 行附近:" +
                               csv_strerror(err) + " (malformed CSV near row " +
                               std::to_string(st.row + 1) + ")");
  }
  return Status::Ok();
}

// --- XLSX ------------------------------------------------------------------

namespace {

Status XlsxInvalid(const std::string& what) {
  return InvalidArgument("import.xlsx_invalid",
                         "不是有效的 XLSX 文件:" + what + " (not a valid XLSX file: " + what + ")");
}

Status Bomb(const std::string& part) {
  return InvalidArgument("import.xlsx_bomb",
                         "XLSX 文件解压后过大,已拒绝 (part " + part +
                             " inflates beyond the size or ratio limit)");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// Inflates the part `name` a chunk at a time into `feed`, bounded.
// not_found (reason "import.xlsx_invalid") when the part is absent and
// `required`; ok with nothing fed when absent and not required.
Status ReadPart(zip_t* zip, const Limits& limits, const std::string& name, bool required,
                const std::function<Status(const char*, size_t, bool last)>& feed) {
  zip_int64_t index = zip_name_locate(zip, name.c_str(), 0);
  if (index < 0) return required ? XlsxInvalid("missing " + name) : Status::Ok();
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    return XlsxInvalid("unreadable " + name);
  }
  const uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  const uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  auto over = [&](uint64_t inflated) {
    if (inflated > limits.max_part_bytes) return true;
    return inflated > (uint64_t{1} << 20) && inflated / std::max<uint64_t>(comp, 1) > limits.max_ratio;
  };
  // The sizes a header states are checked first, then the bytes inflated
  // (a header may lie).
  if (over(size)) return Bomb(name);
  zip_file_t* f = zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0);
  if (f == nullptr) return XlsxInvalid("cannot open " + name);
  std::unique_ptr<char[]> buf(new char[64 << 10]);
  uint64_t total = 0;
  Status s;
  for (;;) {
    zip_int64_t n = zip_fread(f, buf.get(), 64 << 10);
    if (n < 0) {
      s = XlsxInvalid("corrupt " + name);
      break;
    }
    total += static_cast<uint64_t>(n);
    if (over(total) || total > size) {
      s = Bomb(name);
      break;
    }
    s = feed(buf.get(), static_cast<size_t>(n), n == 0);
    if (!s.ok() || n == 0) break;
  }
  zip_fclose(f);
  return s;
}

// The local part of an expat namespace-qualified name ("uri|local").
const char* Local(const char* name) {
  const char* bar = std::strrchr(name, '|');
  return bar ? bar + 1 : name;
}

const char* Attr(const char** atts, const char* local, const char* uri_suffix = nullptr) {
  for (size_t i = 0; atts[i] != nullptr; i += 2) {
    const char* name = atts[i];
    const char* bar = std::strrchr(name, '|');
    const char* l = bar ? bar + 1 : name;
    if (std::strcmp(l, local) != 0) continue;
    if (uri_suffix == nullptr) {
      if (bar == nullptr) return atts[i + 1];
      continue;
    }
    if (bar == nullptr) continue;
    std::string uri(name, static_cast<size_t>(bar - name));
    size_t n = std::strlen(uri_suffix);
    if (uri.size() >= n && uri.compare(uri.size() - n, n, uri_suffix) == 0) return atts[i + 1];
  }
  return nullptr;
}

// What every part's handlers share (each part's state derives from it): the
// parser, and the handlers' own error (set before they stop the parser).
struct PartState {
  XML_Parser parser = nullptr;
  Status status;
};

// No part of a workbook has a DTD; one that does is refused before any
// entity it declares is expanded ("billion laughs").
void RefuseDoctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* st = static_cast<PartState*>(user);
  if (st->status.ok()) st->status = XlsxInvalid("a part declares a DTD");
  XML_StopParser(st->parser, XML_FALSE);
}

// Parses the part `name` with a namespace-aware expat parser whose handlers
// `setup` installs (they get `state`).
Status ParsePart(zip_t* zip, const Limits& limits, const std::string& name, bool required,
                 PartState* state, const std::function<void(XML_Parser)>& setup) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreateNS(nullptr, '|'),
                                                                 XML_ParserFree);
  state->parser = parser.get();
  XML_SetUserData(parser.get(), state);
  XML_SetStartDoctypeDeclHandler(parser.get(), RefuseDoctype);
  setup(parser.get());
  return ReadPart(zip, limits, name, required, [&](const char* d, size_t n, bool last) {
    if (XML_Parse(parser.get(), d, static_cast<int>(n), last ? 1 : 0) == XML_STATUS_ERROR) {
      if (!state->status.ok()) return state->status;
      return XlsxInvalid(name + ": " + XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    return state->status;
  });
}

struct Workbook : PartState {
  std::string first_sheet_rid;
};

void WorkbookStart(void* user, const char* name, const char** atts) {
  auto* w = static_cast<Workbook*>(user);
  if (std::strcmp(Local(name), "sheet") == 0 && w->first_sheet_rid.empty()) {
    const char* rid = Attr(atts, "id", "relationships");
    if (rid != nullptr) w->first_sheet_rid = rid;
  }
}

struct Rels : PartState {
  std::string want_id, target, shared;
};

void RelsStart(void* user, const char* name, const char** atts) {
  auto* r = static_cast<Rels*>(user);
  if (std::strcmp(Local(name), "Relationship") != 0) return;
  const char* id = Attr(atts, "Id");
  const char* target = Attr(atts, "Target");
  const char* type = Attr(atts, "Type");
  if (id == nullptr || target == nullptr) return;
  if (r->want_id == id) r->target = target;
  if (type != nullptr && std::strstr(type, "/sharedStrings") != nullptr) r->shared = target;
}

std::string PartPath(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

struct SharedStrings : PartState {
  const Limits* limits;
  std::vector<std::string> strings;
  std::string cur;
  int in_t = 0, in_rph = 0;
  bool in_si = false;
  uint64_t bytes = 0;
};

void SstStart(void* user, const char* name, const char**) {
  auto* s = static_cast<SharedStrings*>(user);
  const char* l = Local(name);
  if (std::strcmp(l, "si") == 0) {
    s->in_si = true;
    s->cur.clear();
  } else if (std::strcmp(l, "rPh") == 0) {
    ++s->in_rph;  // phonetic guides are not the cell's text
  } else if (std::strcmp(l, "t") == 0) {
    ++s->in_t;
  }
}

void SstEnd(void* user, const char* name) {
  auto* s = static_cast<SharedStrings*>(user);
  const char* l = Local(name);
  if (std::strcmp(l, "si") == 0) {
    s->in_si = false;
    s->strings.push_back(std::move(s->cur));
    s->cur.clear();
  } else if (std::strcmp(l, "rPh") == 0) {
    --s->in_rph;
  } else if (std::strcmp(l, "t") == 0) {
    --s->in_t;
  }
}

void SstText(void* user, const char* text, int len) {
  auto* s = static_cast<SharedStrings*>(user);
  if (!s->in_si || s->in_t <= 0 || s->in_rph > 0 || !s->status.ok()) return;
  s->bytes += static_cast<uint64_t>(len);
  if (s->bytes > s->limits->max_shared_strings_bytes) {
    s->status = Bomb("xl/sharedStrings.xml");
    XML_StopParser(s->parser, XML_FALSE);
    return;
  }
  s->cur.append(text, static_cast<size_t>(len));
}

struct Sheet : PartState {
  const Limits* limits;
  const RowFn* on_row;
  const std::vector<std::string>* shared;
  std::string* error_cell;
  std::vector<std::string> cells;
  size_t row = 0, next_row = 1, col = 0, next_col = 0, rows_seen = 0;
  std::string type, ref, value, inline_text;
  bool in_c = false, in_v = false, in_is_t = false, has_formula = false;

  void Fail(Status s) {
    if (!status.ok()) return;
    status = std::move(s);
    XML_StopParser(parser, XML_FALSE);
  }
};

// Parses "BC12" into a 0-based column and a row; false if malformed.
bool ParseRef(const std::string& ref, size_t* col, size_t* row) {
  size_t i = 0, c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    c = c * 26 + static_cast<size_t>(ref[i] - 'A' + 1);
    if (c > 16384) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  size_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + static_cast<size_t>(ref[i] - '0');
    if (r > 1048576) return false;
  }
  *col = c - 1;
  *row = r;
  return r > 0;
}

// A number as Excel stores it, in the form a register means: 1.38001380E10
// (a phone typed as a number) is 13800138000.
std::string NumberText(const std::string& v) {
  if (v.find_first_of("eE") == std::string::npos) return v;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !std::isfinite(d)) return v;
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return v;
}

void SheetStart(void* user, const char* name, const char** atts) {
  auto* s = static_cast<Sheet*>(user);
  if (!s->status.ok()) return;
  const char* l = Local(name);
  if (std::strcmp(l, "row") == 0) {
    const char* r = Attr(atts, "r");
    s->row = r ? static_cast<size_t>(std::strtoull(r, nullptr, 10)) : s->next_row;
    if (s->row == 0) s->row = s->next_row;
    s->next_row = s->row + 1;
    s->next_col = 0;
    s->cells.clear();
    if (++s->rows_seen > s->limits->max_rows + 1) {
      s->Fail(InvalidArgument("import.too_many_rows",
                              "行数超过上限 " + std::to_string(s->limits->max_rows) +
                                  " (more than " + std::to_string(s->limits->max_rows) + " rows)"));
    }
  } else if (std::strcmp(l, "c") == 0) {
    s->in_c = true;
    s->has_formula = false;
    const char* t = Attr(atts, "t");
    s->type = t ? t : "n";
    const char* r = Attr(atts, "r");
    size_t col = s->next_col, row = s->row;
    if (r != nullptr && !ParseRef(r, &col, &row)) {
      s->Fail(XlsxInvalid(std::string("bad cell reference ") + r));
      return;
    }
    s->col = col;
    s->next_col = col + 1;
    s->ref = CellRef(col, s->row);
    s->value.clear();
    s->inline_text.clear();
    if (col >= s->limits->max_columns) {
      *s->error_cell = s->ref;
      s->Fail(InvalidArgument("import.too_many_columns",
                              "列数超过上限 " + std::to_string(s->limits->max_columns) +
                                  " (more than " + std::to_string(s->limits->max_columns) +
                                  " columns)"));
    }
  } else if (s->in_c && std::strcmp(l, "f") == 0) {
    s->has_formula = true;
  } else if (s->in_c && std::strcmp(l, "v") == 0) {
    s->in_v = true;
  } else if (s->in_c && std::strcmp(l, "t") == 0) {
    s->in_is_t = true;
  }
}

void SheetText(void* user, const char* text, int len) {
  auto* s = static_cast<Sheet*>(user);
  if (!s->status.ok()) return;
  std::string* into = s->in_v ? &s->value : s->in_is_t ? &s->inline_text : nullptr;
  if (into == nullptr) return;
  if (into->size() + static_cast<size_t>(len) > s->limits->max_cell_bytes * 4 + 64) {
    *s->error_cell = s->ref;
    s->Fail(InvalidArgument("import.cell_too_long",
                            "单元格 " + s->ref + " 超过 " +
                                std::to_string(s->limits->max_cell_bytes) + " 字节 (cell " +
                                s->ref + " is too long)"));
    return;
  }
  into->append(text, static_cast<size_t>(len));
}

void SheetEnd(void* user, const char* name) {
  auto* s = static_cast<Sheet*>(user);
  if (!s->status.ok()) return;
  const char* l = Local(name);
  if (std::strcmp(l, "v") == 0) {
    s->in_v = false;
  } else if (std::strcmp(l, "t") == 0) {
    s->in_is_t = false;
  } else if (std::strcmp(l, "c") == 0) {
    s->in_c = false;
    if (s->has_formula) {
      *s->error_cell = s->ref;
      s->Fail(InvalidArgument("import.formula", "单元格 " + s->ref +
                                                    " 是公式,请改为数值后再导入 (cell " + s->ref +
                                                    " holds a formula)"));
      return;
    }
    std::string v;
    if (s->type == "s") {
      char* end = nullptr;
      unsigned long long i = std::strtoull(s->value.c_str(), &end, 10);
      if (s->value.empty() || *end != '\0' || i >= s->shared->size()) {
        s->Fail(XlsxInvalid("cell " + s->ref + " names no shared string"));
        return;
      }
      v = (*s->shared)[i];
    } else if (s->type == "inlineStr") {
      v = s->inline_text;
    } else if (s->type == "e") {
      *s->error_cell = s->ref;
      s->Fail(InvalidArgument("import.cell_error", "单元格 " + s->ref + " 是错误值 (cell " +
                                                       s->ref + " holds an error value)"));
      return;
    } else if (s->type == "str") {
      v = s->value;
    } else if (s->type == "b") {
      v = s->value == "1" ? "1" : "0";
    } else {
      v = NumberText(s->value);
    }
    std::string_view t = TrimSpace(v);
    if (t.size() > s->limits->max_cell_bytes) {
      *s->error_cell = s->ref;
      s->Fail(InvalidArgument("import.cell_too_long",
                              "单元格 " + s->ref + " 超过 " +
                                  std::to_string(s->limits->max_cell_bytes) + " 字节 (cell " +
                                  s->ref + " is too long)"));
      return;
    }
    if (s->cells.size() <= s->col) s->cells.resize(s->col + 1);
    s->cells[s->col].assign(t);
  } else if (std::strcmp(l, "row") == 0) {
    if (AllEmpty(s->cells)) return;
    Status st = (*s->on_row)(s->row, s->cells);
    if (!st.ok()) s->Fail(std::move(st));
  }
}

}  // namespace

Status ReadXlsx(std::string_view bytes, const Limits& limits, const RowFn& on_row,
                std::string* error_cell) {
  if (bytes.size() > limits.max_file_bytes) {
    return InvalidArgument("import.too_large", "文件过大 (the file is over the size limit)");
  }
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (src == nullptr) return XlsxInvalid("cannot read the archive");
  zip_t* raw = zip_open_from_source(src, ZIP_RDONLY, &zerr);
  if (raw == nullptr) {
    zip_source_free(src);
    zip_error_fini(&zerr);
    return XlsxInvalid("not a zip archive");
  }
  std::unique_ptr<zip_t, ZipCloser> zip(raw);

  // The first sheet: workbook.xml names it, its rels give its part.
  Workbook wb;
  WEIGE_RETURN_IF_ERROR(ParsePart(zip.get(), limits, "xl/workbook.xml", true, &wb,
                                  [](XML_Parser p) { XML_SetStartElementHandler(p, WorkbookStart); }));
  if (wb.first_sheet_rid.empty()) return XlsxInvalid("the workbook has no sheet");
  Rels rels;
  rels.want_id = wb.first_sheet_rid;
  WEIGE_RETURN_IF_ERROR(ParsePart(zip.get(), limits, "xl/_rels/workbook.xml.rels", true, &rels,
                                  [](XML_Parser p) { XML_SetStartElementHandler(p, RelsStart); }));
  if (rels.target.empty()) return XlsxInvalid("the first sheet has no part");

  SharedStrings sst;
  sst.limits = &limits;
  WEIGE_RETURN_IF_ERROR(ParsePart(
      zip.get(), limits, rels.shared.empty() ? "xl/sharedStrings.xml" : PartPath(rels.shared),
      false, &sst, [&](XML_Parser p) {
        XML_SetElementHandler(p, SstStart, SstEnd);
        XML_SetCharacterDataHandler(p, SstText);
      }));

  Sheet sheet;
  sheet.limits = &limits;
  sheet.on_row = &on_row;
  sheet.shared = &sst.strings;
  sheet.error_cell = error_cell;
  return ParsePart(zip.get(), limits, PartPath(rels.target), true, &sheet,
                   [&](XML_Parser p) {
                     XML_SetElementHandler(p, SheetStart, SheetEnd);
                     XML_SetCharacterDataHandler(p, SheetText);
                   });
}

Status ReadTable(std::string_view bytes, const Limits& limits, const RowFn& on_row,
                 std::string* error_cell, std::string* encoding) {
  if (LooksLikeXlsx(bytes)) return ReadXlsx(bytes, limits, on_row, error_cell);
  return ReadCsv(bytes, limits, on_row, error_cell, encoding);
}

}  // namespace weige::registers
