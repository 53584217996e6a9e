#include "core/store/sync_store.h"

#include <algorithm>
#include <unordered_map>

#include "core/store/internal.h"
#include "core/store/sync_tables.h"

namespace weige::store {

namespace {

// Tags travel to SQL as one JSON array bound to json_each.
std::string TagArray(const std::vector<std::string>& tags) { return DumpJson(Json(tags)); }

const char* const kLevels[] = {"district", "street", "community", "grid"};
const char* const kLevelColumns[] = {"district_id", "street_id", "community_id", "grid_id"};

}  // namespace

namespace {
Status LockChangeLogNow(Db& db) {
  if (db.dialect() != Dialect::kPostgres) return Status::Ok();
  return db.Exec(std::string("SELECT ") + kChangeLogLockSql);
}
}  // namespace

Status EnableChangeLog(Store& store) {
  Db& db = DbOf(store);
  auto recording = [&db](bool* on) {
    Stmt s = db.Q("SELECT recording FROM sync_config WHERE id = 1");
    *on = s.Step() && s.Int(0) == 1;
    return s.status();
  };
  bool on = false;
  WEIGE_RETURN_IF_ERROR(recording(&on));
  if (on) return Status::Ok();
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(store.Begin(&tx, TxMode::kImmediate));
  // Again under the lock: another server may have turned it on meanwhile.
  WEIGE_RETURN_IF_ERROR(LockChangeLogNow(db));
  WEIGE_RETURN_IF_ERROR(recording(&on));
  if (on) return Status::Ok();
  WEIGE_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO sync_config(id, recording) VALUES(1, 1)"
      " ON CONFLICT(id) DO UPDATE SET recording = 1"));
  // The triggers first: the backfill's rows are tagged by sync_changes'.
  WEIGE_RETURN_IF_ERROR(InstallChangeLogTriggersInTx(db));
  WEIGE_RETURN_IF_ERROR(db.Exec(ChangeLogBackfillSql(db.dialect())));
  return tx.Commit();
}

Status LockChangeLog(Db& db) {
  if (db.dialect() != Dialect::kPostgres) return Status::Ok();
  Stmt s = db.Q(std::string("SELECT ") + kChangeLogLockSql +
                " FROM sync_config WHERE id = 1 AND recording = 1");
  return s.Run();
}

Status ChangeLogHead(Store& store, int64_t* seq) {
  Db& db = DbOf(store);
  Stmt s = db.Q("SELECT COALESCE(MAX(seq), 0) FROM sync_changes");
  *seq = s.Step() ? s.Int(0) : 0;
  return s.status();
}

Status ChangeSeqs(Store& store, const std::vector<std::string>& tags, bool everything, int64_t after,
                  int64_t through, int64_t limit, std::vector<int64_t>* out) {
  Db& db = DbOf(store);
  out->clear();
  if (everything) {
    Stmt s = db.Q("SELECT seq FROM sync_changes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
    s.Bind(1, after).Bind(2, through).Bind(3, limit);
    while (s.Step()) out->push_back(s.Int(0));
    return s.status();
  }
  if (tags.empty()) return Status::Ok();
  // PostgreSQL: at most a page from each tag, each read in seq order from
  // the (tag, seq) key, then merged; with "tag IN" it read every tagged seq
  // after the cursor (a micro-grid's whole remaining year) to sort and keep
  // a page: 2.7-12 ms a first-sync page against ~1 ms (bench_year, EXPLAIN
  // ANALYZE). SQLite keeps its text, unchanged (no LATERAL there).
  Stmt s = db.Q(db.dialect() == Dialect::kPostgres
                    ? std::string("SELECT DISTINCT u.seq FROM json_array_elements_text(CAST(?1 AS JSON))"
                                  " AS g(tag) CROSS JOIN LATERAL (SELECT c.seq FROM sync_change_tags c"
                                  " WHERE c.tag = g.tag AND c.seq > ?2 AND c.seq <= ?3 ORDER BY c.seq"
                                  " LIMIT ?4) AS u ORDER BY u.seq LIMIT ?4")
                    : "SELECT DISTINCT seq FROM sync_change_tags WHERE tag IN " + JsonStrings(db, 1) +
                          " AND seq > ?2 AND seq <= ?3 ORDER BY seq LIMIT ?4");
  s.Bind(1, TagArray(tags)).Bind(2, after).Bind(3, through).Bind(4, limit);
  while (s.Step()) out->push_back(s.Int(0));
  return s.status();
}

Status LoadChanges(Store& store, const std::vector<int64_t>& seqs, std::vector<Change>* out) {
  Db& db = DbOf(store);
  out->clear();
  out->reserve(seqs.size());
  if (seqs.empty()) return Status::Ok();
  // One statement for the page, not one a change: on PostgreSQL each is a
  // round trip, and a page of 1,000 took ~95 ms that way.
  std::unordered_map<int64_t, Change> found;
  Stmt s = db.Q("SELECT seq, tbl, op, pk, row, keys, old_keys FROM sync_changes WHERE seq IN " +
                JsonInts(db, 1));
  s.Bind(1, DumpJson(Json(seqs)));
  while (s.Step()) {
    Change c;
    c.seq = s.Int(0);
    c.table = s.Text(1);
    c.op = s.Text(2);
    c.pk = s.Text(3);
    c.row = s.Text(4);
    c.keys = s.Text(5);
    c.old_keys = s.Text(6);
    found.emplace(c.seq, std::move(c));
  }
  WEIGE_RETURN_IF_ERROR(s.status());
  // In the caller's order; each change moved, not copied: both callers'
  // seqs are distinct (ChangeSeqs reads DISTINCT, sync_blob_refs is keyed
  // by (sha, seq)).
  for (int64_t seq : seqs) {
    auto it = found.find(seq);
    if (it == found.end()) return NotFound("sync.change_missing", "no change " + std::to_string(seq));
    out->push_back(std::move(it->second));
  }
  return Status::Ok();
}

Status ForEachLiveSeq(Store& store, const std::vector<std::string>& tags, bool everything,
                      int64_t through, const std::function<void(int64_t)>& fn) {
  Db& db = DbOf(store);
  if (everything) {
    Stmt s = db.Q("SELECT seq FROM sync_changes WHERE seq <= ? ORDER BY seq");
    s.Bind(1, through);
    while (s.Step()) fn(s.Int(0));
    return s.status();
  }
  if (tags.empty()) return Status::Ok();
  Stmt s = db.Q(
      "SELECT DISTINCT seq FROM sync_change_tags WHERE tag IN " + JsonStrings(db, 1) +
      " AND seq <= ?2 AND live = 1 ORDER BY seq");
  s.Bind(1, TagArray(tags)).Bind(2, through);
  while (s.Step()) fn(s.Int(0));
  return s.status();
}

Status ChangesCiting(Store& store, const std::string& sha, std::vector<Change>* out) {
  Db& db = DbOf(store);
  std::vector<int64_t> seqs;
  {
    Stmt s = db.Q("SELECT seq FROM sync_blob_refs WHERE sha = ? ORDER BY seq LIMIT 1000");
    s.Bind(1, sha);
    while (s.Step()) seqs.push_back(s.Int(0));
    WEIGE_RETURN_IF_ERROR(s.status());
  }
  return LoadChanges(store, seqs, out);
}

Status LoadGrants(Store& store, const std::string& person_id, Actor* out) {
  Db& db = DbOf(store);
  return LoadActor(db, person_id, out);
}

Status PlacesOfGrant(Store& store, const Grant& g, GrantPlaces* out) {
  Db& db = DbOf(store);
  *out = GrantPlaces();
  std::string mg;  // the micro-grid whose chain the grant reads
  switch (g.role) {
    case Role::kDepartment:
    case Role::kPartner:  // reads nothing through sync (Open311 answers it)
      return Status::Ok();
    case Role::kCaptain: {
      Stmt s = db.Q("SELECT microgrid_id FROM buildings WHERE id = ?");
      s.Bind(1, g.scope_id);
      if (!s.Step()) return s.status();
      mg = s.Text(0);
      break;
    }
    case Role::kResident: {
      Stmt s = db.Q("SELECT microgrid_id FROM households WHERE id = ?");
      s.Bind(1, g.scope_id);
      if (!s.Step()) return s.status();
      mg = s.Text(0);
      break;
    }
    case Role::kAdmin:
    case Role::kGridHead:
    case Role::kWorker: {
      if (g.role == Role::kAdmin && g.scope_id == kEverywhere) {
        out->everything = true;
        return Status::Ok();
      }
      std::string level;
      std::vector<std::string> chain;
      Status st = RegionChain(db, g.scope_id, nullptr, &chain, &level);
      if (st.code == Code::kNotFound) return Status::Ok();
      WEIGE_RETURN_IF_ERROR(st);
      out->regions = chain;
      if (level == "microgrid") {
        out->microgrids.push_back(g.scope_id);
        return Status::Ok();
      }
      if (g.role == Role::kWorker) return Status::Ok();  // a worker of a non-micro-grid
      int column = -1;
      for (int i = 0; i < 4; ++i) {
        if (level == kLevels[i]) column = i;
      }
      if (column < 0) return Status::Ok();
      // Every region below (no index on these columns: a scan of the
      // regions, ~10,000 rows at the seed's scale).
      Stmt s = db.Q(std::string("SELECT id, level FROM regions WHERE ") + kLevelColumns[column] +
                    " = ?1 AND id <> ?1");
      s.Bind(1, g.scope_id);
      while (s.Step()) {
        out->regions.push_back(s.Text(0));
        if (s.Text(1) == "microgrid") out->microgrids.push_back(s.Text(0));
      }
      return s.status();
    }
  }
  if (mg.empty()) return Status::Ok();
  Status st = RegionChain(db, mg, "microgrid", &out->regions);
  return st.code == Code::kNotFound ? Status::Ok() : st;
}

Status FindPushAnswer(Store& store, const std::string& person_id, const std::string& command_id,
                      bool* found, PushAnswer* out) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "SELECT person_id, body, answer FROM sync_push_answers"
      " WHERE person_id = ? AND command_id = ?");
  s.Bind(1, person_id).Bind(2, command_id);
  *found = s.Step();
  if (*found) {
    out->person_id = s.Text(0);
    out->body = s.Text(1);
    out->answer = s.Text(2);
  }
  return s.status();
}

Status SavePushAnswer(Store& store, const std::string& command_id, const PushAnswer& a, int64_t at) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "INSERT INTO sync_push_answers(command_id, person_id, body, answer, at) VALUES(?,?,?,?,?)");
  return s.Bind(1, command_id).Bind(2, a.person_id).Bind(3, a.body).Bind(4, a.answer).Bind(5, at)
      .Run();
}

Status SetCredential(Store& store, const std::string& person_id, const std::string& hash, int64_t at) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "INSERT INTO auth_credentials(person_id, hash, updated_at) VALUES(?,?,?)"
      " ON CONFLICT(person_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at");
  return s.Bind(1, person_id).Bind(2, hash).Bind(3, at).Run();
}

Status FindCredential(Store& store, const std::string& person_id, bool* found, std::string* hash) {
  Db& db = DbOf(store);
  Stmt s = db.Q("SELECT hash FROM auth_credentials WHERE person_id = ?");
  s.Bind(1, person_id);
  *found = s.Step();
  if (*found) *hash = s.Text(0);
  return s.status();
}

Status PersonExists(Store& store, const std::string& person_id, bool* exists) {
  Db& db = DbOf(store);
  Stmt s = db.Q("SELECT 1 FROM people WHERE id = ?");
  s.Bind(1, person_id);
  *exists = s.Step();
  return s.status();
}

Status SaveToken(Store& store, const std::string& token_hash, const std::string& person_id,
                 int64_t created_at, int64_t expires_at) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "INSERT INTO auth_tokens(token_hash, person_id, created_at, expires_at) VALUES(?,?,?,?)");
  return s.Bind(1, token_hash).Bind(2, person_id).Bind(3, created_at).Bind(4, expires_at).Run();
}

Status FindToken(Store& store, const std::string& token_hash, bool* found, TokenInfo* out) {
  Db& db = DbOf(store);
  Stmt s = db.Q("SELECT person_id, expires_at, revoked_at FROM auth_tokens WHERE token_hash = ?");
  s.Bind(1, token_hash);
  *found = s.Step();
  if (*found) {
    out->person_id = s.Text(0);
    out->expires_at = s.Int(1);
    out->revoked = !s.IsNull(2);
  }
  return s.status();
}

Status RevokeToken(Store& store, const std::string& token_hash, int64_t at, bool* revoked) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "UPDATE auth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL");
  WEIGE_RETURN_IF_ERROR(s.Bind(1, at).Bind(2, token_hash).Run());
  *revoked = db.Changes() > 0;
  return Status::Ok();
}

Status PurgeTokens(Store& store, int64_t before) {
  Db& db = DbOf(store);
  Stmt s = db.Q("DELETE FROM auth_tokens WHERE expires_at < ?");
  return s.Bind(1, before).Run();
}

namespace {
// On PostgreSQL, one transaction-scoped advisory lock per key, taken in key
// order (two reservations sharing keys cannot deadlock); the two-int form,
// class "weig", so it never meets the change log's lock.
Status LockRateKeys(Db& db, std::vector<std::string> keys) {
  if (db.dialect() != Dialect::kPostgres) return Status::Ok();
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    Stmt s = db.Q("SELECT pg_advisory_xact_lock(2003134823, hashtext(?))");
    WEIGE_RETURN_IF_ERROR(s.Bind(1, key).Run());
  }
  return Status::Ok();
}

// Attempts are counted in buckets of 1/60 of the window, so that a key holds
// at most 61 rows whatever its rate (an API key's thousands a minute): the
// window slides by a bucket, and an attempt ages out up to a bucket early.
int64_t RateBucket(int64_t at, int64_t window_ms) {
  const int64_t width = std::max<int64_t>(1, window_ms / 60);
  return at - ((at % width) + width) % width;
}
}  // namespace

Status RateReserve(Store& store, const std::vector<RateLimit>& limits, int64_t window_ms,
                   int64_t now, int64_t* wait_ms) {
  Db& db = DbOf(store);
  *wait_ms = 0;
  now = RateBucket(now, window_ms);
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(store.Begin(&tx, TxMode::kImmediate));
  std::vector<std::string> keys;
  for (const RateLimit& l : limits) keys.push_back(l.key);
  WEIGE_RETURN_IF_ERROR(LockRateKeys(db, keys));
  {
    // Keys with other windows share the table (sign-ins 15 min, an API key
    // a minute): a key's own aged attempts go by its window; what every key
    // left behind goes after a day (or this window, when longer).
    Stmt aged = db.Q("DELETE FROM rate_hits WHERE at <= ?");
    WEIGE_RETURN_IF_ERROR(aged.Bind(1, now - std::max<int64_t>(window_ms, 86400000)).Run());
  }
  for (const RateLimit& l : limits) {
    Stmt own = db.Q("DELETE FROM rate_hits WHERE key = ? AND at <= ?");
    WEIGE_RETURN_IF_ERROR(own.Bind(1, l.key).Bind(2, now - window_ms).Run());
    std::vector<std::pair<int64_t, int64_t>> hits;  // (at, n), oldest first
    int64_t total = 0;
    Stmt s = db.Q("SELECT at, n FROM rate_hits WHERE key = ? ORDER BY at");
    s.Bind(1, l.key);
    while (s.Step()) {
      hits.emplace_back(s.Int(0), s.Int(1));
      total += s.Int(1);
    }
    WEIGE_RETURN_IF_ERROR(s.status());
    // Blocked until enough of the oldest attempts age out of the window.
    for (const auto& [at, n] : hits) {
      if (total < l.limit) break;
      total -= n;
      *wait_ms = std::max(*wait_ms, at + window_ms - now);
    }
  }
  if (*wait_ms > 0) return Status::Ok();  // nothing recorded: rolled back
  for (const RateLimit& l : limits) {
    Stmt s = db.Q(
        "INSERT INTO rate_hits(key, at, n) VALUES(?, ?, 1)"
        " ON CONFLICT(key, at) DO UPDATE SET n = rate_hits.n + 1");
    WEIGE_RETURN_IF_ERROR(s.Bind(1, l.key).Bind(2, now).Run());
  }
  return tx.Commit();
}

Status RateRelease(Store& store, const std::vector<std::string>& keys,
                   const std::vector<std::string>& forget, int64_t window_ms, int64_t at) {
  Db& db = DbOf(store);
  at = RateBucket(at, window_ms);
  Transaction tx;
  WEIGE_RETURN_IF_ERROR(store.Begin(&tx, TxMode::kImmediate));
  std::vector<std::string> all = keys;
  all.insert(all.end(), forget.begin(), forget.end());
  WEIGE_RETURN_IF_ERROR(LockRateKeys(db, all));
  for (const std::string& key : keys) {
    Stmt s = db.Q("UPDATE rate_hits SET n = n - 1 WHERE key = ? AND at = ?");
    WEIGE_RETURN_IF_ERROR(s.Bind(1, key).Bind(2, at).Run());
  }
  for (const std::string& key : forget) {
    Stmt s = db.Q("DELETE FROM rate_hits WHERE key = ?");
    WEIGE_RETURN_IF_ERROR(s.Bind(1, key).Run());
  }
  WEIGE_RETURN_IF_ERROR(db.Exec("DELETE FROM rate_hits WHERE n <= 0"));
  return tx.Commit();
}

Status AdminManages(Store& store, const std::string& admin_id, const std::string& person_id) {
  Db& db = DbOf(store);
  Actor admin;
  WEIGE_RETURN_IF_ERROR(LoadActor(db, admin_id, &admin));
  return ManagesPerson(db, admin, person_id);
}

Status DeactivateAccount(Store& store, const std::string& person_id, int64_t at, int64_t* tokens) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "UPDATE auth_tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL");
  WEIGE_RETURN_IF_ERROR(s.Bind(1, at).Bind(2, person_id).Run());
  *tokens = db.Changes();
  Stmt c = db.Q("DELETE FROM auth_credentials WHERE person_id = ?");
  return c.Bind(1, person_id).Run();
}

Status PutBlob(Store& store, const std::string& sha, const std::string& bytes,
               const std::string& uploaded_by, int64_t at, bool* existed) {
  Db& db = DbOf(store);
  Stmt s = db.Q(
      "INSERT INTO blobs(sha, size, bytes, uploaded_by, at) VALUES(?,?,?,?,?)"
      " ON CONFLICT(sha) DO NOTHING");
  s.Bind(1, sha).Bind(2, static_cast<int64_t>(bytes.size())).BindBlob(3, bytes)
      .Bind(4, uploaded_by).Bind(5, at);
  WEIGE_RETURN_IF_ERROR(s.Run());
  *existed = db.Changes() == 0;
  return Status::Ok();
}

Status FindBlob(Store& store, const std::string& sha, bool* found, std::string* bytes,
                std::string* uploaded_by) {
  Db& db = DbOf(store);
  Stmt s = db.Q("SELECT bytes, uploaded_by FROM blobs WHERE sha = ?");
  s.Bind(1, sha);
  *found = s.Step();
  if (*found) {
    *bytes = s.Blob(0);
    *uploaded_by = s.Text(1);
  }
  return s.status();
}

}  // namespace weige::store
