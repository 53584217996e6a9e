// The server's side of a pull: the change log after a cursor, filtered to the
// caller's scope (see scope.h), one page at a time. Bytes out, no sockets.
#pragma once

#include <cstdint>
#include <string>

#include "core/domain/result.h"
#include "core/store/store.h"
#include "core/sync/scope.h"

namespace weige::sync {

inline constexpr int64_t kDefaultPullLimit = 500;
inline constexpr int64_t kMaxPullLimit = 5000;

struct PullRequest {
  std::string person_id;       // the caller (from the token, never the request)
  int64_t cursor = 0;          // changes after this sequence number
  int64_t limit = kDefaultPullLimit;
  bool digest = false;         // a digest even when more pages follow
  // A field device's pull (the apps' sync client asks for it): the scope of
  // the person's field grants only. An administrator's grants replicate
  // nothing to a device, whatever else the person holds: the console reads
  // from the server (issue 13, item 8), so a grid head who is also a street's
  // administrator replicates their grid, not the street.
  bool field_only = false;
};

// Writes one page (EncodePage in scope.h) to *page. The page is read from one
// snapshot; next_cursor is the last sequence number examined, or the head of
// the log when no more pages follow, and the digest is always given on the
// last page. invalid_argument "sync.bad_limit"/"sync.bad_cursor";
// failed_precondition "sync.cursor_ahead" when the cursor is past the head
// (the device synced with another database: resync from 0); not_found
// "actor.unknown".
Status Pull(store::Store* store, const PullRequest& request, std::string* page);

// The scope of a person (ScopeOf over their grants and what each reaches;
// with field_only, over their grants other than an administrator's).
// not_found "actor.unknown".
Status LoadScope(store::Store& store, const std::string& person_id, Scope* scope,
                 bool field_only = false);

// Whether `person_id` may fetch the photo `sha` uploaded by `uploader`: some
// change citing it (a visit's, patrol's or report's photos, an event's
// evidence) made by the uploader is sent to their scope. A citation by anyone
// else shares nothing, so a hash is not a capability. (The uploader's own
// right is the caller's business.)
Status MaySeeBlob(store::Store& store, const std::string& person_id, const std::string& sha,
                  const std::string& uploader, bool* allowed);

// The photo `sha` for `person_id`: `allowed` and its bytes when they uploaded
// it or MaySeeBlob; otherwise allowed is false whether or not it exists, so a
// caller answers both alike (a hash is not a capability, nor an oracle).
Status ReadableBlob(store::Store& store, const std::string& person_id, const std::string& sha,
                    bool* allowed, std::string* bytes);

}  // namespace weige::sync
