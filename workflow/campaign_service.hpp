// Setting up a year's campaign: unit groups bound to criteria sets, the schedule,
// classification bands, the council's rule, appraiser assignments, council members and
// the not-evaluated rules. Creating a campaign opens one assessment per unit. Audited.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
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
  // The campaign of an earlier year this one follows (the year-over-year report).
  std::optional<std::int64_t> predecessor;
  // With a predecessor: carry its agencies' explanations and sealed evidence forward, to be
  // confirmed (workflow/carry_over.hpp).
  bool carry_over = false;

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

// A change to a campaign after creation (docs/campaigns.md): only what is present changes.
// Lists (council, assignments) replace the whole list; units, groups and not-evaluated
// leaves are added and removed one by one.
struct campaign_changes {
  std::optional<std::string> name;
  std::optional<time_point> self_deadline, round1_end, round2_end, council_date;
  std::optional<std::chrono::seconds> window_length, grace;
  // Why: required when a date moves to the past, kept in the audit entry of every change.
  std::optional<std::string> reason;
  std::optional<std::vector<band>> bands;
  std::optional<approval_rule> rule;
  std::optional<std::vector<std::string>> council;
  std::optional<std::vector<campaign_spec::assignment>> assignments;
  std::vector<campaign_spec::group> add_groups;  // each with its criteria set and units
  std::vector<std::string> remove_groups;        // group keys
  struct unit_addition {
    std::string unit_code, group_key;
  };
  std::vector<unit_addition> add_units;
  std::vector<std::string> remove_units;  // unit codes
  std::vector<campaign_spec::not_evaluated> set_not_evaluated;
  struct leaf_ref {
    std::string unit_code, criterion_code;
  };
  std::vector<leaf_ref> clear_not_evaluated;
};

// Next year's campaign from this one (POST …/successor).
struct successor_spec {
  std::optional<std::string> name;                   // default: this name with the year replaced
  std::map<std::string, std::string> criteria_sets;  // group key → the new year's set key
  bool confirm_duplicate = false;
  // Carry last year's explanations and evidence of unchanged leaves forward, each to be
  // confirmed by the agency (workflow/carry_over.hpp).
  bool carry_over = false;
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
  // user_not_council_member, assignment_scope_required, campaign_exists,
  // invalid_predecessor), and *problem
  // names the field and value. Thread-safe.
  result<campaign_view> create(const auth::actor& by, const campaign_spec& spec,
                               spec_problem* problem = nullptr);
  result<campaign_view> get(std::int64_t id);

  // Applies every change of `changes` to campaign `id` at `version` (its ETag), or none:
  // each change is checked against its stage rule (docs/campaigns.md) and refused with its
  // own code (stale_version, empty_edit, invalid_campaign_name, campaign_published,
  // schedule_out_of_order, self_assessment_over, past_date_reason_required,
  // window_length_locked, invalid_bands, bands_locked, invalid_approval_rule,
  // approval_rule_locked, council_locked, assignments_locked, unit_add_too_late,
  // unit_already_in_campaign, file_touched, not_evaluated_locked, and the set-up codes
  // for names that do not resolve); *problem names the field and value. Each change is
  // one audit entry with the old and new value. Thread-safe. Defined in
  // workflow/campaign_changes.cpp.
  result<campaign_view> update(const auth::actor& by, std::int64_t id, std::int64_t version,
                               const campaign_changes& changes, spec_problem* problem = nullptr);

  // Creates next year's campaign from campaign `id`: the same groups (each with the set
  // named in spec.criteria_sets), enabled units, assignments (those whose field the new
  // set has), council, bands, rule and claimable leaves (where the new set has the leaf,
  // self-scored), the schedule a year later, and `id` as predecessor. Refusals: those of
  // create, criteria_set_required (a group without a set in the spec), unknown_group.
  // Defined in workflow/campaign_successor.cpp. Thread-safe.
  result<campaign_view> successor(const auth::actor& by, std::int64_t id,
                                  const successor_spec& spec, spec_problem* problem = nullptr);
  std::vector<storage::campaign_record> list();

 private:
  storage::database& db_;
  const auth::clock& clock_;
};

// The stored campaign as the API shows it (groups, people, not-evaluated lists).
campaign_view read_campaign_view(storage::connection& c, const storage::campaign_record& r);

// The checks create and update share: errc{} (no error) when valid, else the code and
// *problem filled.
errc check_bands(const std::vector<band>& bands, spec_problem* problem);
errc check_rule(const approval_rule& rule, spec_problem* problem);
// The council's usernames: each a council member, none twice. Their user ids, or the
// refusal (unknown_user, user_not_council_member, duplicate_entry) naming council[i].
result<std::vector<std::int64_t>> check_council(storage::connection& c,
                                                const std::vector<std::string>& names,
                                                spec_problem* problem);
// One appraiser assignment (assignments[i]): an appraiser, scoped to a field of `fields`
// and/or a unit that has a file in the campaign. The record to store, or the refusal
// (unknown_user, user_not_appraiser, assignment_scope_required, unknown_criterion,
// unknown_unit, unit_not_in_campaign).
result<storage::assignment_record> check_assignment(
    storage::connection& c, std::int64_t campaign_id, const campaign_spec::assignment& a,
    std::size_t i, const std::set<std::string>& fields,
    const std::function<bool(const std::string&)>& has_file, spec_problem* problem);

// Bands and rule as stored in campaigns.bands_json / approval_*.
std::string bands_to_json(const std::vector<band>& bands);
std::vector<band> bands_from_json(const std::string& json);
approval_rule rule_of(const storage::campaign_record& c);

}  // namespace parix::workflow
