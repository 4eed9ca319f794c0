// SQL for the users table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct user_record {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::optional<std::int64_t> unit_id;
  std::string password_hash;
  bool disabled = false;
  std::int64_t version = 1;
  millis created_at = 0;
  millis updated_at = 0;
};

std::optional<user_record> find_user_by_name(connection& c, std::string_view username);
std::optional<user_record> find_user_by_id(connection& c, std::int64_t id);
std::vector<user_record> list_users(connection& c);
// Inserts the user and returns its id. Throws storage::error(constraint) if the
// username is taken or the unit does not exist.
std::int64_t insert_user(connection& c, const user_record& u);
// Writes every field of u when the stored version equals u.version, and bumps the
// version. Returns false (and changes nothing) when the version differs.
bool update_user(connection& c, const user_record& u);

}  // namespace parix::storage
