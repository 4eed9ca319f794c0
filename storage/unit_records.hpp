// SQL for the units table (agencies: departments, district people's committees).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct unit_record {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  millis created_at = 0;
};

std::optional<unit_record> find_unit_by_code(connection& c, std::string_view code);
std::optional<unit_record> find_unit_by_id(connection& c, std::int64_t id);
std::vector<unit_record> list_units(connection& c);
// Inserts the unit and returns its id; throws storage::error(constraint) on a taken code.
std::int64_t insert_unit(connection& c, const unit_record& u);

}  // namespace parix::storage
