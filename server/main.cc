// weige-server: the native sync server.
//
//   weige-server --db FILE [--listen 127.0.0.1:8080] [--static DIR] [--demo]
//                [--threads N] [--token-ttl SECONDS] [--login-limit N]
//                [--ip-login-limit N] [--login-window SECONDS] [--access-log]
//                [--max-db-mib N] [--trusted-proxy ADDR] [--open311-public-rate N]
//                [--header-timeout SECONDS]
//   weige-server --db FILE --set-password PERSON     (the password on stdin)
//   weige-server --db FILE --bootstrap ADMIN_ID      (first administrator of an
//                                                     empty database; password on stdin)
//
// --listen with port 0 picks a free port. Once serving it prints one line
// "weige-server listening on http://HOST:PORT" on stdout. SIGTERM or SIGINT:
// stops accepting, finishes the requests in flight, closes the database, and
// exits 0. Exit status 2 on bad usage, 1 on any other failure.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "core/domain/json_reader.h"
#include "core/store/sync_store.h"
#include "server/auth.h"
#include "server/http_server.h"
#include "server/store_pool.h"
#ifdef WEIGE_SERVER_HAS_DEMO
#include "tools/demo/demo_district.h"
#endif

namespace {

using weige::Json;
using weige::Status;
using namespace weige::server;

int Usage(const char* why) {
  std::fprintf(stderr,
               "weige-server: %s\n"
               "usage: weige-server --db FILE [--listen HOST:PORT] [--static DIR] [--demo]\n"
               "         [--threads N] [--token-ttl SECONDS] [--login-limit N]\n"
               "         [--ip-login-limit N] [--login-window SECONDS] [--access-log]\n"
               "         [--max-db-mib N]   (the database may grow to N MiB; past it, 503)\n"
               "         [--trusted-proxy ADDR]   (behind a balancer at ADDR: limits per X-Forwarded-For)\n"
               "         [--open311-public-rate N]   (Open311 reads without api_key per address\n"
               "                                      per minute, default 60; 0: key required)\n"
               "         [--header-timeout SECONDS]   (a client has this long, default 10, to\n"
               "                                       send complete headers; then it is closed)\n"
               "       weige-server --db FILE --set-password PERSON   (password on stdin)\n"
               "       weige-server --db FILE --bootstrap ADMIN_ID    (password on stdin)\n",
               why);
  return 2;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "weige-server: %s: %s\n", s.reason.c_str(), s.message.c_str());
  return 1;
}

bool ParseInt(const std::string& s, int64_t min, int64_t max, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return false;
  *out = v;
  return true;
}

struct Args {
  std::string db, static_dir, set_password, bootstrap;
  bool demo = false;
  int64_t max_db_bytes = 0;  // > 0: the database may grow to this (then 503)
  ServerOptions server;
};

bool ParseArgs(int argc, char** argv, Args* a, std::string* why) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *why = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    auto number = [&](int64_t min, int64_t max, int64_t* out) {
      std::string v;
      if (!value(&v)) return false;
      if (!ParseInt(v, min, max, out)) {
        *why = arg + " needs a whole number in [" + std::to_string(min) + ", " +
               std::to_string(max) + "]";
        return false;
      }
      return true;
    };
    int64_t n = 0;
    if (arg == "--db") {
      if (!value(&a->db)) return false;
    } else if (arg == "--listen") {
      std::string v;
      if (!value(&v)) return false;
      size_t colon = v.rfind(':');
      if (colon == std::string::npos || colon == 0 ||
          !ParseInt(v.substr(colon + 1), 0, 65535, &n)) {
        *why = "--listen takes HOST:PORT";
        return false;
      }
      a->server.host = v.substr(0, colon);
      a->server.port = static_cast<int>(n);
    } else if (arg == "--static") {
      if (!value(&a->server.static_dir)) return false;
    } else if (arg == "--demo") {
      a->demo = true;
    } else if (arg == "--set-password") {
      if (!value(&a->set_password)) return false;
    } else if (arg == "--bootstrap") {
      if (!value(&a->bootstrap)) return false;
    } else if (arg == "--threads") {
      if (!number(1, 256, &n)) return false;
      a->server.threads = static_cast<int>(n);
    } else if (arg == "--token-ttl") {
      if (!number(1, 10LL * 365 * 24 * 3600, &n)) return false;
      a->server.token_ttl_ms = n * 1000;
    } else if (arg == "--login-limit") {
      if (!number(1, 1000000, &n)) return false;
      a->server.login_limit_person = static_cast<int>(n);
    } else if (arg == "--ip-login-limit") {
      if (!number(1, 1000000, &n)) return false;
      a->server.login_limit_ip = static_cast<int>(n);
    } else if (arg == "--login-window") {
      if (!number(1, 7LL * 24 * 3600, &n)) return false;
      a->server.login_window_ms = n * 1000;
    } else if (arg == "--max-db-mib") {
      if (!number(1, 1LL << 30, &n)) return false;
      a->max_db_bytes = n << 20;
    } else if (arg == "--access-log") {
      a->server.access_log = true;
    } else if (arg == "--open311-public-rate") {
      if (!number(0, 1000000, &n)) return false;
      a->server.open311_public_per_minute = static_cast<int>(n);
    } else if (arg == "--header-timeout") {
      if (!number(1, 3600, &n)) return false;
      a->server.header_deadline_ms = static_cast<int>(n * 1000);
    } else if (arg == "--trusted-proxy") {
      if (!value(&a->server.trusted_proxy)) return false;
    } else {
      *why = "unknown argument " + arg;
      return false;
    }
  }
  if (a->db.empty()) {
    *why = "--db FILE is required";
    return false;
  }
  return true;
}

bool ReadPassword(std::string* password) {
  if (!std::getline(std::cin, *password)) return false;
  while (!password->empty() && (password->back() == '\r' || password->back() == '\n')) {
    password->pop_back();
  }
  return true;
}

// Hashes `password` (refusing a weak one before anything is written), runs
// `before` (e.g. the bootstrap) and stores the hash for `person`.
Status SetPassword(StorePool* pool, const std::string& person, const std::string& password,
                   const std::function<Status(weige::store::Store*)>& before = nullptr) {
  std::string hash;
  WEIGE_RETURN_IF_ERROR(HashPassword(password, &hash));
  auto w = pool->Write();
  if (before) WEIGE_RETURN_IF_ERROR(before(w.get()));
  bool exists = false;
  WEIGE_RETURN_IF_ERROR(weige::store::PersonExists(*w, person, &exists));
  if (!exists) return weige::NotFound("person.not_found", "no person with id " + person);
  return weige::store::SetCredential(*w, person, hash, NowMs());
}

// Demo passwords are printed with the logins; fine for a demo database only.
std::string DemoPassword(const std::string& role) { return "demo-" + role + "-2026"; }

Status RunDemo(StorePool* pool, const std::string& db_path) {
  const std::string logins_file = db_path + ".demo-logins.json";
  bool empty = true;
  {
    auto w = pool->Write();
    WEIGE_RETURN_IF_ERROR(w->IsEmpty(&empty));
  }
  Json logins = Json::array();
  if (empty) {
#ifdef WEIGE_SERVER_HAS_DEMO
    std::fprintf(stderr, "weige-server: building the demo district...\n");
    Json summary;
    {
      // The demo is alive on the day it is built: its history ends now.
      weige::demo::DistrictOptions options;
      options.now = NowMs();
      auto w = pool->Write();
      WEIGE_RETURN_IF_ERROR(weige::demo::BuildDistrict(w.get(), options, &summary));
    }
    auto it = summary.find("logins");
    if (it != summary.end() && it->is_array()) {
      for (const Json& l : *it) {
        if (!l.is_object() || !l.contains("person_id") || !l["person_id"].is_string()) continue;
        std::string role = l.contains("role") && l["role"].is_string()
                               ? l["role"].get<std::string>() : "user";
        Json entry = l;
        entry["password"] = DemoPassword(role);
        WEIGE_RETURN_IF_ERROR(SetPassword(pool, l["person_id"].get<std::string>(),
                                          entry["password"].get<std::string>()));
        logins.push_back(std::move(entry));
      }
    }
    std::ofstream(logins_file) << weige::DumpJson(logins) << "\n";
#else
    return weige::FailedPrecondition("demo.unavailable",
                                     "this weige-server was built without tools/demo");
#endif
  } else {
    std::ifstream in(logins_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!weige::ParseJson(text.str(), 1 << 20, &logins).ok() || !logins.is_array()) {
      std::printf("demo: the database is not empty; its logins are not known (%s missing)\n",
                  logins_file.c_str());
      return Status::Ok();
    }
  }
  std::printf("demo logins (person_id / password):\n");
  auto text = [](const Json& l, const char* key) {
    auto it = l.find(key);
    return it != l.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const Json& l : logins) {
    if (!l.is_object()) continue;
    std::printf("  %-12s %-28s %-22s %s  (%s)\n", text(l, "role").c_str(),
                text(l, "person_id").c_str(), text(l, "password").c_str(), text(l, "name").c_str(),
                text(l, "scope_id").c_str());
  }
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string why;
  if (!ParseArgs(argc, argv, &args, &why)) return Usage(why.c_str());
  if (!InitCrypto()) return Fail(weige::Internal("crypto.init", "libsodium failed to start"));

  // Signals go to the one thread that waits for them; block them everywhere
  // else before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<StorePool> pool;
  Status s = StorePool::Open(args.db, args.server.threads, args.max_db_bytes, &pool);
  if (!s.ok()) return Fail(s);

  if (!args.bootstrap.empty() || !args.set_password.empty()) {
    std::string password;
    if (!ReadPassword(&password)) return Usage("the password is read from stdin");
    if (!args.bootstrap.empty()) {
      s = SetPassword(pool.get(), args.bootstrap, password, [&](weige::store::Store* st) {
        return st->Bootstrap(args.bootstrap, "Administrator", NowMs());
      });
    } else {
      s = SetPassword(pool.get(), args.set_password, password);
    }
    if (!s.ok()) return Fail(s);
    std::printf("password set\n");
    return 0;
  }
  {
    auto w = pool->Write();
    weige::store::PurgeTokens(*w, NowMs());
  }
  if (args.demo) {
    s = RunDemo(pool.get(), args.db);
    if (!s.ok()) return Fail(s);
  }

  HttpServer server(pool.get(), args.server);
  int port = server.Bind();
  if (port < 0) {
    return Fail(weige::Internal("server.bind", "cannot listen on " + args.server.host + ":" +
                                                   std::to_string(args.server.port)));
  }
  std::thread waiter([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "weige-server: signal %d, stopping\n", sig);
    server.Stop();
  });
  std::printf("weige-server listening on http://%s:%d\n", args.server.host.c_str(), port);
  std::fflush(stdout);
  server.Serve();  // returns after Stop(), once the requests in flight are done
  // Serve() can also return on its own (socket error): wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  pool.reset();  // closes every connection; the last close checkpoints the WAL
  std::fprintf(stderr, "weige-server: stopped\n");
  return 0;
}
