#include "core/registers/table_writer.h"

#include "core/registers/table_reader.h"

#include <csv.h>
#include <xlsxwriter.h>

#include <cstring>

namespace weige::registers {

std::string Neutralise(std::string_view cell) {
  if (NeedsQuote(cell)) return "'" + std::string(cell);
  return std::string(cell);
}

std::vector<FileCell> HeaderRow(const std::vector<std::string>& titles) {
  std::vector<FileCell> row;
  row.reserve(titles.size());
  for (const std::string& t : titles) row.push_back(FileCell{t, false});
  return row;
}

namespace {

class CsvWriter : public TableWriter {
 public:
  explicit CsvWriter(ByteSink sink) : sink_(std::move(sink)) { buf_ = "\xEF\xBB\xBF"; }

  Status Row(const std::vector<FileCell>& cells) override {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) buf_ += ',';
      const FileCell& c = cells[i];
      if (c.number) {
        buf_ += c.text;
        continue;
      }
      std::string v = Neutralise(c.text);
      // csv_write quotes the field and doubles its quotes: at most 2n + 2.
      size_t at = buf_.size();
      buf_.resize(at + v.size() * 2 + 2);
      size_t n = csv_write(buf_.data() + at, v.size() * 2 + 2, v.data(), v.size());
      buf_.resize(at + n);
    }
    buf_ += "\r\n";
    if (buf_.size() >= (64 << 10)) return Flush();
    return Status::Ok();
  }

  Status Close() override { return Flush(); }

 private:
  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    Status s = sink_(buf_);
    buf_.clear();
    return s;
  }
  ByteSink sink_;
  std::string buf_;
};

Status XlsxError(lxw_error e) {
  return Internal("export.xlsx", std::string("XLSX 写入失败 (libxlsxwriter: ") + lxw_strerror(e) + ")");
}

class XlsxWriter : public TableWriter {
 public:
  XlsxWriter(lxw_workbook* wb, std::string name) : wb_(wb), name_(std::move(name)) {}
  ~XlsxWriter() override {
    if (wb_ != nullptr) workbook_close(wb_);
  }

  Status Start() { return NewSheet(); }

  Status Row(const std::vector<FileCell>& cells) override {
    if (header_.empty() && row_ == 0) header_ = cells;
    if (row_ >= LXW_ROW_MAX) {
      WEIGE_RETURN_IF_ERROR(NewSheet());
      WEIGE_RETURN_IF_ERROR(Write(header_));
    }
    return Write(cells);
  }

  Status Close() override {
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    return e == LXW_NO_ERROR ? Status::Ok() : XlsxError(e);
  }

 private:
  Status NewSheet() {
    ++sheets_;
    std::string name = sheets_ == 1 ? name_ : name_ + " " + std::to_string(sheets_);
    ws_ = workbook_add_worksheet(wb_, name.c_str());
    row_ = 0;
    if (ws_ == nullptr) return Internal("export.xlsx", "cannot add a worksheet");
    return Status::Ok();
  }

  Status Write(const std::vector<FileCell>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      const FileCell& c = cells[i];
      if (c.text.empty()) continue;
      lxw_col_t col = static_cast<lxw_col_t>(i);
      lxw_error e;
      if (c.number) {
        e = worksheet_write_number(ws_, row_, col, std::strtod(c.text.c_str(), nullptr), nullptr);
      } else {
        e = worksheet_write_string(ws_, row_, col, Neutralise(c.text).c_str(), nullptr);
      }
      if (e != LXW_NO_ERROR) return XlsxError(e);
    }
    ++row_;
    return Status::Ok();
  }

  lxw_workbook* wb_;
  lxw_worksheet* ws_ = nullptr;
  std::string name_;
  std::vector<FileCell> header_;
  lxw_row_t row_ = 0;
  int sheets_ = 0;
};

}  // namespace

Status EncodeGb18030(std::string_view utf8, std::string* out) {
  if (utf8.size() >= 3 && utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.remove_prefix(3);
  // A UTF-8 character of n bytes is at most 4 GB18030 bytes, and n >= 1.
  if (!Iconv("GB18030", "UTF-8", utf8, 4, out)) {
    return InvalidArgument("export.encoding", "the text is not valid UTF-8");
  }
  return Status::Ok();
}

std::unique_ptr<TableWriter> NewCsvWriter(ByteSink sink) {
  return std::make_unique<CsvWriter>(std::move(sink));
}

Status NewXlsxWriter(const std::string& path, const std::string& sheet_name,
                     std::unique_ptr<TableWriter>* out) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return Internal("export.xlsx", "cannot create " + path);
  auto w = std::make_unique<XlsxWriter>(wb, sheet_name);
  WEIGE_RETURN_IF_ERROR(w->Start());
  *out = std::move(w);
  return Status::Ok();
}

}  // namespace weige::registers
