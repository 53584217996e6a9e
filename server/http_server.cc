#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "core/domain/json_reader.h"
#include "core/domain/text.h"
#include "core/registers/export.h"
#include "core/registers/import.h"
#include "core/registers/table_writer.h"
#include "core/store/sync_store.h"
#include "core/sync/pull.h"
#include "core/sync/push.h"
#include "server/http_request.h"
#include "server/open311.h"

namespace weige::server {

// A live connection: its socket and the moment it is cut off.
struct ConnState {
  int fd = -1;
  int64_t deadline = 0;  // steady-clock ms; 0: none (a handler is running)
};

using Handler = void (HttpServer::*)(const Request&, Reply*);

struct Route {
  const char* method;
  const char* path;
  bool prefix;       // path is a prefix; the rest is Request::arg
  size_t max_body;   // bytes the handler will hold
  Handler handler;
  // Runs on a thread of its own, its connection suspended meanwhile, so the
  // event-loop thread goes on serving its other connections: a console
  // import or export takes seconds to minutes.
  bool detached = false;
};

namespace {

constexpr size_t kNoBody = 0;
// A register file uploaded to the console (the engine refuses more itself).
constexpr size_t kMaxImportBytes = size_t{64} << 20;
// A refused body (too large, compressed) up to this size is read and dropped
// so the client sees the answer; beyond it the connection is closed.
constexpr uint64_t kMaxDroppedBytes = 16 << 20;

// The routes, first match wins. GET routes also answer HEAD.
const Route kRoutes[] = {
    {"GET", "/healthz", false, kNoBody, &HttpServer::Healthz},
    {"POST", "/api/v1/auth/login", false, kMaxSmallBodyBytes, &HttpServer::Login},
    {"POST", "/api/v1/auth/logout", false, kMaxSmallBodyBytes, &HttpServer::Logout},
    {"GET", "/api/v1/auth/me", false, kNoBody, &HttpServer::Me},
    {"POST", "/api/v1/sync/push", false, kMaxPushBodyBytes, &HttpServer::Push},
    {"GET", "/api/v1/sync/pull", false, kNoBody, &HttpServer::PullPage},
    {"POST", "/api/v1/query", false, kMaxSmallBodyBytes, &HttpServer::QueryCall},
    {"POST", "/api/v1/admin/password", false, kMaxSmallBodyBytes, &HttpServer::AdminPassword},
    {"POST", "/api/v1/admin/deactivate", false, kMaxSmallBodyBytes, &HttpServer::AdminDeactivate},
    {"POST", "/api/v1/console/import", false, kMaxImportBytes, &HttpServer::ConsoleImport, true},
    {"GET", "/api/v1/console/import/progress", false, kNoBody, &HttpServer::ConsoleImportProgress},
    {"GET", "/api/v1/console/export", false, kNoBody, &HttpServer::ConsoleExport, true},
    {"GET", "/api/v1/console/template", false, kNoBody, &HttpServer::ConsoleTemplate},
    {"GET", "/api/v1/console/events", false, kNoBody, &HttpServer::ConsoleEvents},
    {"PUT", "/api/v1/blobs/", true, kMaxBlobBytes, &HttpServer::PutBlob},
    {"GET", "/api/v1/blobs/", true, kNoBody, &HttpServer::GetBlob},
    {"POST", "/api/v1/admin/open311/keys", false, kMaxSmallBodyBytes, &HttpServer::Open311CreateKey},
    {"GET", "/api/v1/admin/open311/keys", false, kNoBody, &HttpServer::Open311ListKeys},
    {"POST", "/api/v1/admin/open311/revoke", false, kMaxSmallBodyBytes, &HttpServer::Open311RevokeKey},
    {"GET", "/open311/v2/", true, kNoBody, &HttpServer::Open311Get},
    {"POST", "/open311/v2/", true, kMaxOpen311BodyBytes, &HttpServer::Open311Post},
};

// The web app's policy: its own scripts only (no inline script, no eval: the
// wasm glue is built with -sDYNAMIC_EXECUTION=0), a Worker and WebAssembly
// ('wasm-unsafe-eval'), photos shown from blob: URLs, no framing. Inline
// styles: the views set style attributes in their markup. Images from any
// http(s) origin: the base map's tiles come from the tile server an
// administrator names at run time (map.tiles.set); scripts and connections
// stay 'self'.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' blob: data: https: http:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
// The service worker's (web/sw.js): the same, but it may fetch from any
// http(s) origin, as it fetches the tiles it keeps for offline use (its own
// code fetches only URLs of the tile template the page gave it).
constexpr const char* kServiceWorkerPolicy =
    "default-src 'self'; script-src 'self'; connect-src 'self' https: http:; "
    "img-src 'self' https: http:; object-src 'none'; base-uri 'none'";

// A console import's job id, chosen by its client (a UUID, say).
bool ValidJobId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

Status BadJobId() { return InvalidArgument("import.bad_job", "job is 8-64 letters, digits, - or _"); }

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// The database is away for a moment (PostgreSQL restarting, a connection
// reset, a serialization failure): nothing was written; try again.
bool Transient(const Status& s) {
  return s.reason == "store.connection" || s.reason == "store.connect" || s.reason == "store.busy";
}

int HttpStatus(const Status& s) {
  if (s.reason == "store.full" || Transient(s)) return 503;
  switch (s.code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kNotFound: return 404;
    case Code::kFailedPrecondition: return 409;
    case Code::kPermissionDenied: return 403;
    case Code::kConflict: return 409;
    case Code::kInternal: return 500;
  }
  return 500;
}

void SendJson(Reply* out, int status, std::string body) {
  out->status = status;
  out->headers.clear();
  out->Header("Cache-Control", "no-store");
  out->type = "application/json";
  out->body = std::move(body);
}

void SendError(Reply* out, int status, const Status& s) {
  Json j = {{"ok", false},
            {"code", std::string(CodeName(s.code))},
            {"reason", s.reason},
            {"message", s.message}};
  SendJson(out, status, DumpJson(j));
  // The disk is full: a clear retry, not a failure of the request.
  if (status == 503) out->Header("Retry-After", Transient(s) ? "1" : "60");
}

void SendError(Reply* out, const Status& s) { SendError(out, HttpStatus(s), s); }

namespace {

void Unauthenticated(Reply* out, const char* reason, const char* message) {
  SendError(out, 401, PermissionDenied(reason, message));
  out->Header("WWW-Authenticate", "Bearer");
}

}  // namespace

void TooLarge(Reply* out, size_t max) {
  SendError(out, 413, InvalidArgument("request.too_large",
                                      "the body is larger than " + std::to_string(max) + " bytes"));
}

// Parses a JSON object body (the size was bounded as it arrived; ParseJson
// limits the depth).
bool ReadBody(const Request& req, Reply* out, Json* body) {
  Status s = ParseJson(req.body, req.limit, body);
  if (s.ok() && !body->is_object()) s = InvalidArgument("json.not_object", "the body must be a JSON object");
  if (!s.ok()) {
    SendError(out, s);
    return false;
  }
  return true;
}

namespace {

// A non-negative decimal integer of at most 18 digits.
bool ParseCount(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

const char* MimeType(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},           {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},               {".png", "image/png"},
      {".jpg", "image/jpeg"},                  {".ico", "image/x-icon"},
      {".wasm", "application/wasm"},           {".gz", "application/gzip"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    size_t n = std::strlen(ext);
    if (path.size() >= n && path.compare(path.size() - n, n, ext) == 0) return type;
  }
  return "application/octet-stream";
}

// Text the web build also writes gzip-compressed beside it (FILE.gz,
// web/build.mjs); images and the wasm (already weige.wasm.gz) are not.
bool Compressible(const char* type) {
  const std::string_view t = type;
  return t.rfind("text/", 0) == 0 || t == "application/json" ||
         t == "application/manifest+json" || t == "image/svg+xml";
}

// Whether Accept-Encoding admits gzip: a "gzip" (or "x-gzip") coding, any
// case, whose q is not zero. "*" is not taken: browsers name gzip.
bool AcceptsGzip(std::string_view header) {
  auto next = [](std::string_view* rest, char sep) {
    size_t at = rest->find(sep);
    std::string lower(TrimSpace(rest->substr(0, at)));
    *rest = at == std::string_view::npos ? std::string_view() : rest->substr(at + 1);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  };
  while (!header.empty()) {
    const std::string text = next(&header, ',');  // lower case, parameters and all
    std::string_view item = text;
    const std::string coding = next(&item, ';');
    if (coding != "gzip" && coding != "x-gzip") continue;
    bool zero = false;
    while (!item.empty()) {
      const std::string param = next(&item, ';');
      if (param.rfind("q=", 0) != 0) continue;
      // q=0, q=0.0, q=0.000 refuse it; anything else (q=1, q=0.5) admits it.
      zero = param.size() > 2 && param.find_first_not_of("0.", 2) == std::string::npos;
    }
    if (!zero) return true;
  }
  return false;
}

// A build output named for its content (esbuild's chunk-XXXXXXXX.js, the
// web build's <name>-XXXXXXXX.<ext>: 8+ characters A-Z 0-9 after the last
// '-' of the file name, before its first '.'): it never changes, so it is
// cached for a year. Anything else (the entry HTML, the manifest, the service
// worker, boot.js) is revalidated on every load.
bool IsHashedName(const std::string& path) {
  const std::string name = path.substr(path.rfind('/') + 1);
  const size_t dot = name.find('.'), dash = name.rfind('-', dot);
  if (dot == std::string::npos || dash == std::string::npos || dot - dash - 1 < 8) return false;
  for (size_t i = dash + 1; i < dot; ++i) {
    if (!std::isupper(static_cast<unsigned char>(name[i])) &&
        !std::isdigit(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  return true;
}

std::string ClientAddress(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {0};
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  }
  return text;
}

MHD_Result Queue(MHD_Connection* c, Reply& reply) {
  MHD_Response* r = nullptr;
  if (reply.fd >= 0) {
    r = MHD_create_response_from_fd64(reply.fd_size, reply.fd);  // owns the fd
    reply.fd = -1;
  } else {
    r = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(),
                                        MHD_RESPMEM_MUST_COPY);
  }
  if (r == nullptr) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, reply.type.c_str());
  for (const auto& [name, value] : reply.headers) {
    MHD_add_response_header(r, name.c_str(), value.c_str());
  }
  MHD_Result ok = MHD_queue_response(c, static_cast<unsigned>(reply.status), r);
  MHD_destroy_response(r);
  return ok;
}

MHD_Result RequestTrampoline(void* cls, MHD_Connection* c, const char* url, const char* method,
                             const char*, const char* upload, size_t* upload_size,
                             void** con_cls) {
  return static_cast<HttpServer*>(cls)->OnRequest(c, url, method, upload, upload_size, con_cls)
             ? MHD_YES
             : MHD_NO;
}

void CompletedTrampoline(void* cls, MHD_Connection*, void** con_cls,
                         MHD_RequestTerminationCode) {
  static_cast<HttpServer*>(cls)->OnCompleted(con_cls);
}

void ConnectionTrampoline(void* cls, MHD_Connection* c, void** socket_context,
                          MHD_ConnectionNotificationCode code) {
  static_cast<HttpServer*>(cls)->OnConnection(c, socket_context,
                                              code == MHD_CONNECTION_NOTIFY_STARTED);
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpServer::HttpServer(StorePool* pool, const ServerOptions& options)
    : pool_(pool),
      options_(options) {
  if (!options_.static_dir.empty()) {
    char* real = ::realpath(options_.static_dir.c_str(), nullptr);
    if (real != nullptr) {
      static_root_ = real;
      std::free(real);
    }
  }
}

HttpServer::~HttpServer() {
  Stop();
  if (daemon_ != nullptr) {
    std::unique_lock<std::mutex> lock(mu_);
    WaitDetached(lock);
    lock.unlock();
    MHD_stop_daemon(daemon_);
  }
  StopReaper();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

int HttpServer::Bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(options_.host.c_str(), std::to_string(options_.port).c_str(), &hints, &found) != 0) {
    return -1;
  }
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, kListenBacklog) == 0) {
      listen_fd_ = fd;
    } else {
      ::close(fd);
    }
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) return -1;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  int port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);

  const unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                         (options_.access_log ? MHD_USE_ERROR_LOG : 0);
  daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &RequestTrampoline, this,
      MHD_OPTION_LISTEN_SOCKET, listen_fd_,
      MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(options_.threads),
      MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(options_.max_connections),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(options_.max_connections_per_ip),
      // Request line + headers + the upload buffer of one connection.
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(64 << 10),
      // Idle: no byte either way for this long closes the connection.
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(options_.header_deadline_ms / 1000),
      MHD_OPTION_NOTIFY_COMPLETED, &CompletedTrampoline, this,
      MHD_OPTION_NOTIFY_CONNECTION, &ConnectionTrampoline, this,
      MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1,
      MHD_OPTION_END);
  if (daemon_ == nullptr) return -1;
  reaper_ = std::thread([this] { Reap(); });
  return port;
}

bool HttpServer::Serve() {
  if (daemon_ == nullptr) return false;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopping_; });
  lock.unlock();
  MHD_quiesce_daemon(daemon_);  // no new connections
  lock.lock();
  cv_.wait_for(lock, std::chrono::seconds(15), [this] { return in_flight_ == 0; });
  WaitDetached(lock);
  lock.unlock();
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
  StopReaper();
  return true;
}

// A suspended connection must be resumed before libmicrohttpd stops: the
// detached handlers (an import) finish what they were doing first.
void HttpServer::WaitDetached(std::unique_lock<std::mutex>& lock) {
  cv_.wait(lock, [this] { return detached_ == 0; });
}

void HttpServer::Stop() {
  stopping_flag_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

void HttpServer::StopReaper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reaper_stop_ = true;
    cv_.notify_all();
  }
  if (reaper_.joinable()) reaper_.join();
}

void HttpServer::SetDeadline(ConnState* conn, int64_t ms_from_now) {
  if (conn == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  conn->deadline = ms_from_now > 0 ? SteadyMs() + ms_from_now : 0;
}

// Cuts off every connection past its deadline: shutdown() wakes the event
// loop, which then closes it. The whole-request deadline libmicrohttpd's
// idle timeout lacks (a byte a second is never idle).
void HttpServer::Reap() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!reaper_stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(250));
    const int64_t now = SteadyMs();
    for (ConnState* c : conns_) {
      if (c->deadline != 0 && c->deadline <= now) {
        ::shutdown(c->fd, SHUT_RDWR);
        c->deadline = 0;
      }
    }
  }
}

void HttpServer::OnConnection(MHD_Connection* c, void** socket_context, bool started) {
  if (started) {
    auto* conn = new ConnState;
    const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    conn->fd = info != nullptr ? info->connect_fd : -1;
    conn->deadline = SteadyMs() + options_.header_deadline_ms;
    *socket_context = conn;
    std::lock_guard<std::mutex> lock(mu_);
    conns_.insert(conn);
    return;
  }
  auto* conn = static_cast<ConnState*>(*socket_context);
  if (conn == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns_.erase(conn);
  }
  delete conn;
  *socket_context = nullptr;
}

void HttpServer::OnCompleted(void** con_cls) {
  auto* req = static_cast<Request*>(*con_cls);
  if (req == nullptr) return;
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  // The next request on this connection has its own header deadline.
  if (info != nullptr) SetDeadline(static_cast<ConnState*>(info->socket_context), options_.header_deadline_ms);
  delete req;
  *con_cls = nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  --in_flight_;
  cv_.notify_all();
}

int HttpServer::OnRequest(MHD_Connection* c, const char* url, const char* method,
                          const char* upload, size_t* upload_size, void** con_cls) {
  auto* req = static_cast<Request*>(*con_cls);
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  ConnState* conn = info != nullptr ? static_cast<ConnState*>(info->socket_context) : nullptr;
  if (req == nullptr) {
    // The headers are complete: route, and refuse what cannot be held.
    req = new Request;
    *con_cls = req;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++in_flight_;
    }
    SetDeadline(conn, options_.body_deadline_ms);
    req->conn = c;
    req->method = method;
    req->path = url;
    req->remote_addr = ClientAddress(c);
    if (!options_.trusted_proxy.empty() && req->remote_addr == options_.trusted_proxy) {
      const char* fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
      if (fwd != nullptr) {
        std::string last(fwd);
        last = last.substr(last.rfind(',') == std::string::npos ? 0 : last.rfind(',') + 1);
        while (!last.empty() && last.front() == ' ') last.erase(0, 1);
        while (!last.empty() && last.back() == ' ') last.pop_back();
        if (!last.empty() && last.size() <= 64) req->remote_addr = last;
      }
    }
    const std::string as = req->method == "HEAD" ? "GET" : req->method;
    for (const Route& r : kRoutes) {
      if (as != r.method) continue;
      if (r.prefix ? req->path.compare(0, std::strlen(r.path), r.path) == 0 : req->path == r.path) {
        req->route = &r;
        if (r.prefix) req->arg = req->path.substr(std::strlen(r.path));
        break;
      }
    }
    req->limit = req->route != nullptr && req->route->max_body > 0 ? req->route->max_body
                                                                  : kMaxSmallBodyBytes;
    auto early = std::make_unique<Reply>();
    const std::string encoding = req->Header(MHD_HTTP_HEADER_CONTENT_ENCODING);
    const std::string length = req->Header(MHD_HTTP_HEADER_CONTENT_LENGTH);
    int64_t declared = 0;
    if (!encoding.empty() && encoding != "identity") {
      // Never inflate: a small compressed body can unpack to gigabytes.
      SendError(early.get(), 415, InvalidArgument("request.encoding",
                                                  "send the body uncompressed (Content-Encoding: identity)"));
    } else if (!length.empty() && (!ParseCount(length, &declared) ||
                                   static_cast<uint64_t>(declared) > req->limit)) {
      TooLarge(early.get(), req->limit);
    } else {
      return true;
    }
    if (declared > static_cast<int64_t>(kMaxDroppedBytes)) {
      req->answered = true;
      Open311Refusal(req->path, early.get());
      return Queue(c, *early) == MHD_YES;
    }
    req->refused = std::move(early);
    return true;
  }
  if (*upload_size > 0) {
    if (req->answered) {
      *upload_size = 0;
      return true;
    }
    if (req->refused == nullptr && req->body.size() + *upload_size > req->limit) {
      req->refused = std::make_unique<Reply>();
      TooLarge(req->refused.get(), req->limit);
      req->dropped = req->body.size();
      req->body.clear();
      req->body.shrink_to_fit();
    }
    if (req->refused != nullptr) {
      req->dropped += *upload_size;
      *upload_size = 0;
      if (req->dropped > kMaxDroppedBytes) {
        req->answered = true;
        Open311Refusal(req->path, req->refused.get());
        return Queue(c, *req->refused) == MHD_YES;
      }
      return true;
    }
    req->body.append(upload, *upload_size);
    *upload_size = 0;
    return true;
  }
  if (req->answered) return true;
  if (req->refused != nullptr) {
    req->answered = true;
    Open311Refusal(req->path, req->refused.get());
    return Queue(c, *req->refused) == MHD_YES;
  }
  if (req->done != nullptr) return Answer(req, conn);  // resumed: its detached handler ran
  if (req->running) return true;
  // The whole request is here: run its handler (no deadline while it runs).
  SetDeadline(conn, 0);
  if (req->route != nullptr && req->route->detached) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (detached_ >= kMaxDetached) {
        req->done = std::make_unique<Reply>();
        SendError(req->done.get(), Internal("store.busy", "too many imports and exports are running; try again"));
      } else {
        ++detached_;
      }
    }
    if (req->done != nullptr) return Answer(req, conn);
    req->running = true;
    MHD_suspend_connection(c);
    std::thread([this, req, c] {
      auto reply = std::make_unique<Reply>();
      (this->*(req->route->handler))(*req, reply.get());
      req->done = std::move(reply);
      MHD_resume_connection(c);  // the loop calls OnRequest again, which answers
      // Nothing of the request after this: its connection may be done with it.
      std::lock_guard<std::mutex> lock(mu_);
      --detached_;
      cv_.notify_all();
    }).detach();
    return true;
  }
  req->done = std::make_unique<Reply>();
  if (req->route != nullptr) {
    (this->*(req->route->handler))(*req, req->done.get());
  } else if (req->path.compare(0, 5, "/api/") != 0 && !static_root_.empty() &&
             (req->method == "GET" || req->method == "HEAD")) {
    Static(*req, req->done.get());
  } else {
    SendError(req->done.get(), 404, NotFound("http.not_found", "no such endpoint"));
  }
  return Answer(req, conn);
}

bool HttpServer::Answer(Request* req, ConnState* conn) {
  const Reply& reply = *req->done;
  if (options_.access_log) {
    std::fprintf(stderr, "%s %s %d %zu\n", req->method.c_str(), req->path.c_str(), reply.status,
                 reply.fd >= 0 ? static_cast<size_t>(reply.fd_size) : reply.body.size());
  }
  SetDeadline(conn, options_.body_deadline_ms);  // to send the answer
  return Queue(req->conn, *req->done) == MHD_YES;
}

bool HttpServer::Authenticate(const Request& req, Reply* out, std::string* person,
                              std::string* token_hash) {
  std::string auth = req.Header(MHD_HTTP_HEADER_AUTHORIZATION);
  const std::string prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0) {
    Unauthenticated(out, "auth.missing_token", "sign in: Authorization: Bearer <token>");
    return false;
  }
  std::string token = auth.substr(prefix.size());
  if (token.size() != 64) {
    Unauthenticated(out, "auth.bad_token", "the token is not valid");
    return false;
  }
  std::string hash = Sha256Hex(token);
  store::TokenInfo info;
  bool found = false;
  Status s;
  {
    auto r = pool_->Read();
    s = store::FindToken(*r, hash, &found, &info);
  }
  if (!s.ok()) {
    SendError(out, s);
    return false;
  }
  if (!found || info.revoked) {
    Unauthenticated(out, "auth.bad_token", "the token is not valid (signed out?)");
    return false;
  }
  if (info.expires_at <= NowMs()) {
    Unauthenticated(out, "auth.token_expired", "the token has expired; sign in again");
    return false;
  }
  *person = info.person_id;
  if (token_hash != nullptr) *token_hash = hash;
  return true;
}

void HttpServer::Healthz(const Request&, Reply* out) {
  int64_t head = 0;
  Status s;
  {
    auto r = pool_->Read();
    s = store::ChangeLogHead(*r, &head);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"head", head}, {"stopping", stopping_flag_.load()}}));
}

void HttpServer::Login(const Request& req, Reply* out) {
  Json body;
  if (!ReadBody(req, out, &body)) return;
  FieldReader r(body, "");
  std::string person = r.Id("person_id");
  std::string password = r.Str("password", kMaxPasswordBytes);
  if (!r.ok()) return SendError(out, r.status());
  const int64_t now = NowMs();
  // Counted before the ~60 ms check, so parallel guesses cannot all be checked.
  const LoginKeys keys = LoginLimitKeys(person, req.remote_addr, options_.login_limit_person,
                                       options_.login_limit_ip);
  int64_t wait = 0;
  Status s;
  {
    auto w = pool_->Write();
    s = store::RateReserve(*w, keys.limits, options_.login_window_ms, now, &wait);
  }
  if (!s.ok()) return SendError(out, s);
  if (wait > 0) {
    SendError(out, 429, PermissionDenied("auth.rate_limited",
                                         "too many failed sign-ins; try again later"));
    out->Header("Retry-After", std::to_string((wait + 999) / 1000));
    return;
  }
  std::string hash;
  bool found = false;
  {
    auto rd = pool_->Read();
    s = store::FindCredential(*rd, person, &found, &hash);
  }
  if (!s.ok()) return SendError(out, s);
  bool good = false;
  if (found) {
    good = VerifyPassword(hash, password);
  } else {
    BurnVerify(password);
  }
  if (!good) return Unauthenticated(out, "auth.bad_credentials", "unknown person or wrong password");
  std::string token = NewToken();
  const int64_t expires = now + options_.token_ttl_ms;
  {
    auto w = pool_->Write();
    s = store::RateRelease(*w, keys.release, keys.forget, options_.login_window_ms, now);
    if (s.ok()) s = store::SaveToken(*w, Sha256Hex(token), person, now, expires);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true},
                               {"token", token},
                               {"person_id", person},
                               {"expires_at", expires}}));
}

void HttpServer::Logout(const Request& req, Reply* out) {
  std::string person, hash;
  if (!Authenticate(req, out, &person, &hash)) return;
  bool revoked = false;
  Status s;
  {
    auto w = pool_->Write();
    s = store::RevokeToken(*w, hash, NowMs(), &revoked);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"revoked", revoked}}));
}

void HttpServer::Me(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  Actor actor;
  Status s;
  {
    auto r = pool_->Read();
    s = store::LoadGrants(*r, person, &actor);
  }
  if (!s.ok()) return SendError(out, s);
  Json grants = Json::array();
  for (const Grant& g : actor.grants) {
    grants.push_back({{"role", std::string(RoleName(g.role))}, {"scope_id", g.scope_id}});
  }
  SendJson(out, 200, DumpJson({{"ok", true}, {"person_id", person}, {"grants", grants}}));
}

void HttpServer::Push(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  Json body;
  if (!ReadBody(req, out, &body)) return;
  auto it = body.find("commands");
  if (it == body.end()) {
    return SendError(out, InvalidArgument("push.bad_batch", "the body needs commands: [...]"));
  }
  Json answers;
  Status s;
  int64_t head = 0;
  {
    auto w = pool_->Write();
    s = sync::PushBatch(w.get(), person, *it, NowMs(), nullptr, &answers);
    if (s.ok()) s = store::ChangeLogHead(*w, &head);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"results", answers}, {"head", head}}));
}

void HttpServer::PullPage(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  sync::PullRequest pr;
  pr.person_id = person;
  if (req.HasParam("cursor") && !ParseCount(req.Param("cursor"), &pr.cursor)) {
    return SendError(out, InvalidArgument("sync.bad_cursor", "cursor is a whole number >= 0"));
  }
  if (req.HasParam("limit") && !ParseCount(req.Param("limit"), &pr.limit)) {
    return SendError(out, InvalidArgument("sync.bad_limit", "limit is a whole number"));
  }
  pr.digest = req.Param("digest") == "1";
  if (req.HasParam("scope")) {
    if (req.Param("scope") != "field") {
      return SendError(out, InvalidArgument("sync.bad_scope", "scope is field or absent"));
    }
    pr.field_only = true;
  }
  std::string page;
  Status s;
  {
    auto r = pool_->Read();
    s = sync::Pull(r.get(), pr, &page);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, std::move(page));
}

void HttpServer::QueryCall(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  Json body;
  if (!ReadBody(req, out, &body)) return;
  FieldReader r(body, "");
  std::string name = r.Str("name", 64);
  const Json* params = r.Object("params", /*optional=*/true);
  if (!r.ok()) return SendError(out, r.status());
  Json p = params != nullptr ? *params : Json::object();
  auto actor = p.find("actor");
  if (actor != p.end() && !actor->is_null() &&
      (!actor->is_string() || actor->get_ref<const std::string&>() != person)) {
    return SendError(out, PermissionDenied("auth.actor_mismatch",
                                           "a query's actor must be the signed-in person"));
  }
  p["actor"] = person;
  Result result;
  {
    auto rd = pool_->Read();
    result = rd->Query(name, p);
  }
  if (!result.ok()) return SendError(out, result.status);
  SendJson(out, 200, DumpJson({{"ok", true}, {"value", result.value}}));
}

// The console's accounts: an administrator sets (or has the server generate)
// a person's password, or deactivates their account, only for a person it
// manages (store::AdminManages, the rule of person.upsert). The hash is made
// outside the writer lock; a generated password is answered once and never
// stored in the clear.
bool HttpServer::SignedInWithBody(const Request& req, Reply* out, std::string* person,
                                  Json* body) {
  return Authenticate(req, out, person, nullptr) && ReadBody(req, out, body);
}

void HttpServer::AdminPassword(const Request& req, Reply* out) {
  std::string admin;
  Json body;
  if (!SignedInWithBody(req, out, &admin, &body)) return;
  FieldReader r(body, "");
  std::string person = r.Id("person_id");
  auto given = r.OptStr("password", kMaxPasswordBytes);
  if (!r.ok()) return SendError(out, r.status());
  auto check = [&](store::Store& st) -> Status {
    WEIGE_RETURN_IF_ERROR(store::AdminManages(st, admin, person));
    bool exists = false;
    WEIGE_RETURN_IF_ERROR(store::PersonExists(st, person, &exists));
    if (!exists) return NotFound("person.not_found", "no person with id " + person);
    return Status::Ok();
  };
  Status s;
  {
    auto rd = pool_->Read();
    s = check(*rd);
  }
  if (!s.ok()) return SendError(out, s);
  const std::string password = given ? *given : NewPassword();
  std::string hash;
  s = HashPassword(password, &hash);
  if (!s.ok()) return SendError(out, s);
  {
    auto w = pool_->Write();
    s = check(*w);
    if (s.ok()) s = store::SetCredential(*w, person, hash, NowMs());
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"person_id", person},
                               {"password", given ? Json() : Json(password)}}));
}

void HttpServer::AdminDeactivate(const Request& req, Reply* out) {
  std::string admin;
  Json body;
  if (!SignedInWithBody(req, out, &admin, &body)) return;
  FieldReader r(body, "");
  std::string person = r.Id("person_id");
  if (!r.ok()) return SendError(out, r.status());
  if (person == admin) {
    return SendError(out, InvalidArgument("account.self", "one cannot deactivate one's own account"));
  }
  int64_t tokens = 0;
  Status s;
  {
    auto w = pool_->Write();
    s = store::AdminManages(*w, admin, person);
    bool exists = false;
    if (s.ok()) s = store::PersonExists(*w, person, &exists);
    if (s.ok() && !exists) s = NotFound("person.not_found", "no person with id " + person);
    if (s.ok()) s = store::DeactivateAccount(*w, person, NowMs(), &tokens);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, 200, DumpJson({{"ok", true}, {"person_id", person}, {"tokens_revoked", tokens}}));
}

// The console's registers, through the one engine the CLI uses too
// (core/registers). Import: the uploaded bytes of a CSV or XLSX file,
// ?kind=regions|buildings|households|people|departments&mode=dry_run|apply ("apply"
// applies the valid rows and reports the refused ones); the answer is the
// engine's report with its errors as a CSV (errors_csv) to download.
void HttpServer::ConsoleImport(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  auto kind = registers::ParseKind(req.Param("kind"));
  const std::string mode = req.Param("mode");
  if (!kind) return SendError(out, InvalidArgument("import.bad_kind", "kind is regions, buildings, households, people or departments"));
  if (mode != "dry_run" && mode != "apply") {
    return SendError(out, InvalidArgument("import.bad_mode", "mode is dry_run or apply"));
  }
  const std::string job = req.Param("job");
  if (req.HasParam("job") && !ValidJobId(job)) return SendError(out, BadJobId());
  if (!job.empty()) {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    if (jobs_.count(job) != 0) {
      return SendError(out, Conflict("import.job_running", "an import of that job id is running"));
    }
    if (jobs_.size() >= kMaxImportJobs) {
      return SendError(out, Internal("store.busy", "too many imports are running; try again"));
    }
    jobs_[job].person = person;
  }
  registers::ImportOptions o;
  o.dry_run = mode == "dry_run";
  o.apply_valid = mode == "apply";
  o.at = NowMs();
  registers::ImportReport report;
  {
    // The writer for the whole file, but between its batches (no transaction
    // open) the pushes and logins waiting for it go first: a district's
    // import does not stall its field devices.
    auto w = pool_->Write();
    auto note = [&](const registers::ImportProgress& p) {
      if (job.empty()) return;
      std::lock_guard<std::mutex> lock(jobs_mu_);
      ImportJob& j = jobs_[job];
      j.phase = p.phase;
      j.rows_done = p.rows_done;
      j.rows_total = p.rows_total;
    };
    note({o.dry_run ? "check" : "apply", 0, 0});  // the writer is ours: the file is being read
    o.progress = [&](const registers::ImportProgress& p) {
      note(p);
      w.Yield();
    };
    report = registers::ImportFile(w.get(), person, *kind, req.body, o);
  }
  if (!job.empty()) {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    jobs_.erase(job);
  }
  Json j = report.ToJson();
  j["errors_csv"] = report.errors.empty() ? Json() : Json(report.ErrorsCsv());
  SendJson(out, report.status.ok() ? 200 : HttpStatus(report.status), DumpJson(j));
}

// A running import's progress, to the person who started it; 404 when no
// import of that job runs on this server (not yet started, finished, or
// someone else's).
void HttpServer::ConsoleImportProgress(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  const std::string job = req.Param("job");
  if (!ValidJobId(job)) return SendError(out, BadJobId());
  Json j;
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    auto it = jobs_.find(job);
    if (it == jobs_.end() || it->second.person != person) {
      return SendError(out, NotFound("import.no_job", "no import of that job is running here"));
    }
    j = {{"ok", true}, {"job", job}, {"phase", it->second.phase},
         {"rows_done", it->second.rows_done}, {"rows_total", it->second.rows_total}};
  }
  SendJson(out, 200, DumpJson(j));
}

namespace {

// A temp file for a download: written by `write(path)`, then opened and
// unlinked, its descriptor sent (memory stays flat however large it is).
Status TempDownload(const std::function<Status(const std::string&)>& write, Reply* out) {
  char name[] = "/tmp/weige-download-XXXXXX";
  int fd = mkstemp(name);
  if (fd < 0) return Internal("download.temp", "cannot create a temporary file");
  close(fd);
  Status s = write(name);
  int rd = s.ok() ? open(name, O_RDONLY | O_CLOEXEC) : -1;
  unlink(name);
  if (!s.ok()) return s;
  if (rd < 0) return Internal("download.temp", "cannot read the temporary file");
  struct stat st;
  if (fstat(rd, &st) != 0) {
    close(rd);
    return Internal("download.temp", "cannot read the temporary file");
  }
  out->fd = rd;
  out->fd_size = static_cast<uint64_t>(st.st_size);
  return Status::Ok();
}

void SendDownload(Reply* out, registers::Format format, const std::string& file_name) {
  out->status = 200;
  out->type = format == registers::Format::kCsv
                  ? "text/csv; charset=utf-8"
                  : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  out->Header("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  out->Header("Cache-Control", "no-store");
}

}  // namespace

// Export: ?kind=items|visits|reports|households|regions|buildings|people|figures
// &format=csv|xlsx[&region=ID][&from=YYYY-MM-DD&to=YYYY-MM-DD], as the
// signed-in person may read it; written to a temp file under the reader (sync
// goes on) and sent from it.
void HttpServer::ConsoleExport(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  auto kind = registers::ParseExportKind(req.Param("kind"));
  auto format = registers::ParseFormat(req.Param("format"));
  if (!kind || !format) {
    return SendError(out, InvalidArgument("export.bad_kind", "give kind and format (csv or xlsx)"));
  }
  registers::ExportOptions o;
  o.region_id = req.Param("region");
  o.now = NowMs();
  for (const char* key : {"from", "to"}) {
    if (!req.HasParam(key)) continue;
    auto day = registers::ParseDate(req.Param(key));
    if (!day) return SendError(out, InvalidArgument("export.bad_date", "dates are YYYY-MM-DD"));
    (std::string(key) == "from" ? o.from : o.to) = *day;
  }
  Status s = TempDownload([&](const std::string& path) {
    auto r = pool_->Read();
    return registers::ExportToFile(r.get(), person, *kind, *format, o, path);
  }, out);
  if (!s.ok()) return SendError(out, s);
  SendDownload(out, *format, registers::ExportFileName(*kind, *format, o.region_id, o.now));
}

// The empty import file of a register kind (its Chinese header row).
void HttpServer::ConsoleTemplate(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  auto kind = registers::ParseKind(req.Param("kind"));
  auto format = registers::ParseFormat(req.Param("format"));
  if (!kind || !format) {
    return SendError(out, InvalidArgument("import.bad_kind", "give kind and format (csv or xlsx)"));
  }
  Status s = TempDownload([&](const std::string& path) {
    return registers::WriteTemplate(*kind, *format, path);
  }, out);
  if (!s.ok()) return SendError(out, s);
  SendDownload(out, *format, req.Param("kind") + "-template." + req.Param("format"));
}

// The audit trail as a file: ?format=csv|xlsx and console.events' filters
// (person_id, entity, entity_id, region_id, from, to as ms), every page of
// the query (as the signed-in person reads it) written a row at a time.
void HttpServer::ConsoleEvents(const Request& req, Reply* out) {
  std::string person;
  if (!Authenticate(req, out, &person, nullptr)) return;
  auto format = registers::ParseFormat(req.Param("format"));
  if (!format) return SendError(out, InvalidArgument("export.bad_kind", "format is csv or xlsx"));
  Json params = {{"actor", person}, {"limit", 200}};
  for (const char* key : {"person_id", "entity", "entity_id", "region_id"}) {
    if (req.HasParam(key)) params[key] = req.Param(key);
  }
  for (const char* key : {"from", "to"}) {
    int64_t v = 0;
    if (!req.HasParam(key)) continue;
    if (!ParseCount(req.Param(key), &v)) {
      return SendError(out, InvalidArgument("export.bad_date", "from and to are ms since the epoch"));
    }
    params[key] = v;
  }
  auto rows = [&](registers::TableWriter* w) -> Status {
    WEIGE_RETURN_IF_ERROR(w->Row(registers::HeaderRow(
        {"序号", "时间", "操作", "操作人", "操作人姓名", "对象", "对象编号", "微网格", "原因"})));
    auto r = pool_->Read();
    for (;;) {
      Result page = r->Query("console.events", params);
      if (!page.ok()) return page.status;
      for (const Json& e : page.value["events"]) {
        auto text = [&](const char* k) {
          return e[k].is_string() ? e[k].get<std::string>() : std::string();
        };
        const int64_t at = e["server_at"].is_number() ? e["server_at"].get<int64_t>() : e["at"].get<int64_t>();
        WEIGE_RETURN_IF_ERROR(w->Row({{std::to_string(e["seq"].get<int64_t>()), true},
                                      {registers::FormatTime(at)}, {text("type")}, {text("actor")},
                                      {text("actor_name")}, {text("entity")}, {text("entity_id")},
                                      {text("microgrid_id")}, {text("reason")}}));
      }
      if (page.value["next"].is_null()) return w->Close();
      params["before"] = page.value["next"];
    }
  };
  Status s = TempDownload([&](const std::string& path) -> Status {
    std::unique_ptr<registers::TableWriter> w;
    if (*format == registers::Format::kXlsx) {
      WEIGE_RETURN_IF_ERROR(registers::NewXlsxWriter(path, "操作记录", &w));
      return rows(w.get());
    }
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return Internal("download.temp", "cannot write the temporary file");
    w = registers::NewCsvWriter([f](std::string_view bytes) {
      return std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size()
                 ? Status::Ok() : Internal("download.temp", "cannot write the temporary file");
    });
    Status st = rows(w.get());
    if (std::fclose(f) != 0 && st.ok()) st = Internal("download.temp", "cannot write the temporary file");
    return st;
  }, out);
  if (!s.ok()) return SendError(out, s);
  std::string day = registers::FormatTime(NowMs()).substr(0, 10);
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  SendDownload(out, *format, "events-" + (req.HasParam("region_id") ? req.Param("region_id") : "all") +
                                 "-" + day + "." + req.Param("format"));
}

// A blob request: the signed-in person and the path's SHA-256, checked to be
// lowercase hex; false once `out` holds the error.
bool HttpServer::BlobRequest(const Request& req, Reply* out, std::string* person,
                             std::string* sha) {
  if (!Authenticate(req, out, person, nullptr)) return false;
  *sha = req.arg;
  if (!IsSha256Hex(*sha)) {
    SendError(out, InvalidArgument("blob.bad_hash", "the path names a lowercase hex SHA-256"));
    return false;
  }
  return true;
}

void HttpServer::PutBlob(const Request& req, Reply* out) {
  std::string person, sha;
  if (!BlobRequest(req, out, &person, &sha)) return;
  if (req.body.empty()) return SendError(out, InvalidArgument("blob.empty", "the body is empty"));
  if (Sha256Hex(req.body) != sha) {
    return SendError(out, InvalidArgument("blob.hash_mismatch",
                                          "the body's SHA-256 is not the one in the path"));
  }
  bool existed = false;
  Status s;
  {
    auto w = pool_->Write();
    s = store::PutBlob(*w, sha, req.body, person, NowMs(), &existed);
  }
  if (!s.ok()) return SendError(out, s);
  SendJson(out, existed ? 200 : 201,
           DumpJson({{"ok", true}, {"sha256", sha}, {"size", req.body.size()},
                     {"stored", !existed}}));
}

void HttpServer::GetBlob(const Request& req, Reply* out) {
  std::string person, sha;
  if (!BlobRequest(req, out, &person, &sha)) return;
  std::string bytes;
  bool allowed = false;
  Status s;
  {
    auto r = pool_->Read();
    s = sync::ReadableBlob(*r, person, sha, &allowed, &bytes);
  }
  if (!s.ok()) return SendError(out, s);
  // One answer for "no such photo" and "not yours": a hash reveals nothing.
  if (!allowed) return SendError(out, 404, NotFound("blob.not_found", "no such photo"));
  out->status = 200;
  out->type = "application/octet-stream";
  out->Header("ETag", "\"" + sha + "\"");
  out->Header("Cache-Control", "private, max-age=31536000, immutable");
  out->body = std::move(bytes);
}

// A file under the static root; directories answer their index.html. The
// path must resolve (symlinks followed) to a regular file inside the root.
void HttpServer::Static(const Request& req, Reply* out) {
  std::string rel = req.path;
  if (rel.find('\0') != std::string::npos || rel.empty() || rel[0] != '/') {
    return SendError(out, 404, NotFound("http.not_found", "no such file"));
  }
  if (rel.back() == '/') rel += "index.html";
  std::string full = static_root_ + rel;
  char* real = ::realpath(full.c_str(), nullptr);
  std::string resolved = real != nullptr ? real : "";
  std::free(real);
  struct stat st{};
  if (!resolved.empty() && ::stat(resolved.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    resolved += "/index.html";
    real = ::realpath(resolved.c_str(), nullptr);
    resolved = real != nullptr ? real : "";
    std::free(real);
  }
  int fd = -1;
  if (resolved.size() > static_root_.size() + 1 &&
      resolved.compare(0, static_root_.size() + 1, static_root_ + "/") == 0) {
    fd = ::open(resolved.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    return SendError(out, 404, NotFound("http.not_found", "no such file"));
  }
  // Text goes out as the build's gzip sibling to a client that takes gzip
  // (the same directory, so inside the root; not a link; not older than the
  // file, which would be a stale build's).
  const char* type = MimeType(resolved);
  bool gzip = false;
  if (Compressible(type)) {
    out->Header("Vary", "Accept-Encoding");
    if (AcceptsGzip(req.Header("Accept-Encoding"))) {
      int gz = ::open((resolved + ".gz").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      struct stat gst{};
      if (gz >= 0 && ::fstat(gz, &gst) == 0 && S_ISREG(gst.st_mode) &&
          (gst.st_mtim.tv_sec > st.st_mtim.tv_sec ||
           (gst.st_mtim.tv_sec == st.st_mtim.tv_sec && gst.st_mtim.tv_nsec >= st.st_mtim.tv_nsec))) {
        ::close(fd);
        fd = gz;
        st = gst;
        gzip = true;
        out->Header("Content-Encoding", "gzip");
      } else if (gz >= 0) {
        ::close(gz);
      }
    }
  }
  // A validator, so that a revalidation (no-cache) costs a 304, not the file;
  // each encoding has its own.
  const std::string etag = "\"" + std::to_string(st.st_size) + "-" +
                           std::to_string(st.st_mtim.tv_sec) + "." +
                           std::to_string(st.st_mtim.tv_nsec) + (gzip ? "-gz" : "") + "\"";
  out->Header("ETag", etag);
  if (req.Header("If-None-Match") == etag) {
    ::close(fd);
    out->status = 304;
  } else {
    out->status = 200;
    out->fd = fd;
    out->fd_size = static_cast<uint64_t>(st.st_size);
  }
  out->type = type;
  const bool service_worker = resolved.size() >= 6 && resolved.compare(resolved.size() - 6, 6, "/sw.js") == 0;
  out->Header("Content-Security-Policy", service_worker ? kServiceWorkerPolicy : kContentSecurityPolicy);
  out->Header("X-Content-Type-Options", "nosniff");
  out->Header("X-Frame-Options", "DENY");
  out->Header("Referrer-Policy", "no-referrer");
  out->Header("Cache-Control",
              IsHashedName(resolved) ? "public, max-age=31536000, immutable" : "no-cache");
}

}  // namespace weige::server
