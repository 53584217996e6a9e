// The PostgreSQL engine behind Db and Stmt (db_pg.cc with libpq, or
// db_pg_off.cc in a build without it). Internal to db.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/domain/result.h"

namespace weige::store::pg {

struct Conn;
struct Prepared;

Status Connect(const std::string& url, Conn** out);
void Close(Conn* conn);
Status Exec(Conn* conn, std::string_view sql);
// The cached statement for `sql` (prepared on first use); nullptr with
// *error set when PostgreSQL refuses it.
Prepared* Prepare(Conn* conn, std::string_view sql, Status* error);
int64_t Changes(Conn* conn);  // sends what is queued first
// Queues a statement run for its effect alone (db_pg.cc, "Deferred
// writes"): true when queued (or when preparing it failed: *status), false
// when it must run now (outside a transaction, COMMIT/ROLLBACK/BEGIN).
bool Defer(Prepared* p, Status* status);
// Sends the queued statements now; the first error.
Status Flush(Conn* conn);
bool InTransaction(const Conn* conn);
std::string ErrorMessage(const Conn* conn);
// COPY ... FROM STDIN: `sql` starts it, CopyData sends rows in COPY's text
// format (any split), CopyEnd finishes it and reports the server's verdict.
Status CopyBegin(Conn* conn, std::string_view sql);
Status CopyData(Conn* conn, std::string_view data);
Status CopyEnd(Conn* conn);

// A Stmt's use of a Prepared: bind, step, read, reset.
void BindText(Prepared* p, int i, std::string_view v);
void BindBlob(Prepared* p, int i, std::string_view bytes);
void BindNull(Prepared* p, int i);
bool Step(Prepared* p, Status* status);
void Reset(Prepared* p);
int Columns(const Prepared* p);
bool IsNull(const Prepared* p, int col);
// The column's text (PostgreSQL's text output) of the current row.
std::string_view Value(const Prepared* p, int col);
std::string Blob(const Prepared* p, int col);

}  // namespace weige::store::pg
