// Login throttling: after a few failures each further attempt must wait longer, and after
// more the account is locked for a while. A client address is throttled the same way but
// only at much higher counts, because many people share one (a province's offices behind
// one proxy): a few mistakes of one user must never stop another user's correct password.
// Pure functions over storage::throttle_record, so the rules are tested without a database.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "storage/throttle_records.hpp"

namespace parix::auth {

struct throttle_config {
  int slow_after = 3;                  // failures of an account before its delays start
  std::chrono::seconds base_delay{1};  // doubled for every further failure
  std::chrono::seconds max_delay{60};
  int lock_after = 10;  // failures that lock an account
  // A client address: delays from address_slow_after failures (of any accounts) on,
  // a lock at address_lock_after. Both far above the account's counts.
  int address_slow_after = 100;
  int address_lock_after = 1000;
  std::chrono::seconds lock_for{15 * 60};
  std::chrono::seconds forget_after{15 * 60};  // quiet time that clears the counter
};

// When delays start and when a lock falls, for one kind of key.
struct throttle_rule {
  int slow_after = 0;
  int lock_after = 0;
};
throttle_rule account_rule(const throttle_config& c);
throttle_rule address_rule(const throttle_config& c);

using time_point = std::chrono::system_clock::time_point;

std::string account_key(std::string_view username);
std::string address_key(std::string_view address);

// When the next attempt is allowed for this record, or nullopt if it is allowed now.
std::optional<time_point> blocked_until(const std::optional<storage::throttle_record>& r,
                                        time_point now, const throttle_config& config,
                                        const throttle_rule& rule);

// The record after one more failure. The lock starts when failures reach rule.lock_after.
storage::throttle_record after_failure(const std::optional<storage::throttle_record>& r,
                                       const std::string& key, time_point now,
                                       const throttle_config& config, const throttle_rule& rule);

// The record as it would be if the `pending` attempts now in flight under its key all
// failed at now: an attempt is let through only when this record does not block it, so
// that a burst of parallel guesses gets no more password checks than the rule allows.
std::optional<storage::throttle_record> with_pending(
    const std::optional<storage::throttle_record>& r, const std::string& key, int pending,
    time_point now, const throttle_config& config, const throttle_rule& rule);

}  // namespace parix::auth
