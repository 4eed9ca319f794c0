// A whole campaign read and scored in a few set-based queries, for rankings and every
// campaign-wide report: the campaign, its unit groups and their criteria sets, every
// file with its unit, every leaf value in one query (a file's rows arrive together, so
// each file is scored as soon as its rows are in and nothing per file is kept but its
// score), adjustment totals and publications. Never file by file through the
// per-assessment path: 12,000 files would take minutes that way.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/assessment_records.hpp"
#include "storage/campaign_records.hpp"
#include "storage/unit_records.hpp"
#include "workflow/criteria.hpp"
#include "workflow/errc.hpp"
#include "workflow/field_indices.hpp"
#include "workflow/scoring.hpp"

namespace parix::workflow {

class criteria_cache;  // workflow/criteria_cache.hpp

struct campaign_group {
  storage::unit_group_record record;
  std::shared_ptr<const criteria_set> set;
  std::vector<std::size_t> files;   // indexes into campaign_scores::files, best first
  std::vector<field_index> fields;  // each field's mean index over the group's units
  // Every file of the group is published (and it has at least one).
  bool published = false;
  // The decision of the group's latest publication, if any of its files is published.
  std::optional<storage::publication_record> decision;
};

struct scored_file {
  storage::assessment_record record;
  storage::unit_record unit;
  std::size_t group = 0;  // index into campaign_scores::groups
  assessment_score score;
  int rank = 0;  // within its group, ties share a rank; 0 until every file is scored
  std::optional<storage::publication_record> publication;
};

// The appraisers' remarks on one leaf of one file (read only when asked for).
struct leaf_remarks {
  std::optional<std::string> round1, round2;
};

struct campaign_scores {
  storage::campaign_record campaign;
  std::vector<band> bands;
  std::vector<campaign_group> groups;  // by key
  std::vector<scored_file> files;      // by file id

  // The group with this key, or null.
  const campaign_group* find_group(std::string_view key) const;
};

struct campaign_read_options {
  bool remarks = false;  // also read the round-one and round-two remarks
  // Only the published files: ranked among themselves, so that an agency's view of the
  // published figures says nothing about the files still under appraisal.
  bool published_only = false;
  // Called once per file as soon as it is scored (rank still 0), with its group (whose
  // files, fields and publication are not filled in yet), its leaf values indexed like
  // its set's nodes (parents' entries are empty) and, when remarks is set, its remarks
  // indexed the same way (else an empty span). The spans are only valid during the call.
  std::function<void(const scored_file&, const campaign_group&, std::span<const leaf_facts>,
                     std::span<const leaf_remarks>)>
      each_file;
};

// Reads and scores the campaign inside the caller's read transaction: ranks within each
// group (by index, ties share a rank, equal indices keep file order) and each group's
// field means. errc::campaign_not_found. Throws storage::error. Thread-safe given its
// own connection (the cache is).
result<campaign_scores> read_campaign_scores(storage::connection& c, criteria_cache& sets,
                                             std::int64_t campaign_id,
                                             const campaign_read_options& options = {});

}  // namespace parix::workflow
