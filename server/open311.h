// Open311 GeoReport v2 at /open311/v2/ (the handlers are HttpServer's, in
// open311.cc):
//
//   GET  discovery.{json|xml}                    the discovery document
//   GET  services.{json|xml}                     one service per report category
//   GET  services/{code}.{json|xml}              its definition (the category's form)
//   POST requests.{json|xml}                     form-encoded; api_key required
//   GET  requests.{json|xml}                     service_request_id, service_code,
//                                                start_date, end_date, status
//   GET  requests/{id}.{json|xml}
//   GET  tokens/{token}.{json|xml}
//   GET  servicerequestupdates.{json|xml}        mySociety's extension
//
// discovery and services are public; the rest need the partner's api_key
// (a query parameter, or a form field of the POST), answer only inside its
// region, and count against its rate. Errors are the spec's list,
// [{code, description}] (<errors><error>...), with the HTTP status 400, 403,
// 404, 413, 429 or 503. The administrators' keys: POST/GET
// /api/v1/admin/open311/keys, POST /api/v1/admin/open311/revoke.
#pragma once

#include <string>

#include "core/domain/result.h"

namespace weige::server {

// XML of `value` under <root>, with the declaration: objects become child
// elements, arrays repeat the element their parent's name implies
// (services -> service, attributes -> attribute, ...), text is escaped and
// characters XML 1.0 forbids are dropped. Null is an empty element.
std::string Open311Xml(const Json& value, const std::string& root);

struct Reply;
// A request refused before its handler ran (413, 415): under /open311/ the
// answer becomes the spec's error list in the path's format; else unchanged.
void Open311Refusal(const std::string& path, Reply* out);

}  // namespace weige::server
