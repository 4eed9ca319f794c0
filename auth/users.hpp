// Administration of users and their personal API tokens. Every change is audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "auth/errc.hpp"
#include "auth/password.hpp"
#include "storage/csv.hpp"
#include "storage/database.hpp"
#include "storage/session_records.hpp"
#include "storage/user_records.hpp"

namespace parix::auth {

struct new_user {
  std::string username;
  std::string display_name;
  std::string role;
  std::optional<std::string> unit_code;
  std::string password;  // empty: the server makes a one-time password
};

// A user made by an import, with the one-time password shown once.
struct imported_user {
  user_view view;
  std::string password;
};

// Only the fields that are set change.
struct user_changes {
  std::optional<std::string> display_name;
  std::optional<std::string> role;
  std::optional<std::optional<std::string>> unit_code;  // set to nullopt to clear
  std::optional<bool> disabled;
};

struct new_api_token {
  std::string token;  // shown once
  storage::api_token_record record;
};

class user_service {
 public:
  user_service(storage::database& db, password_hasher& hasher, const clock& clock);

  // Validates and creates a user. errc::invalid_username, invalid_role, role_not_grantable
  // (the secretariat creates every role but admin), unit_required, unit_not_allowed,
  // unknown_unit, unit_disabled, weak_password, username_taken, busy. When u.password is
  // empty the server makes a one-time password, writes it to *one_time_password (which
  // must then be given) and the user must replace it at first sign-in. Thread-safe.
  result<user_view> create(const actor& by, const new_user& u,
                           std::string* one_time_password = nullptr);
  // Creates many users from CSV (header username,display_name,role,unit; docs/
  // operations.md), each with a one-time password, all or nothing: on
  // errc::invalid_import nothing is stored and *problems lists every bad row with its
  // line. errc::busy when password hashing is overloaded. Thread-safe.
  result<std::vector<imported_user>> import_csv(const actor& by, std::string_view csv,
                                                std::vector<storage::import_problem>* problems);
  // Applies changes when the stored version is expected_version, else errc::stale_version.
  // Disabling a user ends their sessions. Thread-safe.
  result<user_view> update(const actor& by, std::int64_t id, std::int64_t expected_version,
                           const user_changes& changes);
  // Sets a new password chosen by an administrator and ends the user's sessions.
  result<user_view> set_password(const actor& by, std::int64_t id, std::string_view password);
  result<user_view> get(std::int64_t id);
  result<user_view> get_by_name(std::string_view username);
  std::vector<user_view> list();

  result<new_api_token> create_api_token(const actor& by, std::int64_t user_id,
                                         const std::string& name,
                                         std::optional<clock::time_point> expires_at);
  result<std::vector<storage::api_token_record>> list_api_tokens(std::int64_t user_id);
  result<void> revoke_api_token(const actor& by, std::int64_t user_id, std::int64_t token_id);

 private:
  storage::database& db_;
  password_hasher& hasher_;
  const clock& clock_;
};

// Usernames: 3 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.
bool valid_username(std::string_view username) noexcept;

}  // namespace parix::auth
