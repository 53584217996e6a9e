// Migration 3: the device's side of sync (core/sync/device.h, SQL in
// device_store.cc). The server gets the same tables and never fills them.
//
//   sync_device      one row: the pull cursor, the scope digest kept over the
//                    changes applied (count and the sum of ScopeDigest::Mix,
//                    as a signed 64-bit pattern), the head last seen, the
//                    resync flag (the next page starts over from cursor 0:
//                    wipe first), and `rebasing`, 1 only inside ApplyPage's
//                    transaction (never committed as 1).
//   sync_local       commands applied on the device whose effects the pulled
//                    state does not hold yet: each one's changeset (SQLite
//                    session) so a rebase can undo it; NULL when it is not
//                    applied right now. accepted_seq: the server accepted it
//                    and a pull through that sequence brings its effects.
//   sync_rejections  why a command lost: from the server's push answer, or
//                    from a rebase where it no longer applied. Kept for the
//                    user's rejections list.
//
// Events are append-only (migration 1's triggers). A rebase must take back
// the events of the device's own pending commands (their seq numbers are
// local and would collide with the server's), so the triggers are recreated
// with one exemption: while sync_device.rebasing = 1, which only ApplyPage
// sets inside its own transaction and clears before it commits. Nothing else
// ever sets it; on the server it stays 0.
namespace weige::store {

extern const char kDeviceMigration[];
const char kDeviceMigration[] = R"sql(
CREATE TABLE sync_device(
  id INTEGER PRIMARY KEY CHECK(id = 1), cursor INTEGER NOT NULL DEFAULT 0,
  digest_count INTEGER NOT NULL DEFAULT 0, digest_sum INTEGER NOT NULL DEFAULT 0,
  head INTEGER NOT NULL DEFAULT 0, resync INTEGER NOT NULL DEFAULT 0,
  rebasing INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_device(id) VALUES(1);
CREATE TABLE sync_local(
  command_id TEXT PRIMARY KEY, changeset BLOB, accepted_seq INTEGER
) WITHOUT ROWID;
CREATE TABLE sync_rejections(
  command_id TEXT PRIMARY KEY, code TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,
  source TEXT NOT NULL
) WITHOUT ROWID;
DROP TRIGGER events_append_only_update;
DROP TRIGGER events_append_only_delete;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
  WHEN (SELECT rebasing FROM sync_device WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
  WHEN (SELECT rebasing FROM sync_device WHERE id = 1) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql";

}  // namespace weige::store
