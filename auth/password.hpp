// Password hashing with Argon2id (libargon2), PHC string format, with a bound on
// how many hashes run at once so a login flood cannot exhaust memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <semaphore>
#include <string>
#include <string_view>

#include "auth/errc.hpp"

namespace parix::auth {

struct password_config {
  std::uint32_t memory_kib = 19 * 1024;  // OWASP minimum for Argon2id: m = 19 MiB
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
  int max_concurrent = 2;  // hashes at once; each holds memory_kib
  std::chrono::milliseconds queue_timeout{2000};
  std::size_t min_length = 10;
  std::size_t max_length = 1024;
};

class password_hasher {
 public:
  explicit password_hasher(const password_config& config);

  // Returns a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash) with a fresh 16-byte
  // salt, or errc::busy when no hashing slot freed up within queue_timeout.
  // Thread-safe.
  result<std::string> hash(std::string_view password);
  // True when password matches the PHC string. errc::busy as above. Thread-safe.
  result<bool> verify(std::string_view phc, std::string_view password);

  // Length limits, and the password must not contain the username (case-insensitive).
  // Returns errc::weak_password with nothing else said, so the message stays generic.
  result<void> check_policy(std::string_view username, std::string_view password) const;

  const password_config& config() const noexcept { return config_; }

 private:
  password_config config_;
  std::counting_semaphore<1024> slots_;
};

}  // namespace parix::auth
