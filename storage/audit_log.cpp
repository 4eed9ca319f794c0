// Appending to and checking the hash-chained audit log.
#include "storage/audit_log.hpp"

#include <boost/json.hpp>

#include "storage/sha256.hpp"

namespace parix::storage {
namespace {

constexpr std::string_view last_hash_sql =
    "SELECT id, hash FROM audit_entries ORDER BY id DESC LIMIT 1";
constexpr std::string_view insert_sql =
    "INSERT INTO audit_entries(id, at, actor, actor_role, client_address, action, entity, "
    "campaign_id, unit_id, assessment_id, criterion_code, old_value, new_value, reason, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view scan_sql =
    "SELECT id, at, actor, actor_role, client_address, action, entity, campaign_id, unit_id, "
    "assessment_id, criterion_code, old_value, new_value, reason, prev_hash, hash "
    "FROM audit_entries WHERE id >= ? ORDER BY id";

constexpr std::string_view leaf_sql =
    "SELECT id, at, actor, actor_role, client_address, action, entity, campaign_id, unit_id, "
    "assessment_id, criterion_code, old_value, new_value, reason, prev_hash, hash "
    "FROM audit_entries WHERE assessment_id = ? AND criterion_code = ? ORDER BY id";

}  // namespace

audit_entry read_audit_entry(const row& r) {
  audit_entry e;
  e.id = r.integer(0);
  e.at = r.integer(1);
  e.event = audit_event{r.text(2),
                        r.text(3),
                        r.text(4),
                        r.text(5),
                        r.text(6),
                        r.optional_integer(7),
                        r.optional_integer(8),
                        r.optional_integer(9),
                        r.optional_text(10),
                        r.optional_text(11),
                        r.optional_text(12),
                        r.optional_text(13)};
  e.prev_hash = r.text(14);
  e.hash = r.text(15);
  return e;
}

namespace {

boost::json::value json_of(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}
boost::json::value json_of(const std::optional<std::int64_t>& i) {
  return i ? boost::json::value(*i) : boost::json::value(nullptr);
}

}  // namespace

std::string canonical_form(const audit_entry& e) {
  const audit_event& v = e.event;
  boost::json::array a{e.id,
                       e.at,
                       v.actor,
                       v.actor_role,
                       v.client_address,
                       v.action,
                       v.entity,
                       json_of(v.campaign_id),
                       json_of(v.unit_id),
                       json_of(v.assessment_id),
                       json_of(v.criterion_code),
                       json_of(v.old_value),
                       json_of(v.new_value),
                       json_of(v.reason),
                       e.prev_hash};
  return boost::json::serialize(a);
}

audit_entry append_audit(connection& c, const audit_event& event, millis at) {
  audit_entry e;
  e.event = event;
  e.at = at;
  e.id = 1;
  e.prev_hash = genesis_hash;
  c.query(last_hash_sql, {}, [&](const row& r) {
    e.id = r.integer(0) + 1;
    e.prev_hash = r.text(1);
  });
  e.hash = to_hex(sha256(canonical_form(e)));
  c.execute(insert_sql, {e.id, e.at, event.actor, event.actor_role, event.client_address,
                         event.action, event.entity, nullable(event.campaign_id),
                         nullable(event.unit_id), nullable(event.assessment_id),
                         nullable(event.criterion_code), nullable(event.old_value),
                         nullable(event.new_value), nullable(event.reason), e.prev_hash, e.hash});
  return e;
}

void scan_audit(connection& c, std::int64_t first_id,
                const std::function<void(const audit_entry&)>& each) {
  c.query(scan_sql, {first_id}, [&](const row& r) { each(read_audit_entry(r)); });
}

std::vector<audit_entry> leaf_history(connection& c, std::int64_t assessment_id,
                                      std::string_view criterion_code) {
  std::vector<audit_entry> out;
  c.query(leaf_sql, {assessment_id, criterion_code},
          [&](const row& r) { out.push_back(read_audit_entry(r)); });
  return out;
}

std::optional<std::int64_t> verify_audit_chain(connection& c) {
  std::optional<std::int64_t> broken;
  std::string expected_prev = genesis_hash;
  std::int64_t expected_id = 1;
  scan_audit(c, 1, [&](const audit_entry& e) {
    if (broken) return;
    if (e.id != expected_id || e.prev_hash != expected_prev ||
        to_hex(sha256(canonical_form(e))) != e.hash) {
      broken = e.id;
      return;
    }
    expected_prev = e.hash;
    ++expected_id;
  });
  return broken;
}

}  // namespace parix::storage
