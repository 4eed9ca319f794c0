// SQL behind the web UI's desk: evidence counts per leaf of a file, and the per-user
// preferences (the chosen language).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

struct leaf_evidence_count {
  int drafts = 0;
  int sealed = 0;
};

// Draft and sealed (not removed) evidence files of each leaf of one assessment.
std::map<std::string, leaf_evidence_count, std::less<>> evidence_counts(connection& c,
                                                                        std::int64_t assessment_id);

// The language a user chose ("vi", "en"), if any.
std::optional<std::string> user_language(connection& c, std::int64_t user_id);
void set_user_language(connection& c, std::int64_t user_id, std::string_view language, millis at);

}  // namespace parix::storage
