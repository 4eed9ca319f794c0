// Filtered, paginated reads of the audit log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/audit_log.hpp"

namespace parix::storage {

struct audit_filter {
  std::optional<std::int64_t> campaign_id, unit_id, assessment_id;
  std::optional<std::string> criterion_code, actor, action;
  std::optional<millis> from, to;  // at >= from, at < to
  std::int64_t after_id = 0;       // keyset pagination: entries with id > after_id
  std::int64_t limit = 100;
};

// Entries matching every set filter, in id order, at most limit.
std::vector<audit_entry> query_audit(connection& c, const audit_filter& f);

}  // namespace parix::storage
