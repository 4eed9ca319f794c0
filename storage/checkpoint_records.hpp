// SQL for signed audit checkpoints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct checkpoint_record {
  std::int64_t id = 0;
  millis at = 0;
  std::int64_t size = 0;
  std::string head_hash;
  std::string key_id;
  std::string note;
};

void insert_checkpoint(connection& c, const checkpoint_record& r);
std::optional<checkpoint_record> latest_checkpoint(connection& c);
// Newest first.
std::vector<checkpoint_record> list_checkpoints(connection& c);
// The number of entries and the hash of the last one (genesis when empty).
std::pair<std::int64_t, std::string> audit_head(connection& c);
// The hash of entry id, or nullopt when the log has no such entry.
std::optional<std::string> audit_hash_at(connection& c, std::int64_t id);

}  // namespace parix::storage
