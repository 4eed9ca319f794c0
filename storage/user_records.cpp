// SQL for the users table.
#include "storage/user_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view select_by_name =
    "SELECT id, username, display_name, role, unit_id, password_hash, disabled, version, "
    "created_at, updated_at, must_change_password FROM users WHERE username = ?";
constexpr std::string_view select_by_id =
    "SELECT id, username, display_name, role, unit_id, password_hash, disabled, version, "
    "created_at, updated_at, must_change_password FROM users WHERE id = ?";
constexpr std::string_view select_all =
    "SELECT id, username, display_name, role, unit_id, password_hash, disabled, version, "
    "created_at, updated_at, must_change_password FROM users ORDER BY username";
constexpr std::string_view insert =
    "INSERT INTO users(username, display_name, role, unit_id, password_hash, disabled, version, "
    "created_at, updated_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)";
constexpr std::string_view update =
    "UPDATE users SET display_name = ?, role = ?, unit_id = ?, password_hash = ?, disabled = ?, "
    "must_change_password = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?";

user_record to_user(const row& r) {
  return user_record{r.integer(0),          r.text(1),   r.text(2),         r.text(3),
                     r.optional_integer(4), r.text(5),   r.integer(6) != 0, r.integer(7),
                     r.integer(8),          r.integer(9), r.integer(10) != 0};
}

}  // namespace

std::optional<user_record> find_user_by_name(connection& c, std::string_view username) {
  return c.query_one(select_by_name, {username}, to_user);
}

std::optional<user_record> find_user_by_id(connection& c, std::int64_t id) {
  return c.query_one(select_by_id, {id}, to_user);
}

std::vector<user_record> list_users(connection& c) {
  std::vector<user_record> users;
  c.query(select_all, {}, [&](const row& r) { users.push_back(to_user(r)); });
  return users;
}

std::int64_t insert_user(connection& c, const user_record& u) {
  c.execute(insert, {u.username, u.display_name, u.role, nullable(u.unit_id), u.password_hash,
                     std::int64_t{u.disabled}, u.created_at, u.updated_at,
                     std::int64_t{u.must_change_password}});
  return c.last_insert_id();
}

bool update_user(connection& c, const user_record& u) {
  return c.execute(update, {u.display_name, u.role, nullable(u.unit_id), u.password_hash,
                            std::int64_t{u.disabled}, std::int64_t{u.must_change_password},
                            u.updated_at, u.id, u.version}) == 1;
}

}  // namespace parix::storage
