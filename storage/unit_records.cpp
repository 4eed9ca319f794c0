// SQL for the units table.
#include "storage/unit_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view select_by_code =
    "SELECT id, code, name, created_at, parent_id, kind, disabled, version, updated_at "
    "FROM units WHERE code = ?";
constexpr std::string_view select_by_id =
    "SELECT id, code, name, created_at, parent_id, kind, disabled, version, updated_at "
    "FROM units WHERE id = ?";
constexpr std::string_view select_all =
    "SELECT id, code, name, created_at, parent_id, kind, disabled, version, updated_at "
    "FROM units ORDER BY code";
constexpr std::string_view insert =
    "INSERT INTO units(code, name, created_at, parent_id, kind, disabled, version, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, 1, ?)";
constexpr std::string_view update =
    "UPDATE units SET name = ?, parent_id = ?, kind = ?, disabled = ?, version = version + 1, "
    "updated_at = ? WHERE id = ? AND version = ?";

constexpr std::string_view select_origins =
    "SELECT o.code FROM unit_origins x JOIN units o ON o.id = x.origin_id WHERE x.unit_id = ? "
    "ORDER BY o.code";
constexpr std::string_view select_all_origins =
    "SELECT unit_id, origin_id FROM unit_origins ORDER BY unit_id, origin_id";
constexpr std::string_view delete_origins = "DELETE FROM unit_origins WHERE unit_id = ?";
constexpr std::string_view insert_origin =
    "INSERT INTO unit_origins(unit_id, origin_id) VALUES (?, ?)";

unit_record to_unit(const row& r) {
  return unit_record{r.integer(0),          r.text(1),          r.text(2),         r.integer(3),
                     r.optional_integer(4), r.optional_text(5), r.integer(6) != 0, r.integer(7),
                     r.integer(8)};
}

}  // namespace

std::optional<unit_record> find_unit_by_code(connection& c, std::string_view code) {
  return c.query_one(select_by_code, {code}, to_unit);
}

std::optional<unit_record> find_unit_by_id(connection& c, std::int64_t id) {
  return c.query_one(select_by_id, {id}, to_unit);
}

std::vector<unit_record> list_units(connection& c) {
  std::vector<unit_record> units;
  c.query(select_all, {}, [&](const row& r) { units.push_back(to_unit(r)); });
  return units;
}

std::int64_t insert_unit(connection& c, const unit_record& u) {
  c.execute(insert, {u.code, u.name, u.created_at, nullable(u.parent_id), nullable(u.kind),
                     std::int64_t{u.disabled}, u.created_at});
  return c.last_insert_id();
}

bool update_unit(connection& c, const unit_record& u) {
  return c.execute(update, {u.name, nullable(u.parent_id), nullable(u.kind),
                            std::int64_t{u.disabled}, u.updated_at, u.id, u.version}) == 1;
}

std::vector<std::string> unit_origin_codes(connection& c, std::int64_t unit_id) {
  std::vector<std::string> out;
  c.query(select_origins, {unit_id}, [&](const row& r) { out.push_back(r.text(0)); });
  return out;
}

std::multimap<std::int64_t, std::int64_t> all_unit_origins(connection& c) {
  std::multimap<std::int64_t, std::int64_t> out;
  c.query(select_all_origins, {}, [&](const row& r) { out.emplace(r.integer(0), r.integer(1)); });
  return out;
}

void replace_unit_origins(connection& c, std::int64_t unit_id,
                          const std::vector<std::int64_t>& origin_ids) {
  c.execute(delete_origins, {unit_id});
  for (auto id : origin_ids) c.execute(insert_origin, {unit_id, id});
}

}  // namespace parix::storage
