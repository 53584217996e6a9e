// The request and answer types the route handlers share (http_server.cc's
// and open311.cc's). Internal to the server.
#pragma once

#include <microhttpd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/result.h"

namespace weige::server {

// One answer: a body in memory, or a file sent from its descriptor.
struct Reply {
  int status = 200;
  std::string body;
  std::string type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  int fd = -1;  // owned; sent instead of body when >= 0
  uint64_t fd_size = 0;

  void Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// One request as the handlers see it.
struct Request {
  MHD_Connection* conn = nullptr;
  std::string method, path;
  std::string arg;   // the rest of the path after a prefix route
  std::string body;  // at most the route's limit
  std::string remote_addr;
  const struct Route* route = nullptr;
  size_t limit = 0;
  bool answered = false;  // an early answer was queued (the connection closes)
  std::unique_ptr<Reply> refused;  // 413/415: the body is read, dropped, then this
  uint64_t dropped = 0;
  bool running = false;          // its handler runs detached, the connection suspended
  std::unique_ptr<Reply> done;   // the handler's answer, to be queued

  std::string Header(const char* name) const {
    const char* v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
    return v != nullptr ? v : "";
  }
  bool HasParam(const char* name) const {
    return MHD_lookup_connection_value_n(conn, MHD_GET_ARGUMENT_KIND, name, std::strlen(name),
                                         nullptr, nullptr) == MHD_YES;
  }
  std::string Param(const char* name) const {
    const char* v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
    return v != nullptr ? v : "";
  }
};

// Shared answers (http_server.cc). The database away for a moment
// (PostgreSQL restarting, a reset connection, a serialization failure).
bool Transient(const Status& s);
// The HTTP status of a Status's code (http_server.h lists them).
int HttpStatus(const Status& s);
void SendJson(Reply* out, int status, std::string body);
// {"ok":false,"code","reason","message"}; 503s carry Retry-After.
void SendError(Reply* out, int status, const Status& s);
void SendError(Reply* out, const Status& s);
void TooLarge(Reply* out, size_t max);
// Parses a JSON object body (bounded as it arrived); false once `out` holds the error.
bool ReadBody(const Request& req, Reply* out, Json* body);

}  // namespace weige::server
