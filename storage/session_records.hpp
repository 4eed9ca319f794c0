// SQL for login sessions and personal API tokens. Tokens are looked up by the
// SHA-256 of their value; the value itself is never stored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct session_record {
  std::int64_t id = 0;
  std::vector<unsigned char> token_hash;
  std::int64_t user_id = 0;
  millis created_at = 0;
  millis last_seen_at = 0;
  millis expires_at = 0;
  std::optional<millis> ended_at;
  std::string client_address;
};

std::int64_t insert_session(connection& c, const session_record& s);
std::optional<session_record> find_session(connection& c, std::span<const unsigned char> hash);
void touch_session(connection& c, std::int64_t id, millis last_seen_at);
void end_session(connection& c, std::int64_t id, millis at);
// Ends every open session of the user; returns how many.
std::int64_t end_user_sessions(connection& c, std::int64_t user_id, millis at);

struct api_token_record {
  std::int64_t id = 0;
  std::vector<unsigned char> token_hash;
  std::int64_t user_id = 0;
  std::string name;
  millis created_at = 0;
  std::optional<millis> expires_at;
  std::optional<millis> last_used_at;
  std::optional<millis> revoked_at;
};

std::int64_t insert_api_token(connection& c, const api_token_record& t);
std::optional<api_token_record> find_api_token(connection& c, std::span<const unsigned char> hash);
std::optional<api_token_record> find_api_token_by_id(connection& c, std::int64_t id);
std::vector<api_token_record> list_api_tokens(connection& c, std::int64_t user_id);
void touch_api_token(connection& c, std::int64_t id, millis at);
// Returns false when the token does not exist or was already revoked.
bool revoke_api_token(connection& c, std::int64_t id, millis at);

}  // namespace parix::storage
