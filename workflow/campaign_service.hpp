// Setting up a year's campaign: unit groups bound to criteria sets, the schedule,
// classification bands, the council's rule, appraiser assignments, council members and
// the not-evaluated rules. Creating a campaign opens one assessment per unit. Audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/actor.hpp"
#include "auth/clock.hpp"
#include "storage/campaign_records.hpp"
#include "workflow/errc.hpp"
#include "workflow/scoring.hpp"
#include "workflow/time_text.hpp"

namespace parix::workflow {

struct campaign_spec {
  std::int64_t year = 0;
  std::string name;
  std::string time_zone = "Asia/Ho_Chi_Minh";
  time_point self_deadline, round1_end, round2_end, council_date;
  std::chrono::seconds window_length{2 * 24 * 3600};
  std::chrono::seconds grace{0};
  std::vector<band> bands = default_bands();
  approval_rule rule;
  // A past year loaded with its final figures: the schedule may lie in the past, the files
  // start in the stage `historical`, and no deadline applies (docs/workflow.md).
  bool historical = false;
  // Another campaign of the same year has the same name and this one is meant anyway.
  bool confirm_duplicate = false;

  struct group {
    std::string key, name;
    std::string criteria_set_key;
    std::vector<std::string> unit_codes;
  };
  std::vector<group> groups;

  // The secretariat's decision: the leaf does not apply to the unit this year.
  struct not_evaluated {
    std::string unit_code, criterion_code, reason;
  };
  std::vector<not_evaluated> not_evaluated_leaves;

  // A self-scored leaf the agency may claim does not apply, for one unit or for every
  // unit of a group; an appraiser confirms or rejects each claim in round one.
  struct claimable {
    std::optional<std::string> unit_code, group_key;
    std::string criterion_code;
  };
  std::vector<claimable> claimable_leaves;

  struct assignment {
    std::string username;
    std::optional<std::string> field_code;  // e.g. "2": Justice appraises field 2 everywhere
    std::optional<std::string> unit_code;
  };
  std::vector<assignment> assignments;
  std::vector<std::string> council;  // usernames
};

// What a refusal of the spec is about: the field as the request sent it, with its
// position ("groups[1].units[0]", "not_evaluated[2].criterion"), and the value there.
struct spec_problem {
  std::string field, value;
  std::string method;  // not_self_scored: the leaf's method
};

struct assignment_view {
  std::string username;
  std::optional<std::string> field_code, unit_code;
};

// One unit's file in a campaign, as the campaign lists it.
struct campaign_file {
  std::int64_t assessment_id = 0, group_id = 0;
  std::string unit_code, state;
};

struct campaign_view {
  storage::campaign_record campaign;
  std::vector<storage::unit_group_record> groups;
  std::vector<band> bands;
  approval_rule rule;
  std::vector<assignment_view> assignments;
  std::vector<std::string> council;  // usernames
  std::vector<storage::not_evaluated_row> not_evaluated;
  std::vector<std::pair<std::string, std::string>> claimable;  // unit code, leaf code
  std::vector<campaign_file> files;                            // every unit's file, in id order
  // On creation: what was accepted but looks like a mistake (no council, a field that
  // no appraiser is assigned to, a quorum larger than the council).
  std::vector<std::string> warnings;
};

class campaign_service {
 public:
  campaign_service(storage::database& db, const auth::clock& clock) : db_(db), clock_(clock) {}

  // Validates the whole spec and creates the campaign, or refuses and changes nothing.
  // Each refusal has its own code (invalid_campaign_name, invalid_time_zone,
  // schedule_out_of_order, schedule_in_past, invalid_bands, invalid_approval_rule,
  // no_groups, invalid_group_key, unknown_criteria_set, unknown_unit, unit_disabled,
  // unit_in_two_groups, unit_not_in_campaign, unknown_group, unknown_criterion,
  // not_a_leaf, not_self_scored, reason_required, duplicate_entry,
  // claimable_scope_required, unknown_user, user_not_appraiser,
  // user_not_council_member, assignment_scope_required, campaign_exists), and *problem
  // names the field and value. Thread-safe.
  result<campaign_view> create(const auth::actor& by, const campaign_spec& spec,
                               spec_problem* problem = nullptr);
  result<campaign_view> get(std::int64_t id);
  std::vector<storage::campaign_record> list();

 private:
  storage::database& db_;
  const auth::clock& clock_;
};

// Bands and rule as stored in campaigns.bands_json / approval_*.
std::string bands_to_json(const std::vector<band>& bands);
std::vector<band> bands_from_json(const std::string& json);
approval_rule rule_of(const storage::campaign_record& c);

}  // namespace parix::workflow
