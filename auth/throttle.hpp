// Login throttling: after a few failures each further attempt must wait longer,
// and after more the account (or the client address) is locked for a while.
// Pure functions over storage::throttle_record, so the rules are tested without a database.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "storage/throttle_records.hpp"

namespace parix::auth {

struct throttle_config {
  int slow_after = 3;                  // failures before delays start
  std::chrono::seconds base_delay{1};  // doubled for every further failure
  std::chrono::seconds max_delay{60};
  int lock_after = 10;          // failures that lock an account
  int address_lock_after = 50;  // failures that lock a client address
  std::chrono::seconds lock_for{15 * 60};
  std::chrono::seconds forget_after{15 * 60};  // quiet time that clears the counter
};

using time_point = std::chrono::system_clock::time_point;

std::string account_key(std::string_view username);
std::string address_key(std::string_view address);

// When the next attempt is allowed for this record, or nullopt if it is allowed now.
std::optional<time_point> blocked_until(const std::optional<storage::throttle_record>& r,
                                        time_point now, const throttle_config& config,
                                        int lock_threshold);

// The record after one more failure. The lock starts when failures reach lock_threshold.
storage::throttle_record after_failure(const std::optional<storage::throttle_record>& r,
                                       const std::string& key, time_point now,
                                       const throttle_config& config, int lock_threshold);

}  // namespace parix::auth
