// The audit query: a fixed set of optional clauses, every value bound as a parameter.
#include "storage/audit_query.hpp"

namespace parix::storage {

std::vector<audit_entry> query_audit(connection& c, const audit_filter& f) {
  // Each clause is "(? IS NULL OR column = ?)" with the value bound twice, so that the
  // statement text never changes (one cached prepared statement) and no value is ever
  // spliced into SQL.
  static constexpr std::string_view sql =
      "SELECT id, at, actor, actor_role, client_address, action, entity, campaign_id, unit_id, "
      "assessment_id, criterion_code, old_value, new_value, reason, prev_hash, hash "
      "FROM audit_entries WHERE id > ? "
      "AND (? IS NULL OR campaign_id = ?) AND (? IS NULL OR unit_id = ?) "
      "AND (? IS NULL OR assessment_id = ?) AND (? IS NULL OR criterion_code = ?) "
      "AND (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?) "
      "AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) ORDER BY id LIMIT ?";
  std::vector<value> params{f.after_id};
  auto twice = [&](value v) {
    params.push_back(v);
    params.push_back(v);
  };
  twice(nullable(f.campaign_id));
  twice(nullable(f.unit_id));
  twice(nullable(f.assessment_id));
  twice(nullable(f.criterion_code));
  twice(nullable(f.actor));
  twice(nullable(f.action));
  twice(nullable(f.from));
  twice(nullable(f.to));
  params.push_back(f.limit);
  std::vector<audit_entry> out;
  c.query(sql, std::span<const value>{params},
          [&](const row& r) { out.push_back(read_audit_entry(r)); });
  return out;
}

}  // namespace parix::storage
