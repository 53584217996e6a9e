// Open311 GeoReport v2 in the domain: what a public answer may carry, the
// services generated from the report categories, and the spec's times.
//
// Open311 answers are public. A request is shown only through PublicRequest
// and an update only through PublicUpdate, whose fields are the whole of
// what leaves: a place (building id and address, its coordinates), the
// category, the description, the state and its times. No resident's phone,
// name or household id has a field here, so no caller can put one in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/report_categories.h"
#include "core/domain/result.h"

namespace weige::open311 {

// Times: W3C / ISO 8601 in the district's time (China Standard Time, +08:00,
// no daylight saving): "2026-12-02T18:54:08+08:00".
std::string FormatTime(int64_t ms);
// "2026-12-02", "2026-12-02T18:54", "2026-12-02T18:54:08", with optional
// fraction and a zone (Z, +08:00, +0800, +08); no zone: +08:00. A date alone
// is its midnight. false for anything else or a year outside 1970..2099.
bool ParseTime(std::string_view text, int64_t* ms);

// The item states as Open311's two: closed once the item is closed, else open.
const char* PublicStatus(std::string_view item_state);

struct PublicRequest {
  std::string service_request_id;  // the report's id
  std::string status;              // "open" | "closed"
  std::string item_state;          // open | assigned | fixed | closed (status_notes)
  std::string service_code, description;
  std::string address, address_id;  // the building's address and id
  int64_t requested_ms = 0, updated_ms = 0;  // the server's times (open311_store.h)
  std::optional<int64_t> expected_ms;  // the item's deadline
  std::optional<double> lat, lng;      // the building's, else the position reported
};

// The one way a stored report becomes public: `draft` as read from the
// store, and the private values of its resident (their name, phones, the
// household's id and head's name) that must not leave. Each of those is
// cut out of the free text (description, address), as is any run of 7 or
// more digits (a phone typed into the text); the result carries only
// PublicRequest's fields.
PublicRequest MakePublicRequest(PublicRequest draft, const std::vector<std::string>& private_values);
// The free-text redaction MakePublicRequest applies.
std::string RedactText(std::string text, const std::vector<std::string>& private_values);

// One status change (mySociety's servicerequestupdates extension).
struct PublicUpdate {
  int64_t update_seq = 0;  // the event's sequence in the store
  std::string service_request_id;
  std::string event_type;  // item.assigned | item.fixed | item.closed | item.fix_rejected | item.reopened
  int64_t updated_ms = 0;  // the server's time of the event
};

// The spec's JSON objects (the server writes them as JSON or XML).
Json RequestJson(const PublicRequest& r);
Json UpdateJson(const PublicUpdate& u);
// The update status of an event type ("IN_PROGRESS", "FIXED", "OPEN"), and
// Weige's own state after it ("assigned", "fixed", "closed"); nullptr for an
// event that is no status change.
const char* UpdateStatus(std::string_view event_type);
const char* UpdateState(std::string_view event_type);

// GET services: one service per report category; metadata when its form asks
// attributes.
Json ServiceJson(const ReportCategory& c);
// GET services/{code}: the form as attributes (variable, code, datatype,
// required, datatype_description, order, description, values).
Json ServiceDefinitionJson(const ReportCategory& c);

}  // namespace weige::open311
