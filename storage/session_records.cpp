// SQL for sessions and API tokens.
#include "storage/session_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view insert_session_sql =
    "INSERT INTO sessions(token_hash, user_id, created_at, last_seen_at, expires_at, "
    "client_address) VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view select_session_sql =
    "SELECT id, token_hash, user_id, created_at, last_seen_at, expires_at, ended_at, "
    "client_address FROM sessions WHERE token_hash = ?";
constexpr std::string_view touch_session_sql =
    "UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?";
constexpr std::string_view end_session_sql =
    "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL";
constexpr std::string_view end_user_sessions_sql =
    "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL";

constexpr std::string_view insert_token_sql =
    "INSERT INTO api_tokens(token_hash, user_id, name, created_at, expires_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view select_token_sql =
    "SELECT id, token_hash, user_id, name, created_at, expires_at, last_used_at, revoked_at "
    "FROM api_tokens WHERE token_hash = ?";
constexpr std::string_view select_token_by_id_sql =
    "SELECT id, token_hash, user_id, name, created_at, expires_at, last_used_at, revoked_at "
    "FROM api_tokens WHERE id = ?";
constexpr std::string_view select_user_tokens_sql =
    "SELECT id, token_hash, user_id, name, created_at, expires_at, last_used_at, revoked_at "
    "FROM api_tokens WHERE user_id = ? ORDER BY id";
constexpr std::string_view touch_token_sql = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";
constexpr std::string_view revoke_token_sql =
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

session_record to_session(const row& r) {
  return session_record{r.integer(0), r.blob(1),    r.integer(2),          r.integer(3),
                        r.integer(4), r.integer(5), r.optional_integer(6), r.text(7)};
}

api_token_record to_token(const row& r) {
  return api_token_record{r.integer(0),          r.blob(1),
                          r.integer(2),          r.text(3),
                          r.integer(4),          r.optional_integer(5),
                          r.optional_integer(6), r.optional_integer(7)};
}

}  // namespace

std::int64_t insert_session(connection& c, const session_record& s) {
  c.execute(insert_session_sql, {blob_view{s.token_hash}, s.user_id, s.created_at, s.last_seen_at,
                                 s.expires_at, s.client_address});
  return c.last_insert_id();
}

std::optional<session_record> find_session(connection& c, std::span<const unsigned char> hash) {
  return c.query_one(select_session_sql, {blob_view{hash}}, to_session);
}

void touch_session(connection& c, std::int64_t id, millis last_seen_at) {
  c.execute(touch_session_sql, {last_seen_at, id});
}

void end_session(connection& c, std::int64_t id, millis at) {
  c.execute(end_session_sql, {at, id});
}

std::int64_t end_user_sessions(connection& c, std::int64_t user_id, millis at) {
  return c.execute(end_user_sessions_sql, {at, user_id});
}

std::int64_t insert_api_token(connection& c, const api_token_record& t) {
  c.execute(insert_token_sql,
            {blob_view{t.token_hash}, t.user_id, t.name, t.created_at, nullable(t.expires_at)});
  return c.last_insert_id();
}

std::optional<api_token_record> find_api_token(connection& c, std::span<const unsigned char> hash) {
  return c.query_one(select_token_sql, {blob_view{hash}}, to_token);
}

std::optional<api_token_record> find_api_token_by_id(connection& c, std::int64_t id) {
  return c.query_one(select_token_by_id_sql, {id}, to_token);
}

std::vector<api_token_record> list_api_tokens(connection& c, std::int64_t user_id) {
  std::vector<api_token_record> tokens;
  c.query(select_user_tokens_sql, {user_id}, [&](const row& r) { tokens.push_back(to_token(r)); });
  return tokens;
}

void touch_api_token(connection& c, std::int64_t id, millis at) {
  c.execute(touch_token_sql, {at, id});
}

bool revoke_api_token(connection& c, std::int64_t id, millis at) {
  return c.execute(revoke_token_sql, {at, id}) == 1;
}

}  // namespace parix::storage
