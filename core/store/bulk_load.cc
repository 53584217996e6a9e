#include "core/store/bulk_load.h"

#include <sqlite3.h>

#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "core/store/db.h"

namespace weige::store {

namespace {

struct Column {
  std::string name;
  bool bytea = false;
  bool identity = false;
};

// COPY's text format: backslash, tab, newline and carriage return escaped.
void AppendText(std::string* out, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char c = p[i];
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '\t': *out += "\\t"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      default: *out += c;
    }
  }
}

void AppendHex(std::string* out, const unsigned char* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  *out += "\\\\x";  // bytea's hex input, its backslash escaped for COPY
  for (size_t i = 0; i < n; ++i) {
    *out += kHex[p[i] >> 4];
    *out += kHex[p[i] & 15];
  }
}

// The target's tables (no sync_*: the change log is the target's own), each
// after the tables it references.
Status TablesInOrder(Db& pg, std::vector<std::string>* out) {
  std::set<std::string> tables;
  {
    Stmt t = pg.Q(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'sync\\_%'"
        " AND table_name <> 'weige_schema'");
    while (t.Step()) tables.insert(t.Text(0));
    WEIGE_RETURN_IF_ERROR(t.status());
  }
  std::map<std::string, std::set<std::string>> parents;
  {
    Stmt f = pg.Q(
        "SELECT c.relname, p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        " JOIN pg_class p ON p.oid = k.confrelid"
        " WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace");
    while (f.Step()) {
      if (f.Text(0) != f.Text(1)) parents[f.Text(0)].insert(f.Text(1));
    }
    WEIGE_RETURN_IF_ERROR(f.status());
  }
  std::set<std::string> placed;
  while (placed.size() < tables.size()) {
    bool moved = false;
    for (const std::string& t : tables) {
      if (placed.count(t)) continue;
      bool ready = true;
      for (const std::string& p : parents[t]) ready = ready && (placed.count(p) || !tables.count(p));
      if (!ready) continue;
      out->push_back(t);
      placed.insert(t);
      moved = true;
    }
    if (!moved) return Internal("store.copy", "the tables' foreign keys form a cycle");
  }
  return Status::Ok();
}

Status CopyTable(Db& lite, Db& pg, const std::string& table, int64_t* rows) {
  std::vector<Column> cols;
  {
    Stmt c = pg.Q(
        "SELECT column_name, data_type = 'bytea', is_identity = 'YES' FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position");
    c.Bind(1, table);
    while (c.Step()) cols.push_back({c.Text(0), c.Int(1) != 0, c.Int(2) != 0});
    WEIGE_RETURN_IF_ERROR(c.status());
  }
  std::string names;
  for (const Column& c : cols) names += (names.empty() ? "" : ", ") + c.name;
  // The source's rows in rowid order, the order SQLite's foreign keys
  // admitted them in (a region after its parent).
  sqlite3_stmt* s = nullptr;
  std::string select = "SELECT " + names + " FROM " + table;
  if (sqlite3_prepare_v2(lite.raw(), select.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(lite.raw());
    sqlite3_finalize(s);
    return Internal("store.copy", table + ": " + msg);
  }
  Status st = pg.CopyBegin("COPY " + table + "(" + names + ") FROM STDIN");
  std::string buf;
  char num[40];
  int rc = SQLITE_ROW;
  while (st.ok() && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i > 0) buf += '\t';
      const int k = static_cast<int>(i);
      switch (sqlite3_column_type(s, k)) {
        case SQLITE_NULL: buf += "\\N"; break;
        case SQLITE_INTEGER:
          std::snprintf(num, sizeof num, "%lld", static_cast<long long>(sqlite3_column_int64(s, k)));
          buf += num;
          break;
        case SQLITE_FLOAT:
          std::snprintf(num, sizeof num, "%.17g", sqlite3_column_double(s, k));
          buf += num;
          break;
        default: {
          const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, k));
          const size_t n = static_cast<size_t>(sqlite3_column_bytes(s, k));
          if (cols[i].bytea) {
            AppendHex(&buf, p, n);
          } else {
            AppendText(&buf, reinterpret_cast<const char*>(p), n);
          }
        }
      }
    }
    buf += '\n';
    ++*rows;
    if (buf.size() > (1 << 20)) {
      st = pg.CopyData(buf);
      buf.clear();
    }
  }
  if (st.ok() && rc != SQLITE_DONE) st = Internal("store.copy", table + ": " + sqlite3_errmsg(lite.raw()));
  sqlite3_finalize(s);
  if (st.ok()) st = pg.CopyData(buf);
  // A COPY begun must be ended, even after a failure (the transaction is
  // rolled back by the caller either way).
  Status end = pg.CopyEnd();
  if (st.ok()) st = end;
  if (!st.ok()) return st;
  for (const Column& c : cols) {
    if (!c.identity) continue;
    WEIGE_RETURN_IF_ERROR(pg.Q("SELECT setval(pg_get_serial_sequence('" + table + "', '" + c.name +
                               "'), COALESCE(MAX(" + c.name + "), 0) + 1, false) FROM " + table)
                              .Run());
  }
  return Status::Ok();
}

}  // namespace

Status CopyStore(Store& from, Store& to,
                 const std::function<void(const std::string&, int64_t)>& progress) {
  Db& lite = DbOf(from);
  Db& pg = DbOf(to);
  if (lite.dialect() != Dialect::kSqlite || pg.dialect() != Dialect::kPostgres) {
    return InvalidArgument("store.bad_engines", "a bulk load copies SQLite into PostgreSQL");
  }
  bool empty = false;
  WEIGE_RETURN_IF_ERROR(to.IsEmpty(&empty));
  if (!empty) return FailedPrecondition("store.not_empty", "the target store has people already");
  std::vector<std::string> tables;
  WEIGE_RETURN_IF_ERROR(TablesInOrder(pg, &tables));
  Transaction read;
  WEIGE_RETURN_IF_ERROR(from.Begin(&read, TxMode::kSnapshot));
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(to.Begin(&tx, TxMode::kImmediate));
  for (const std::string& t : tables) {
    int64_t rows = 0;
    WEIGE_RETURN_IF_ERROR(CopyTable(lite, pg, t, &rows));
    if (progress) progress(t, rows);
  }
  WEIGE_RETURN_IF_ERROR(tx.Commit());
  // Fresh statistics for the planner (outside the transaction: cheap either way).
  return pg.Exec("ANALYZE");
}

}  // namespace weige::store
