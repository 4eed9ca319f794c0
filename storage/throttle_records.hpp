// SQL for failed-login counters (login_throttle).
#pragma once

#include <optional>
#include <string>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct throttle_record {
  std::string key;
  std::int64_t failures = 0;
  millis last_failure_at = 0;
  std::optional<millis> locked_until;
};

std::optional<throttle_record> find_throttle(connection& c, std::string_view key);
void save_throttle(connection& c, const throttle_record& t);
void clear_throttle(connection& c, std::string_view key);

}  // namespace parix::storage
