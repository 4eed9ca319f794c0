// The workflow module's error codes; server/problem.cpp maps each to HTTP.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace parix::workflow {

enum class errc {
  invalid_criteria = 1,  // the CSV has problems (listed beside the error)
  criteria_set_exists,   // the key is taken: a new version needs a new key
  criteria_set_not_found,
  campaign_not_found,
  assessment_not_found,
  unknown_criterion,
  not_a_leaf,
  wrong_stage,       // the assessment is not in a stage that allows this
  wrong_role,        // the role may not fire this event or edit this field
  wrong_unit,        // the actor belongs to another unit
  not_assigned,      // the appraiser is not assigned to this field or unit
  deadline_passed,   // the deadline (and any grace) is over
  window_closed,     // the explanation window is closed
  leaf_not_flagged,  // in the window, only flagged leaves may be answered
  not_self_scored,   // survey/external leaves are imported, not self-scored
  score_above_max,
  too_many_decimals,
  negative_score,
  invalid_score,
  round1_incomplete,  // some applicable self-scored leaf has no round-one score
  no_flagged_leaves,
  flagged_leaves,  // complete_round1 with flagged leaves: open a window instead
  window_overlap,
  invalid_time,
  reason_required,
  already_voted,
  not_council_member,
  stale_version,
  // evidence (docs/evidence.md)
  upload_not_found,
  upload_gone,
  offset_mismatch,
  upload_busy,
  checksum_mismatch,
  checksum_unsupported,
  file_checksum_mismatch,
  file_too_large,
  leaf_evidence_limit,
  type_not_allowed,
  extension_mismatch,
  unsafe_archive,
  invalid_file_name,
  upload_incomplete,
  upload_attached,
  evidence_not_found,
  evidence_sealed,
  invalid_document_date,
  blob_missing,
  range_not_satisfiable,
  // reports (docs/reports.md)
  not_published,         // the public asked for results not published yet
  group_not_found,       // no unit group with that key in the campaign
  unit_not_in_campaign,  // no file of that unit in the campaign
};

const boost::system::error_category& workflow_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), workflow_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace parix::workflow

template <>
struct boost::system::is_error_code_enum<parix::workflow::errc> : std::true_type {};
