// SQL behind the web UI's desk.
#include "storage/desk_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view evidence_counts_sql =
    "SELECT criterion_code, sum(state = 'draft'), sum(state = 'sealed') FROM evidence_files "
    "WHERE assessment_id = ? AND state <> 'removed' GROUP BY criterion_code";
constexpr std::string_view language_sql = "SELECT language FROM user_preferences WHERE user_id = ?";
constexpr std::string_view set_language_sql =
    "INSERT INTO user_preferences(user_id, language, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, "
    "updated_at = excluded.updated_at";

}  // namespace

std::map<std::string, leaf_evidence_count, std::less<>> evidence_counts(
    connection& c, std::int64_t assessment_id) {
  std::map<std::string, leaf_evidence_count, std::less<>> out;
  c.query(evidence_counts_sql, {assessment_id}, [&](const row& r) {
    out[r.text(0)] = {static_cast<int>(r.integer(1)), static_cast<int>(r.integer(2))};
  });
  return out;
}

std::optional<std::string> user_language(connection& c, std::int64_t user_id) {
  return c.query_one(language_sql, {user_id}, [](const row& r) { return r.text(0); });
}

void set_user_language(connection& c, std::int64_t user_id, std::string_view language, millis at) {
  c.execute(set_language_sql, {user_id, language, at});
}

}  // namespace parix::storage
