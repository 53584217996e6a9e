#include "core/sync/pull.h"

#include "core/domain/json_reader.h"
#include "core/store/sync_store.h"
#include "core/sync/scope.h"

namespace weige::sync {

namespace {

Status PullInSnapshot(store::Store& store, const PullRequest& req, std::string* page) {
  Scope scope;
  WEIGE_RETURN_IF_ERROR(LoadScope(store, req.person_id, &scope, req.field_only));
  int64_t head = 0;
  WEIGE_RETURN_IF_ERROR(store::ChangeLogHead(store, &head));
  if (req.cursor > head) {
    return FailedPrecondition("sync.cursor_ahead",
                              "the cursor is past this server's change log; resync from 0");
  }
  std::vector<int64_t> seqs;
  WEIGE_RETURN_IF_ERROR(store::ChangeSeqs(store, scope.tags, scope.everything, req.cursor, head,
                                          req.limit + 1, &seqs));
  const bool has_more = static_cast<int64_t>(seqs.size()) > req.limit;
  if (has_more) seqs.resize(static_cast<size_t>(req.limit));
  std::vector<store::Change> changes;
  WEIGE_RETURN_IF_ERROR(store::LoadChanges(store, seqs, &changes));
  std::vector<Delivery> deliveries;
  deliveries.reserve(changes.size());
  for (const store::Change& c : changes) deliveries.push_back(Decide(scope, c.keys, c.old_keys));
  const int64_t next = has_more ? seqs.back() : head;
  ScopeDigest digest;
  const bool with_digest = !has_more || req.digest;
  if (with_digest) {
    WEIGE_RETURN_IF_ERROR(store::ForEachLiveSeq(store, scope.tags, scope.everything, next,
                                                [&](int64_t seq) { digest.Add(seq); }));
  }
  *page = EncodePage(changes, deliveries, next, has_more, head, with_digest ? &digest : nullptr);
  return Status::Ok();
}

}  // namespace

Status LoadScope(store::Store& store, const std::string& person_id, Scope* scope,
                 bool field_only) {
  Actor actor;
  WEIGE_RETURN_IF_ERROR(store::LoadGrants(store, person_id, &actor));
  if (field_only) {
    std::erase_if(actor.grants, [](const Grant& g) { return g.role == Role::kAdmin; });
  }
  std::vector<store::GrantPlaces> places(actor.grants.size());
  for (size_t i = 0; i < actor.grants.size(); ++i) {
    WEIGE_RETURN_IF_ERROR(store::PlacesOfGrant(store, actor.grants[i], &places[i]));
  }
  *scope = ScopeOf(person_id, actor.grants, places);
  return Status::Ok();
}

namespace {

// Who made a change that cites photos: the person column of its row. A
// citation shares a photo only when made by the photo's uploader, so citing
// someone else's hash in one's own record reveals nothing.
std::string CitingAuthor(const store::Change& c) {
  const char* column = c.table == "visits"    ? "worker_id"
                       : c.table == "patrols" ? "captain_id"
                       : c.table == "reports" ? "resident_id"
                       : c.table == "events"  ? "actor"
                                              : nullptr;
  if (column == nullptr) return "";
  Json row;
  if (!ParseJson(c.row, c.row.size(), &row).ok() || !row.is_object()) return "";
  auto it = row.find(column);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Status MaySeeBlob(store::Store& store, const std::string& person_id, const std::string& sha,
                  const std::string& uploader, bool* allowed) {
  *allowed = false;
  std::vector<store::Change> citing;
  WEIGE_RETURN_IF_ERROR(store::ChangesCiting(store, sha, &citing));
  if (citing.empty()) return Status::Ok();
  Scope scope;
  WEIGE_RETURN_IF_ERROR(LoadScope(store, person_id, &scope));
  for (const store::Change& c : citing) {
    if (CitingAuthor(c) != uploader) continue;
    if (Decide(scope, c.keys, c.old_keys) == Delivery::kSend) {
      *allowed = true;
      break;
    }
  }
  return Status::Ok();
}

Status ReadableBlob(store::Store& store, const std::string& person_id, const std::string& sha,
                    bool* allowed, std::string* bytes) {
  *allowed = false;
  bytes->clear();
  bool found = false;
  std::string uploader;
  WEIGE_RETURN_IF_ERROR(store::FindBlob(store, sha, &found, bytes, &uploader));
  if (found) {
    *allowed = uploader == person_id;
    if (!*allowed) WEIGE_RETURN_IF_ERROR(MaySeeBlob(store, person_id, sha, uploader, allowed));
  }
  if (!*allowed) bytes->clear();
  return Status::Ok();
}

Status Pull(store::Store* store, const PullRequest& req, std::string* page) {
  if (req.limit < 1 || req.limit > kMaxPullLimit) {
    return InvalidArgument("sync.bad_limit",
                           "limit must be between 1 and " + std::to_string(kMaxPullLimit));
  }
  if (req.cursor < 0) return InvalidArgument("sync.bad_cursor", "cursor must be 0 or more");
  // One snapshot for the scope, the page and the digest (read only: it is
  // not committed).
  store::Transaction snapshot;
  WEIGE_RETURN_IF_ERROR(store->Begin(&snapshot, store::TxMode::kSnapshot));
  return PullInSnapshot(*store, req, page);
}

}  // namespace weige::sync
