// The server side of sync as SQL over a Store's database (migration 2): the
// change log, push answers, credentials, tokens and blobs. Plain data in and
// out; who sees what and how a page is encoded are decided in core/sync.
//
// Every call runs on the caller's connection and transaction; none opens its
// own. Not thread-safe (one thread per Store).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/domain/access.h"
#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::store {

// Turns the change log on for this database (it stays on: the setting is in
// the file). Turned on for the first time over existing content, it first
// records every existing row, parents first, in one transaction.
Status EnableChangeLog(Store& store);

// Called by every write transaction before its first write (Store::Execute
// does): on PostgreSQL with the change log on, takes the change log's
// transaction-scoped advisory lock, so that change sequence numbers are
// handed out in commit order (see sync_tables.h). Nothing on SQLite, whose
// writers are serial already.
Status LockChangeLog(Db& db);
// That lock, as SQL: one per schema, the two-key form (a class, "wclg" in
// ASCII, and the schema's name hashed), so districts kept in schemas of one
// database (docs/SCALING.md) never wait on each other's change log. It also
// serialises a schema's migrations and trigger installs.
inline constexpr const char* kChangeLogLockSql =
    "pg_advisory_xact_lock(2003004519, hashtext(current_schema()))";

// One entry of the change log. pk, row, keys and old_keys are JSON text as
// stored ("" for NULL): pk an array, row an object of the row's columns
// (absent for a delete), keys/old_keys arrays of scope tags.
struct Change {
  int64_t seq = 0;
  std::string table, op, pk, row, keys, old_keys;
};

// The newest sequence number of the change log (0 when empty).
Status ChangeLogHead(Store& store, int64_t* seq);

// Sequence numbers in (after, through] of the changes carrying any of `tags`
// (as live or old keys), ascending, at most `limit` of them. With
// `everything`, every change in the range.
Status ChangeSeqs(Store& store, const std::vector<std::string>& tags, bool everything, int64_t after,
                  int64_t through, int64_t limit, std::vector<int64_t>* out);

// The changes with these sequence numbers (distinct), in the order given.
Status LoadChanges(Store& store, const std::vector<int64_t>& seqs, std::vector<Change>* out);

// Calls fn(seq) once for each change up to `through` whose live keys hold
// one of `tags` (every change with `everything`), in ascending order.
Status ForEachLiveSeq(Store& store, const std::vector<std::string>& tags, bool everything,
                      int64_t through, const std::function<void(int64_t)>& fn);

// The changes whose row cites the photo `sha` (photos or evidence).
Status ChangesCiting(Store& store, const std::string& sha, std::vector<Change>* out);

// A person's grants. not_found "actor.unknown" if there is no such person.
Status LoadGrants(Store& store, const std::string& person_id, Actor* out);

// What one grant reaches, for the pull scope: `everything` for an
// administrator of "*"; else the micro-grids whose rows it reads and the
// region rows it may see (those at and below its place, and the chain above).
// A grant whose place no longer exists reaches nothing.
struct GrantPlaces {
  bool everything = false;
  std::vector<std::string> microgrids;
  std::vector<std::string> regions;
};
Status PlacesOfGrant(Store& store, const Grant& grant, GrantPlaces* out);

// The answer given to a pushed command, kept so a re-push gets it again.
// Keyed by (person, command id): a command id is the pusher's own, so one
// person's id never collides with another's.
struct PushAnswer {
  std::string person_id, body, answer;  // body and answer: JSON text
};
Status FindPushAnswer(Store& store, const std::string& person_id, const std::string& command_id,
                      bool* found, PushAnswer* out);
Status SavePushAnswer(Store& store, const std::string& command_id, const PushAnswer& answer, int64_t at);

// Password hashes (an argon2id string as crypto_pwhash_str makes it).
Status SetCredential(Store& store, const std::string& person_id, const std::string& hash, int64_t at);
Status FindCredential(Store& store, const std::string& person_id, bool* found, std::string* hash);
Status PersonExists(Store& store, const std::string& person_id, bool* exists);

// Bearer tokens, by the hex SHA-256 of the token.
struct TokenInfo {
  std::string person_id;
  int64_t expires_at = 0;
  bool revoked = false;
};
Status SaveToken(Store& store, const std::string& token_hash, const std::string& person_id,
                 int64_t created_at, int64_t expires_at);
Status FindToken(Store& store, const std::string& token_hash, bool* found, TokenInfo* out);
// Marks a token revoked; true in *revoked if it was live.
Status RevokeToken(Store& store, const std::string& token_hash, int64_t at, bool* revoked);
// Deletes tokens that expired before `before`.
Status PurgeTokens(Store& store, int64_t before);

// Sliding-window limits on attempts (failed sign-ins), kept in the store so
// that every server of a fleet counts the same attempts and a restart
// forgets none (issue 10). One attempt is recorded per key, at the server's
// clock, in buckets of 1/60 of the window (a key holds at most 61 rows at
// any rate; an attempt ages out up to a bucket early). RateReserve, in one
// transaction: when any key already holds
// `limit` attempts in (now - window_ms, now], records nothing and sets
// *wait_ms to the milliseconds until it holds fewer; else records one attempt
// at `now` for every key and sets *wait_ms to 0. Concurrent reservations of a
// key are serial (SQLite's write lock; on PostgreSQL a transaction-scoped
// advisory lock per key), so parallel attempts cannot all pass. Attempts
// older than the window are deleted as it runs: rows stay bounded by the
// keys' limits.
struct RateLimit {
  std::string key;
  int limit = 0;
};
Status RateReserve(Store& store, const std::vector<RateLimit>& limits, int64_t window_ms,
                   int64_t now, int64_t* wait_ms);
// Takes back the attempts RateReserve recorded at `at` (with the same
// window): for each of `keys` one attempt, and every attempt of each of
// `forget`.
Status RateRelease(Store& store, const std::vector<std::string>& keys,
                   const std::vector<std::string>& forget, int64_t window_ms, int64_t at);

// The console's account management. AdminManages: ok when `admin_id` is an
// administrator whose scope reaches every grant of `person_id` (the rule of
// person.upsert); else permission_denied. DeactivateAccount revokes every
// live token of the person at `at` (their next request is refused) and
// removes their password, keeping the person, their roles' history and
// their events; *tokens is how many were revoked. A new password makes the
// account usable again.
Status AdminManages(Store& store, const std::string& admin_id, const std::string& person_id);
Status DeactivateAccount(Store& store, const std::string& person_id, int64_t at, int64_t* tokens);

// Photos by hex SHA-256. PutBlob stores once: *existed is true when the hash
// was stored already (and nothing is written).
Status PutBlob(Store& store, const std::string& sha, const std::string& bytes,
               const std::string& uploaded_by, int64_t at, bool* existed);
Status FindBlob(Store& store, const std::string& sha, bool* found, std::string* bytes,
                std::string* uploaded_by);

}  // namespace weige::store
