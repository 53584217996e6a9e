// Passwords, bearer tokens and the login rate limiter (libsodium).
//
// Passwords are stored as argon2id strings (crypto_pwhash_str, the
// "interactive" limits: 2 passes over 64 MiB, about 60 ms here); at most
// kConcurrentHashes hashes run at once so a login storm cannot exhaust memory.
// Tokens are 32 random bytes (randombytes_buf) as 64 hex digits; the database
// keeps only their SHA-256 (crypto_hash_sha256), an expiry and a revocation.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/domain/result.h"

namespace weige::server {

inline constexpr int kConcurrentHashes = 2;
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 256;

// Initialises libsodium; false if it cannot (no usable randomness).
bool InitCrypto();

// argon2id string for `password`. invalid_argument "auth.weak_password" when
// it is shorter than kMinPasswordBytes or longer than kMaxPasswordBytes.
Status HashPassword(std::string_view password, std::string* hash);
// True if `password` matches `hash` (false for a malformed hash).
bool VerifyPassword(const std::string& hash, std::string_view password);
// Runs a verification against a fixed hash, so an unknown person costs the
// same time as a wrong password.
void BurnVerify(std::string_view password);

// A new random token (64 hex digits) and the hex SHA-256 of any token.
std::string NewToken();
std::string Sha256Hex(std::string_view bytes);
// A one-time password an administrator hands over (14 characters from 56,
// ~81 bits; the person changes it by asking for a new one).
std::string NewPassword();

// Failed logins in a sliding window, per key: one person from one address
// ("pip:<addr>|<person>", the tight limit), one address ("ip:<addr>", a high
// ceiling: a community centre's NAT holds many people) and one person from
// anywhere ("p:<person>", 20x the tight limit, against a spread guesser).
// An attempt is counted (reserved) before its password is checked, so
// parallel attempts cannot all pass the check. Thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(int per_person, int per_ip, int64_t window_ms)
      : per_person_(per_person), per_ip_(per_ip), window_ms_(window_ms) {}

  // Counts an attempt for (person, ip) as a failure now and returns 0; or,
  // when a limit is reached, counts nothing and returns the milliseconds
  // until a login for (person, ip) may be tried again.
  int64_t Reserve(const std::string& person, const std::string& ip, int64_t now);
  // The reserved attempt succeeded: it is not a failure, and the person's
  // failures from that address are forgotten.
  void Succeed(const std::string& person, const std::string& ip, int64_t now);

 private:
  int64_t BlockedLocked(const std::string& key, int limit, int64_t now);

  std::mutex mu_;
  int per_person_, per_ip_;
  int64_t window_ms_;
  std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace weige::server
