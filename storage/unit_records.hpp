// SQL for the units table (agencies: departments, district people's committees, the
// province above them). A unit's code never changes and a unit is never deleted.
#pragma once

#include <map>
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
  std::optional<std::int64_t> parent_id = std::nullopt;  // the unit above this one, if any
  std::optional<std::string> kind = std::nullopt;  // province, department, district, commune, other
  bool disabled = false;
  std::int64_t version = 1;  // the unit's ETag; bumped by every change
  millis updated_at = 0;
};

std::optional<unit_record> find_unit_by_code(connection& c, std::string_view code);
std::optional<unit_record> find_unit_by_id(connection& c, std::int64_t id);
std::vector<unit_record> list_units(connection& c);
// Inserts the unit (version 1, updated_at = created_at) and returns its id; throws
// storage::error(constraint) on a taken code or an unknown parent.
std::int64_t insert_unit(connection& c, const unit_record& u);
// Writes name, parent, kind and disabled when the stored version equals u.version, and
// bumps the version. Returns false (and changes nothing) when the version differs.
bool update_unit(connection& c, const unit_record& u);

// The units a unit was formed from (a merger: year over year, docs/reports.md), by code.
std::vector<std::string> unit_origin_codes(connection& c, std::int64_t unit_id);
// Every unit's origins: unit id → origin id.
std::multimap<std::int64_t, std::int64_t> all_unit_origins(connection& c);
// Sets the unit's origins to exactly these units.
void replace_unit_origins(connection& c, std::int64_t unit_id,
                          const std::vector<std::int64_t>& origin_ids);

}  // namespace parix::storage
