// The HTTP face of weige-server (GNU libmicrohttpd): JSON under /api/v1,
// bearer tokens, the web app's static files.
//
// libmicrohttpd because the server faces the internet: an epoll event loop
// per pool thread (a slow client costs a socket, not a thread), a memory
// limit per connection that bounds the request line and headers (431), a
// connection limit overall and per address, and files sent from their fd.
// On top of it: bodies are counted as they arrive against the route's limit
// (413, and no Content-Encoding but identity: 415), a whole-request deadline
// (a client that trickles its headers is cut off), no Range support (the
// whole file, 200), and static files only from inside the static root.
// A console import or export runs on a thread of its own, its connection
// suspended, so the loop thread that took it goes on serving its other
// connections; a SIGTERM lets the running ones finish.
//
//   GET  /healthz                          {"ok":true,"head":N}
//   POST /api/v1/auth/login                {person_id, password} -> {token, expires_at}
//   POST /api/v1/auth/logout               revokes the bearer token
//   GET  /api/v1/auth/me                   {person_id, grants:[{role, scope_id}]}
//   POST /api/v1/sync/push                 {commands:[...]} -> {results:[...]}
//   GET  /api/v1/sync/pull?cursor=N&limit=M[&digest=1]
//   POST /api/v1/query                     {name, params} -> {value}
//   POST /api/v1/console/import?kind&mode[&job=ID]   a register file -> its report
//   GET  /api/v1/console/import/progress?job=ID     {phase, rows_done, rows_total}
//   PUT  /api/v1/blobs/{sha256}            the photo's bytes
//   GET  /api/v1/blobs/{sha256}
//
// Every /api/v1 call but login needs "Authorization: Bearer <token>"; the
// actor of every command and query is the token's person. Errors are
// {"ok":false,"code","reason","message"} with the HTTP status of the code:
// invalid_argument 400, unauthenticated 401 (code permission_denied, reason
// auth.*), permission_denied 403, not_found 404, conflict and
// failed_precondition 409, too large 413, rate limited 429, internal 500,
// the disk full and the database unreachable (PostgreSQL restarting: reason
// store.connection, store.connect or store.busy) 503 with Retry-After: the
// client retries, through the balancer maybe on another server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/store/open311_store.h"
#include "server/auth.h"
#include "server/store_pool.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace weige::server {

inline constexpr size_t kMaxPushBodyBytes = 4 << 20;
inline constexpr size_t kMaxBlobBytes = 8 << 20;
inline constexpr size_t kMaxSmallBodyBytes = 64 << 10;  // login, query
inline constexpr size_t kMaxOpen311BodyBytes = 16 << 10;  // an Open311 POST requests form

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;             // 0: any free port
  std::string static_dir;      // empty: no static files
  int threads = 32;            // event-loop threads (and reader connections)
  int64_t token_ttl_ms = 14LL * 24 * 3600 * 1000;
  int login_limit_person = 5;  // failures of one person from one address before 429
  int login_limit_ip = 200;    // failures from one address (a NAT holds many people)
  int max_connections = 1024;  // open connections, overall and per address
  int max_connections_per_ip = 512;
  int header_deadline_ms = 10000;  // from connect (or the last answer) to complete headers
  int body_deadline_ms = 120000;   // from complete headers to the end of the answer
  int64_t login_window_ms = 15LL * 60 * 1000;
  bool access_log = false;
  // The load balancer's address (run-fleet.sh: HAProxy on 127.0.0.1): a
  // request from it is counted against the client address it appends to
  // X-Forwarded-For (the last entry; earlier ones are the client's own
  // claims), so login limits stay per client behind the balancer. Empty:
  // the header is ignored (anyone could send it).
  std::string trusted_proxy;
  // Open311's reads without an api_key (the spec asks for none), per client
  // address per minute; 0: a key is required for them too.
  int open311_public_per_minute = 60;
};

struct Request;
struct Reply;
struct ConnState;

class HttpServer {
 public:
  HttpServer(StorePool* pool, const ServerOptions& options);
  ~HttpServer();

  // Binds; returns the port (the chosen one for port 0), or -1.
  int Bind();
  // Serves until Stop() (Bind already serves); then stops accepting, waits
  // for the requests in flight to finish (at most 15 s), and closes.
  bool Serve();
  // Asks Serve() to return; safe from any thread, before or after Serve().
  void Stop();

  // The handlers, one per route (kRoutes in http_server.cc).
  void Healthz(const Request& req, Reply* out);
  void Login(const Request& req, Reply* out);
  void Logout(const Request& req, Reply* out);
  void Me(const Request& req, Reply* out);
  void Push(const Request& req, Reply* out);
  void PullPage(const Request& req, Reply* out);
  void QueryCall(const Request& req, Reply* out);
  // Authenticate, then ReadBody; false once `out` holds the error.
  bool SignedInWithBody(const Request& req, Reply* out, std::string* person, Json* body);
  void AdminPassword(const Request& req, Reply* out);
  void AdminDeactivate(const Request& req, Reply* out);
  void ConsoleImport(const Request& req, Reply* out);
  void ConsoleImportProgress(const Request& req, Reply* out);
  void ConsoleExport(const Request& req, Reply* out);
  void ConsoleTemplate(const Request& req, Reply* out);
  void ConsoleEvents(const Request& req, Reply* out);
  void PutBlob(const Request& req, Reply* out);
  void GetBlob(const Request& req, Reply* out);
  void Static(const Request& req, Reply* out);
  // Open311 GeoReport v2 (open311.cc): GET and POST under /open311/v2/, and
  // the administrators' API keys under /api/v1/admin/open311/.
  void Open311Get(const Request& req, Reply* out);
  void Open311Post(const Request& req, Reply* out);
  void Open311CreateKey(const Request& req, Reply* out);
  void Open311ListKeys(const Request& req, Reply* out);
  void Open311RevokeKey(const Request& req, Reply* out);

  // libmicrohttpd's callbacks (public for the C trampolines only).
  int OnRequest(MHD_Connection* c, const char* url, const char* method, const char* upload,
                size_t* upload_size, void** con_cls);
  void OnCompleted(void** con_cls);
  void OnConnection(MHD_Connection* c, void** socket_context, bool started);

 private:
  // The caller's person from the bearer token, or false with `out` the 401.
  bool Authenticate(const Request& req, Reply* out, std::string* person,
                    std::string* token_hash);
  bool BlobRequest(const Request& req, Reply* out, std::string* person, std::string* sha);
  void SetDeadline(ConnState* conn, int64_t ms_from_now);
  // The key of an Open311 call (its api_key), counted against its rate;
  // false once `out` holds the 403/429/503 in the call's format. With
  // `public_read` and no api_key parameter at all, the public key of the
  // client's address (store::Open311PublicKey), when the options allow it.
  bool Open311Key(const Request& req, const std::string& api_key, bool public_read, bool xml,
                  Reply* out, store::Open311Key* key);
  // Sends req->done (after its handler ran, inline or detached).
  bool Answer(Request* req, ConnState* conn);
  void WaitDetached(std::unique_lock<std::mutex>& lock);
  void Reap();
  void StopReaper();

  StorePool* pool_;
  ServerOptions options_;
  std::string static_root_;  // realpath of options_.static_dir
  static constexpr int kListenBacklog = 1024;
  int listen_fd_ = -1;
  MHD_Daemon* daemon_ = nullptr;

  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  bool stopping_ = false;
  int in_flight_ = 0;  // requests whose headers have arrived and not yet answered
  int detached_ = 0;   // detached handlers running (Route::detached), their connections suspended
  static constexpr int kMaxDetached = 16;
  std::unordered_set<ConnState*> conns_;
  bool reaper_stop_ = false;
  std::atomic<bool> stopping_flag_{false};  // for /healthz
  std::thread reaper_;

  // The console's imports running here, by the job id their client chose
  // (?job=), so the client can poll their progress while the import's own
  // request is in flight. In memory: behind the fleet's balancer both
  // requests of a job go to one server (HAProxy hashes the job parameter,
  // build-scripts/fleet.mjs). At most kMaxImportJobs at once.
  struct ImportJob {
    std::string person;
    std::string phase = "waiting";  // for the writer; then "check" or "apply"
    size_t rows_done = 0;
    size_t rows_total = 0;
  };
  static constexpr size_t kMaxImportJobs = 64;
  std::mutex jobs_mu_;
  std::unordered_map<std::string, ImportJob> jobs_;
};

// Milliseconds since the epoch (the server's clock for server_time, tokens).
int64_t NowMs();

}  // namespace weige::server
