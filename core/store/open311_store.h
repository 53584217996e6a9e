// Open311 GeoReport v2 over a Store (migration 10; PostgreSQL's 6): partner
// API keys, their shared rate counters, the tokens of submitted requests, and
// the public reads (requests, status updates). Plain data in and out; the
// server speaks HTTP, JSON and XML around it (server/open311.cc).
//
// Keys are stored as the hex SHA-256 of the key (a 32-byte random secret
// shown once at creation), each scoped to a region and held by a partner:
// a person with the partner role over that region (access.h), who is the
// actor of the report.submit each request becomes. Counters live in the
// store, so every server of a fleet counts against the same limit.
//
// Every call runs on the caller's connection and transaction unless it says
// it opens one. Not thread-safe (one thread per Store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/open311.h"
#include "core/domain/result.h"
#include "core/store/store.h"

namespace weige::store {

struct Open311Key {
  std::string key_id, partner_id, region_id, label, created_by;
  std::string region_name;  // Open311ListKeys only
  int64_t rate_per_minute = 0;
  int64_t created_at = 0;
  int64_t revoked_at = 0;  // 0: live
};

// What an administrator asks for. A new partner_id becomes a person (with
// partner_name) holding the partner role over region_id; an existing one
// gains the role if it lacks it. Both through person.upsert and role.grant,
// run as `admin_id` (so their rules decide: an administrator whose scope
// reaches the region), recorded in the event trail.
struct Open311KeySpec {
  std::string partner_id, partner_name, region_id, label;
  int64_t rate_per_minute = 120;
};

// Opens its own transaction (or a savepoint). `key_hash` is the hex SHA-256
// of the key the caller made; `key_id` a fresh id.
Status Open311CreateKey(Store& store, const std::string& admin_id, const Open311KeySpec& spec,
                        const std::string& key_id, const std::string& key_hash, int64_t at,
                        Open311Key* out);
// The keys whose region the administrator's scope reaches, newest first.
Status Open311ListKeys(Store& store, const std::string& admin_id, std::vector<Open311Key>* out);
// not_found "open311.key_not_found" (also for a key outside the admin's scope).
Status Open311RevokeKey(Store& store, const std::string& admin_id, const std::string& key_id,
                        int64_t at, bool* revoked);

Status Open311FindKey(Store& store, const std::string& key_hash, bool* found, Open311Key* out);
// The spec's reads (GET requests, requests/{id}, tokens/{token} and
// servicerequestupdates) take no api_key: a keyless caller reads as this
// key, every region and every partner's tokens (the answers are public
// either way: open311.h MakePublicRequest), counted per client address
// against `rate_per_minute`.
Open311Key Open311PublicKey(const std::string& client_address, int64_t rate_per_minute);
// Counts one call of the key at `now`; *allowed false (and nothing counted)
// once the key made rate_per_minute calls in the sliding minute before it;
// *retry_after_ms then says when it may call again. The store's rate limits
// (sync_store.h RateReserve), shared by a fleet. Opens its own transaction.
Status Open311CountCall(Store& store, const Open311Key& key, int64_t now, bool* allowed,
                        int64_t* retry_after_ms);

// A POST requests, as parsed from the form.
struct Open311NewRequest {
  std::string service_code, description;
  std::optional<double> lat, lng;
  std::string address_string, address_id;
  Json attributes = Json::object();
  std::string request_id, token;  // fresh ids the caller made
};
// Opens its own transaction: the report.submit (as the key's partner) and
// the token row commit together, or nothing is written. *value gets
// {service_request_id, token}. Errors: the command's (invalid_argument for a
// missing attribute, failed_precondition "place.outside_microgrids", ...),
// invalid_argument "open311.address_not_found" for an address_string no
// building of the key's region has, "open311.address_ambiguous" for one that
// names several. An address_string is matched as people type it (AddressKey,
// text.h): the building's address or name, or either with more in front
// (the city, the district), or the end of its address.
Result Open311Submit(Store& store, const Open311Key& key, const Open311NewRequest& req, int64_t now);

struct Open311Filter {
  std::vector<std::string> ids;  // service_request_id list; empty: any
  std::vector<std::string> service_codes;  // empty: any
  std::string status;            // "", "open", "closed"
  int64_t from_ms = 0, to_ms = 0;  // requested_datetime in [from, to]
  int64_t limit = 1000;
};
// The reports inside the key's region matching the filter, the last the
// server took first (requested_datetime is that time, never a device's),
// as their public view (open311::MakePublicRequest). With ids given the
// window is not applied.
Status Open311FindRequests(Store& store, const Open311Key& key, const Open311Filter& filter,
                           std::vector<open311::PublicRequest>* out);
// The request a token of this key's partner stands for.
Status Open311FindToken(Store& store, const Open311Key& key, const std::string& token, bool* found,
                        std::string* request_id);
// Status changes of the reports inside the key's region whose events the
// server received in [from, to], in the store's event order, at most `limit`.
Status Open311FindUpdates(Store& store, const Open311Key& key, int64_t from_ms, int64_t to_ms,
                          int64_t limit, std::vector<open311::PublicUpdate>* out);

}  // namespace weige::store
