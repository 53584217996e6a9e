// Pull scope, the per-change delivery decision, the scope digest and the
// encoding of a pull page. Pure: no I/O, no clock; the store supplies what a
// grant reaches (store::PlacesOfGrant) and the change-log entries.
//
// A change carries scope tags (see core/store/sync_schema.cc): "m:<microgrid>",
// "b:<building>", "h:<household>", "p:<person>", "d:<department>",
// "rs:<region>" and "all". A person's scope is the set of tags their grants
// reach:
//   everyone           p:<self>, all (checklist templates, departments)
//   admin "*"          everything
//   admin, grid_head   m: of each micro-grid at or below the region, rs: of each
//   (region R)         region at or below R and of R's ancestors
//   worker (M)         m:M, rs: of M and its ancestors
//   captain (B)        b:B, rs: of B's micro-grid and its ancestors
//   resident (H)       h:H, rs: of H's micro-grid and its ancestors
//   department (D)     d:D
// So a resident pulls their own reports (p:), the items of their household
// (h:) and of their reports (p:), never another household's; a captain the
// items and patrols of their building; a department the items assigned or
// escalated to it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/access.h"
#include "core/store/sync_store.h"

namespace weige::sync {

struct Scope {
  bool everything = false;
  std::vector<std::string> tags;  // sorted, unique

  bool Has(std::string_view tag) const;
};

// The scope of `person_id` holding `grants`; places[i] is what grants[i]
// reaches (same length, else the extra grants are ignored).
Scope ScopeOf(const std::string& person_id, const std::vector<Grant>& grants,
              const std::vector<store::GrantPlaces>& places);

// What a device pulling with a scope receives of one change.
enum class Delivery {
  kSkip,   // not in scope
  kSend,   // a live key is in scope: the row (or the delete)
  kEvict,  // only an old key is: the row left the scope; the device drops it
};
// keys/old_keys are the change's JSON arrays of tags ("" for none). Text
// that is not an array of strings counts as no keys.
Delivery Decide(const Scope& scope, std::string_view keys, std::string_view old_keys);

// Order-independent digest of the changes a scope sends up to a cursor: their
// count and the sum (mod 2^64) of a 64-bit mix of each sequence number. A
// device keeps the same sum over the changes it applied (op upsert or delete,
// not evict); a mismatch means it missed something or its scope changed, and
// it resyncs from cursor 0.
class ScopeDigest {
 public:
  void Add(int64_t seq);
  int64_t count() const { return count_; }
  // 16 lowercase hex digits of the sum.
  std::string Hex() const;
  static uint64_t Mix(int64_t seq);

 private:
  int64_t count_ = 0;
  uint64_t sum_ = 0;
};

// One pull page:
//   {"ok":true,"changes":[{"seq":N,"table":"items","op":"upsert","pk":[...],
//    "row":{...}} | {..."op":"delete","pk":[...]} | {..."op":"evict","pk":[...]}],
//    "next_cursor":N,"has_more":bool,"head":N,
//    "digest":{"count":N,"hash":"<16 hex>","through":N} | null}
// Changes whose delivery is kSkip are left out. `changes` and `deliveries`
// have the same length. Row and pk text are spliced as stored (valid JSON,
// written by SQLite's json functions).
std::string EncodePage(const std::vector<store::Change>& changes,
                       const std::vector<Delivery>& deliveries, int64_t next_cursor,
                       bool has_more, int64_t head, const ScopeDigest* digest);

}  // namespace weige::sync
