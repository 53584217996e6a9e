// The HTTP face of weige-server (cpp-httplib): JSON under /api/v1, bearer
// tokens, the web app's static files.
//
//   GET  /healthz                          {"ok":true,"head":N}
//   POST /api/v1/auth/login                {person_id, password} -> {token, expires_at}
//   POST /api/v1/auth/logout               revokes the bearer token
//   GET  /api/v1/auth/me                   {person_id, grants:[{role, scope_id}]}
//   POST /api/v1/sync/push                 {commands:[...]} -> {results:[...]}
//   GET  /api/v1/sync/pull?cursor=N&limit=M[&digest=1]
//   POST /api/v1/query                     {name, params} -> {value}
//   PUT  /api/v1/blobs/{sha256}            the photo's bytes
//   GET  /api/v1/blobs/{sha256}
//
// Every /api/v1 call but login needs "Authorization: Bearer <token>"; the
// actor of every command and query is the token's person. Errors are
// {"ok":false,"code","reason","message"} with the HTTP status of the code:
// invalid_argument 400, unauthenticated 401 (code permission_denied, reason
// auth.*), permission_denied 403, not_found 404, conflict and
// failed_precondition 409, too large 413, rate limited 429, internal 500.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "server/auth.h"
#include "server/store_pool.h"

namespace httplib {
class Server;
}

namespace weige::server {

inline constexpr size_t kMaxPushBodyBytes = 4 << 20;
inline constexpr size_t kMaxBlobBytes = 8 << 20;
inline constexpr size_t kMaxSmallBodyBytes = 64 << 10;  // login, query

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;             // 0: any free port
  std::string static_dir;      // empty: no static files
  int threads = 32;            // worker threads (one per live connection)
  int64_t token_ttl_ms = 14LL * 24 * 3600 * 1000;
  int login_limit_person = 5;  // failures per window before 429
  int login_limit_ip = 20;
  int64_t login_window_ms = 15LL * 60 * 1000;
  bool access_log = false;
};

class HttpServer {
 public:
  HttpServer(StorePool* pool, const ServerOptions& options);
  ~HttpServer();

  // Binds; returns the port (the chosen one for port 0), or -1.
  int Bind();
  // Serves until Stop(); then waits for the requests in flight to finish.
  bool Serve();
  // Stops accepting; safe from any thread.
  void Stop();

 private:
  void Routes();

  StorePool* pool_;
  ServerOptions options_;
  LoginLimiter limiter_;
  std::unique_ptr<httplib::Server> http_;
  static constexpr int kListenBacklog = 1024;
  int listen_fd_ = -1;  // the listening socket, once bound
  std::atomic<bool> stopping_{false};
};

// Milliseconds since the epoch (the server's clock for server_time, tokens).
int64_t NowMs();

}  // namespace weige::server
