// Reads of the audit log for the routes.
#include "workflow/audit_service.hpp"

#include "storage/unit_records.hpp"

namespace parix::workflow {

std::vector<storage::audit_entry> audit_service::query(
    storage::audit_filter f, const std::optional<std::string>& unit_code) const {
  return db_.read_result([&](storage::connection& c) {
    if (unit_code) {
      auto u = storage::find_unit_by_code(c, *unit_code);
      f.unit_id = u ? u->id : -1;  // an unknown unit matches nothing
    }
    return storage::query_audit(c, f);
  });
}

std::vector<storage::checkpoint_record> audit_service::checkpoints() const {
  return db_.read_result([](storage::connection& c) { return storage::list_checkpoints(c); });
}

audit_report audit_service::verify() const {
  return db_.read_result([](storage::connection& c) { return verify_audit(c); });
}

std::vector<storage::signing_key_record> audit_service::keys() const {
  return db_.read_result([](storage::connection& c) { return storage::signing_keys(c); });
}

}  // namespace parix::workflow
