// Runs the real weige-server as a child process on a loopback port it picks
// itself (--listen 127.0.0.1:0; the port is read from its first stdout
// line), and talks to it over HTTP.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/domain/result.h"
#include "tests/core/test_util.h"

namespace httplib {
class Client;
}

namespace weige::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // SIGKILLs a server still running

  // Starts weige-server --db db --listen 127.0.0.1:0 plus `extra`; waits (up
  // to 60 s) for it to listen. False if it exited or never listened.
  bool Start(const std::string& db, const std::vector<std::string>& extra = {});
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool Alive();
  // SIGTERM, then waits; returns the exit status (-1 when killed by a signal).
  int Stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
};

// Runs weige-server with `args`, feeding `stdin_text`; returns the exit status.
int RunServerTool(const std::vector<std::string>& args, const std::string& stdin_text);

struct HttpReply {
  int status = 0;  // 0: no response (connection failed)
  std::string body;
  Json json;       // parsed body, or null
  std::string header(const std::string& name) const;
  std::vector<std::pair<std::string, std::string>> headers;
};

class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpReply Get(const std::string& path, const std::string& token = "");
  HttpReply Post(const std::string& path, const std::string& body, const std::string& token = "");
  HttpReply Put(const std::string& path, const std::string& body, const std::string& token = "",
                const std::string& content_type = "application/octet-stream");
  HttpReply Delete(const std::string& path, const std::string& token = "");
  // Sends raw bytes on a new connection; returns what came back (maybe "").
  std::string Raw(const std::string& bytes);

  // POST /api/v1/auth/login; the token, or "" (and the reply in *reply).
  std::string Login(const std::string& person, const std::string& password,
                    HttpReply* reply = nullptr);
  // POST /api/v1/sync/push of `commands`.
  HttpReply Push(const std::string& token, const Json& commands);
  HttpReply Query(const std::string& token, const std::string& name, const Json& params);

 private:
  int port_;
  std::unique_ptr<httplib::Client> client_;
};

// Stores a password for each person straight into the database (argon2id
// at libsodium's minimum cost, so tests stay fast; the server verifies any
// argon2id string). The password of person P is TestPassword(P).
void SetTestPasswords(store::Store* store, const std::vector<std::string>& people);
std::string TestPassword(const std::string& person);

// The people of the store test world (tests/core/test_util.h).
const std::vector<std::string>& WorldPeople();

// A store world served by a real weige-server: WorldTest's SetUp, test
// passwords for everyone, the store closed, the server started (with
// ServerArgs()). TearDown stops it and expects a clean exit.
class ServerTest : public WorldTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  virtual std::vector<std::string> ServerArgs() { return {}; }

  HttpClient& http() { return *http_; }
  // Logs in (once per person) and returns the token.
  const std::string& Token(const std::string& person);
  // Pushes one command {id, type, at, payload} as `person`; returns its answer.
  Json PushOne(const std::string& person, const std::string& type, Json payload,
               const std::string& id = "");

  ServerProcess server_;
  std::unique_ptr<HttpClient> http_;
  std::map<std::string, std::string> tokens_;
  int next_id_ = 0;
};

}  // namespace weige::testing
