// Signing in and out, and turning a presented token into an actor.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "auth/errc.hpp"
#include "auth/login_reservations.hpp"
#include "auth/password.hpp"
#include "auth/throttle.hpp"
#include "storage/database.hpp"
#include "storage/user_records.hpp"

namespace parix::auth {

struct session_config {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 60 * 60};
  // last_seen is written at most this often per session, so that reads stay reads.
  std::chrono::seconds touch_interval{60};
};

struct login_success {
  std::string token;  // shown once; only its hash is stored
  std::int64_t session_id = 0;
  clock::time_point expires_at;
  storage::user_record user;
};

class session_service {
 public:
  session_service(storage::database& db, password_hasher& hasher, const clock& clock,
                  session_config sessions, throttle_config throttle);

  // Checks the password and opens a new session. Wrong password and unknown user
  // give the same errc::bad_credentials (after the same hashing work). Too many
  // recent failures give errc::login_throttled and set *retry_after. When only the
  // attempts in flight (counted as if they failed) keep this one back, it waits for
  // them up to the hasher's queue_timeout, then gives errc::login_in_progress and sets
  // *retry_after: never a failure. errc::busy when no hashing slot frees up. Every
  // attempt, failure and lock is audited. Thread-safe; blocks for one Argon2id hash.
  result<login_success> login(std::string_view username, std::string_view password,
                              const std::string& client_address,
                              std::chrono::seconds* retry_after = nullptr);

  // The actor behind a session or API token, or errc::unauthenticated when the token
  // is unknown, ended, revoked or expired, or errc::account_disabled. Thread-safe.
  result<actor> authenticate(std::string_view token, const std::string& client_address);

  // Ends the actor's session (API tokens are revoked by administrators instead).
  void logout(const actor& a);

  // Checks the current password, sets the new one and ends every session of the user.
  // Returns errc::wrong_password, errc::weak_password or errc::busy. Thread-safe.
  result<void> change_password(const actor& a, std::string_view current,
                               std::string_view replacement);

  const session_config& config() const noexcept { return sessions_; }

 private:
  storage::database& db_;
  password_hasher& hasher_;
  const clock& clock_;
  session_config sessions_;
  throttle_config throttle_;
  login_reservations reservations_;  // sign-in attempts in flight in this process
  std::string dummy_hash_;           // verified against for unknown users, to equalise timing
};

}  // namespace parix::auth
