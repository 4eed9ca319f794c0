// Versioned schema migrations, compiled into the binary from storage/migrations/*.sql.
#pragma once

#include <span>
#include <string_view>

#include "storage/connection.hpp"

namespace parix::storage {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration this binary knows, in ascending version order.
std::span<const migration> known_migrations();
// The highest version this binary knows.
int latest_schema_version();

}  // namespace parix::storage
