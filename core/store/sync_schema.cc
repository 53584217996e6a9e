// Migration 2: the change log's tables and the server's own tables. The
// change log's triggers and backfill are generated (sync_tables.h); this
// migration once held them by hand.
#include "core/store/sync_store.h"

namespace weige::store {

extern const char kSyncMigration[];
const char kSyncMigration[] = R"sql(
CREATE TABLE sync_config(id INTEGER PRIMARY KEY CHECK(id = 1), recording INTEGER NOT NULL);
CREATE TABLE sync_changes(
  seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, pk TEXT NOT NULL,
  row TEXT, keys TEXT NOT NULL, old_keys TEXT
);
CREATE TABLE sync_change_tags(
  tag TEXT NOT NULL, seq INTEGER NOT NULL, live INTEGER NOT NULL, PRIMARY KEY(tag, seq)
) WITHOUT ROWID;
CREATE TABLE sync_blob_refs(sha TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(sha, seq))
  WITHOUT ROWID;
-- The server's own records. A push's answer per command id, so a re-push of
-- an accepted or rejected command gets the same answer.
CREATE TABLE sync_push_answers(
  command_id TEXT PRIMARY KEY, person_id TEXT NOT NULL, body TEXT NOT NULL,
  answer TEXT NOT NULL, at INTEGER NOT NULL
) WITHOUT ROWID;
-- Passwords (argon2id strings) and bearer tokens (SHA-256 of the token).
CREATE TABLE auth_credentials(
  person_id TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE auth_tokens(
  token_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked_at INTEGER
) WITHOUT ROWID;
CREATE INDEX auth_tokens_person ON auth_tokens(person_id);
-- Photos, content-addressed.
CREATE TABLE blobs(
  sha TEXT NOT NULL UNIQUE, size INTEGER NOT NULL, bytes BLOB NOT NULL,
  uploaded_by TEXT NOT NULL, at INTEGER NOT NULL
);
)sql";

// Where a grant places its holder's person and role rows (SQL both engines
// accept; part of migration 2, and of PostgreSQL's first).
extern const char kSyncRoleTagsView[];
const char kSyncRoleTagsView[] = R"sql(
-- Where a grant places its holder's person and role rows.
CREATE VIEW sync_role_tags(person_id, role, scope_id, tag) AS
  SELECT person_id, role, scope_id, 'p:' || person_id FROM roles
  UNION ALL
  SELECT person_id, role, scope_id,
    CASE role WHEN 'worker' THEN 'm:' || scope_id WHEN 'captain' THEN 'b:' || scope_id
      WHEN 'resident' THEN 'h:' || scope_id WHEN 'department' THEN 'd:' || scope_id
      WHEN 'admin' THEN CASE WHEN scope_id = '*' THEN 'all'
        WHEN (SELECT level FROM regions WHERE id = scope_id) = 'microgrid' THEN 'm:' || scope_id
        ELSE 'rs:' || scope_id END
      ELSE CASE WHEN (SELECT level FROM regions WHERE id = scope_id) = 'microgrid'
        THEN 'm:' || scope_id ELSE 'rs:' || scope_id END END
  FROM roles
  UNION ALL
  SELECT r.person_id, r.role, r.scope_id, 'm:' || b.microgrid_id
  FROM roles r JOIN buildings b ON b.id = r.scope_id WHERE r.role = 'captain'
  UNION ALL
  SELECT r.person_id, r.role, r.scope_id, 'm:' || h.microgrid_id
  FROM roles r JOIN households h ON h.id = r.scope_id WHERE r.role = 'resident';
)sql";

}  // namespace weige::store
