// Argon2id hashing and verification.
#include "auth/password.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace parix::auth {
namespace {

constexpr std::size_t salt_length = 16;
constexpr std::size_t hash_length = 32;

// Releases a hashing slot however the hash ends.
struct slot_guard {
  std::counting_semaphore<1024>& s;
  ~slot_guard() { s.release(); }
};

std::string lower(std::string_view s) {
  std::string out{s};
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

password_hasher::password_hasher(const password_config& config)
    : config_(config), slots_(std::clamp(config.max_concurrent, 1, 1024)) {}

result<std::string> password_hasher::hash(std::string_view password) {
  if (!slots_.try_acquire_for(config_.queue_timeout)) return errc::busy;
  slot_guard guard{slots_};

  std::array<unsigned char, salt_length> salt{};
  if (RAND_bytes(salt.data(), salt.size()) != 1) throw std::runtime_error("RAND_bytes failed");
  const std::size_t encoded_length =
      argon2_encodedlen(config_.iterations, config_.memory_kib, config_.parallelism, salt_length,
                        hash_length, Argon2_id);
  std::vector<char> encoded(encoded_length);
  int rc = argon2id_hash_encoded(config_.iterations, config_.memory_kib, config_.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 hash_length, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string{"argon2: "} + argon2_error_message(rc));
  return std::string{encoded.data()};
}

result<bool> password_hasher::verify(std::string_view phc, std::string_view password) {
  if (!slots_.try_acquire_for(config_.queue_timeout)) return errc::busy;
  slot_guard guard{slots_};
  const std::string encoded{phc};  // argon2 wants a NUL-terminated string
  int rc = argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  // A damaged stored hash cannot match; it is not the caller's fault either way.
  return false;
}

result<void> password_hasher::check_policy(std::string_view username,
                                           std::string_view password) const {
  if (password.size() < config_.min_length || password.size() > config_.max_length)
    return errc::weak_password;
  if (!username.empty() && lower(password).find(lower(username)) != std::string::npos)
    return errc::weak_password;
  return {};
}

}  // namespace parix::auth
