#include "server/auth.h"

#include <algorithm>

#include <sodium.h>

#include <condition_variable>

namespace weige::server {

namespace {

// Bounds the argon2id hashes in flight (each takes 64 MiB).
class HashGate {
 public:
  void Enter() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return busy_ < kConcurrentHashes; });
    ++busy_;
  }
  void Leave() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;
};

HashGate& Gate() {
  static HashGate gate;
  return gate;
}

struct Gated {
  Gated() { Gate().Enter(); }
  ~Gated() { Gate().Leave(); }
};

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

const std::string& DummyHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES];
    const char pw[] = "weige-dummy-password";
    if (crypto_pwhash_str(out, pw, sizeof pw - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}

}  // namespace

bool InitCrypto() { return sodium_init() >= 0; }

Status HashPassword(std::string_view password, std::string* hash) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return InvalidArgument("auth.weak_password",
                           "a password has " + std::to_string(kMinPasswordBytes) + " to " +
                               std::to_string(kMaxPasswordBytes) + " bytes");
  }
  char out[crypto_pwhash_STRBYTES];
  Gated gate;
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("auth.hash_failed", "out of memory while hashing the password");
  }
  *hash = out;
  return Status::Ok();
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
      password.size() > kMaxPasswordBytes) {
    return false;
  }
  Gated gate;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void BurnVerify(std::string_view password) { VerifyPassword(DummyHash(), password); }

std::string NewToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return Hex(bytes, sizeof bytes);
}

std::string NewPassword() {
  // No 0/O, 1/l/I: read aloud or copied by hand once.
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < 14; ++i) out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest, sizeof digest);
}

LoginKeys LoginLimitKeys(const std::string& person, const std::string& ip, int per_person,
                         int per_ip) {
  const std::string pip = "pip:" + ip + "|" + person, by_ip = "ip:" + ip, by_person = "p:" + person;
  return {{{pip, per_person}, {by_ip, per_ip}, {by_person, 20 * per_person}},
          {by_ip, by_person},
          {pip}};
}

}  // namespace weige::server
