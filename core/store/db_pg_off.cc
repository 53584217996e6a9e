// The PostgreSQL engine in a build without libpq (the wasm module, devices):
// connecting fails with a clear error, so nothing else is ever reached.
#include "core/store/db_pg.h"

namespace weige::store::pg {

struct Conn {};
struct Prepared {};

Status Connect(const std::string&, Conn**) {
  return Internal("store.no_postgres", "this build of Weige has no PostgreSQL engine");
}
void Close(Conn* conn) { delete conn; }
Status Exec(Conn*, std::string_view) { return Internal("store.no_postgres", "no PostgreSQL"); }
Prepared* Prepare(Conn*, std::string_view, Status* error) {
  *error = Internal("store.no_postgres", "no PostgreSQL");
  return nullptr;
}
int64_t Changes(Conn*) { return 0; }
bool Defer(Prepared*, Status*) { return false; }
Status Flush(Conn*) { return Status::Ok(); }
bool InTransaction(const Conn*) { return false; }
std::string ErrorMessage(const Conn*) { return "no PostgreSQL"; }
Status CopyBegin(Conn*, std::string_view) { return Internal("store.no_postgres", "no PostgreSQL"); }
Status CopyData(Conn*, std::string_view) { return Internal("store.no_postgres", "no PostgreSQL"); }
Status CopyEnd(Conn*) { return Internal("store.no_postgres", "no PostgreSQL"); }
void BindText(Prepared*, int, std::string_view) {}
void BindBlob(Prepared*, int, std::string_view) {}
void BindNull(Prepared*, int) {}
bool Step(Prepared*, Status*) { return false; }
void Reset(Prepared*) {}
int Columns(const Prepared*) { return 0; }
bool IsNull(const Prepared*, int) { return true; }
std::string_view Value(const Prepared*, int) { return {}; }
std::string Blob(const Prepared*, int) { return {}; }

}  // namespace weige::store::pg
