// SQL for criteria sets and their nodes (written once, never updated).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct criteria_set_record {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string source_csv;
  millis created_at = 0;
  std::string created_by;
};

struct criteria_node_record {
  std::string code;
  std::optional<std::string> parent_code;
  int depth = 1;
  int position = 0;
  std::string title;
  std::int64_t max_points = 0;  // ten-thousandths of a point
  std::optional<std::string> method;
  bool bonus = false;
  int line = 0;
  std::optional<std::string> responsible;  // the body leading the area (migration 0009)
};

std::optional<criteria_set_record> find_criteria_set(connection& c, std::int64_t id);
std::optional<criteria_set_record> find_criteria_set_by_key(connection& c, std::string_view key);
// Sets without their CSV text, oldest first.
std::vector<criteria_set_record> list_criteria_sets(connection& c);
// Inserts the set and its nodes; returns the set id. Throws storage::error(constraint)
// on a taken key.
std::int64_t insert_criteria_set(connection& c, const criteria_set_record& set,
                                 const std::vector<criteria_node_record>& nodes);
// Nodes in document order.
std::vector<criteria_node_record> criteria_nodes(connection& c, std::int64_t set_id);

}  // namespace parix::storage
