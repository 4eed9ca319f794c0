// The workflow error category (messages for logs; clients get translated texts).
#include "workflow/errc.hpp"

#include <string>

namespace parix::workflow {
namespace {

class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "parix.workflow"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_criteria:
        return "invalid criteria set";
      case errc::criteria_set_exists:
        return "criteria set key taken";
      case errc::criteria_set_not_found:
        return "criteria set not found";
      case errc::campaign_not_found:
        return "campaign not found";
      case errc::assessment_not_found:
        return "assessment not found";
      case errc::unknown_criterion:
        return "unknown criterion";
      case errc::not_a_leaf:
        return "not a leaf";
      case errc::wrong_stage:
        return "wrong stage";
      case errc::wrong_role:
        return "wrong role";
      case errc::wrong_unit:
        return "wrong unit";
      case errc::not_assigned:
        return "not assigned";
      case errc::deadline_passed:
        return "deadline passed";
      case errc::window_closed:
        return "window closed";
      case errc::leaf_not_flagged:
        return "leaf not flagged";
      case errc::not_self_scored:
        return "not self-scored";
      case errc::score_above_max:
        return "score above maximum";
      case errc::too_many_decimals:
        return "too many decimals";
      case errc::negative_score:
        return "negative score";
      case errc::invalid_score:
        return "invalid score";
      case errc::round1_incomplete:
        return "round one incomplete";
      case errc::no_flagged_leaves:
        return "no flagged leaves";
      case errc::flagged_leaves:
        return "flagged leaves";
      case errc::invalid_time:
        return "invalid time";
      case errc::reason_required:
        return "reason required";
      case errc::already_voted:
        return "already voted";
      case errc::not_council_member:
        return "not a council member";
      case errc::stale_version:
        return "stale version";
      case errc::self_scores_missing:
        return "self scores missing";
      case errc::historical_incomplete:
        return "historical incomplete";
      case errc::leaf_not_evaluated:
        return "leaf not evaluated";
      case errc::not_claimable:
        return "not claimable";
      case errc::no_claim:
        return "no claim";
      case errc::leaf_has_score:
        return "leaf has score";
      case errc::empty_edit:
        return "empty edit";
      case errc::invalid_decision_date:
        return "invalid decision date";
      case errc::decision_required:
        return "decision required";
      case errc::nothing_to_publish:
        return "nothing to publish";
      case errc::ranking_not_published:
        return "ranking not published";
      case errc::invalid_campaign_name:
        return "invalid campaign name";
      case errc::invalid_time_zone:
        return "invalid time zone";
      case errc::schedule_out_of_order:
        return "schedule out of order";
      case errc::schedule_in_past:
        return "schedule in past";
      case errc::invalid_bands:
        return "invalid bands";
      case errc::invalid_approval_rule:
        return "invalid approval rule";
      case errc::no_groups:
        return "no groups";
      case errc::unknown_criteria_set:
        return "unknown criteria set";
      case errc::unknown_unit:
        return "unknown unit";
      case errc::unit_disabled:
        return "unit disabled";
      case errc::unit_in_two_groups:
        return "unit in two groups";
      case errc::unit_not_in_campaign:
        return "unit not in campaign";
      case errc::unknown_user:
        return "unknown user";
      case errc::user_not_appraiser:
        return "user not appraiser";
      case errc::user_not_council_member:
        return "user not council member";
      case errc::assignment_scope_required:
        return "assignment scope required";
      case errc::campaign_exists:
        return "campaign exists";
      case errc::invalid_score_import:
        return "invalid score import";
      case errc::invalid_group_key:
        return "invalid group key";
      case errc::duplicate_entry:
        return "duplicate entry";
      case errc::claimable_scope_required:
        return "claimable scope required";
      case errc::unknown_group:
        return "unknown group";
      case errc::not_assigned_to_unit:
        return "not assigned to unit";
      case errc::not_published:
        return "not published";
      case errc::group_not_found:
        return "unit group not found";
      case errc::unit_has_no_file:
        return "unit has no file";
      case errc::invalid_predecessor:
        return "invalid predecessor";
      case errc::no_predecessor:
        return "no predecessor";
      case errc::invalid_bulk_edit:
        return "invalid bulk edit";
      case errc::no_campaign_change:
        return "no campaign change";
      case errc::campaign_published:
        return "campaign published";
      case errc::self_assessment_over:
        return "self assessment over";
      case errc::past_date_reason_required:
        return "past date reason required";
      case errc::window_length_locked:
        return "window length locked";
      case errc::bands_locked:
        return "bands locked";
      case errc::approval_rule_locked:
        return "approval rule locked";
      case errc::council_locked:
        return "council locked";
      case errc::assignments_locked:
        return "assignments locked";
      case errc::unit_add_too_late:
        return "unit add too late";
      case errc::unit_already_in_campaign:
        return "unit already in campaign";
      case errc::file_touched:
        return "file touched";
      case errc::not_evaluated_locked:
        return "not evaluated locked";
      case errc::criteria_set_required:
        return "criteria set required";
      case errc::not_carried_over:
        return "not carried over";
    }
    return "unknown workflow error";
  }
};

}  // namespace

const boost::system::error_category& workflow_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace parix::workflow
