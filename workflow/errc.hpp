// The workflow module's error codes; server/problem.cpp maps each to HTTP.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <map>
#include <string>

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
  invalid_time,
  reason_required,
  already_voted,
  not_council_member,
  stale_version,
  // issue 10
  self_scores_missing,        // submit with applicable self leaves unscored, unconfirmed
  historical_incomplete,      // approve_historical with leaves lacking a final score
  leaf_not_evaluated,         // a score on a leaf that is not evaluated (decided or claimed)
  not_claimable,              // the campaign does not let this unit claim this leaf
  no_claim,                   // confirm or reject where nothing was claimed
  leaf_has_score,             // a claim on a leaf that has a self score
  empty_edit,                 // a leaf edit that names no field
  invalid_decision_date,      // a publication date that is no calendar date, or in the future
  decision_required,          // publication without a decision number or date
  nothing_to_publish,         // no approved file to publish
  ranking_not_published,      // an agency asks for figures before any is published
  invalid_campaign_name,      // campaign set-up: an empty name
  invalid_time_zone,          // campaign set-up: an unknown time zone
  schedule_out_of_order,      // campaign set-up: the schedule's dates out of order
  schedule_in_past,           // campaign set-up: a deadline already past (and not historical)
  invalid_bands,              // campaign set-up: classification bands
  invalid_approval_rule,      // campaign set-up: the council's rule
  no_groups,                  // campaign set-up: no unit group
  unknown_criteria_set,       // campaign set-up: a group names no criteria set
  unknown_unit,               // campaign set-up or import: no unit with that code
  unit_disabled,              // campaign set-up: a disabled unit
  unit_in_two_groups,         // campaign set-up: a unit in two groups
  unit_not_in_campaign,       // campaign set-up or import: a unit outside the campaign's groups
  unknown_user,               // campaign set-up: no user with that name
  user_not_appraiser,         // campaign set-up: an assignment names a user who is no appraiser
  user_not_council_member,    // campaign set-up: the council names a user who is no council member
  assignment_scope_required,  // campaign set-up: an assignment without field or unit
  campaign_exists,            // campaign set-up: the same name and year, unconfirmed
  invalid_score_import,       // a score import has problems (listed beside the error)
  invalid_group_key,          // campaign set-up: an empty or repeated group key
  duplicate_entry,            // campaign set-up: the same entry twice in a list
  claimable_scope_required,   // campaign set-up: a claimable leaf names neither unit nor group
  unknown_group,              // campaign set-up: a group key that no group has
  not_assigned_to_unit,       // an appraiser moves a file of a unit they are not assigned to
  // reports (docs/reports.md)
  not_published,         // the public asked for results not published yet
  group_not_found,       // no unit group with that key in the campaign
  unit_has_no_file,      // a report names a unit with no file in the campaign
  invalid_predecessor,   // the predecessor named is no campaign of an earlier year
  no_predecessor,        // year over year for a campaign that names no predecessor
  invalid_bulk_edit,     // some items of a bulk leaf edit are refused (listed beside)
  no_campaign_change,    // campaign change: a campaign change that names nothing to change
  campaign_published,    // campaign change: the name of a campaign whose results are published
  self_assessment_over,  // campaign change: the self-assessment deadline of a campaign no file is
                         // in any more
  past_date_reason_required,  // campaign change: a campaign date moved to the past without a reason
  window_length_locked,       // campaign change: the window length after a window was opened
  bands_locked,               // campaign change: classification bands after a file was approved
  approval_rule_locked,       // campaign change: the council's rule after a vote was cast
  council_locked,             // campaign change: the council after a vote was cast
  assignments_locked,        // campaign change: assignments when no file is left before the council
  unit_add_too_late,         // campaign change: a unit added after the self-assessment deadline
  unit_already_in_campaign,  // campaign change: a unit added that has a file in the campaign
  file_touched,              // campaign change: a unit removed whose file has been worked on
  not_evaluated_locked,   // campaign change: not evaluated changed on an approved or published file
  criteria_set_required,  // campaign change: a successor without a criteria set for a group
  not_carried_over,       // confirming a carried explanation on a leaf that has none to confirm
  last = not_carried_over,
};

const boost::system::error_category& workflow_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), workflow_category()};
}

template <class T>
using result = boost::system::result<T>;

// Why a request was refused, with the values a message needs ("closed at …", "max 0.5").
struct refusal_detail {
  std::map<std::string, std::string> values;
};

}  // namespace parix::workflow

template <>
struct boost::system::is_error_code_enum<parix::workflow::errc> : std::true_type {};
