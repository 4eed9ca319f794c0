// SQL that only the reports need (issue 14): a campaign's publications in one query,
// one file found by its unit's code, a file's sealed evidence with every file's hash,
// and which unit groups of which campaigns are published.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/assessment_records.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"

namespace parix::storage {

// Every publication of the files of one campaign, by file id.
std::vector<publication_record> campaign_publications(connection& c, std::int64_t campaign_id);

// The file of the unit with this code in this campaign, if it has one.
std::optional<assessment_record> find_campaign_assessment(connection& c, std::int64_t campaign_id,
                                                          std::string_view unit_code);

// One sealed file of one sealed evidence version of a file, with the version's facts.
struct sealed_evidence_row {
  std::int64_t version_id = 0;
  std::string criterion_code;
  std::int64_t version = 0;
  std::string stage;
  std::string archive_sha256;
  std::int64_t archive_size = 0;
  millis sealed_at = 0;
  std::string sealed_by;
  std::string file_name;
  std::string file_sha256;
  std::int64_t file_size = 0;
  std::optional<std::string> doc_number, doc_date;
};
// Every sealed file of a file's evidence versions, by criterion, version, then file.
std::vector<sealed_evidence_row> assessment_sealed_evidence(connection& c,
                                                            std::int64_t assessment_id);

// One unit group with how many of its files there are and how many are published, and
// the decision of its latest publication.
struct group_publication_row {
  std::int64_t campaign_id = 0;
  std::int64_t group_id = 0;
  std::string key, name;
  std::int64_t files = 0, published = 0;
  std::optional<std::string> decision_number, decision_date;
  std::optional<millis> decision_at;
};
// Every unit group of every campaign, by campaign then group id.
std::vector<group_publication_row> group_publications(connection& c);

}  // namespace parix::storage
