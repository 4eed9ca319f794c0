// SQL for signed audit checkpoints.
#include "storage/checkpoint_records.hpp"

#include "storage/audit_log.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view insert_sql =
    "INSERT INTO audit_checkpoints(at, size, head_hash, key_id, note) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view latest_sql =
    "SELECT id, at, size, head_hash, key_id, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1";
constexpr std::string_view list_sql =
    "SELECT id, at, size, head_hash, key_id, note FROM audit_checkpoints ORDER BY id DESC";
constexpr std::string_view head_sql = "SELECT id, hash FROM audit_entries ORDER BY id DESC LIMIT 1";
constexpr std::string_view hash_at_sql = "SELECT hash FROM audit_entries WHERE id = ?";

checkpoint_record to_checkpoint(const row& r) {
  return {r.integer(0), r.integer(1), r.integer(2), r.text(3), r.text(4), r.text(5)};
}

}  // namespace

void insert_checkpoint(connection& c, const checkpoint_record& r) {
  c.execute(insert_sql, {r.at, r.size, r.head_hash, r.key_id, r.note});
}

std::optional<checkpoint_record> latest_checkpoint(connection& c) {
  return c.query_one(latest_sql, {}, to_checkpoint);
}

std::vector<checkpoint_record> list_checkpoints(connection& c) {
  std::vector<checkpoint_record> out;
  c.query(list_sql, {}, [&](const row& r) { out.push_back(to_checkpoint(r)); });
  return out;
}

std::pair<std::int64_t, std::string> audit_head(connection& c) {
  std::pair<std::int64_t, std::string> head{0, genesis_hash};
  c.query(head_sql, {}, [&](const row& r) { head = {r.integer(0), r.text(1)}; });
  return head;
}

std::optional<std::string> audit_hash_at(connection& c, std::int64_t id) {
  return c.query_one(hash_at_sql, {id}, [](const row& r) { return r.text(0); });
}

}  // namespace parix::storage
