// The device's side of sync: bytes in, results out, no I/O. The transport
// (offline/src/sync-client.js, or a test moving bytes by hand) pushes what
// PendingCommands (outbox.h) lists, hands the server's answers to
// SettlePush, and hands each pulled page to ApplyPage.
//
// Rebase. The device's tables hold the server's state (as pulled) with the
// device's own not-yet-pulled commands applied on top. ExecuteLocal records
// each command's changeset (SQLite's session extension) beside its outbox
// row. ApplyPage, in one transaction:
//   1. undoes every recorded command, newest first (inverted changesets);
//   2. applies the page's changes after the stored cursor (upsert, delete,
//      evict) -- on a resync, after emptying the synced tables;
//   3. settles: a pending command whose events the page carries was accepted
//      (its push answer may have been lost); an accepted command whose seq
//      the cursor has reached is now part of the pulled state and forgotten;
//      a command the server rejected is not re-applied;
//   4. re-executes the rest in outbox order through Store::Execute's
//      handlers (ExecOptions::rerun: each keeps its outbox row, seq and
//      state as they were), recording fresh changesets. A pending command that now fails
//      (a stale write to an item the server closed) is rejected with its
//      code, reason and message, and stays on the rejections list. While more
//      pages follow (has_more) the pulled state may be half way, so a failure
//      only leaves the command unapplied, to be tried after the next page.
// Events from the device's pending commands carry local seq numbers that can
// collide with the server's; step 1 takes them out before any server event
// goes in (the append-only triggers exempt this transaction: see
// core/store/device_schema.cc), and step 4 puts them back above.
//
// Foreign keys are off while a page is applied: a scope holds rows whose
// parents it does not (a resident's household without its building).
//
// Every command a device runs must go through ExecuteLocal (the wasm
// bindings do); one run by Store::Execute directly cannot be undone, and is
// neither undone nor re-executed by a rebase.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::sync {

// Upper bound on a page's size (kMaxPullLimit rows of up to a command each).
inline constexpr size_t kMaxPageBytes = 64u << 20;

// Store::Execute, recording the command's changeset for a later rebase, in
// one transaction with it (a SAVEPOINT inside the caller's, if any). The
// result is Execute's.
Result ExecuteLocal(store::Store* store, std::string_view command_json);

// Records the server's answers to a push: the "results" array of
// POST /api/v1/sync/push (JSON text), or that response whole. accepted ->
// the command leaves the pending list (its effects stay until a pull brings
// the server's); rejected -> it goes to the rejections list, and the next
// ApplyPage takes its effects back; retry -> nothing. Answers for unknown ids
// are ignored. Value: {accepted, rejected, retry}.
Result SettlePush(store::Store* store, std::string_view answers_json);

// Applies one pull page (EncodePage in scope.h) and rebases, atomically.
// Changes at or below the stored cursor are skipped, so applying a page
// twice changes nothing. Pages must come from the stored cursor (SyncState);
// a gap shows as a digest mismatch. Value:
//   {applied, evicted, skipped, next_cursor, has_more, head,
//    digest: "match" | "mismatch" | "none", resync: bool,
//    accepted: [ids], rejected: [{id, code, reason, message}],
//    reapplied: n, unapplied: n, pending: n}
// On "mismatch" the device has missed something or its scope changed: the
// cursor goes back to 0 (resync: true) and the next page, pulled from 0,
// empties the synced tables before it is applied. invalid_argument
// "sync.bad_page" / "sync.bad_change" on a malformed page (nothing written);
// failed_precondition "sync.in_transaction" inside a caller's transaction.
Result ApplyPage(store::Store* store, std::string_view page_json);

// {cursor, head, digest: {count, hash}, resync, pending, accepted, rejected,
//  unapplied}: where the next pull starts and what waits.
Result SyncState(store::Store* store);

// The rejections list, oldest first: [{id, type, actor, at, payload, code,
// reason, message, source: "server" | "rebase"}].
Result Rejections(store::Store* store);

// Starts a full resync: the next page (pulled from cursor 0) empties the
// synced tables first. For a server that answers "sync.cursor_ahead" (its
// database was replaced).
Status ResetSync(store::Store* store);

}  // namespace weige::sync
