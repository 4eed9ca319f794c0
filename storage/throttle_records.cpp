// SQL for failed-login counters.
#include "storage/throttle_records.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view select_sql =
    "SELECT key, failures, last_failure_at, locked_until FROM login_throttle WHERE key = ?";
constexpr std::string_view upsert_sql =
    "INSERT INTO login_throttle(key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
    "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until";
constexpr std::string_view delete_sql = "DELETE FROM login_throttle WHERE key = ?";

}  // namespace

std::optional<throttle_record> find_throttle(connection& c, std::string_view key) {
  return c.query_one(select_sql, {key}, [](const row& r) {
    return throttle_record{r.text(0), r.integer(1), r.integer(2), r.optional_integer(3)};
  });
}

void save_throttle(connection& c, const throttle_record& t) {
  c.execute(upsert_sql, {t.key, t.failures, t.last_failure_at, nullable(t.locked_until)});
}

void clear_throttle(connection& c, std::string_view key) {
  c.execute(delete_sql, {key});
}

}  // namespace parix::storage
