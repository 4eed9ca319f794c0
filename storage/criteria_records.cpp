// SQL for criteria sets.
#include "storage/criteria_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view select_set =
    "SELECT id, key, name, source_csv, created_at, created_by FROM criteria_sets WHERE id = ?";
constexpr std::string_view select_set_by_key =
    "SELECT id, key, name, source_csv, created_at, created_by FROM criteria_sets WHERE key = ?";
constexpr std::string_view select_sets =
    "SELECT id, key, name, '', created_at, created_by FROM criteria_sets ORDER BY id";
constexpr std::string_view insert_set =
    "INSERT INTO criteria_sets(key, name, source_csv, created_at, created_by) VALUES (?, ?, ?, ?, "
    "?)";
constexpr std::string_view insert_node =
    "INSERT INTO criteria_nodes(set_id, code, parent_code, depth, position, title, max_points, "
    "method, bonus, line, responsible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view select_nodes =
    "SELECT code, parent_code, depth, position, title, max_points, method, bonus, line, "
    "responsible FROM criteria_nodes WHERE set_id = ? ORDER BY position";

criteria_set_record to_set(const row& r) {
  return {r.integer(0), r.text(1), r.text(2), r.text(3), r.integer(4), r.text(5)};
}

}  // namespace

std::optional<criteria_set_record> find_criteria_set(connection& c, std::int64_t id) {
  return c.query_one(select_set, {id}, to_set);
}

std::optional<criteria_set_record> find_criteria_set_by_key(connection& c, std::string_view key) {
  return c.query_one(select_set_by_key, {key}, to_set);
}

std::vector<criteria_set_record> list_criteria_sets(connection& c) {
  std::vector<criteria_set_record> out;
  c.query(select_sets, {}, [&](const row& r) { out.push_back(to_set(r)); });
  return out;
}

std::int64_t insert_criteria_set(connection& c, const criteria_set_record& set,
                                 const std::vector<criteria_node_record>& nodes) {
  c.execute(insert_set, {set.key, set.name, set.source_csv, set.created_at, set.created_by});
  const auto id = c.last_insert_id();
  for (const auto& n : nodes)
    c.execute(insert_node, {id, n.code, nullable(n.parent_code), std::int64_t{n.depth},
                            std::int64_t{n.position}, n.title, n.max_points, nullable(n.method),
                            std::int64_t{n.bonus}, std::int64_t{n.line}, nullable(n.responsible)});
  return id;
}

std::vector<criteria_node_record> criteria_nodes(connection& c, std::int64_t set_id) {
  std::vector<criteria_node_record> out;
  c.query(select_nodes, {set_id}, [&](const row& r) {
    out.push_back({r.text(0), r.optional_text(1), static_cast<int>(r.integer(2)),
                   static_cast<int>(r.integer(3)), r.text(4), r.integer(5), r.optional_text(6),
                   r.integer(7) != 0, static_cast<int>(r.integer(8)), r.optional_text(9)});
  });
  return out;
}

}  // namespace parix::storage
