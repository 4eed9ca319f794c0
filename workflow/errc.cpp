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
      case errc::window_overlap:
        return "window overlap";
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
