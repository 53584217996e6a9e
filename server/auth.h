// Passwords, bearer tokens and the login rate limiter (libsodium).
//
// Passwords are stored as argon2id strings (crypto_pwhash_str, the
// "interactive" limits: 2 passes over 64 MiB, about 60 ms here); at most
// kConcurrentHashes hashes run at once so a login storm cannot exhaust memory.
// Tokens are 32 random bytes (randombytes_buf) as 64 hex digits; the database
// keeps only their SHA-256 (crypto_hash_sha256), an expiry and a revocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/result.h"
#include "core/store/sync_store.h"

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

// What one sign-in attempt counts against, as the store's sliding-window
// limits (sync_store.h RateReserve; in the store, so every server of a fleet
// counts the same failures): one person from one address ("pip:<addr>|<person>",
// the tight limit), one address ("ip:<addr>", a high ceiling: a community
// centre's NAT holds many people) and one person from anywhere ("p:<person>",
// 20x the tight limit, against a spread guesser). An attempt is counted
// before its password is checked, so parallel attempts cannot all pass; a
// good one is taken back (LoginSucceeded), and the person's failures from
// that address are forgotten.
struct LoginKeys {
  std::vector<store::RateLimit> limits;  // pip, ip, p
  std::vector<std::string> release;      // ip, p: this attempt taken back
  std::vector<std::string> forget;       // pip: forgotten
};
LoginKeys LoginLimitKeys(const std::string& person, const std::string& ip, int per_person,
                         int per_ip);

}  // namespace weige::server
