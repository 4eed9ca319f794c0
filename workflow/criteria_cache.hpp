// Criteria sets never change once imported, so each is read from its database once
// and shared; every write to a file would otherwise rebuild the set's tree. One cache
// belongs to one database (set ids are only unique within a file).
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "storage/connection.hpp"
#include "storage/criteria_records.hpp"
#include "workflow/criteria_service.hpp"

namespace parix::workflow {

class criteria_cache {
 public:
  // The set, read through c on first use. Thread-safe; throws storage::error.
  std::shared_ptr<const criteria_set> get(storage::connection& c, std::int64_t set_id) {
    {
      std::lock_guard lock{mutex_};
      if (auto it = sets_.find(set_id); it != sets_.end()) return it->second;
    }
    auto set = std::make_shared<const criteria_set>(
        load_criteria_set(c, *storage::find_criteria_set(c, set_id)));
    std::lock_guard lock{mutex_};
    return sets_.emplace(set_id, std::move(set)).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<const criteria_set>> sets_;
};

}  // namespace parix::workflow
