#include "server/http_server.h"

#include <sys/socket.h>

#include <httplib.h>

#include <chrono>
#include <cstdio>

#include "core/domain/json_reader.h"
#include "core/store/sync_store.h"
#include "core/sync/pull.h"
#include "core/sync/push.h"

namespace weige::server {

namespace {

int HttpStatus(Code code) {
  switch (code) {
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

void SendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

void SendError(httplib::Response& res, int status, const Status& s) {
  Json j = {{"ok", false},
            {"code", std::string(CodeName(s.code))},
            {"reason", s.reason},
            {"message", s.message}};
  SendJson(res, status, DumpJson(j));
}

void SendError(httplib::Response& res, const Status& s) { SendError(res, HttpStatus(s.code), s); }

void Unauthenticated(httplib::Response& res, const char* reason, const char* message) {
  res.set_header("WWW-Authenticate", "Bearer");
  SendError(res, 401, PermissionDenied(reason, message));
}

void TooLarge(httplib::Response& res, size_t max) {
  SendError(res, 413, InvalidArgument("request.too_large",
                                      "the body is larger than " + std::to_string(max) + " bytes"));
}

// Parses a JSON object body with a size limit (ParseJson limits the depth).
bool ReadBody(const httplib::Request& req, httplib::Response& res, size_t max, Json* out) {
  if (req.body.size() > max) {
    TooLarge(res, max);
    return false;
  }
  Status s = ParseJson(req.body, max, out);
  if (s.ok() && !out->is_object()) s = InvalidArgument("json.not_object", "the body must be a JSON object");
  if (!s.ok()) {
    SendError(res, s);
    return false;
  }
  return true;
}

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

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HttpServer::HttpServer(StorePool* pool, const ServerOptions& options)
    : pool_(pool),
      options_(options),
      limiter_(options.login_limit_person, options.login_limit_ip, options.login_window_ms),
      http_(std::make_unique<httplib::Server>()) {
  Routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::Bind() {
  // Debian's cpp-httplib is a split build: its listen backlog (5) is compiled
  // into the .so, and a reconnect burst of 100 devices then loses most SYNs
  // (retried after 1, 3, 7, 15 s). Remember the listening socket and listen
  // again with a real backlog; Linux applies the new value. Measured by
  // build-scripts/bench-pouchdb.sh: Weige's total 6.4 s -> 1.0 s.
  http_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  int port = options_.port == 0 ? http_->bind_to_any_port(options_.host)
                                : (http_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port >= 0 && listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);
  return port;
}

bool HttpServer::Serve() { return http_->listen_after_bind(); }

void HttpServer::Stop() {
  stopping_ = true;
  http_->stop();
}

void HttpServer::Routes() {
  httplib::Server& h = *http_;
  const int threads = options_.threads;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  h.set_payload_max_length(kMaxBlobBytes + (64 << 10));
  // A connection holds a worker thread while it stays alive: rotate them so
  // connections beyond the thread count are not starved.
  h.set_keep_alive_max_count(100);
  h.set_keep_alive_timeout(2);  // also bounds how long SIGTERM waits on idle clients
  h.set_read_timeout(10);
  h.set_write_timeout(10);
  h.set_tcp_nodelay(true);
  if (!options_.static_dir.empty()) h.set_mount_point("/", options_.static_dir);

  // Errors without a body of their own (no route, 413 from the reader, ...).
  h.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    Status s = res.status == 404   ? NotFound("http.not_found", "no such path")
               : res.status == 413 ? InvalidArgument("request.too_large", "the body is too large")
               : res.status == 405 ? InvalidArgument("http.method", "method not allowed")
               : res.status >= 500 ? Internal("http.error", "internal error")
                                   : InvalidArgument("http.bad_request", "bad request");
    SendError(res, res.status, s);
  });
  h.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SendError(res, 500, Internal("server.exception", "internal error"));
  });
  if (options_.access_log) {
    h.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %d %zu\n", req.method.c_str(), req.path.c_str(), res.status,
                   res.body.size());
    });
  }

  // The caller's person from the bearer token, or a 401 sent.
  auto authenticate = [this](const httplib::Request& req, httplib::Response& res,
                             std::string* person, std::string* token_hash) {
    std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0) {
      Unauthenticated(res, "auth.missing_token", "sign in: Authorization: Bearer <token>");
      return false;
    }
    std::string token = auth.substr(prefix.size());
    if (token.size() != 64) {
      Unauthenticated(res, "auth.bad_token", "the token is not valid");
      return false;
    }
    std::string hash = Sha256Hex(token);
    store::TokenInfo info;
    bool found = false;
    Status s;
    {
      auto r = pool_->Read();
      s = store::FindToken(*r->db(), hash, &found, &info);
    }
    if (!s.ok()) {
      SendError(res, s);
      return false;
    }
    if (!found || info.revoked) {
      Unauthenticated(res, "auth.bad_token", "the token is not valid (signed out?)");
      return false;
    }
    if (info.expires_at <= NowMs()) {
      Unauthenticated(res, "auth.token_expired", "the token has expired; sign in again");
      return false;
    }
    *person = info.person_id;
    if (token_hash != nullptr) *token_hash = hash;
    return true;
  };

  h.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    int64_t head = 0;
    Status s;
    {
      auto r = pool_->Read();
      s = store::ChangeLogHead(*r->db(), &head);
    }
    if (!s.ok()) return SendError(res, s);
    SendJson(res, 200, DumpJson({{"ok", true}, {"head", head}, {"stopping", stopping_.load()}}));
  });

  h.Post("/api/v1/auth/login", [this](const httplib::Request& req, httplib::Response& res) {
    Json body;
    if (!ReadBody(req, res, kMaxSmallBodyBytes, &body)) return;
    FieldReader r(body, "");
    std::string person = r.Id("person_id");
    std::string password = r.Str("password", kMaxPasswordBytes);
    if (!r.ok()) return SendError(res, r.status());
    const int64_t now = NowMs();
    int64_t wait = limiter_.BlockedFor(person, req.remote_addr, now);
    if (wait > 0) {
      res.set_header("Retry-After", std::to_string((wait + 999) / 1000));
      return SendError(res, 429, PermissionDenied("auth.rate_limited",
                                                  "too many failed sign-ins; try again later"));
    }
    std::string hash;
    bool found = false;
    Status s;
    {
      auto rd = pool_->Read();
      s = store::FindCredential(*rd->db(), person, &found, &hash);
    }
    if (!s.ok()) return SendError(res, s);
    bool good = false;
    if (found) {
      good = VerifyPassword(hash, password);
    } else {
      BurnVerify(password);
    }
    if (!good) {
      limiter_.Fail(person, req.remote_addr, now);
      return Unauthenticated(res, "auth.bad_credentials", "unknown person or wrong password");
    }
    limiter_.Succeed(person);
    std::string token = NewToken();
    const int64_t expires = now + options_.token_ttl_ms;
    {
      auto w = pool_->Write();
      s = store::SaveToken(*w->db(), Sha256Hex(token), person, now, expires);
    }
    if (!s.ok()) return SendError(res, s);
    SendJson(res, 200, DumpJson({{"ok", true},
                                 {"token", token},
                                 {"person_id", person},
                                 {"expires_at", expires}}));
  });

  h.Post("/api/v1/auth/logout",
         [this, authenticate](const httplib::Request& req, httplib::Response& res) {
           std::string person, hash;
           if (!authenticate(req, res, &person, &hash)) return;
           bool revoked = false;
           Status s;
           {
             auto w = pool_->Write();
             s = store::RevokeToken(*w->db(), hash, NowMs(), &revoked);
           }
           if (!s.ok()) return SendError(res, s);
           SendJson(res, 200, DumpJson({{"ok", true}, {"revoked", revoked}}));
         });

  h.Get("/api/v1/auth/me", [this, authenticate](const httplib::Request& req,
                                                httplib::Response& res) {
    std::string person;
    if (!authenticate(req, res, &person, nullptr)) return;
    Actor actor;
    Status s;
    {
      auto r = pool_->Read();
      s = store::LoadGrants(*r->db(), person, &actor);
    }
    if (!s.ok()) return SendError(res, s);
    Json grants = Json::array();
    for (const Grant& g : actor.grants) {
      grants.push_back({{"role", std::string(RoleName(g.role))}, {"scope_id", g.scope_id}});
    }
    SendJson(res, 200, DumpJson({{"ok", true}, {"person_id", person}, {"grants", grants}}));
  });

  h.Post("/api/v1/sync/push", [this, authenticate](const httplib::Request& req,
                                                   httplib::Response& res) {
    std::string person;
    if (!authenticate(req, res, &person, nullptr)) return;
    Json body;
    if (!ReadBody(req, res, kMaxPushBodyBytes, &body)) return;
    auto it = body.find("commands");
    if (it == body.end()) {
      return SendError(res, InvalidArgument("push.bad_batch", "the body needs commands: [...]"));
    }
    Json answers;
    Status s;
    int64_t head = 0;
    {
      auto w = pool_->Write();
      s = sync::PushBatch(w.get(), person, *it, NowMs(), nullptr, &answers);
      if (s.ok()) s = store::ChangeLogHead(*w->db(), &head);
    }
    if (!s.ok()) return SendError(res, s);
    SendJson(res, 200, DumpJson({{"ok", true}, {"results", answers}, {"head", head}}));
  });

  h.Get("/api/v1/sync/pull", [this, authenticate](const httplib::Request& req,
                                                  httplib::Response& res) {
    std::string person;
    if (!authenticate(req, res, &person, nullptr)) return;
    sync::PullRequest pr;
    pr.person_id = person;
    if (req.has_param("cursor") && !ParseCount(req.get_param_value("cursor"), &pr.cursor)) {
      return SendError(res, InvalidArgument("sync.bad_cursor", "cursor is a whole number >= 0"));
    }
    if (req.has_param("limit") && !ParseCount(req.get_param_value("limit"), &pr.limit)) {
      return SendError(res, InvalidArgument("sync.bad_limit", "limit is a whole number"));
    }
    pr.digest = req.get_param_value("digest") == "1";
    std::string page;
    Status s;
    {
      auto r = pool_->Read();
      s = sync::Pull(r.get(), pr, &page);
    }
    if (!s.ok()) return SendError(res, s);
    SendJson(res, 200, page);
  });

  h.Post("/api/v1/query", [this, authenticate](const httplib::Request& req,
                                               httplib::Response& res) {
    std::string person;
    if (!authenticate(req, res, &person, nullptr)) return;
    Json body;
    if (!ReadBody(req, res, kMaxSmallBodyBytes, &body)) return;
    FieldReader r(body, "");
    std::string name = r.Str("name", 64);
    const Json* params = r.Object("params", /*optional=*/true);
    if (!r.ok()) return SendError(res, r.status());
    Json p = params != nullptr ? *params : Json::object();
    auto actor = p.find("actor");
    if (actor != p.end() && !actor->is_null() &&
        (!actor->is_string() || actor->get_ref<const std::string&>() != person)) {
      return SendError(res, PermissionDenied("auth.actor_mismatch",
                                             "a query's actor must be the signed-in person"));
    }
    p["actor"] = person;
    Result result;
    {
      auto rd = pool_->Read();
      result = rd->Query(name, p);
    }
    if (!result.ok()) return SendError(res, result.status);
    SendJson(res, 200, DumpJson({{"ok", true}, {"value", result.value}}));
  });

  // A blob request: the signed-in person and the path's SHA-256, checked to be
  // lowercase hex; false once `res` holds the error.
  auto blob_request = [authenticate](const httplib::Request& req, httplib::Response& res,
                                     std::string* person, std::string* sha) {
    if (!authenticate(req, res, person, nullptr)) return false;
    *sha = req.matches[1];
    if (!IsSha256Hex(*sha)) {
      SendError(res, InvalidArgument("blob.bad_hash", "the path names a lowercase hex SHA-256"));
      return false;
    }
    return true;
  };

  h.Put(R"(/api/v1/blobs/([^/]*))", [this, blob_request](const httplib::Request& req,
                                                        httplib::Response& res) {
    std::string person, sha;
    if (!blob_request(req, res, &person, &sha)) return;
    if (req.body.size() > kMaxBlobBytes) return TooLarge(res, kMaxBlobBytes);
    if (req.body.empty()) return SendError(res, InvalidArgument("blob.empty", "the body is empty"));
    if (Sha256Hex(req.body) != sha) {
      return SendError(res, InvalidArgument("blob.hash_mismatch",
                                            "the body's SHA-256 is not the one in the path"));
    }
    bool existed = false;
    Status s;
    {
      auto w = pool_->Write();
      s = store::PutBlob(*w->db(), sha, req.body, person, NowMs(), &existed);
    }
    if (!s.ok()) return SendError(res, s);
    SendJson(res, existed ? 200 : 201,
             DumpJson({{"ok", true}, {"sha256", sha}, {"size", req.body.size()},
                       {"stored", !existed}}));
  });

  h.Get(R"(/api/v1/blobs/([^/]*))", [this, blob_request](const httplib::Request& req,
                                                        httplib::Response& res) {
    std::string person, sha;
    if (!blob_request(req, res, &person, &sha)) return;
    std::string bytes, uploader;
    bool found = false, allowed = false;
    Status s;
    {
      auto r = pool_->Read();
      s = store::FindBlob(*r->db(), sha, &found, &bytes, &uploader);
      if (s.ok() && found) {
        allowed = uploader == person;
        if (!allowed) s = sync::MaySeeBlob(*r->db(), person, sha, &allowed);
      }
    }
    if (!s.ok()) return SendError(res, s);
    if (!found) return SendError(res, NotFound("blob.not_found", "no such photo"));
    if (!allowed) {
      return SendError(res, PermissionDenied("blob.not_in_scope",
                                             "no record in your scope cites this photo"));
    }
    res.set_header("ETag", "\"" + sha + "\"");
    res.set_header("Cache-Control", "private, max-age=31536000, immutable");
    res.set_content(std::move(bytes), "application/octet-stream");
  });

  // Anything else under /api answers JSON, not the static files.
  auto unknown = [](const httplib::Request&, httplib::Response& res) {
    SendError(res, 404, NotFound("http.not_found", "no such endpoint"));
  };
  h.Get(R"(/api/.*)", unknown);
  h.Post(R"(/api/.*)", unknown);
  h.Put(R"(/api/.*)", unknown);
  h.Delete(R"(/api/.*)", unknown);
  h.Patch(R"(/api/.*)", unknown);
}

}  // namespace weige::server
