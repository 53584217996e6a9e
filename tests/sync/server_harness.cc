#include "tests/sync/server_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "core/domain/json_reader.h"
#include "core/store/sync_store.h"

namespace weige::testing {

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

HttpReply ToReply(const httplib::Result& r) {
  HttpReply out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  for (const auto& [k, v] : r->headers) out.headers.emplace_back(k, v);
  Json j;
  if (ParseJson(out.body, 64 << 20, &j).ok()) out.json = std::move(j);
  return out;
}

httplib::Headers Auth(const std::string& token) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return h;
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

bool ServerProcess::Start(const std::string& db, const std::vector<std::string>& extra) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return false;
  std::vector<std::string> args = {WEIGE_SERVER_BIN, "--db", db, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    close(pipefd[1]);
    std::vector<char*> argv = Argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  out_fd_ = pipefd[0];
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string marker = "listening on http://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) > 0) {
      char buf[4096];
      ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;  // exited
      out.append(buf, static_cast<size_t>(n));
      size_t at = out.find(marker);
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = std::atoi(out.c_str() + at + marker.size());
        return port_ > 0;
      }
    }
  }
  return false;
}

bool ServerProcess::Alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunServerTool(const std::vector<std::string>& extra, const std::string& stdin_text) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  std::vector<std::string> args = {WEIGE_SERVER_BIN};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[0], 0);
    close(pipefd[0]);
    close(pipefd[1]);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::vector<char*> argv = Argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[0]);
  ssize_t ignored = write(pipefd[1], stdin_text.data(), stdin_text.size());
  (void)ignored;
  close(pipefd[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

HttpClient::HttpClient(int port) : port_(port), client_(std::make_unique<httplib::Client>("127.0.0.1", port)) {
  client_->set_connection_timeout(5);
  client_->set_read_timeout(30);
  client_->set_write_timeout(30);
  client_->set_keep_alive(true);
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::Get(const std::string& path, const std::string& token) {
  return ToReply(client_->Get(path, Auth(token)));
}

HttpReply HttpClient::Post(const std::string& path, const std::string& body,
                           const std::string& token) {
  return ToReply(client_->Post(path, Auth(token), body, "application/json"));
}

HttpReply HttpClient::Put(const std::string& path, const std::string& body,
                          const std::string& token, const std::string& content_type) {
  return ToReply(client_->Put(path, Auth(token), body, content_type.c_str()));
}

HttpReply HttpClient::Delete(const std::string& path, const std::string& token) {
  return ToReply(client_->Delete(path, Auth(token)));
}

std::string HttpClient::Raw(const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 500) <= 0) continue;
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

std::string HttpClient::Login(const std::string& person, const std::string& password,
                              HttpReply* reply) {
  HttpReply r = Post("/api/v1/auth/login",
                     DumpJson({{"person_id", person}, {"password", password}}));
  std::string token;
  if (r.status == 200 && r.json.is_object() && r.json.contains("token") &&
      r.json["token"].is_string()) {
    token = r.json["token"].get<std::string>();
  }
  if (reply != nullptr) *reply = std::move(r);
  return token;
}

HttpReply HttpClient::Push(const std::string& token, const Json& commands) {
  return Post("/api/v1/sync/push", DumpJson({{"commands", commands}}), token);
}

HttpReply HttpClient::Query(const std::string& token, const std::string& name,
                            const Json& params) {
  return Post("/api/v1/query", DumpJson({{"name", name}, {"params", params}}), token);
}

std::string TestPassword(const std::string& person) { return "pw-" + person + "-secret"; }

void SetTestPasswords(store::Store* store, const std::vector<std::string>& people) {
  ASSERT_GE(sodium_init(), 0);
  for (const std::string& p : people) {
    char hash[crypto_pwhash_STRBYTES];
    std::string pw = TestPassword(p);
    ASSERT_EQ(crypto_pwhash_str(hash, pw.data(), pw.size(), crypto_pwhash_OPSLIMIT_MIN,
                                crypto_pwhash_MEMLIMIT_MIN),
              0);
    ASSERT_TRUE(store::SetCredential(*store, p, hash, kSetupAt).ok());
  }
}

const std::vector<std::string>& WorldPeople() {
  static const std::vector<std::string> people = {
      "admin",     "radmin",    "head1",     "head2", "worker1", "worker2", "worker3",
      "captain1",  "captain3",  "resident1", "resident4", "deptp", "deptf", "nobody"};
  return people;
}

void ServerTest::SetUp() {
  WorldTest::SetUp();
  if (HasFatalFailure()) return;
  SetTestPasswords(store_.get(), WorldPeople());
  store_.reset();
  ASSERT_TRUE(server_.Start(tmp_->path(), ServerArgs())) << "weige-server did not start";
  http_ = std::make_unique<HttpClient>(server_.port());
}

void ServerTest::TearDown() {
  http_.reset();
  if (server_.pid() > 0) {
    EXPECT_EQ(server_.Stop(), 0) << "weige-server exits cleanly";
  }
  WorldTest::TearDown();
}

const std::string& ServerTest::Token(const std::string& person) {
  auto it = tokens_.find(person);
  if (it != tokens_.end()) return it->second;
  std::string token = http_->Login(person, TestPassword(person));
  EXPECT_FALSE(token.empty()) << "login of " << person;
  return tokens_[person] = token;
}

Json ServerTest::PushOne(const std::string& person, const std::string& type, Json payload,
                         const std::string& id) {
  Json cmd = {{"id", id.empty() ? "t" + std::to_string(++next_id_) : id},
              {"type", type},
              {"at", kT0 + next_id_},
              {"payload", std::move(payload)}};
  HttpReply r = http_->Push(Token(person), Json::array({cmd}));
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200 || !r.json.contains("results")) return Json::object();
  return r.json["results"][0];
}

}  // namespace weige::testing
