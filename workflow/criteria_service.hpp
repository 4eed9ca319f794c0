// Importing, listing and reading criteria sets. Every import is audited.
#pragma once

#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "storage/criteria_records.hpp"
#include "workflow/criteria.hpp"
#include "workflow/errc.hpp"

namespace parix::workflow {

struct imported_set {
  std::int64_t id = 0;
  criteria_set set;
  criteria_summary summary;
};

class criteria_service {
 public:
  criteria_service(storage::database& db, const auth::clock& clock) : db_(db), clock_(clock) {}

  // Validates and stores a set. On errc::invalid_criteria, *problems lists every
  // problem (with line and code). errc::criteria_set_exists when the key is taken:
  // sets are immutable, a new version needs a new key. Thread-safe.
  result<imported_set> import(const auth::actor& by, std::string_view csv,
                              std::vector<criteria_problem>* problems = nullptr);
  std::vector<storage::criteria_set_record> list();
  // The set as a tree. errc::criteria_set_not_found.
  result<imported_set> get(std::int64_t id);

 private:
  storage::database& db_;
  const auth::clock& clock_;
};

// Loads a stored set (inside the caller's transaction).
criteria_set load_criteria_set(storage::connection& c, const storage::criteria_set_record& r);

}  // namespace parix::workflow
